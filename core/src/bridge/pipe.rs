//! The local channel between the native host and the running app on Windows: a named pipe
//! whose name carries the user's SID (`\\.\pipe\ninsho-bridge-<SID>`), whose access list
//! grants this user alone (so no other user can connect, or create an instance of it to
//! squat the name), that refuses remote clients, and whose other end is checked to run as
//! this user both ways: the app checks the host, and the host checks it is talking to an app
//! of its own user (a pipe another user created first would otherwise receive the token).

use std::ffi::c_void;
use std::fs::File;
use std::io;
use std::os::windows::io::{FromRawHandle, RawHandle};
use std::ptr::null_mut;
use std::sync::Mutex;

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_FILE_NOT_FOUND, ERROR_PIPE_BUSY, ERROR_PIPE_CONNECTED, GetLastError, HANDLE,
    INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER,
    TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{FILE_FLAG_FIRST_PIPE_INSTANCE, PIPE_ACCESS_DUPLEX};
use windows_sys::Win32::System::Pipes::{
    ConnectNamedPipe, CreateNamedPipeW, GetNamedPipeClientProcessId, GetNamedPipeServerProcessId,
    PIPE_READMODE_BYTE, PIPE_REJECT_REMOTE_CLIENTS, PIPE_TYPE_BYTE, PIPE_UNLIMITED_INSTANCES,
    PIPE_WAIT, WaitNamedPipeW,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_QUERY_LIMITED_INFORMATION,
};

const BUFFER: u32 = 64 * 1024;

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// A handle closed when dropped.
struct Owned(HANDLE);

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the handle is open and owned here alone.
        unsafe { CloseHandle(self.0) };
    }
}

/// The SID (as text, `S-1-5-21-…`) of the user a process runs as.
fn sid_of(process: HANDLE) -> Option<String> {
    let mut token: HANDLE = null_mut();
    // SAFETY: `process` is a valid process handle; `token` is valid for a write.
    if unsafe { OpenProcessToken(process, TOKEN_QUERY, &mut token) } == 0 {
        return None;
    }
    let token = Owned(token);
    let mut len = 0u32;
    // SAFETY: asking for the size only (null buffer of length 0).
    unsafe { GetTokenInformation(token.0, TokenUser, null_mut(), 0, &mut len) };
    if len == 0 {
        return None;
    }
    // u64s keep the buffer aligned for TOKEN_USER.
    let mut buf = vec![0u64; (len as usize).div_ceil(8)];
    // SAFETY: `buf` holds `len` bytes, aligned for TOKEN_USER.
    let ok = unsafe {
        GetTokenInformation(
            token.0,
            TokenUser,
            buf.as_mut_ptr().cast::<c_void>(),
            len,
            &mut len,
        )
    };
    if ok == 0 {
        return None;
    }
    // SAFETY: GetTokenInformation filled `buf` with a TOKEN_USER.
    let sid = unsafe { (*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid };
    let mut text: *mut u16 = null_mut();
    // SAFETY: `sid` points into `buf`, alive here; `text` is valid for a write.
    if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 || text.is_null() {
        return None;
    }
    // SAFETY: `text` is a NUL-terminated wide string LocalAlloc'ed by the call above.
    let out = unsafe {
        let n = (0..).take_while(|&i| *text.add(i) != 0).count();
        let s = String::from_utf16_lossy(std::slice::from_raw_parts(text, n));
        LocalFree(text.cast());
        s
    };
    Some(out)
}

fn my_sid() -> io::Result<String> {
    // SAFETY: GetCurrentProcess returns a pseudo-handle that needs no closing.
    sid_of(unsafe { GetCurrentProcess() })
        .ok_or_else(|| io::Error::other("this user's SID cannot be read"))
}

fn sid_of_pid(pid: u32) -> Option<String> {
    // SAFETY: OpenProcess has no preconditions; a null handle is checked.
    let process = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if process.is_null() {
        return None;
    }
    let process = Owned(process);
    sid_of(process.0)
}

/// The pipe's name for this user.
pub fn name() -> io::Result<String> {
    Ok(format!(r"\\.\pipe\ninsho-bridge-{}", my_sid()?))
}

/// The app's end: instances of the pipe, each handed out when a host connects.
pub struct Listener {
    name: Vec<u16>,
    sddl: Vec<u16>,
    /// The instance made by [`listen`] (as an integer: a raw handle is not `Send`), waiting
    /// for the first host; kept open so that the name stays this app's from the start.
    pending: Mutex<Option<isize>>,
}

/// One connection, either end.
pub struct Stream {
    file: File,
    server: bool,
}

/// Listens on this user's pipe. A pipe of that name that exists already (another Ninsho of
/// this user, or anybody's squatter) makes this fail with `AddrInUse`.
pub fn listen() -> io::Result<Listener> {
    let sid = my_sid()?;
    let name = wide(&format!(r"\\.\pipe\ninsho-bridge-{sid}"));
    // A pipe of this name answers already: asked without connecting (Windows would also refuse
    // the first instance below; this says so the same way everywhere).
    // SAFETY: `name` is NUL-terminated.
    let free = unsafe { WaitNamedPipeW(name.as_ptr(), 1) } == 0
        // SAFETY: GetLastError has no preconditions.
        && unsafe { GetLastError() } == ERROR_FILE_NOT_FOUND;
    if !free {
        return Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            "another Ninsho answers on the bridge pipe",
        ));
    }
    let l = Listener {
        name,
        // Protected DACL: generic all for this user's SID, nobody else.
        sddl: wide(&format!("D:P(A;;GA;;;{sid})")),
        pending: Mutex::new(None),
    };
    // The first instance is made now, so that a name already taken is said at once.
    let first = l.instance(true)?;
    *l.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(first as isize);
    Ok(l)
}

impl Listener {
    fn instance(&self, first: bool) -> io::Result<HANDLE> {
        let mut sd: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: `sddl` is NUL-terminated; `sd` is valid for a write.
        if unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                self.sddl.as_ptr(),
                1,
                &mut sd,
                null_mut(),
            )
        } == 0
        {
            return Err(io::Error::last_os_error());
        }
        let attrs = SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: sd,
            bInheritHandle: 0,
        };
        let flags = PIPE_ACCESS_DUPLEX
            | if first {
                FILE_FLAG_FIRST_PIPE_INSTANCE
            } else {
                0
            };
        // SAFETY: `name` is NUL-terminated; `attrs` lives across the call.
        let pipe = unsafe {
            CreateNamedPipeW(
                self.name.as_ptr(),
                flags,
                PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                PIPE_UNLIMITED_INSTANCES,
                BUFFER,
                BUFFER,
                0,
                &attrs,
            )
        };
        let err = io::Error::last_os_error();
        // SAFETY: `sd` was LocalAlloc'ed by the conversion above.
        unsafe { LocalFree(sd) };
        if pipe == INVALID_HANDLE_VALUE {
            return Err(if first {
                io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("the bridge pipe cannot be made: {err}"),
                )
            } else {
                err
            });
        }
        Ok(pipe)
    }

    /// Waits for the next host and hands its connection over.
    pub fn accept(&self) -> io::Result<Stream> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let pipe = match pending {
            Some(h) => h as HANDLE,
            None => self.instance(false)?,
        };
        // SAFETY: `pipe` is a fresh pipe instance; no overlapped I/O.
        let ok = unsafe { ConnectNamedPipe(pipe, null_mut()) };
        // SAFETY: GetLastError has no preconditions.
        if ok == 0 && unsafe { GetLastError() } != ERROR_PIPE_CONNECTED {
            let err = io::Error::last_os_error();
            drop(Owned(pipe));
            return Err(err);
        }
        // SAFETY: `pipe` is an open handle owned from here on by the File.
        let file = unsafe { File::from_raw_handle(pipe as RawHandle) };
        Ok(Stream { file, server: true })
    }
}

/// Connects to this user's running app, waiting a moment while every instance is busy.
pub fn connect() -> io::Result<Stream> {
    let name = name()?;
    for _ in 0..50 {
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&name)
        {
            Ok(file) => {
                let s = Stream {
                    file,
                    server: false,
                };
                // Whoever made the pipe must be this user (see the module's note).
                if !s.peer_is_this_user() {
                    return Err(io::Error::new(
                        io::ErrorKind::PermissionDenied,
                        "the bridge pipe belongs to another user",
                    ));
                }
                return Ok(s);
            }
            Err(e) if e.raw_os_error() == Some(ERROR_PIPE_BUSY as i32) => {
                let wide_name = wide(&name);
                // SAFETY: `wide_name` is NUL-terminated.
                unsafe { WaitNamedPipeW(wide_name.as_ptr(), 100) };
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        "Ninsho's bridge pipe stays busy",
    ))
}

impl Stream {
    /// Whether the process at the other end runs as this user.
    pub fn peer_is_this_user(&self) -> bool {
        use std::os::windows::io::AsRawHandle;
        let handle = self.file.as_raw_handle() as HANDLE;
        let mut pid = 0u32;
        // SAFETY: `handle` is this stream's open pipe handle; `pid` is valid for a write.
        let ok = unsafe {
            if self.server {
                GetNamedPipeClientProcessId(handle, &mut pid)
            } else {
                GetNamedPipeServerProcessId(handle, &mut pid)
            }
        };
        ok != 0 && sid_of_pid(pid).is_some_and(|sid| my_sid().is_ok_and(|me| me == sid))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(h) = self.pending.get_mut().ok().and_then(Option::take) {
            drop(Owned(h as HANDLE));
        }
    }
}

impl io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}
