//! A vault key kept by the platform where only the person's yes gives it back, so that system
//! sign-in also opens an encrypted Ninsho after a restart:
//!
//! - **macOS:** a Keychain item whose access control asks for user presence (Touch ID, or the
//!   account password) before it is read (`keychain_presence`).
//! - **Windows:** a Windows Hello key (`KeyCredentialManager`) signs a fixed challenge; the
//!   signature, which only a Hello gesture releases, derives the key that wraps the vault key
//!   (`hello_key`), as KeePassXC and Bitwarden do.
//! - **Linux:** nothing guards a key (the Secret Service gives any program of this user every
//!   item), so the vault key is only held in memory while Ninsho runs (see `vault::lock`).
//!
//! `vault.json` records which guard kept the key and the tag of the key it kept
//! ([`Guarded`]); nothing in it opens anything without the platform.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::{Confirmed, SystemAuthError};

/// Where a vault key is kept for system sign-in, as `vault.json` records it. Nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guarded {
    /// The guard that keeps it: `"macos-keychain"` or `"windows-hello"`.
    pub by: String,
    /// What the guard needs besides itself to give the key back (Windows: the wrapped key,
    /// base64); empty where the guard keeps the key itself (macOS).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kept: String,
    /// The tag of the vault key it keeps (`VaultKey::tag`): a key given back that is not this
    /// vault's key now is refused, and a new key is kept again.
    pub tag: String,
}

/// The system's yes, with the vault key it kept where it kept one: the one thing that opens
/// the vault by system sign-in (see `Vault::unlock_by_system`).
pub struct Answer {
    /// Only a yes makes an answer: holding one is the proof, nothing reads it.
    pub(crate) _yes: Confirmed,
    pub(crate) key: Option<Zeroizing<[u8; 32]>>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.key.is_some() {
            "Answer(yes, key …)"
        } else {
            "Answer(yes)"
        })
    }
}

impl Answer {
    /// A plain yes (the gate, or a key held in memory).
    pub fn yes(yes: Confirmed) -> Answer {
        Answer {
            _yes: yes,
            key: None,
        }
    }

    /// For core's unit tests, which have no platform to ask.
    #[cfg(test)]
    pub(crate) fn for_tests(key: Option<[u8; 32]>) -> Answer {
        Answer {
            _yes: Confirmed::for_tests(),
            key: key.map(Zeroizing::new),
        }
    }
}

/// What system sign-in has to do to open the vault now (`Vault::system_unlock_ready`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Way {
    /// Ask the system for a yes: the gate, or a vault key held in memory.
    Ask,
    /// Ask the platform for the key it kept for `vault` (its own prompt asks the person).
    Release { vault: Uuid, guarded: Guarded },
}

/// The guard this platform has, by the name `vault.json` records.
pub fn platform_guard() -> Option<&'static str> {
    #[cfg(target_os = "macos")]
    {
        Some(super::keychain_presence::NAME)
    }
    #[cfg(windows)]
    {
        Some(super::hello_key::NAME)
    }
    #[cfg(not(any(target_os = "macos", windows)))]
    {
        None
    }
}

/// Whether this platform can give back a key that `guarded` says it kept.
pub fn can_release(guarded: &Guarded) -> bool {
    platform_guard() == Some(guarded.by.as_str())
}

/// Keeps `key` (the vault key of `vault`, whose tag is `tag`) with this platform's guard. On
/// Windows this asks for a Hello gesture; on macOS it asks nothing (reading it back will).
pub fn keep_key(vault: Uuid, key: &[u8; 32], tag: String) -> Result<Guarded, SystemAuthError> {
    #[cfg(target_os = "macos")]
    {
        super::keychain_presence::keep(vault, key)?;
        Ok(Guarded {
            by: super::keychain_presence::NAME.into(),
            kept: String::new(),
            tag,
        })
    }
    #[cfg(windows)]
    {
        let kept = super::hello_key::keep(vault, key)?;
        Ok(Guarded {
            by: super::hello_key::NAME.into(),
            kept,
            tag,
        })
    }
    #[cfg(not(any(target_os = "macos", windows)))]
    {
        let _ = (vault, key, tag);
        Err(SystemAuthError::NotReady(
            "this system cannot guard a key: the password opens Ninsho after a restart".into(),
        ))
    }
}

/// Asks what `way` needs: a yes, or the vault key the platform kept (its own prompt asks the
/// person). Blocks until they answered: run it off the UI thread.
pub fn answer(way: &Way, reason: &str) -> Result<Answer, SystemAuthError> {
    match way {
        Way::Ask => super::confirm_user(reason).map(Answer::yes),
        Way::Release { vault, guarded } => release(*vault, guarded, reason),
    }
}

fn release(vault: Uuid, guarded: &Guarded, reason: &str) -> Result<Answer, SystemAuthError> {
    if !can_release(guarded) {
        return Err(SystemAuthError::NotReady(format!(
            "the vault key was kept by {}, which this system does not have",
            guarded.by
        )));
    }
    #[cfg(target_os = "macos")]
    {
        let _ = reason;
        let key = super::keychain_presence::release(vault)?;
        Ok(Answer {
            _yes: Confirmed(()),
            key: Some(key),
        })
    }
    #[cfg(windows)]
    {
        // Hello's own prompt names the app; it takes no reason.
        let _ = reason;
        let key = super::hello_key::release(vault, &guarded.kept)?;
        Ok(Answer {
            _yes: Confirmed(()),
            key: Some(key),
        })
    }
    #[cfg(not(any(target_os = "macos", windows)))]
    {
        let _ = (vault, reason);
        Err(SystemAuthError::NotReady(
            "this system cannot guard a key".into(),
        ))
    }
}

/// Forgets the key a guard kept (system sign-in or the encrypted mode turned off). Best
/// effort, asks nothing: a key left behind opens nothing once the vault key changed.
pub fn forget_key(vault: Uuid, guarded: &Guarded) {
    if !can_release(guarded) {
        return;
    }
    #[cfg(target_os = "macos")]
    super::keychain_presence::forget(vault);
    #[cfg(windows)]
    super::hello_key::forget(vault);
    #[cfg(not(any(target_os = "macos", windows)))]
    let _ = vault;
}
