//! polkit asks through an agent, and a terminal has none unless a desktop runs one. When polkit
//! answers that nobody could ask, the CLI runs `pkttyagent` for its own process (as pkexec
//! does) and asks again: the password is then asked on the terminal.

use std::process::Child;

/// The agent while it runs; stopped when dropped.
pub struct TtyAgent(Option<Child>);

impl TtyAgent {
    /// Starts one when stdin is a terminal and `pkttyagent` is installed, and waits until it
    /// is registered; `None` otherwise (polkit's "nobody can ask" stands).
    pub fn start() -> Option<TtyAgent> {
        #[cfg(target_os = "linux")]
        {
            linux::start().map(|child| TtyAgent(Some(child)))
        }
        #[cfg(not(target_os = "linux"))]
        {
            None
        }
    }
}

impl Drop for TtyAgent {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{IsTerminal, Read};
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command, Stdio};

    pub(super) fn start() -> Option<Child> {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        // pkttyagent closes the --notify-fd once it is registered: EOF on the pipe.
        let (mut registered, notify) = std::io::pipe().ok()?;
        let fd = notify.as_raw_fd();
        let mut command = Command::new("pkttyagent");
        command
            .args(["--process", &std::process::id().to_string()])
            .args(["--notify-fd", &fd.to_string()])
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit());
        // SAFETY: fcntl is async-signal-safe; between fork and exec the child only lets `fd`
        // (a pipe of ours) survive the exec.
        unsafe {
            command.pre_exec(move || {
                let flags = libc::fcntl(fd, libc::F_GETFD);
                if flags >= 0 {
                    libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC);
                }
                Ok(())
            });
        }
        let child = command.spawn().ok()?;
        drop(notify);
        let mut byte = [0u8; 1];
        let _ = registered.read(&mut byte);
        Some(child)
    }
}
