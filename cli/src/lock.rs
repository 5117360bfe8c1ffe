//! `ninsho-cli lock …` and the password a locked vault asks for.
//!
//! A vault in the encrypted mode opens locked in every process. Commands that need a secret
//! unlock it with the password read from `--vault-password-file F` (a global option) or asked
//! on the terminal; without either they fail with "locked" and touch nothing. The password is
//! kept in this process's memory (wiped on exit) so that the sync after a change does not ask
//! again.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};

use ninsho_core::system_auth::SystemAuthError;
use ninsho_core::vault::{LockError, Vault, VaultError};
use zeroize::Zeroizing;

use crate::Failure;
use crate::interop::password;
use crate::json;

static PASSWORD_FILE: OnceLock<Option<PathBuf>> = OnceLock::new();
static REMEMBERED: Mutex<Option<Zeroizing<String>>> = Mutex::new(None);

/// The global `--vault-password-file`.
pub fn set_password_file(path: Option<PathBuf>) {
    let _ = PASSWORD_FILE.set(path);
}

fn password_file() -> Option<&'static Path> {
    PASSWORD_FILE.get().and_then(|p| p.as_deref())
}

fn remembered() -> Option<Zeroizing<String>> {
    REMEMBERED.lock().ok().and_then(|p| p.clone())
}

fn remember(password: &Zeroizing<String>) {
    if let Ok(mut slot) = REMEMBERED.lock() {
        *slot = Some(password.clone());
    }
}

/// Unlocks `vault` if it is locked (see the module's doc).
pub fn unlock(vault: &mut Vault) -> Result<(), Failure> {
    if !vault.is_locked() {
        return Ok(());
    }
    let given = match remembered() {
        Some(p) => Some(p),
        None => password(password_file(), "Ninsho's password: ", false)?,
    };
    let Some(given) = given else {
        return Err(Failure::input(
            "Ninsho is locked: give its password with --vault-password-file FILE, or run this on a terminal",
        ));
    };
    vault.unlock(&given).map_err(locked_failure)?;
    remember(&given);
    Ok(())
}

/// A lock error with what to do about it.
fn locked_failure(e: VaultError) -> Failure {
    match e {
        VaultError::Lock(LockError::WrongRecoveryKey) => Failure::input(
            "wrong recovery key: nothing was changed. Use the key Ninsho showed when the password was set",
        ),
        VaultError::Lock(LockError::WrongPassword) => Failure::input(
            "wrong password (after three wrong ones, each next try waits longer; nothing is ever deleted). \
             Forgot it? `ninsho-cli lock recover` sets a new one with the recovery key",
        ),
        e => e.into(),
    }
}

/// A new password: from `file`, or asked twice on the terminal.
fn new_password(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    password(file, "New password for Ninsho: ", true)?.ok_or_else(|| {
        Failure::input("give the new password with --password-file FILE, or run this on a terminal")
    })
}

#[derive(serde::Serialize)]
struct StatusJson {
    #[serde(flatten)]
    status: ninsho_core::vault::LockStatus,
    protects: &'static str,
}

/// What each mode protects against, in the words `lock status` uses.
fn protects(mode: &str) -> &'static str {
    match mode {
        "password" => {
            "every secret in the keychain is encrypted: programs running as you, a copied home \
             folder or a keychain backup see only ciphertext until the password is given"
        }
        "system" => {
            "a person at your unlocked desk using Ninsho's window, tray, palette or browser \
             extension; not programs running as you (ninsho-cli included), which read the \
             secrets from your keychain"
        }
        _ => {
            "nothing beyond your keychain: any program running as you can read the secrets from \
             it, and anyone at your unlocked desk can copy codes"
        }
    }
}

pub fn status(as_json: bool) -> Result<ExitCode, Failure> {
    let vault = crate::vault::open_locked()?;
    let status = vault.lock_status();
    if as_json {
        json::print(&StatusJson {
            protects: protects(&status.mode),
            status,
        });
        return Ok(ExitCode::SUCCESS);
    }
    let mode = match status.mode.as_str() {
        "password" => "encrypted with a password",
        "system" => "system sign-in (not encrypted)",
        _ => "off",
    };
    say!("lock:      {mode}");
    if status.system && status.mode == "password" {
        match status.system_guard.as_deref() {
            Some(guard) => say!(
                "           system sign-in opens the app, also after a restart (the key is kept by {guard})"
            ),
            None => {
                say!("           system sign-in re-opens the app after the password was given once")
            }
        }
    }
    if status.mode != "off" {
        say!(
            "state:     {}",
            if status.locked { "locked" } else { "unlocked" }
        );
    }
    if status.rewriting {
        say!("           items are still being rewritten; the next unlock finishes it");
    }
    if let Some(wait) = status.retry_in {
        say!(
            "           {} wrong attempts: the next one is accepted in {wait} s",
            status.failures
        );
    }
    say!("protects:  {}", protects(&status.mode));
    Ok(ExitCode::SUCCESS)
}

pub fn encrypt(password_file: Option<&Path>) -> Result<ExitCode, Failure> {
    let mut vault = crate::vault::open_locked()?;
    if vault.lock_status().mode != "off" {
        return Err(Failure::input(LockError::AlreadyOn.to_string()));
    }
    let password = new_password(password_file)?;
    let enabled = ninsho_core::app::lock::enable(&mut vault, &password)?;
    for id in &enabled.skipped {
        let label = vault.get(*id).map(|a| a.label()).unwrap_or_default();
        say_err!(
            "ninsho-cli: note: {label}: its keychain item is missing or damaged, so it could not be encrypted"
        );
    }
    say!("Every secret is now encrypted with your password.");
    say!("");
    say!(
        "Recovery key (shown this once; write it down or print it, and keep it apart from this computer):"
    );
    say!("");
    say!("    {}", enabled.recovery_key.display().as_str());
    say!("");
    say!("If you forget the password, `ninsho-cli lock recover` sets a new one with this key.");
    say!(
        "Without the password or this key, the secrets cannot be read by anyone, Ninsho included."
    );
    keep_key_for_system(&mut vault);
    Ok(ExitCode::SUCCESS)
}

/// Hands the vault key to the platform's guard (macOS Keychain, Windows Hello) when system
/// sign-in and the encrypted mode are both on, so that system sign-in opens the app after a
/// restart too. Where there is none (Linux), nothing happens; a refusal is reported, not fatal.
fn keep_key_for_system(vault: &mut Vault) {
    let Some(job) = vault.key_to_guard() else {
        return;
    };
    match job.keep() {
        Ok(guarded) => {
            let by = guarded.by.clone();
            match vault.record_guarded(guarded) {
                Ok(()) => {
                    say!("System sign-in also opens Ninsho after a restart: {by} keeps the key.")
                }
                Err(e) => {
                    say_err!("ninsho-cli: note: the key kept by {by} could not be recorded ({e})")
                }
            }
        }
        Err(e) => say_err!(
            "ninsho-cli: note: the system did not keep the key for system sign-in ({e}); after a restart the password opens Ninsho once"
        ),
    }
}

pub fn off() -> Result<ExitCode, Failure> {
    let status = crate::vault::open_locked()?.lock_status();
    if status.mode == "off" {
        return Err(Failure::input(LockError::Off.to_string()));
    }
    let mut vault = crate::vault::open()?;
    if status.system {
        vault.disable_system_unlock()?;
        say!("System sign-in is off.");
    }
    if status.mode == "password" {
        ninsho_core::app::lock::disable(&mut vault)?;
        say!(
            "The secrets are no longer encrypted with a password; the keychain alone protects them."
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Turns system sign-in on after the system has asked once: polkit's agent in the desktop, or
/// on a terminal without one, pkttyagent run for this process (as pkexec does).
pub fn system() -> Result<ExitCode, Failure> {
    let mut vault = crate::vault::open()?;
    if vault.lock_status().system {
        say!("System sign-in is already on.");
        return Ok(ExitCode::SUCCESS);
    }
    const REASON: &str = "Turn on system sign-in for Ninsho";
    // The desktop's agent asks where there is one; else pkttyagent on this terminal.
    let confirmed = match ninsho_core::system_auth::confirm_user(REASON) {
        Err(SystemAuthError::NoAgent) => match crate::tty_agent::TtyAgent::start() {
            Some(_agent) => ninsho_core::system_auth::confirm_user(REASON),
            None => Err(SystemAuthError::NoAgent),
        },
        other => other,
    };
    let yes = confirmed.map_err(|e| Failure::input(e.to_string()))?;
    vault.enable_system_unlock(&yes)?;
    keep_key_for_system(&mut vault);
    say!(
        "System sign-in is on: Ninsho's window, tray and palette open with your account password."
    );
    let status = vault.lock_status();
    if status.mode == "password" && status.system_guard.is_none() {
        say!(
            "After Ninsho starts, the password is still needed once; system sign-in re-opens it after that."
        );
    } else if status.mode != "password" {
        say!(
            "The secrets are not encrypted: programs running as you can still read them. `ninsho-cli lock encrypt` encrypts them."
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn change(password_file: Option<&Path>) -> Result<ExitCode, Failure> {
    let mut vault = crate::vault::open()?;
    if vault.lock_status().mode == "off" {
        return Err(Failure::input(LockError::Off.to_string()));
    }
    let password = new_password(password_file)?;
    vault.change_password(&password)?;
    say!("The password is changed. The recovery key stays the same.");
    Ok(ExitCode::SUCCESS)
}

pub fn recover(key_file: Option<&Path>, password_file: Option<&Path>) -> Result<ExitCode, Failure> {
    let mut vault = crate::vault::open_locked()?;
    if vault.lock_status().mode == "off" {
        return Err(Failure::input(LockError::Off.to_string()));
    }
    let key = password(key_file, "Recovery key: ", false)?.ok_or_else(|| {
        Failure::input(
            "give the recovery key with --recovery-key-file FILE, or run this on a terminal",
        )
    })?;
    let password = new_password(password_file)?;
    vault.recover(&key, &password).map_err(locked_failure)?;
    say!("Ninsho is unlocked and has a new password. The recovery key stays the same.");
    Ok(ExitCode::SUCCESS)
}
