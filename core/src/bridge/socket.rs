//! The local socket between the native host and the running app: `ninsho/bridge.sock` in the
//! user's runtime folder (`$XDG_RUNTIME_DIR`, private to the user), in a folder of its own
//! made `0700`, and every connection's peer checked to be this same user. No other user, and
//! no page, can reach it; the browser reaches it only through the host it starts.
//!
//! On one connection the host sends one [`super::protocol::Envelope`] and reads one answer, both framed as
//! native messaging frames them ([`super::frame`]).

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// The socket's path: `$XDG_RUNTIME_DIR/ninsho/bridge.sock`; on macOS, which has no runtime
/// folder, in `$TMPDIR` (a folder of the user's own under /var/folders). `None` without one
/// (then the bridge is off: a folder others may read is no place for it; [`listen`] checks
/// the folder is this user's and private).
pub fn path() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    let runtime = var("XDG_RUNTIME_DIR");
    #[cfg(target_os = "macos")]
    let runtime = runtime.or_else(|| var("TMPDIR"));
    Some(PathBuf::from(runtime?).join("ninsho").join("bridge.sock"))
}

/// Listens at `path`: its folder made (or found) private to this user, a socket left by an
/// app that died replaced, one another app still answers on left alone (`AddrInUse`).
pub fn listen(path: &Path) -> io::Result<UnixListener> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no folder"))?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if !meta.is_dir() || meta.uid() != me {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is not a folder of this user's", dir.display()),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                "another Ninsho answers on the bridge socket",
            ));
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Whether the process at the other end of `stream` runs as this user.
pub fn peer_is_this_user(stream: &UnixStream) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut cred = libc::ucred {
            pid: 0,
            uid: u32::MAX,
            gid: u32::MAX,
        };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: `cred` and `len` are valid for writes of the sizes given, and the fd is
        // the stream's own, open for the duration of the call.
        let rc = unsafe {
            libc::getsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                (&mut cred as *mut libc::ucred).cast(),
                &mut len,
            )
        };
        rc == 0 && cred.uid == me
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let mut uid: libc::uid_t = u32::MAX;
        let mut gid: libc::gid_t = u32::MAX;
        // SAFETY: `uid` and `gid` are valid for writes; the fd is the stream's own.
        let rc = unsafe { libc::getpeereid(stream.as_raw_fd(), &mut uid, &mut gid) };
        rc == 0 && uid == me
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bridge::frame::{MAX_IN, read_message, write_message};

    #[test]
    fn the_socket_is_private_and_a_stale_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ninsho").join("bridge.sock");
        let listener = listen(&path).unwrap();
        let mode = std::fs::metadata(path.parent().unwrap()).unwrap().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        // A second app finds the first one answering.
        assert_eq!(listen(&path).unwrap_err().kind(), io::ErrorKind::AddrInUse);
        let server = std::thread::spawn(move || {
            // The second app's probe connects and says nothing; then the host's request.
            for s in listener.incoming() {
                let mut s = s.unwrap();
                assert!(peer_is_this_user(&s));
                if let Some(m) = read_message(&mut s, MAX_IN).unwrap() {
                    write_message(&mut s, &m, MAX_IN).unwrap();
                    return;
                }
            }
        });
        let mut c = UnixStream::connect(&path).unwrap();
        write_message(&mut c, b"{\"ping\":1}", MAX_IN).unwrap();
        assert_eq!(
            read_message(&mut c, MAX_IN).unwrap().unwrap(),
            b"{\"ping\":1}"
        );
        server.join().unwrap();
        // The app is gone (its listener dropped): the next one takes the path over.
        assert!(listen(&path).is_ok());
    }
}
