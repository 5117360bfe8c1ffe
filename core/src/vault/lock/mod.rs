//! The encrypted mode: every keychain item sealed under a vault key that only the password (or
//! the recovery key) opens, and the vault locked until one of them is given.
//!
//! What it protects against: anyone or anything that can read the keychain or the disk but
//! does not know the password — another program running as this user reading the Secret
//! Service, a copied home folder, a keychain backup. While locked, nothing secret leaves the
//! vault: every call that needs a secret fails with [`LockError::Locked`].
//!
//! - `key`: the vault key, its two wraps, and the sealed item layout.
//! - `backoff`: growing delays after wrong passwords (never a wipe).
//! - This file: the state in `vault.json` ([`LockMeta`]), unlocking, locking, and turning the
//!   mode on and off or changing the password.
//!
//! Turning the mode on or off rewrites every item, and a kill may come at any moment. The
//! journal is the lock's `rewrite` field, saved before the first item is rewritten and cleared
//! after the last: while it is set, each item may be in either form, and both are read. Every
//! keychain write replaces one whole item, so each account is readable in one form or the
//! other at every moment. The next unlock finishes the rewrite.

pub mod backoff;
pub mod key;
mod sealed;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;
use zeroize::Zeroizing;

pub use key::{RecoveryKey, VaultKey, WrappedKeys};

use super::{Item, ItemProblem, Vault, VaultError};
use crate::error_code::ErrorCode;
use crate::otp::now;
use crate::system_auth::{self, Answer, Confirmed, Guarded, SystemAuthError, Way};

/// Shortest password accepted for the encrypted mode.
pub const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LockError {
    #[error("Ninsho is locked: unlock it with your password first")]
    Locked,
    #[error("wrong password")]
    WrongPassword,
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    #[error(
        "that is not a recovery key: a recovery key is 26 letters and digits in groups of four, as Ninsho showed it (ABCD-EFGH-…)"
    )]
    RecoveryKeyMalformed,
    #[error("too many wrong attempts: try again in {0} seconds")]
    TryLater(u64),
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("the vault is already encrypted with a password")]
    AlreadyOn,
    #[error("the vault is not encrypted with a password")]
    Off,
    #[error("the vault's lock settings are damaged ({0})")]
    Damaged(String),
    #[error("this system gave Ninsho no random numbers")]
    NoRandomness,
    #[error(
        "system sign-in is off: turn it on in Ninsho's lock settings or with `ninsho-cli lock system`"
    )]
    SystemOff,
    #[error(
        "Ninsho has started since the password was last given: enter it once, and system sign-in re-opens Ninsho after that"
    )]
    SystemNeedsPassword,
}

impl LockError {
    pub fn code(&self) -> ErrorCode {
        match self {
            LockError::Locked => ErrorCode::VaultLocked,
            LockError::WrongPassword => ErrorCode::LockWrongPassword,
            LockError::WrongRecoveryKey => ErrorCode::LockWrongRecoveryKey,
            LockError::RecoveryKeyMalformed => ErrorCode::LockRecoveryKeyMalformed,
            LockError::TryLater(_) => ErrorCode::LockTryLater,
            LockError::PasswordTooShort => ErrorCode::LockPasswordShort,
            LockError::AlreadyOn => ErrorCode::LockAlreadyOn,
            LockError::Off => ErrorCode::LockOff,
            LockError::Damaged(_) | LockError::NoRandomness => ErrorCode::LockDamaged,
            LockError::SystemOff => ErrorCode::LockSystemOff,
            LockError::SystemNeedsPassword => ErrorCode::LockNeedsPassword,
        }
    }
}

/// Which way the items are being rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rewrite {
    /// Plain items are being sealed (the mode was just turned on).
    Sealing,
    /// Sealed items are being written plain again (the mode is being turned off).
    Opening,
}

/// The lock as `vault.json` records it. Nothing in it is secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockMeta {
    /// Always `"password"` for now: the only mode that changes what is stored.
    pub mode: String,
    pub keys: WrappedKeys,
    /// Set while items are rewritten (see the module's doc).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<Rewrite>,
    /// Wrong passwords or recovery keys since the last right one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failures: u32,
    /// Unix seconds of the last wrong one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<u64>,
    /// Where the platform keeps the vault key for system sign-in, so that it also opens
    /// Ninsho after a restart (macOS, Windows; see `system_auth::guard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarded: Option<Guarded>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// System sign-in in this process (see [`crate::system_auth`]). `Debug` shows no key.
#[derive(Default)]
pub(crate) struct Gate {
    /// Locked without a password: only system sign-in opens it.
    closed: bool,
    /// The vault key of a Ninsho locked after a password unlock, kept in memory (wiped on
    /// drop) so that system sign-in can re-open it.
    held: Option<VaultKey>,
}

/// What `lock status` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LockStatus {
    /// `"off"`, `"password"` (the secrets are encrypted), or `"system"` (no password: system
    /// sign-in hides the codes, the secrets stay as readable as the keychain makes them).
    pub mode: String,
    pub locked: bool,
    /// System sign-in is on (alone, or to re-open what the password unlocked).
    pub system: bool,
    /// Locked, and system sign-in can open it now (else the password is needed).
    pub system_ready: bool,
    /// What keeps the vault key for system sign-in across restarts (`"macos-keychain"`,
    /// `"windows-hello"`), where the platform keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub system_guard: Option<String>,
    /// Items are still being rewritten (finished on the next unlock).
    pub rewriting: bool,
    pub failures: u32,
    /// Seconds until another attempt is accepted, if one must wait.
    pub retry_in: Option<u64>,
}

/// What turning the mode on gives the person, once. `Debug` shows no key.
#[derive(Debug)]
pub struct Enabled {
    pub recovery_key: RecoveryKey,
    /// Accounts whose item could not be sealed (missing or damaged): left as they were.
    pub skipped: Vec<Uuid>,
}

/// The vault key on its way to the platform's guard (see [`Vault::key_to_guard`]). `Debug`
/// shows no key.
#[derive(Debug)]
pub struct KeyToGuard {
    vault: Uuid,
    key: VaultKey,
}

impl KeyToGuard {
    /// Hands the key to this platform's guard (Windows Hello asks for a gesture). Blocks: run
    /// it off the UI thread, without the vault held.
    pub fn keep(self) -> Result<Guarded, SystemAuthError> {
        system_auth::keep_key(self.vault, self.key.bytes(), self.key.tag())
    }

    /// What a test's stand-in guard keeps: the vault, the key and its tag.
    #[cfg(test)]
    pub(crate) fn parts_for_tests(&self) -> (Uuid, [u8; 32], String) {
        (self.vault, *self.key.bytes(), self.key.tag())
    }
}

fn check_password(password: &str) -> Result<(), LockError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(LockError::PasswordTooShort);
    }
    Ok(())
}

impl Vault {
    /// Whether secrets are out of reach: encrypted with the key not in memory, or behind the
    /// closed gate of system sign-in.
    pub fn is_locked(&self) -> bool {
        self.gate.closed || (self.meta.lock.is_some() && self.key.is_none())
    }

    pub fn lock_status(&self) -> LockStatus {
        let system = self.meta.system_unlock;
        let system_ready = system && self.is_locked() && self.system_unlock_ready().is_ok();
        let Some(lock) = &self.meta.lock else {
            return LockStatus {
                mode: if system { "system" } else { "off" }.into(),
                locked: self.gate.closed,
                system,
                system_ready,
                system_guard: None,
                rewriting: false,
                failures: 0,
                retry_in: None,
            };
        };
        LockStatus {
            mode: lock.mode.clone(),
            locked: self.is_locked(),
            system,
            system_ready,
            system_guard: self.releasable().map(|g| g.by.clone()),
            rewriting: lock.rewrite.is_some(),
            failures: lock.failures,
            retry_in: backoff::wait(lock.failures, lock.last_failure, now()),
        }
    }

    /// Fails with [`LockError::Locked`] while locked.
    pub fn require_unlocked(&self) -> Result<(), VaultError> {
        if self.is_locked() {
            return Err(LockError::Locked.into());
        }
        Ok(())
    }

    /// Forgets every secret read so far (they wipe themselves) and the vault key. With system
    /// sign-in on, the gate closes, and a vault key is held for system sign-in to re-open.
    pub fn lock(&mut self) {
        let key = self.key.take();
        if self.meta.system_unlock {
            if self.meta.lock.is_none() {
                self.gate.closed = true;
            } else if key.is_some() {
                self.gate.held = key;
            }
        }
        self.cache.clear();
        self.problems.clear();
    }

    /// What system sign-in must do to open the vault now: asked before the system is, so that
    /// nobody is asked for a password that then opens nothing.
    pub fn system_unlock_ready(&self) -> Result<Way, VaultError> {
        if !self.meta.system_unlock {
            return Err(LockError::SystemOff.into());
        }
        if self.meta.lock.is_some() && self.key.is_none() && self.gate.held.is_none() {
            return match self.releasable() {
                Some(guarded) => Ok(Way::Release {
                    vault: self.meta.vault_id,
                    guarded: guarded.clone(),
                }),
                None => Err(LockError::SystemNeedsPassword.into()),
            };
        }
        Ok(Way::Ask)
    }

    /// A stand-in for the platform's guard (Linux has none), for core's unit tests.
    #[cfg(test)]
    pub(crate) fn set_guard_for_tests(&mut self, guard: Option<&'static str>) {
        self.guard = guard;
    }

    /// The vault key this platform keeps for system sign-in, if it keeps one it can give back.
    fn releasable(&self) -> Option<&Guarded> {
        let guarded = self.meta.lock.as_ref()?.guarded.as_ref()?;
        (self.guard == Some(guarded.by.as_str())).then_some(guarded)
    }

    /// Opens the vault with the system's answer (see [`crate::system_auth::answer`]): the gate
    /// opens, and the vault key comes from memory or from the platform's guard.
    pub fn unlock_by_system(&mut self, answer: Answer) -> Result<(), VaultError> {
        let way = self.system_unlock_ready()?;
        let Answer { _yes, key } = answer;
        self.locked(|v| {
            if let Some(held) = v.gate.held.take() {
                v.gate.closed = false;
                return v.unlocked_with(held);
            }
            if let Way::Release { guarded, .. } = way {
                let key = key.map(VaultKey::from_released);
                match key {
                    Some(key) if key.tag() == guarded.tag => return v.unlocked_with(key),
                    // A key kept for an earlier vault key (the mode turned off and on by
                    // another process): only the password opens this one.
                    _ => return Err(LockError::SystemNeedsPassword.into()),
                }
            }
            v.gate.closed = false;
            Ok(())
        })
    }

    /// The vault key to hand to the platform's guard, when system sign-in and the encrypted
    /// mode are both on, the vault is unlocked, and the guard does not keep this key yet.
    /// Keeping it may ask the person (Windows Hello): the caller runs
    /// [`KeyToGuard::keep`] without the vault held, then [`Vault::record_guarded`].
    pub fn key_to_guard(&self) -> Option<KeyToGuard> {
        let guard = self.guard?;
        let lock = self.meta.lock.as_ref()?;
        let key = self.key.as_ref()?;
        if !self.meta.system_unlock || lock.rewrite == Some(Rewrite::Opening) {
            return None;
        }
        let tag = key.tag();
        if lock
            .guarded
            .as_ref()
            .is_some_and(|g| g.by == guard && g.tag == tag)
        {
            return None;
        }
        Some(KeyToGuard {
            vault: self.meta.vault_id,
            key: key.clone(),
        })
    }

    /// Records where the guard keeps the vault key, if it is still this vault's key.
    pub fn record_guarded(&mut self, guarded: Guarded) -> Result<(), VaultError> {
        self.locked(|v| {
            let current = v.key.as_ref().map(VaultKey::tag);
            if current.as_deref() != Some(guarded.tag.as_str()) || !v.meta.system_unlock {
                return Ok(());
            }
            v.update(|m| {
                if let Some(l) = m.lock.as_mut() {
                    l.guarded = Some(guarded);
                }
                Ok(())
            })
        })
    }

    /// Forgets the key a guard keeps (the record first: a kill between the two leaves an
    /// orphan that opens nothing this vault names).
    fn forget_guarded(&mut self) -> Result<(), VaultError> {
        let Some(guarded) = self.meta.lock.as_ref().and_then(|l| l.guarded.clone()) else {
            return Ok(());
        };
        self.update(|m| {
            if let Some(l) = m.lock.as_mut() {
                l.guarded = None;
            }
            Ok(())
        })?;
        system_auth::forget_key(self.meta.vault_id, &guarded);
        Ok(())
    }

    /// Turns system sign-in on, once the system has shown it can ask (a mode nobody can open
    /// would lock the person out of the window). The vault must be unlocked.
    pub fn enable_system_unlock(&mut self, _yes: &Confirmed) -> Result<(), VaultError> {
        self.require_unlocked()?;
        self.locked(|v| {
            v.update(|m| {
                m.system_unlock = true;
                Ok(())
            })
        })
    }

    /// Turns system sign-in off (the vault must be unlocked). With the password mode on,
    /// locking forgets the key again.
    pub fn disable_system_unlock(&mut self) -> Result<(), VaultError> {
        if !self.meta.system_unlock {
            return Err(LockError::SystemOff.into());
        }
        self.require_unlocked()?;
        self.locked(|v| {
            v.forget_guarded()?;
            v.update(|m| {
                m.system_unlock = false;
                Ok(())
            })?;
            v.gate = Gate::default();
            Ok(())
        })
    }

    /// Unlocks with the password. A wrong one is counted, and after a few each next attempt
    /// must wait longer ([`LockError::TryLater`]), before any key derivation is run.
    pub fn unlock(&mut self, password: &str) -> Result<(), VaultError> {
        self.locked(|v| {
            let lock = v.meta.lock.clone().ok_or(LockError::Off)?;
            v.wait_for_backoff(&lock)?;
            match lock.keys.open_by_password(v.meta.vault_id, password) {
                Ok(key) => v.unlocked_with(key),
                Err(LockError::WrongPassword) => Err(v.count_failure(LockError::WrongPassword)),
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Unlocks with the recovery key and sets `new_password` (the forgotten one stops
    /// working). The recovery key stays the same.
    pub fn recover(&mut self, recovery: &str, new_password: &str) -> Result<(), VaultError> {
        check_password(new_password)?;
        let recovery = RecoveryKey::parse(recovery)?;
        self.locked(|v| {
            let lock = v.meta.lock.clone().ok_or(LockError::Off)?;
            v.wait_for_backoff(&lock)?;
            let key = match lock.keys.open_by_recovery(v.meta.vault_id, &recovery) {
                Ok(key) => key,
                Err(LockError::WrongRecoveryKey) => {
                    return Err(v.count_failure(LockError::WrongRecoveryKey));
                }
                Err(e) => return Err(e.into()),
            };
            let keys = key.rewrap(v.meta.vault_id, &lock.keys, new_password)?;
            v.update(|m| {
                if let Some(l) = m.lock.as_mut() {
                    l.keys = keys;
                }
                Ok(())
            })?;
            v.unlocked_with(key)
        })
    }

    /// Changes the password (the vault must be unlocked). Nothing but the password's wrap of
    /// the vault key is rewritten: one atomic save.
    pub fn change_password(&mut self, new_password: &str) -> Result<(), VaultError> {
        check_password(new_password)?;
        self.locked(|v| {
            let lock = v.meta.lock.clone().ok_or(LockError::Off)?;
            let key = v.key.clone().ok_or(LockError::Locked)?;
            let keys = key.rewrap(v.meta.vault_id, &lock.keys, new_password)?;
            v.update(|m| {
                if let Some(l) = m.lock.as_mut() {
                    l.keys = keys;
                }
                Ok(())
            })
        })
    }

    /// Turns the encrypted mode on: a new vault key, wrapped by `password` and by a new
    /// recovery key (returned: shown to the person once), then every item sealed through the
    /// journal. The vault stays unlocked.
    pub fn enable_encryption(&mut self, password: &str) -> Result<Enabled, VaultError> {
        check_password(password)?;
        self.locked(|v| {
            if v.meta.lock.is_some() {
                return Err(LockError::AlreadyOn.into());
            }
            // Every secret is read before anything changes: a keychain that cannot be read
            // now fails here, with nothing written.
            v.unlock_all()?;
            let key = VaultKey::generate()?;
            let recovery_key = RecoveryKey::generate()?;
            let keys = key.wrap(v.meta.vault_id, password, &recovery_key)?;
            v.update(|m| {
                m.lock = Some(LockMeta {
                    mode: "password".into(),
                    keys,
                    rewrite: Some(Rewrite::Sealing),
                    failures: 0,
                    last_failure: None,
                    guarded: None,
                });
                Ok(())
            })?;
            v.key = Some(key);
            let skipped = v.finish_rewrite()?;
            Ok(Enabled {
                recovery_key,
                skipped,
            })
        })
    }

    /// Turns the encrypted mode off (the vault must be unlocked): every item written plain
    /// again through the journal, then the lock removed.
    pub fn disable_encryption(&mut self) -> Result<Vec<Uuid>, VaultError> {
        self.locked(|v| {
            if v.meta.lock.is_none() {
                return Err(LockError::Off.into());
            }
            v.require_unlocked()?;
            v.unlock_all()?;
            v.forget_guarded()?;
            v.update(|m| {
                if let Some(l) = m.lock.as_mut() {
                    l.rewrite = Some(Rewrite::Opening);
                }
                Ok(())
            })?;
            v.finish_rewrite()
        })
    }

    fn wait_for_backoff(&self, lock: &LockMeta) -> Result<(), VaultError> {
        match backoff::wait(lock.failures, lock.last_failure, now()) {
            Some(seconds) => Err(LockError::TryLater(seconds).into()),
            None => Ok(()),
        }
    }

    /// Records a wrong password or recovery key (best effort: a vault that cannot be saved
    /// still refuses) and returns `error`.
    fn count_failure(&mut self, error: LockError) -> VaultError {
        let _ = self.update(|m| {
            if let Some(l) = m.lock.as_mut() {
                l.failures = l.failures.saturating_add(1);
                l.last_failure = Some(now());
            }
            Ok(())
        });
        error.into()
    }

    /// Takes `key` as the vault key: clears the failure count and finishes a rewrite that an
    /// interruption left under way.
    fn unlocked_with(&mut self, key: VaultKey) -> Result<(), VaultError> {
        self.key = Some(key);
        // The password opens everything: also a gate closed before another process turned
        // the encrypted mode on.
        self.gate = Gate::default();
        if self.meta.lock.as_ref().is_some_and(|l| l.failures > 0) {
            self.update(|m| {
                if let Some(l) = m.lock.as_mut() {
                    l.failures = 0;
                    l.last_failure = None;
                }
                Ok(())
            })?;
        }
        if self.meta.lock.as_ref().is_some_and(|l| l.rewrite.is_some()) {
            self.unlock_all()?;
            self.finish_rewrite()?;
        } else {
            self.forget_retired_keys_if_unused();
        }
        Ok(())
    }

    /// Rewrites every readable item in the form the lock now asks for, then closes the
    /// journal (and, when opening, removes the lock). Items already in that form are left
    /// alone, so an interrupted rewrite resumes where it stopped. Returns the accounts whose
    /// item could not be read (missing or damaged), which are left as they are.
    fn finish_rewrite(&mut self) -> Result<Vec<Uuid>, VaultError> {
        let ids: Vec<Uuid> = self.meta.accounts.iter().map(|a| a.id).collect();
        let mut skipped = Vec::new();
        for id in ids {
            if !self.cache.contains_key(&id) {
                skipped.push(id);
                continue;
            }
            let user = self.user(id);
            let current = self.store.get(&user)?;
            if current.as_deref().is_some_and(|b| self.in_current_form(b)) {
                continue;
            }
            let Some(item) = self.cache.get(&id).cloned() else {
                continue;
            };
            let encoded = self.encode_item(&item)?;
            self.store.set(&user, &encoded)?;
        }
        let opening = self
            .meta
            .lock
            .as_ref()
            .is_some_and(|l| l.rewrite == Some(Rewrite::Opening));
        if opening && let Some(key) = &self.key {
            // A keychain write that timed out while the mode was on may still land sealed
            // after it is off: the key that opens it stays in the keychain (every item is
            // plain by now, so it opens nothing else) until the mode is turned on again.
            self.store
                .set(&self.retired_user(key), &key.retired_record())?;
        }
        self.update(|m| {
            if opening {
                m.lock = None;
            } else if let Some(l) = m.lock.as_mut() {
                l.rewrite = None;
            }
            Ok(())
        })?;
        if opening {
            self.key = None;
        } else {
            self.forget_retired_keys_if_unused();
        }
        Ok(skipped)
    }

    /// The keychain for the vault's neighbours (sync, followed folders): sealed under the
    /// vault key while the mode is on (see `sealed`), the keychain itself when it is off.
    pub(crate) fn neighbour_store(&self) -> std::sync::Arc<dyn super::SecretStore> {
        if self.meta.lock.is_none() {
            return self.store.clone();
        }
        std::sync::Arc::new(sealed::SealedStore {
            inner: self.store.clone(),
            key: self.key.clone(),
            seal: self.seals(),
        })
    }

    /// Rewrites the neighbours' items named `users` sealed (`seal`) or plain, for turning the
    /// mode on or off. An item that does not exist is skipped.
    pub fn reseal(&self, users: &[String], seal: bool) -> Result<(), VaultError> {
        use super::SecretStore as _;
        let store = sealed::SealedStore {
            inner: self.store.clone(),
            key: self.key.clone(),
            seal,
        };
        for user in users {
            if let Some(bytes) = store.get(user)? {
                store.set(user, &bytes)?;
            }
        }
        Ok(())
    }

    /// Whether items are written sealed now.
    pub(super) fn seals(&self) -> bool {
        self.meta
            .lock
            .as_ref()
            .is_some_and(|l| l.rewrite != Some(Rewrite::Opening))
    }

    /// An item as the keychain stores it now: its record, sealed under the vault key when the
    /// lock asks for it.
    pub(super) fn encode_item(&self, item: &Item) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let record = item.encode()?;
        if !self.seals() {
            return Ok(record);
        }
        let key = self.key.as_ref().ok_or(LockError::Locked)?;
        let sealed = key.seal_item(&item.owner, &record)?;
        if sealed.len() > super::keychain::MAX_ITEM_BYTES {
            return Err(super::ItemError::TooLarge { size: sealed.len() }.into());
        }
        Ok(sealed)
    }

    /// The keychain user of a retired vault key (one per key: a cycle of on and off keeps
    /// each). Not `vault/account`: never taken for an orphan.
    fn retired_user(&self, key: &VaultKey) -> String {
        format!("lock/{}/{}", self.meta.vault_id, key.tag())
    }

    fn retired_users(&self) -> Vec<String> {
        self.store
            .list(&format!("lock/{}/", self.meta.vault_id))
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// An item read from the keychain, sealed or plain. A sealed one needs the vault key, or
    /// a retired one (a sealed write that landed late).
    pub(super) fn decode_item(&self, bytes: &[u8]) -> Result<Item, ItemProblem> {
        if !key::is_sealed(bytes) {
            return Item::decode(bytes).map_err(|_| ItemProblem::Damaged);
        }
        // A retired key opens what was sealed under it and written late (a call that timed
        // out in an earlier time the mode was on); the read then rewrites it.
        let retired = || {
            self.retired_users().iter().find_map(|u| {
                let record = self.store.get(u).ok().flatten()?;
                VaultKey::from_retired_record(&record)?.open_item(bytes)
            })
        };
        let opened = match &self.key {
            Some(key) => key.open_item(bytes).or_else(retired),
            None if self.meta.lock.is_none() => retired(),
            None => None,
        };
        let (owner, record) = opened.ok_or(ItemProblem::Damaged)?;
        let item = Item::decode(&record).map_err(|_| ItemProblem::Damaged)?;
        if item.owner != owner {
            return Err(ItemProblem::Damaged);
        }
        Ok(item)
    }

    /// Whether keychain data is in the form the lock asks for (else it is rewritten): plain
    /// while the mode is off, and while it is on, sealed under *this* vault key — an item
    /// sealed under a retired one (a late write from an earlier time the mode was on) is
    /// rewritten, never taken as done.
    pub(super) fn in_current_form(&self, bytes: &[u8]) -> bool {
        if !self.seals() {
            return !key::is_sealed(bytes);
        }
        self.key
            .as_ref()
            .is_some_and(|k| key::is_sealed(bytes) && k.open_item(bytes).is_some())
    }

    /// Deletes the retired vault keys once no item of this vault in the keychain (listed or
    /// not: a pending add, an orphan) is sealed under one of them: with the mode on, a retired
    /// key left in the keychain opens only such leftovers, which are rewritten as they are
    /// read. Any doubt (a keychain that cannot list or read) keeps them.
    fn forget_retired_keys_if_unused(&self) {
        let retired = self.retired_users();
        if retired.is_empty() {
            return;
        }
        let Ok(Some(users)) = self.store.list(&format!("{}/", self.meta.vault_id)) else {
            return;
        };
        let Ok(items) = self.store.get_many(&users) else {
            return;
        };
        let unused = items.iter().flatten().all(|bytes| {
            !key::is_sealed(bytes)
                || self
                    .key
                    .as_ref()
                    .is_some_and(|k| k.open_item(bytes).is_some())
        });
        if unused {
            for user in retired {
                let _ = self.store.delete(&user);
            }
        }
    }
}
