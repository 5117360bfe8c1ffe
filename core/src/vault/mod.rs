//! The account store: a metadata file that never holds a secret, and one OS keychain item per
//! account that holds nothing else.
//!
//! Every operation that changes the vault takes the vault's advisory lock, re-reads the file
//! (another process may have changed it) and saves atomically: all of them run inside
//! `Vault::locked`, and those that only change the metadata go through `Vault::modify` (one
//! account, `NotFound` if it is gone) or `Vault::modify_all`. Effects are ordered so that a
//! crash at any point loses nothing and leaves no secret behind once the vault is opened again.
//!
//! - This file: opening, those helpers, listing, and adding, editing, pinning, reordering and
//!   deleting accounts.
//! - `journal`: pending adds and tombstones, which make add and delete crash-safe, and
//!   `Vault::reconcile`, which finishes them.
//! - `duplicates`: the one rule for when an account is already present.
//! - `codes`: TOTP and HOTP codes; a HOTP counter is saved before its code is shown.
//! - `secrets`: the in-memory cache of keychain items (one broken item marks one account),
//!   and recovery codes.
//! - `recovery`: the keychain alone rebuilds the list; items no account owns are offered back.
//! - `query`: which accounts a typed query means (`Vault::find`).
//! - `file`, `metadata`, `item`, `keychain`: the file on disk, its schema, the layout of a
//!   keychain item, and the OS keychain.

pub(crate) mod beside;
mod call_queue;
mod codes;
mod duplicates;
pub(crate) mod file;
pub mod item;
mod journal;
pub mod keychain;
pub mod lock;
pub mod metadata;
mod query;
mod recovery;
mod secrets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;
use uuid::Uuid;
use zeroize::Zeroizing;

pub use codes::AccountCodes;
pub use duplicates::{Duplicate, repeats};
pub use file::{BACKUP, FILE, Notice, NoticeKind};
pub use item::ItemAccount;
pub use item::{Item, ItemError};
pub use journal::Reconciled;
pub use keychain::{KeychainError, KeychainState, KeyringStore, SecretStore};
pub use lock::{LockError, LockStatus};
pub use metadata::{AccountMeta, Metadata};
pub use recovery::Orphan;
pub use secrets::ItemProblem;

use crate::error_code::ErrorCode;
use crate::otp::{Account, OtpParams, ParamError, Secret, now};
use crate::site::Binding;

#[derive(Debug, Error)]
pub enum VaultError {
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error("cannot {action} at {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot save the vault at {}: {source}; the previous version is unchanged", path.display())]
    SaveFailed {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the vault file is damaged ({reason}) and no good copy exists; it was kept at {}", kept_aside.display())]
    Damaged { kept_aside: PathBuf, reason: String },
    #[error(
        "this vault was written by a newer version of Ninsho (vault format {0}); update Ninsho to open it"
    )]
    NewerVersion(u32),
    #[error("another Ninsho (the app or the CLI) is busy with the vault; try again in a moment")]
    Busy,
    #[error("no account matches '{0}'")]
    NotFound(String),
    #[error("{0}")]
    Duplicate(Duplicate),
    #[error("invalid account: {0}")]
    InvalidAccount(#[from] ParamError),
    #[error("the secret of {label} is missing from the keychain")]
    SecretMissing { id: Uuid, label: String },
    #[error("the keychain item of {label} is damaged")]
    ItemDamaged { id: Uuid, label: String },
    #[error(transparent)]
    Item(#[from] ItemError),
    #[error("{label} is not a counter-based (HOTP) account; its codes change with time")]
    NotHotp { label: String },
    #[error("no folder for Ninsho's data could be found; set NINSHO_DATA_DIR")]
    NoDataDir,
    #[error(transparent)]
    Lock(#[from] LockError),
}

impl VaultError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            VaultError::Keychain(k) => k.code(),
            VaultError::Io { .. } => ErrorCode::Io,
            VaultError::SaveFailed { .. } => ErrorCode::SaveFailed,
            VaultError::Damaged { .. } => ErrorCode::VaultDamaged,
            VaultError::NewerVersion(_) => ErrorCode::VaultNewer,
            VaultError::Busy => ErrorCode::VaultBusy,
            VaultError::NotFound(_) => ErrorCode::NotFound,
            VaultError::Duplicate(_) => ErrorCode::Duplicate,
            VaultError::InvalidAccount(_) => ErrorCode::InvalidAccount,
            VaultError::SecretMissing { .. } => ErrorCode::SecretMissing,
            VaultError::ItemDamaged { .. } => ErrorCode::ItemDamaged,
            VaultError::Item(_) => ErrorCode::ItemTooLarge,
            VaultError::NotHotp { .. } => ErrorCode::NotHotp,
            VaultError::NoDataDir => ErrorCode::NoDataDir,
            VaultError::Lock(e) => e.code(),
        }
    }

    /// The keychain state behind this error, when the keychain is what failed.
    pub fn keychain_state(&self) -> Option<&KeychainState> {
        match self {
            VaultError::Keychain(e) => e.state(),
            _ => None,
        }
    }
}

/// Changes to an account's description. `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountEdit {
    pub issuer: Option<Option<String>>,
    pub name: Option<String>,
    pub group: Option<Option<String>>,
    pub icon: Option<Option<String>>,
    pub params: Option<OtpParams>,
    /// The sites it is bound to, all of them (see [`AccountMeta::domains`]).
    pub domains: Option<Vec<Binding>>,
}

/// An account on its way into the vault: its description and its encoded keychain item.
struct NewAccount<'a> {
    meta: AccountMeta,
    /// For the duplicate rule, which also compares the accounts within one batch.
    secret: &'a Secret,
    item: Item,
    encoded: Zeroizing<Vec<u8>>,
}

pub struct Vault {
    files: file::VaultFiles,
    store: Arc<dyn SecretStore>,
    meta: Metadata,
    notices: Vec<Notice>,
    /// Secrets read from the keychain, by account; wiped on drop.
    cache: HashMap<Uuid, Item>,
    /// Accounts whose keychain item the last read found missing or damaged.
    problems: HashMap<Uuid, ItemProblem>,
    /// No vault file exists yet and none could be rebuilt from the keychain: the first
    /// operation that finds the keychain usable tries to rebuild again, before anything is
    /// saved under a new vault id.
    fresh: bool,
    /// This vault's folder as keychain records name it (see `recovery`).
    folder: String,
    /// The vault key while the encrypted mode is on and unlocked (see `lock`); wiped on drop.
    key: Option<lock::VaultKey>,
    /// System sign-in's state in this process (see `lock`): the gate and the held key.
    gate: lock::Gate,
    /// The guard this platform has for a vault key (see `system_auth::guard`), if any.
    guard: Option<&'static str>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.files.dir())
            .field("vault_id", &self.meta.vault_id)
            .field("accounts", &self.meta.accounts.len())
            .finish_non_exhaustive()
    }
}

/// The folder of the vault: `NINSHO_DATA_DIR`, or the platform's data folder for Ninsho.
pub fn default_dir() -> Result<PathBuf, VaultError> {
    if let Some(dir) = std::env::var_os("NINSHO_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("app", "Ninsho", "Ninsho")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(VaultError::NoDataDir)
}

impl Vault {
    /// Opens (or starts) the vault in `dir`. When the keychain is usable, interrupted adds and
    /// deletes are finished first; when it is not, the vault still opens and lists accounts.
    pub fn open(dir: &Path, store: Arc<dyn SecretStore>) -> Result<Vault, VaultError> {
        let files = file::VaultFiles::open(dir)?;
        let (meta, notices, fresh) = {
            let _lock = files.lock()?;
            match files.load() {
                Ok((Some(meta), notices)) => (meta, notices, false),
                Ok((None, mut notices)) => match rebuild_into(&files, store.as_ref()) {
                    Some((meta, more)) => {
                        notices.extend(more);
                        (meta, notices, false)
                    }
                    None => (Metadata::default(), notices, true),
                },
                Err(VaultError::Damaged { kept_aside, reason }) => {
                    match rebuild_into(&files, store.as_ref()) {
                        Some((meta, mut notices)) => {
                            notices.insert(0, Notice::RestoredFromBackup { kept_aside, reason });
                            (meta, notices, false)
                        }
                        None => return Err(VaultError::Damaged { kept_aside, reason }),
                    }
                }
                Err(e) => return Err(e),
            }
        };
        let mut vault = Vault {
            files,
            store,
            meta,
            notices,
            cache: HashMap::new(),
            problems: HashMap::new(),
            fresh,
            folder: recovery::folder_id(dir),
            key: None,
            gate: lock::Gate::default(),
            guard: crate::system_auth::platform_guard(),
        };
        if vault.needs_reconcile() {
            match vault.reconcile() {
                Ok(_) => {}
                Err(VaultError::Keychain(_)) => {} // finished on a later open
                // The vault cannot be saved now (a full disk): open it as it is, say so, and
                // finish on a later open; writes will fail with their own clear error.
                Err(VaultError::SaveFailed { source, .. }) => {
                    vault.notices.push(Notice::ReconcileNotSaved {
                        reason: source.to_string(),
                    })
                }
                Err(e) => return Err(e),
            }
        }
        // Orphans are not looked for here: opening touches the keychain only to finish
        // interrupted changes, so a slow or locked keychain never delays opening. `orphans`
        // is asked where the keychain is read anyway (listing, the app's status).
        Ok(vault)
    }

    /// Opens the vault in [`default_dir`] with the platform keychain.
    pub fn open_default() -> Result<Vault, VaultError> {
        Vault::open(&default_dir()?, Arc::new(KeyringStore::platform()))
    }

    pub fn dir(&self) -> &Path {
        self.files.dir()
    }

    /// The keychain this vault's neighbours keep their secrets in (the sync key, followed
    /// folders' passwords): sealed under the vault key while the encrypted mode is on.
    pub(crate) fn store(&self) -> Arc<dyn SecretStore> {
        self.neighbour_store()
    }

    /// This vault's folder as keychain records name it (a hash of its path): stable from the
    /// first run on, unlike the vault id of a vault that has no file yet.
    pub(crate) fn folder_tag(&self) -> &str {
        &self.folder
    }

    /// The metadata file.
    pub fn path(&self) -> PathBuf {
        self.files.path()
    }

    pub fn vault_id(&self) -> Uuid {
        self.meta.vault_id
    }

    /// What the person should be told about how the vault was opened.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Probes the keychain now.
    pub fn keychain_state(&self) -> KeychainState {
        let probe = self.meta.accounts.first().map(|a| self.user(a.id));
        self.store.state(probe.as_deref())
    }

    fn user(&self, id: Uuid) -> String {
        format!("{}/{}", self.meta.vault_id, id)
    }

    /// Re-reads the file (another process may have changed it).
    pub fn refresh(&mut self) -> Result<(), VaultError> {
        self.locked(|_| Ok(()))
    }

    /// Runs `op` with the vault's lock held, on the file as it is now (another process may
    /// have changed it). Every operation that changes the vault runs inside this.
    fn locked<T>(
        &mut self,
        op: impl FnOnce(&mut Vault) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let _lock = self.files.lock()?;
        self.reload()?;
        op(self)
    }

    fn reload(&mut self) -> Result<(), VaultError> {
        let (meta, notices) = self.files.load()?;
        self.notices.extend(notices);
        if let Some(meta) = meta {
            self.adopt(meta);
        }
        Ok(())
    }

    /// Takes `meta` (just read or rebuilt) as the vault's state.
    fn adopt(&mut self, meta: Metadata) {
        self.fresh = false;
        // Another vault, or a lock another process removed or set up anew: the key in memory
        // is not this vault's key any more.
        let same_lock = match (&meta.lock, &self.meta.lock) {
            (Some(a), Some(b)) => a.keys.by_recovery == b.keys.by_recovery,
            (None, None) => true,
            _ => false,
        };
        if meta.vault_id != self.meta.vault_id || !same_lock {
            self.key = None;
            self.cache.clear();
            self.problems.clear();
        }
        self.meta = meta;
        let known: std::collections::HashSet<Uuid> =
            self.meta.accounts.iter().map(|a| a.id).collect();
        self.cache.retain(|id, _| known.contains(id));
        self.problems.retain(|id, _| known.contains(id));
    }

    /// Before the first account of a folder without a vault file is saved under a new vault
    /// id: the keychain may know this folder's vault after all (it was locked when the vault
    /// opened), and then that vault is rebuilt and added to instead. Only here, not on every
    /// re-read, so a locked or slow keychain never delays reading the list.
    fn rebuild_if_fresh(&mut self) {
        if !self.fresh || self.files.path().exists() {
            return;
        }
        if let Some((meta, notices)) = rebuild_into(&self.files, self.store.as_ref()) {
            self.notices.extend(notices);
            self.adopt(meta);
        }
    }

    /// The order after every listed account.
    fn next_order(&self) -> u64 {
        self.meta
            .accounts
            .iter()
            .map(|a| a.order + 1)
            .max()
            .unwrap_or(0)
    }

    /// Applies `change` to a fresh copy of the metadata and saves it atomically; the vault in
    /// memory follows only once the file is saved. The caller is inside [`Vault::locked`].
    fn update<T>(
        &mut self,
        change: impl FnOnce(&mut Metadata) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let mut next = self.meta.clone();
        let out = change(&mut next)?;
        next.revision += 1;
        next.schema = next.required_schema();
        let notices = self.files.save(&next)?;
        self.notices.extend(notices);
        self.meta = next;
        Ok(out)
    }

    /// [`Vault::update`] of one account; [`VaultError::NotFound`] if no account has `id`.
    fn update_account<T>(
        &mut self,
        id: Uuid,
        change: impl FnOnce(&mut AccountMeta) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        self.update(|m| change(account_mut(m, id)?))
    }

    /// Takes the lock, re-reads the file and applies `change` to a fresh copy of the metadata,
    /// saved atomically. Nothing is saved (nor changed in memory) if `change` fails.
    fn modify_all<T>(
        &mut self,
        change: impl FnOnce(&mut Metadata) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        self.locked(|v| v.update(change))
    }

    /// [`Vault::modify_all`] of one account: the lock is taken, the file re-read, the account
    /// found ([`VaultError::NotFound`] otherwise) and changed in a fresh copy, which is saved.
    fn modify<T>(
        &mut self,
        id: Uuid,
        change: impl FnOnce(&mut AccountMeta) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        self.locked(|v| v.update_account(id, change))
    }

    /// Accounts in display order: pinned first, then the manual order.
    pub fn accounts(&self) -> Vec<AccountMeta> {
        let mut list = self.meta.accounts.clone();
        list.sort_by_key(|a| (!a.pinned, a.order, a.created));
        list
    }

    pub fn get(&self, id: Uuid) -> Result<&AccountMeta, VaultError> {
        account_index(&self.meta, id).map(|at| &self.meta.accounts[at])
    }

    /// Accounts matching a query: an id (or an unambiguous id prefix of at least 4 characters),
    /// an exact "issuer", "name" or "issuer (name)" (any case), or else a substring of them.
    pub fn find(&self, query: &str) -> Vec<AccountMeta> {
        query::matching(self.accounts(), query)
    }

    /// Adds one account; see [`Vault::add_many`].
    pub fn add(&mut self, account: &Account, force: bool) -> Result<Uuid, VaultError> {
        let mut results = self.add_many(std::slice::from_ref(account), force)?;
        results
            .pop()
            .unwrap_or_else(|| Err(VaultError::NotFound("the new account".into())))
    }

    /// Adds accounts. Each is refused (in its own result) if it duplicates an account already
    /// in the vault or earlier in the list, unless `force` (one rule for both, see
    /// [`Vault::find_duplicate`]). The keychain items are written before the accounts are
    /// listed, through the journal (pending adds; see the module docs).
    pub fn add_many(
        &mut self,
        accounts: &[Account],
        force: bool,
    ) -> Result<Vec<Result<Uuid, VaultError>>, VaultError> {
        self.add_many_bound(accounts, &[], &[], force)
    }

    /// [`Vault::add_many`], each account bound to the sites its source named: `domains[i]`
    /// is the whole list of `accounts[i]` (see [`crate::formats::Import::domains`]); where it
    /// is `None` or missing, the account is bound to a known issuer's sites as any new one.
    /// `icons[i]` is the icon `accounts[i]` came with (kept form, see [`crate::icon`]).
    pub fn add_many_bound(
        &mut self,
        accounts: &[Account],
        domains: &[Option<Vec<Binding>>],
        icons: &[Option<String>],
        force: bool,
    ) -> Result<Vec<Result<Uuid, VaultError>>, VaultError> {
        self.locked(|v| v.add_locked(accounts, domains, icons, force))
    }

    /// [`Vault::add_many_bound`] with the lock held.
    fn add_locked(
        &mut self,
        accounts: &[Account],
        domains: &[Option<Vec<Binding>>],
        icons: &[Option<String>],
        force: bool,
    ) -> Result<Vec<Result<Uuid, VaultError>>, VaultError> {
        self.require_unlocked()?;
        let mut results = Vec::with_capacity(accounts.len());
        let mut new: Vec<NewAccount> = Vec::new();
        self.rebuild_if_fresh();
        let created = now();
        let mut order = self.next_order();
        for (i, account) in accounts.iter().enumerate() {
            if let Err(e) = account.params.validate() {
                results.push(Err(e.into()));
                continue;
            }
            if account.params.otp_type.needs_pin() && account.pin.is_none() {
                results.push(Err(ParamError::PinRequired(account.params.otp_type).into()));
                continue;
            }
            if !force && let Some(d) = self.find_duplicate_among(account, &new)? {
                results.push(Err(VaultError::Duplicate(d)));
                continue;
            }
            let id = Uuid::new_v4();
            let mut meta = AccountMeta::new(
                id,
                account.issuer.clone(),
                account.name.clone(),
                &account.params,
                order,
                created,
            );
            meta.domains = match domains.get(i) {
                Some(Some(sites)) => crate::site::binding::unique(sites.iter().cloned()),
                _ => crate::site::known::sites_of(account.issuer.as_deref()),
            };
            meta.icon = icons.get(i).cloned().flatten();
            let mut item = Item::new(
                self.user(id),
                account.secret.clone(),
                secrets::item_account(&meta),
                self.folder.clone(),
            );
            item.pin = account.pin.clone();
            let encoded = self.encode_item(&item)?;
            order += 1;
            results.push(Ok(meta.id));
            new.push(NewAccount {
                meta,
                secret: &account.secret,
                item,
                encoded,
            });
        }
        if new.is_empty() {
            return Ok(results);
        }
        self.fresh = false;
        let journal::Added { written, failure } = self.add_journaled(&new)?;
        for n in new {
            if written.contains(&n.meta.id) {
                self.cache.insert(n.meta.id, n.item);
            }
        }
        if let Some(e) = failure {
            // Nothing was listed after the failure; report it for every account not written.
            if written.is_empty() {
                return Err(e.into());
            }
            for r in results.iter_mut() {
                if matches!(r, Ok(id) if !written.contains(id)) {
                    *r = Err(e.clone().into());
                }
            }
        }
        Ok(results)
    }

    /// Changes an account's description. Its keychain item's copy of the description follows
    /// (best effort: the vault file is the authority; a later read rewrites it).
    pub fn edit(&mut self, id: Uuid, edit: &AccountEdit) -> Result<AccountMeta, VaultError> {
        self.require_unlocked()?;
        if let Some(params) = &edit.params {
            params.validate()?;
        }
        let meta = self.modify(id, |a| {
            if let Some(issuer) = &edit.issuer {
                a.issuer = crate::otp::normalize_issuer(issuer.as_deref());
            }
            if let Some(name) = &edit.name {
                a.name = name.trim().to_owned();
            }
            if let Some(group) = &edit.group {
                a.group = group
                    .as_deref()
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_owned);
            }
            if let Some(icon) = &edit.icon {
                a.icon = icon.clone();
            }
            if let Some(params) = &edit.params {
                a.set_params(params);
            }
            if let Some(domains) = &edit.domains {
                a.domains = crate::site::binding::unique(domains.iter().cloned());
            }
            Ok(a.clone())
        })?;
        if edit.issuer.is_some() || edit.name.is_some() || edit.params.is_some() {
            let _ = self.load_items_for(id);
            self.rewrite_item(id);
        }
        Ok(meta)
    }

    /// Deletes an account. Returns whether its keychain item is already gone (if the keychain
    /// is unavailable now, the item is removed on a later open).
    pub fn delete(&mut self, id: Uuid) -> Result<bool, VaultError> {
        self.locked(|v| {
            v.require_unlocked()?;
            v.delete_journaled(id)
        })
    }

    pub fn set_pinned(&mut self, id: Uuid, pinned: bool) -> Result<(), VaultError> {
        self.modify(id, |a| {
            a.pinned = pinned;
            Ok(())
        })
    }

    /// Puts the accounts in the given order; accounts not named keep their relative order
    /// after the named ones.
    pub fn reorder(&mut self, ids: &[Uuid]) -> Result<(), VaultError> {
        self.modify_all(|m| {
            for id in ids {
                account_index(m, *id)?;
            }
            let mut rest: Vec<&mut AccountMeta> = m
                .accounts
                .iter_mut()
                .filter(|a| !ids.contains(&a.id))
                .collect();
            rest.sort_by_key(|a| (a.order, a.created));
            let base = ids.len() as u64;
            for (i, a) in rest.into_iter().enumerate() {
                a.order = base + i as u64;
            }
            for (i, id) in ids.iter().enumerate() {
                if let Some(a) = m.accounts.iter_mut().find(|a| a.id == *id) {
                    a.order = i as u64;
                }
            }
            Ok(())
        })
    }

    /// Records that an account's code was just used (copied).
    pub fn mark_used(&mut self, id: Uuid) -> Result<(), VaultError> {
        self.modify(id, |a| {
            a.last_used = Some(now());
            Ok(())
        })
    }
}

/// Rebuilds the list from the keychain into `files` (the lock is held): the metadata and what
/// to tell the person, or `None` when the keychain has nothing to rebuild from or cannot be
/// used now.
fn rebuild_into(
    files: &file::VaultFiles,
    store: &dyn SecretStore,
) -> Option<(Metadata, Vec<Notice>)> {
    let meta = recovery::rebuild(store, files.dir()).ok()??;
    let mut notices = files.save(&meta).ok()?;
    notices.insert(
        0,
        Notice::Rebuilt {
            accounts: meta.accounts.len(),
        },
    );
    Some((meta, notices))
}

/// Where account `id` is in the list; [`VaultError::NotFound`] if it is not there.
fn account_index(meta: &Metadata, id: Uuid) -> Result<usize, VaultError> {
    meta.accounts
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(|| VaultError::NotFound(id.to_string()))
}

/// Account `id`, to change; [`VaultError::NotFound`] if it is not there.
fn account_mut(meta: &mut Metadata, id: Uuid) -> Result<&mut AccountMeta, VaultError> {
    let at = account_index(meta, id)?;
    Ok(&mut meta.accounts[at])
}

#[cfg(test)]
mod tests;
