//! System sign-in: before Ninsho shows codes again, the system asks the person at the
//! computer to prove they are its user — the account password through polkit on Linux,
//! Windows Hello on Windows, Touch ID (or the account password) on macOS.
//!
//! It is a yes or a no, not a key: a gate in front of secrets that stay readable to programs
//! running as the same user. It protects against a person at an unlocked desk, nothing more.
//! With the encrypted mode, it re-opens a Ninsho that was unlocked with the password since it
//! started (the vault key stays in memory, as KeePassXC's quick unlock does on Linux); a
//! cold start still needs the password.
//!
//! The answer must come from the system, not from something the user's own environment can
//! stand in for: polkit is reached on the fixed system bus socket, never through
//! `DBUS_SYSTEM_BUS_ADDRESS`, and root (whom polkit authorizes without asking) is refused.

use thiserror::Error;

use crate::error_code::ErrorCode;

mod guard;
#[cfg(windows)]
mod hello_key;
#[cfg(target_os = "macos")]
mod keychain_presence;
#[cfg(target_os = "linux")]
mod polkit;
#[cfg(target_os = "macos")]
mod touch_id;
#[cfg(windows)]
mod windows_hello;

pub use guard::{Answer, Guarded, Way, answer, can_release, forget_key, keep_key, platform_guard};

/// The polkit action the packages install (`io.ninsho.Ninsho.policy`).
pub const POLKIT_ACTION: &str = "io.ninsho.Ninsho.unlock";

/// Why system sign-in did not say yes. Each "cannot ask" case is its own variant, so that the
/// window says what to do about it in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SystemAuthError {
    #[error("system sign-in needs polkit, and polkit cannot be reached ({0})")]
    NoPolkit(String),
    #[error(
        "Ninsho's polkit action {POLKIT_ACTION} is not installed: install Ninsho's package, or copy io.ninsho.Ninsho.policy into /usr/share/polkit-1/actions"
    )]
    NoAction,
    #[error(
        "no polkit agent runs in this session to ask for your password (a desktop starts one; on a terminal, pkttyagent)"
    )]
    NoAgent,
    /// Windows Hello or Touch ID is not set up, turned off by policy, or busy. The detail (the
    /// system's words) says which.
    #[error("system sign-in is not available here: {0}")]
    NotReady(String),
    /// The system asked and the answer was no (a wrong password, a cancelled dialog).
    #[error("system sign-in did not confirm it is you (wrong password, or cancelled)")]
    Refused,
    /// polkit says yes to root without asking anything, so it proves nothing there.
    #[error("system sign-in proves nothing for root (it never asks): run Ninsho as your own user")]
    Root,
}

impl SystemAuthError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SystemAuthError::NoPolkit(_) => ErrorCode::SystemAuthNoPolkit,
            SystemAuthError::NoAction => ErrorCode::SystemAuthNoAction,
            SystemAuthError::NoAgent => ErrorCode::SystemAuthNoAgent,
            SystemAuthError::NotReady(_) => ErrorCode::SystemAuthNotReady,
            SystemAuthError::Refused => ErrorCode::SystemAuthRefused,
            SystemAuthError::Root => ErrorCode::SystemAuthRoot,
        }
    }

    /// What the system said, where it said something (shown after the translated sentence).
    pub fn detail(&self) -> Option<&str> {
        match self {
            SystemAuthError::NoPolkit(d) | SystemAuthError::NotReady(d) => Some(d),
            _ => None,
        }
    }
}

/// What a yes from the system leaves: the one way to open the gate or turn system sign-in on
/// (see `Vault::unlock_by_system`), so that no caller can skip asking.
#[derive(Debug)]
pub struct Confirmed(());

impl Confirmed {
    /// For core's unit tests, which have no polkit to ask.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Confirmed {
        Confirmed(())
    }
}

/// Asks the system to confirm that the person at the computer is its user, for this process.
/// Blocks until they answered (a dialog of the desktop's polkit agent, a terminal agent, the
/// Windows Hello prompt): run it off the UI thread. `reason` is what the prompt says where the
/// system lets Ninsho say it (Windows; polkit shows the action's own message).
pub fn confirm_user(reason: &str) -> Result<Confirmed, SystemAuthError> {
    #[cfg(target_os = "linux")]
    {
        let _ = reason;
        polkit::confirm_user().map(|()| Confirmed(()))
    }
    #[cfg(windows)]
    {
        windows_hello::confirm_user(reason).map(|()| Confirmed(()))
    }
    #[cfg(target_os = "macos")]
    {
        touch_id::confirm_user(reason).map(|()| Confirmed(()))
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        let _ = reason;
        Err(SystemAuthError::NotReady(
            "system sign-in is not built for this system".into(),
        ))
    }
}
