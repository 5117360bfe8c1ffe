//! Syncing accounts between computers through a folder a sync engine the person already runs
//! keeps in step (Syncthing, Nextcloud, Dropbox, a network share). No server of ours.
//!
//! - **One file per device** (`ninsho-sync/<device id>.ninsho`, see [`folder`]), written only
//!   by that device: its full state, every account with a version stamp ([`clock`]) and
//!   tombstones for deletions. No file has two writers, so the sync engine never has to merge
//!   anything; a conflict copy it makes anyway is read as one more source.
//! - **Merge** ([`merge`]): per account, the newest version by (hybrid clock, device id) wins;
//!   HOTP counters take the largest value. Changes land in the vault through its own
//!   crash-safe add, edit and delete, and `sync.json` ([`state`]) records them only once made.
//! - **Encryption** ([`seal`]): XChaCha20-Poly1305 under a key derived from the person's
//!   passphrase with Argon2id (parameters and salt in `ninsho-sync/folder.json`). The key is
//!   kept in the keychain (item `sync/<folder id>`). Nothing in the folder can be read without
//!   it: no secret, name or issuer, not even the device names.
//! - **When**: the shells decide (the app on start, after each change, when the folder
//!   changes and on demand; the CLI on `sync now`). Every call reads the whole folder again.

mod apply;
pub mod clock;
pub mod folder;
mod keys;
pub mod merge;
pub mod seal;
mod state;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::app::read::{Links, read_shared};
use crate::error_code::ErrorCode;
use crate::vault::beside::Guard;
use crate::vault::{KeychainError, SecretStore, Vault, VaultError};
use crate::watched::report::{Changed, Skipped};
use apply::{apply, held_deletions, locals};
use clock::now_ms;
use keys::{SyncKeys, key_user, load_key, save_key};
use merge::{Entry, Inputs, Keys as _};
pub use seal::MIN_PASSPHRASE_CHARS;
use seal::{FolderFile, SyncKey};
pub use state::FILE as STATE_FILE;
use state::{State, StateFile};

const DEVICE_FORMAT: &str = "ninsho-sync-device";
/// Most accounts one device file may list (a file with more is refused as damaged).
const MAX_ENTRIES: usize = 50_000;

#[derive(Debug, Error)]
pub enum SyncError {
    #[error("{} is not a folder (or cannot be opened)", .0.display())]
    NotAFolder(PathBuf),
    #[error("this computer already syncs with {}; leave it first", .0.display())]
    AlreadySyncing(PathBuf),
    #[error("{} is already set up for Ninsho sync: join it instead, with its passphrase", .0.display())]
    AlreadySetUp(PathBuf),
    #[error("{} is not set up for Ninsho sync (no ninsho-sync/folder.json): set it up on the first computer, or wait until the sync engine has brought it here", .0.display())]
    NotSetUp(PathBuf),
    #[error("this computer does not sync with a folder; set one up or join one first")]
    NotSyncing,
    #[error("wrong passphrase for this sync folder")]
    WrongPassphrase,
    #[error("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")]
    PassphraseTooShort,
    #[error("the sync folder {} is gone (or not mounted); nothing was changed", .0.display())]
    FolderGone(PathBuf),
    #[error(
        "the sync folder was set up again with another passphrase; join it again with the new passphrase"
    )]
    PassphraseChanged,
    #[error("the sync key is missing from the keychain; join the folder again with its passphrase")]
    KeyMissing,
    #[error(
        "ninsho-sync/folder.json is damaged ({0}); set the folder up again on one computer and join it on the others"
    )]
    FolderDamaged(String),
    #[error(
        "the sync folder was set up by a newer Ninsho (sync format {0}); update Ninsho on this computer"
    )]
    FolderNewer(u16),
    #[error("cannot use {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read or write the sync state at {}: {source}", path.display())]
    State {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the sync state at {} is damaged ({reason}); leave sync and join the folder again", path.display())]
    StateDamaged { path: PathBuf, reason: String },
    #[error("the sync state was written by a newer Ninsho (format {0}); update Ninsho")]
    StateNewer(u32),
    #[error("another Ninsho is busy syncing; try again in a moment")]
    Busy,
    #[error("the system's random number generator failed")]
    NoRandomness,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl SyncError {
    /// The code the shells report this error by, and the status names a problem by.
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::Vault(v) => v.code(),
            SyncError::Keychain(k) => k.code(),
            SyncError::NoRandomness => ErrorCode::SyncFailed,
            SyncError::NotAFolder(_) | SyncError::Folder { .. } => ErrorCode::SyncFolder,
            SyncError::AlreadySyncing(_) => ErrorCode::SyncAlready,
            SyncError::AlreadySetUp(_) => ErrorCode::SyncAlreadySetUp,
            SyncError::NotSetUp(_) => ErrorCode::SyncNotSetUp,
            SyncError::NotSyncing => ErrorCode::SyncOff,
            SyncError::WrongPassphrase | SyncError::PassphraseChanged => {
                ErrorCode::SyncWrongPassphrase
            }
            SyncError::PassphraseTooShort => ErrorCode::SyncPassphraseShort,
            SyncError::FolderGone(_) => ErrorCode::SyncFolderGone,
            SyncError::KeyMissing => ErrorCode::SyncKeyMissing,
            SyncError::FolderDamaged(_) => ErrorCode::SyncFolderDamaged,
            SyncError::FolderNewer(_) | SyncError::StateNewer(_) => ErrorCode::SyncNewer,
            SyncError::State { .. } | SyncError::StateDamaged { .. } => ErrorCode::SyncState,
            SyncError::Busy => ErrorCode::VaultBusy,
        }
    }
}

/// One device of the folder, as people see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DeviceInfo {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    pub name: String,
    /// Unix milliseconds of its file's last change.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub updated: u64,
    /// Accounts (not deletions) in its file.
    pub accounts: usize,
    pub this_device: bool,
}

/// The state of sync on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncStatus {
    pub folder: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub device: Uuid,
    pub name: String,
    pub devices: Vec<DeviceInfo>,
    /// Unix milliseconds of the last merge.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_merge: Option<u64>,
    /// Files of the folder that could not be used, and why.
    pub skipped: Vec<Skipped>,
    /// What keeps sync from working now, in words (the folder is gone, the key is missing).
    pub problem: Option<String>,
    pub problem_code: Option<ErrorCode>,
}

/// What one merge did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncReport {
    pub added: Vec<Changed>,
    pub updated: Vec<Changed>,
    pub deleted: Vec<Changed>,
    /// HOTP counters moved forward.
    pub counters: usize,
    /// Changes made here since the last merge, now in this device's file.
    pub sent: usize,
    /// Whether this device's file was rewritten.
    pub published: bool,
    pub skipped: Vec<Skipped>,
    /// Changes that could not be made here (the account and why); tried again next time.
    pub failed: Vec<Skipped>,
}

impl SyncReport {
    /// Whether the vault changed.
    pub fn changed(&self) -> bool {
        !(self.added.is_empty() && self.updated.is_empty() && self.deleted.is_empty())
            || self.counters > 0
    }
}

/// A device file's decrypted content.
#[derive(Serialize, Deserialize)]
struct DeviceFile {
    format: String,
    device: Uuid,
    name: String,
    /// Unix milliseconds of the last change of its entries.
    written: u64,
    entries: Vec<Entry>,
}

/// The device name to show: the computer's host name.
pub fn default_device_name() -> String {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_owned();
    if name.is_empty() {
        "This computer".into()
    } else {
        name
    }
}

/// Sync of one vault.
pub struct Sync {
    file: StateFile,
    store: std::sync::Arc<dyn SecretStore>,
    vault: String,
}

impl Sync {
    pub fn open(vault: &Vault) -> Result<Self, SyncError> {
        Ok(Sync {
            file: StateFile::open(vault.dir())?,
            store: vault.store(),
            vault: vault.folder_tag().to_owned(),
        })
    }

    /// The folder this device syncs with (the chosen folder, not its `ninsho-sync`).
    pub fn folder(&self) -> Result<Option<PathBuf>, SyncError> {
        let guard = self.file.lock()?;
        Ok(self.file.load(&guard)?.map(|s| s.folder))
    }

    /// The folder to watch for other devices' changes.
    pub fn watched(&self) -> Result<Option<PathBuf>, SyncError> {
        Ok(self.folder()?.map(|f| folder::files_dir(&f)))
    }

    /// Whether `dir` is already set up for sync (then it is joined, not set up).
    pub fn is_set_up(dir: &Path) -> Result<bool, SyncError> {
        Ok(folder::read_folder_file(&checked_dir(dir)?)?.is_some())
    }

    /// The folder syncing with `dir` would use: `dir` itself, or the sync folder whose
    /// `ninsho-sync` was picked.
    pub fn resolve(dir: &Path) -> Result<PathBuf, SyncError> {
        checked_dir(dir)
    }

    /// Starts a new sync folder in `dir` with `passphrase`, and merges this vault into it.
    pub fn setup(
        &self,
        vault: &mut Vault,
        dir: &Path,
        passphrase: &str,
        name: Option<&str>,
    ) -> Result<SyncReport, SyncError> {
        self.setup_lent(&RefCell::new(vault), dir, passphrase, name)
    }

    /// [`Sync::setup`] with a vault that is lent (see [`VaultAccess`]).
    pub fn setup_lent(
        &self,
        access: &impl VaultAccess,
        dir: &Path,
        passphrase: &str,
        name: Option<&str>,
    ) -> Result<SyncReport, SyncError> {
        self.begin(access, dir, name, |dir| {
            if folder::read_folder_file(dir)?.is_some() {
                return Err(SyncError::AlreadySetUp(dir.to_path_buf()));
            }
            let (file, key) = FolderFile::create(passphrase)?;
            Ok((file, key, true))
        })
    }

    /// Joins the sync folder in `dir` (set up on another computer) and merges.
    pub fn join(
        &self,
        vault: &mut Vault,
        dir: &Path,
        passphrase: &str,
        name: Option<&str>,
    ) -> Result<SyncReport, SyncError> {
        self.join_lent(&RefCell::new(vault), dir, passphrase, name)
    }

    /// [`Sync::join`] with a vault that is lent (see [`VaultAccess`]).
    pub fn join_lent(
        &self,
        access: &impl VaultAccess,
        dir: &Path,
        passphrase: &str,
        name: Option<&str>,
    ) -> Result<SyncReport, SyncError> {
        self.begin(access, dir, name, |dir| {
            let file = folder::read_folder_file(dir)?
                .ok_or_else(|| SyncError::NotSetUp(dir.to_path_buf()))?;
            let key = file.unlock(passphrase)?;
            Ok((file, key, false))
        })
    }

    /// Starts syncing with `dir`, whose `folder.json` and key `open` gives (and whether that
    /// `folder.json` is new, to be written), then merges. The key is in the keychain before a
    /// new `folder.json` is written: a locked keychain leaves the folder as it was.
    fn begin(
        &self,
        access: &impl VaultAccess,
        dir: &Path,
        name: Option<&str>,
        open: impl FnOnce(&Path) -> Result<(FolderFile, SyncKey, bool), SyncError>,
    ) -> Result<SyncReport, SyncError> {
        let dir = checked_dir(dir)?;
        {
            let guard = self.file.lock()?;
            if let Some(s) = self.file.load(&guard)? {
                return Err(SyncError::AlreadySyncing(s.folder));
            }
            let (file, key, new) = open(&dir)?;
            save_key(
                self.store.as_ref(),
                &key_user(&self.vault, file.folder),
                &key,
            )?;
            if new {
                folder::create_folder_file(&dir, &file).map_err(|e| match e {
                    SyncError::Folder { source, .. }
                        if source.kind() == std::io::ErrorKind::AlreadyExists =>
                    {
                        SyncError::AlreadySetUp(dir.clone())
                    }
                    e => e,
                })?;
            }
            let state = State::new(dir.clone(), file.folder, device_name(name));
            self.file.save(&guard, &state)?;
        }
        self.now_lent(access)
    }

    /// Stops syncing on this device: its file leaves the folder (the other devices keep
    /// their accounts, and this one keeps its own), its key leaves the keychain.
    pub fn leave(&self) -> Result<PathBuf, SyncError> {
        let guard = self.file.lock()?;
        let state = self.file.load(&guard)?.ok_or(SyncError::NotSyncing)?;
        let path = folder::device_file(&state.folder, state.device);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(SyncError::Folder { path, source }),
        }
        self.file.remove(&guard)?;
        // Best effort: a key left behind is of no use without the folder.
        let _ = self.store.delete(&key_user(&self.vault, state.folder_id));
        Ok(state.folder)
    }

    /// Gives the folder a new passphrase, and with it a new key, salt and folder id: what the
    /// folder held is merged first, then every device file goes (the others are sealed with
    /// the old key) and this device writes its own under the new key. Every other computer
    /// must join again with the new passphrase; one that is not told it (a lost laptop, a
    /// person who left) can no longer read or write anything the folder holds from now on.
    /// The new key is in the keychain before `folder.json` changes.
    pub fn change_passphrase(
        &self,
        vault: &mut Vault,
        passphrase: &str,
    ) -> Result<SyncReport, SyncError> {
        self.change_passphrase_lent(&RefCell::new(vault), passphrase)
    }

    /// [`Sync::change_passphrase`] with a vault that is lent (see [`VaultAccess`]).
    pub fn change_passphrase_lent(
        &self,
        access: &impl VaultAccess,
        passphrase: &str,
    ) -> Result<SyncReport, SyncError> {
        let (file, key) = FolderFile::create(passphrase)?;
        self.now_lent(access)?;
        {
            let guard = self.file.lock()?;
            let mut state = self.file.load(&guard)?.ok_or(SyncError::NotSyncing)?;
            self.key(&state)?;
            save_key(
                self.store.as_ref(),
                &key_user(&self.vault, file.folder),
                &key,
            )?;
            // Sync ids and digests are keyed: each account this device holds is tracked again
            // under the new key (so a computer that joins again recognises its own accounts);
            // deletions keep their ids, and stay deletions.
            let keys = SyncKeys(key.mac_key());
            let (here, _) = access.lend(locals).ok_or(SyncError::Busy)?;
            let bodies: HashMap<Uuid, &merge::Body> =
                here.iter().map(|l| (l.id, &l.body)).collect();
            let mut entries = std::collections::BTreeMap::new();
            for (id, mut t) in std::mem::take(&mut state.entries) {
                let id = match t.local.and_then(|x| Some((x, *bodies.get(&x)?))) {
                    Some((x, body)) => {
                        t.digest = Some(keys.digest(body));
                        let id = keys.id(body);
                        if entries.contains_key(&id) {
                            keys.copy_id(body, x)
                        } else {
                            id
                        }
                    }
                    None => id,
                };
                entries.insert(id, t);
            }
            state.entries = entries;
            folder::remove_device_files(&state.folder)?;
            folder::replace_folder_file(&state.folder, &file)?;
            let _ = self.store.delete(&key_user(&self.vault, state.folder_id));
            state.folder_id = file.folder;
            state.seen.clear();
            state.published = None;
            state.sealed = None;
            self.file.save(&guard, &state)?;
        }
        self.now_lent(access)
    }

    /// The keychain user of this computer's sync key, when it syncs.
    pub fn key_users(&self) -> Result<Vec<String>, SyncError> {
        let guard = self.file.lock()?;
        Ok(self
            .file
            .load(&guard)?
            .map(|s| key_user(&self.vault, s.folder_id))
            .into_iter()
            .collect())
    }

    /// The key, checked against the folder as it is now.
    fn key(&self, state: &State) -> Result<SyncKey, SyncError> {
        if !state.folder.is_dir() {
            return Err(SyncError::FolderGone(state.folder.clone()));
        }
        let file = folder::read_folder_file(&state.folder)?
            .ok_or_else(|| SyncError::FolderGone(folder::files_dir(&state.folder)))?;
        if file.folder != state.folder_id {
            return Err(SyncError::PassphraseChanged);
        }
        let key = load_key(self.store.as_ref(), &key_user(&self.vault, state.folder_id))?
            .ok_or(SyncError::KeyMissing)?;
        if !file.verify(&key) {
            return Err(SyncError::PassphraseChanged);
        }
        Ok(key)
    }

    /// Who is in the folder, and what is wrong, if anything.
    pub fn status(&self) -> Result<Option<SyncStatus>, SyncError> {
        let guard = self.file.lock()?;
        let Some(state) = self.file.load(&guard)? else {
            return Ok(None);
        };
        drop(guard);
        let mut status = SyncStatus {
            folder: state.folder.display().to_string(),
            device: state.device,
            name: state.name.clone(),
            devices: Vec::new(),
            last_merge: state.last_merge,
            skipped: Vec::new(),
            problem: None,
            problem_code: None,
        };
        let key = match self.key(&state) {
            Ok(k) => k,
            Err(e) => {
                status.problem = Some(e.to_string());
                status.problem_code = Some(e.code());
                return Ok(Some(status));
            }
        };
        let Read { files, skipped, .. } = read_files(&state, &key, now_ms())?;
        status.skipped = skipped;
        for (_, f) in &files {
            let info = DeviceInfo {
                id: f.device,
                name: f.name.clone(),
                updated: f.written,
                accounts: f.entries.iter().filter(|e| e.body.is_some()).count(),
                this_device: f.device == state.device,
            };
            // A conflict copy is an older file of the same device: the newest one is listed.
            match status.devices.iter_mut().find(|d| d.id == info.id) {
                Some(d) if d.updated >= info.updated => {}
                Some(d) => *d = info,
                None => status.devices.push(info),
            }
        }
        status
            .devices
            .sort_by(|a, b| b.this_device.cmp(&a.this_device).then(a.name.cmp(&b.name)));
        Ok(Some(status))
    }

    /// One merge: this device's changes go into its file, the other devices' newer versions
    /// into the vault. `Ok(None)` when this device does not sync.
    /// Merges now when the vault syncs; `None` when it does not (or its sync state cannot be
    /// read: `status` says why). What both shells do after a change and when the folder moves.
    /// The vault is borrowed only for the middle of the merge: the folder is read and written
    /// without it (see [`Sync::gather`]).
    pub fn merge_if_on(access: &impl VaultAccess) -> Option<Result<SyncReport, SyncError>> {
        let sync = access.lend(|v| Sync::open(v).ok())??;
        if !matches!(sync.folder(), Ok(Some(_))) {
            return None;
        }
        Some(sync.now_lent(access))
    }

    /// One merge now, with this vault.
    pub fn now(&self, vault: &mut Vault) -> Result<SyncReport, SyncError> {
        self.now_lent(&RefCell::new(vault))
    }

    /// One merge now, the vault lent only for its middle part. Every path that takes both
    /// locks takes `sync.json`'s first, then the vault: a shell that held its vault while
    /// waiting for `sync.json` would wait on a merge that waits for that vault.
    pub fn now_lent(&self, access: &impl VaultAccess) -> Result<SyncReport, SyncError> {
        let gathered = self.gather()?;
        let finishing = access
            .lend(|v| self.merge_with(v, gathered))
            .unwrap_or(Err(SyncError::Busy))?;
        self.finish(finishing)
    }

    /// A merge's first part, all of its reading of the folder, without the vault: a shell that
    /// guards its vault with a lock calls this before taking it, so a slow share (or a network
    /// folder that hangs) never keeps the codes from the window.
    pub fn gather(&self) -> Result<Gathered, SyncError> {
        let guard = self.file.lock()?;
        let state = self.file.load(&guard)?.ok_or(SyncError::NotSyncing)?;
        let key = self.key(&state)?;
        let keys = SyncKeys(key.mac_key());
        let now = now_ms();
        let read = read_files(&state, &key, now)?;
        // What is on disk under this device's name: if it is not what was written last (gone,
        // an older copy put back, another device's file copied over it), it is written again.
        let on_disk = read_shared(
            &folder::device_file(&state.folder, state.device),
            folder::MAX_FILE_BYTES,
            Links::Refuse,
        )
        .ok()
        .map(|bytes| keys.mac(&[b"sealed", &bytes]));
        Ok(Gathered {
            guard,
            state,
            key,
            read,
            on_disk,
            now,
        })
    }

    /// A merge's middle part, with the vault and no folder I/O: the plan made and applied, and
    /// this device's file sealed when it must be written.
    pub fn merge_with(&self, vault: &mut Vault, g: Gathered) -> Result<Finishing, SyncError> {
        let Gathered {
            guard,
            mut state,
            key,
            read:
                Read {
                    files,
                    skipped,
                    own_copies,
                },
            on_disk,
            now,
        } = g;
        let keys = SyncKeys(key.mac_key());
        let mut report = SyncReport {
            skipped,
            ..SyncReport::default()
        };
        vault.refresh()?;
        vault.unlock_all()?;
        let (here, mut unreadable) = locals(vault);
        held_deletions(vault, &state, &here, &mut unreadable);
        let entries: Vec<&[Entry]> = files.iter().map(|(_, f)| f.entries.as_slice()).collect();
        let plan = merge::step(
            &mut state.entries,
            &mut state.clock,
            &Inputs {
                device: state.device,
                now_ms: now,
                local: &here,
                unreadable: &unreadable,
                files: &entries,
                keys: &keys,
            },
        );
        report.sent = plan.stamped;
        apply(vault, &mut state, &plan, &keys, &mut report);
        for (_, f) in &files {
            let seen = state.seen.entry(f.device).or_insert(0);
            *seen = (*seen).max(f.written);
        }

        let (here, _) = locals(vault);
        let published = merge::publish(&state.entries, &here, &keys);
        let digest = {
            let json = Zeroizing::new(serde_json::to_vec(&published).unwrap_or_default());
            keys.mac(&[b"file", state.name.as_bytes(), &json])
        };
        let write =
            if state.published.as_deref() != Some(digest.as_str()) || on_disk != state.sealed {
                // Each of this device's files is `written` later than its last, whatever the
                // wall clock did since: the others keep the newest `written` seen from it, and
                // a clock set back must not make its next files look like older copies.
                let written = now.max(
                    state
                        .seen
                        .get(&state.device)
                        .map_or(0, |w| w.saturating_add(1)),
                );
                let file = DeviceFile {
                    format: DEVICE_FORMAT.into(),
                    device: state.device,
                    name: state.name.clone(),
                    written,
                    entries: published,
                };
                let text = Zeroizing::new(serde_json::to_vec(&file).unwrap_or_default());
                let sealed = seal::seal_device(&key, state.folder_id, state.device, &text)?;
                let sealed_digest = keys.mac(&[b"sealed", &sealed]);
                Some((sealed, digest, sealed_digest, written))
            } else {
                None
            };
        Ok(Finishing {
            guard,
            state,
            write,
            own_copies,
            report,
            now,
        })
    }

    /// A merge's last part, without the vault: this device's file written (when it changed),
    /// its own conflict copies removed, and the state saved.
    pub fn finish(&self, f: Finishing) -> Result<SyncReport, SyncError> {
        let Finishing {
            guard,
            mut state,
            write,
            own_copies,
            mut report,
            now,
        } = f;
        if let Some((sealed, digest, sealed_digest, written)) = write {
            let path = folder::device_file(&state.folder, state.device);
            folder::write_atomic(&folder::files_dir(&state.folder), &path, &sealed, true)?;
            state.published = Some(digest);
            state.sealed = Some(sealed_digest);
            state.seen.insert(state.device, written);
            report.published = true;
        }
        // This device's own conflict copies are merged now: they can go.
        for name in &own_copies {
            let _ = std::fs::remove_file(folder::files_dir(&state.folder).join(name));
        }
        state.last_merge = Some(now);
        self.file.save(&guard, &state)?;
        Ok(report)
    }
}

/// The folder to sync with: `dir`, or its parent when `dir` is a sync folder's own
/// `ninsho-sync` (a person who opens the shared folder in a file dialog may well pick it).
fn checked_dir(dir: &Path) -> Result<PathBuf, SyncError> {
    if !dir.is_dir() {
        return Err(SyncError::NotAFolder(dir.to_path_buf()));
    }
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    if dir.file_name().is_some_and(|n| n == folder::SUBFOLDER)
        && dir.join(folder::FOLDER_FILE).is_file()
        && let Some(parent) = dir.parent()
    {
        return Ok(parent.to_path_buf());
    }
    Ok(dir)
}

fn device_name(name: Option<&str>) -> String {
    name.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(64).collect())
        .unwrap_or_else(default_device_name)
}

/// How far ahead of this computer's clock a device file, or a version in it, may be stamped
/// (clocks a little off). Anything further ahead is refused, never observed: a version stamped
/// at the end of time could never be outranked (an account no one could delete).
const FUTURE_SLACK_MS: u64 = 24 * 3600 * 1000;

/// How a merge borrows the vault: the app's shared vault behind its lock, or the CLI's own.
pub trait VaultAccess {
    /// Runs `f` with the vault; `None` when the vault cannot be had now.
    fn lend<T>(&self, f: impl FnOnce(&mut Vault) -> T) -> Option<T>;
}

impl VaultAccess for RefCell<&mut Vault> {
    fn lend<T>(&self, f: impl FnOnce(&mut Vault) -> T) -> Option<T> {
        Some(f(&mut self.borrow_mut()))
    }
}

/// A merge after its reading of the folder (see [`Sync::gather`]): holds `sync.json`'s lock.
pub struct Gathered {
    guard: Guard,
    state: State,
    key: SyncKey,
    read: Read,
    /// Keyed digest of this device's file as it is on disk.
    on_disk: Option<String>,
    now: u64,
}

/// A merge before its writing (see [`Sync::merge_with`]): holds `sync.json`'s lock.
pub struct Finishing {
    guard: Guard,
    state: State,
    /// This device's sealed file, its content's digest, the sealed bytes' digest and its
    /// `written`.
    write: Option<(Vec<u8>, String, String, u64)>,
    own_copies: Vec<String>,
    report: SyncReport,
    now: u64,
}

/// What a merge reads of the folder.
struct Read {
    /// The device files used (with their names): the newest of each device.
    files: Vec<(String, DeviceFile)>,
    /// The others, and why.
    skipped: Vec<Skipped>,
    /// This device's conflict copies, merged now: they can go.
    own_copies: Vec<String>,
}

/// Every device file of the folder, the newest of each device, read at `now`.
fn read_files(state: &State, key: &SyncKey, now: u64) -> Result<Read, SyncError> {
    let found = folder::read_all(&state.folder, key, state.folder_id)?
        .ok_or_else(|| SyncError::FolderGone(folder::files_dir(&state.folder)))?;
    let horizon = now.saturating_add(FUTURE_SLACK_MS);
    let mut read = Read {
        files: Vec::new(),
        skipped: Vec::new(),
        own_copies: Vec::new(),
    };
    let skip = |skipped: &mut Vec<Skipped>, path: &Path, reason: String| {
        skipped.push(Skipped {
            file: path.display().to_string(),
            reason,
        })
    };
    let mut files = Vec::new();
    for f in found {
        let parsed = f.read.and_then(|(device, text)| {
            let file: DeviceFile = serde_json::from_slice(&text)
                .map_err(|_| "damaged (it decrypts but does not read)".to_string())?;
            if file.format != DEVICE_FORMAT || file.device != device {
                return Err("damaged (its content names another device)".into());
            }
            if !f.name.starts_with(&device.to_string()) {
                return Err("its name is another device's than its content's".into());
            }
            if file.entries.len() > MAX_ENTRIES {
                return Err(format!("lists more than {MAX_ENTRIES} accounts"));
            }
            if file.written > horizon || file.entries.iter().any(|e| e.stamp.ms > horizon) {
                return Err(
                    "stamped more than a day ahead of this computer's clock: not \
                    used (a clock far off, or a file made to outrank every change)"
                        .into(),
                );
            }
            Ok(file)
        });
        match parsed {
            Ok(file) => {
                if file.device == state.device && !folder::is_device_name(&f.name) {
                    read.own_copies.push(f.name.clone());
                }
                files.push((f.path, f.name, file));
            }
            Err(reason) => skip(&mut read.skipped, &f.path, reason),
        }
    }
    // The newest of each device is used; any older copy (a conflict copy, a file restored
    // from a version history or put back) is named, never merged.
    let mut newest: HashMap<Uuid, u64> = state.seen.clone().into_iter().collect();
    for (_, _, f) in &files {
        let n = newest.entry(f.device).or_insert(0);
        *n = (*n).max(f.written);
    }
    let mut used: HashSet<Uuid> = HashSet::new();
    files.sort_by_key(|(_, name, _)| !folder::is_device_name(name));
    for (path, name, file) in files {
        if file.written < newest[&file.device] || !used.insert(file.device) {
            skip(
                &mut read.skipped,
                &path,
                format!(
                    "a copy of the file of {} (older, or the same again): not used",
                    file.name
                ),
            );
        } else {
            read.files.push((name, file));
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests;
