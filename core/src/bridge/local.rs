//! The host's way to the running app, one name on every system: a private Unix socket
//! ([`super::socket`]) or this user's named pipe on Windows ([`super::pipe`]). The shells use
//! only this, so neither the app nor the host holds a platform's rule.

use std::io;
use std::time::Duration;

/// The app's end, waiting for hosts.
pub struct Listener(Inner);

#[cfg(unix)]
type Inner = std::os::unix::net::UnixListener;
#[cfg(windows)]
type Inner = super::pipe::Listener;

/// One connection between a host and the app.
pub struct Stream(StreamInner);

#[cfg(unix)]
type StreamInner = std::os::unix::net::UnixStream;
#[cfg(windows)]
type StreamInner = super::pipe::Stream;

#[cfg(unix)]
fn no_runtime_dir() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        "this session has no private runtime folder (XDG_RUNTIME_DIR), so Ninsho cannot be reached",
    )
}

/// Whether this session has a private place for the bridge at all (Unix: a runtime folder);
/// without one, starting the app would not help a host reach it.
pub fn reachable_here() -> io::Result<()> {
    #[cfg(unix)]
    {
        super::socket::path().map(|_| ()).ok_or_else(no_runtime_dir)
    }
    #[cfg(windows)]
    {
        Ok(())
    }
}

/// Listens for hosts. Fails with `AddrInUse` when another Ninsho of this user listens, and
/// (Unix) `NotFound` without a private runtime folder: the bridge then stays off.
pub fn listen() -> io::Result<Listener> {
    #[cfg(unix)]
    {
        let path = super::socket::path().ok_or_else(no_runtime_dir)?;
        super::socket::listen(&path).map(Listener)
    }
    #[cfg(windows)]
    {
        super::pipe::listen().map(Listener)
    }
}

/// Connects to the running app (`NotFound`/`ConnectionRefused` when none listens).
pub fn connect() -> io::Result<Stream> {
    #[cfg(unix)]
    {
        let path = super::socket::path().ok_or_else(no_runtime_dir)?;
        std::os::unix::net::UnixStream::connect(path).map(Stream)
    }
    #[cfg(windows)]
    {
        super::pipe::connect().map(Stream)
    }
}

impl Listener {
    /// The next host's connection.
    pub fn accept(&self) -> io::Result<Stream> {
        #[cfg(unix)]
        {
            self.0.accept().map(|(s, _)| Stream(s))
        }
        #[cfg(windows)]
        {
            self.0.accept().map(Stream)
        }
    }
}

impl Stream {
    /// Whether the process at the other end runs as this user.
    pub fn peer_is_this_user(&self) -> bool {
        #[cfg(unix)]
        {
            super::socket::peer_is_this_user(&self.0)
        }
        #[cfg(windows)]
        {
            self.0.peer_is_this_user()
        }
    }

    /// How long a read may wait. On Windows a pipe read waits until the other end writes or
    /// goes away (there the other end is a process of this same user, checked).
    pub fn set_read_timeout(&self, wait: Option<Duration>) -> io::Result<()> {
        #[cfg(unix)]
        {
            self.0.set_read_timeout(wait)
        }
        #[cfg(windows)]
        {
            let _ = wait;
            Ok(())
        }
    }
}

impl io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bridge::frame::{MAX_IN, read_message, write_message};

    /// A host's request reaches the app's end and the answer comes back, both ends seeing
    /// the other run as this user; a second listener of the same user is refused. (On Linux
    /// in a runtime folder of the test's own; on Windows — run under wine by
    /// scripts/test-cross.sh — through the user's pipe.)
    #[test]
    fn a_request_goes_through_and_a_second_app_cannot_listen() {
        #[cfg(unix)]
        let _dir = {
            let dir = tempfile::tempdir().unwrap();
            // SAFETY: this test sets the variable before any thread of its own reads it;
            // it is the only test that reads XDG_RUNTIME_DIR (a process per test).
            unsafe { std::env::set_var("XDG_RUNTIME_DIR", dir.path()) };
            dir
        };
        let listener = listen().unwrap();
        assert_eq!(
            listen().err().map(|e| e.kind()),
            Some(io::ErrorKind::AddrInUse)
        );
        let server = std::thread::spawn(move || {
            // (On Unix the second listener's probe connected and said nothing: skipped.)
            loop {
                let mut s = listener.accept().unwrap();
                assert!(s.peer_is_this_user());
                if let Some(m) = read_message(&mut s, MAX_IN).unwrap() {
                    write_message(&mut s, &m, MAX_IN).unwrap();
                    return;
                }
            }
        });
        let mut c = connect().unwrap();
        assert!(c.peer_is_this_user());
        write_message(&mut c, b"{\"ping\":1}", MAX_IN).unwrap();
        assert_eq!(
            read_message(&mut c, MAX_IN).unwrap().unwrap(),
            b"{\"ping\":1}"
        );
        server.join().unwrap();
    }
}
