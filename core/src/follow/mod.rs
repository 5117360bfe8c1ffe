//! Following a backup folder: another authenticator writes a backup into a folder after every
//! change (Aegis on a phone: `aegis-backup-YYYYMMDD-HHMMSS.json`, keeping the last few), a
//! sync engine brings the folder to this computer, and Ninsho applies the newest backup.
//!
//! - **Which file**: the newest complete backup of the folder's app, by the time in its name
//!   (see [`files`]). A file still arriving (a temporary name, or content that does not read
//!   to the end) is skipped and an older complete one used; a file older than the one applied
//!   is never applied.
//! - **What changes** (see [`plan`]): new entries are added through the vault's crash-safe add,
//!   changed ones updated, and an entry gone from the backup is never deleted: its account is
//!   marked removed, for the person to keep or delete. Accounts edited in Ninsho keep their
//!   edits. A backup with no entries, after accounts came from the folder, changes nothing
//!   until the person confirms it.
//! - **What is kept**: the backup's password and a fingerprint key in the keychain (one item
//!   per folder, see [`keys`]); in `follow.json` (see [`state`]) the folders and, per entry,
//!   which account it became, as keyed fingerprints. No secret and nothing decrypted from a
//!   backup is written anywhere else.
//! - **When**: the shells decide (the app on start, when the folder changes and on demand;
//!   the CLI on `follow now`). Every call reads the folder again; nothing here keeps running.
//!
//! Crash safety comes from the vault: an account added just before a crash, whose entry
//! `follow.json` did not record yet, is recognised on the next look by the vault's duplicate
//! rule (the same secret) and adopted instead of added twice.

pub mod files;
mod keys;
mod look;
mod plan;
mod state;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::error_code::ErrorCode;
use crate::formats::FormatId;
use crate::otp::now;
use crate::vault::{KeychainError, Vault, VaultError};
pub use crate::watched::report::{Changed, Skipped};
use keys::FolderKeys;
pub use keys::MAX_PASSWORD_CHARS;
use look::{look, recognise};
pub use state::FolderState;
use state::{Folder, State, StateFile, Tracked};

#[derive(Debug, Error)]
pub enum FollowError {
    #[error("{} is not a folder (or cannot be opened)", .0.display())]
    NotAFolder(PathBuf),
    #[error(
        "{} holds no backup Ninsho can read yet; point the other app's automatic backups at it and try again",
        .0.display()
    )]
    NoBackup(PathBuf),
    #[error("the backups in this folder are encrypted ({0}): enter their password")]
    PasswordRequired(FormatId),
    #[error("wrong password for the {0} backups in this folder")]
    WrongPassword(FormatId),
    #[error("the password is longer than {MAX_PASSWORD_CHARS} characters")]
    PasswordTooLong,
    #[error("{} is already followed", .0.display())]
    AlreadyFollowed(PathBuf),
    #[error("no followed folder matches '{0}'")]
    NotFollowed(String),
    #[error("'{0}' matches several followed folders; give the whole path")]
    Ambiguous(String),
    #[error("this account is not marked removed in a followed folder's backup")]
    NotMarked,
    #[error("cannot read or write the list of followed folders at {}: {source}", path.display())]
    State {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the list of followed folders at {} is damaged ({reason}); move it away to start following again",
        path.display()
    )]
    StateDamaged { path: PathBuf, reason: String },
    #[error(
        "the followed folders were set up by a newer version of Ninsho (format {0}); update Ninsho"
    )]
    StateNewer(u32),
    #[error("another Ninsho is busy with the followed folders; try again in a moment")]
    Busy,
    #[error("the system's random number generator failed")]
    Random,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl FollowError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            FollowError::Vault(v) => v.code(),
            FollowError::Keychain(k) => k.code(),
            FollowError::NotAFolder(_) => ErrorCode::FollowNotAFolder,
            FollowError::NoBackup(_) => ErrorCode::FollowNoBackup,
            FollowError::PasswordRequired(_) => ErrorCode::PasswordRequired,
            FollowError::WrongPassword(_) => ErrorCode::WrongPassword,
            FollowError::PasswordTooLong => ErrorCode::FollowPasswordTooLong,
            FollowError::AlreadyFollowed(_) => ErrorCode::FollowAlready,
            FollowError::NotFollowed(_) | FollowError::Ambiguous(_) => ErrorCode::FollowUnknown,
            FollowError::NotMarked => ErrorCode::FollowNotMarked,
            FollowError::State { .. } | FollowError::StateDamaged { .. } => ErrorCode::FollowState,
            FollowError::StateNewer(_) => ErrorCode::FollowStateNewer,
            FollowError::Busy => ErrorCode::VaultBusy,
            FollowError::Random => ErrorCode::FollowFailed,
        }
    }
}

/// A followed folder as people see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FolderInfo {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    pub path: String,
    /// The `--format` name of its backups' app, and the app's name.
    pub format: String,
    pub app: String,
    pub encrypted: bool,
    pub state: FolderState,
    /// The backup file last applied.
    pub file: Option<String>,
    /// Unix seconds of the last look, and of the last backup applied.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub checked: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub applied_at: Option<u64>,
    /// Accounts that came from it and are still in the vault, and how many of them are
    /// marked removed.
    pub accounts: usize,
    pub removed: usize,
}

/// Where an account came from, for the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Origin {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub folder: Uuid,
    pub path: String,
    pub app: String,
    /// The entry is no longer in the folder's newest backup (Unix seconds since when).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub removed: Option<u64>,
    /// The person changed the account's labels in Ninsho; the backup's changes to them are
    /// not applied.
    pub edited_here: bool,
}

/// What one look at a folder did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Report {
    pub folder: FolderInfo,
    /// The backup applied by this look (`None`: nothing new, or nothing could be applied).
    pub file: Option<String>,
    pub added: Vec<Changed>,
    pub updated: Vec<Changed>,
    pub removed: Vec<Changed>,
    pub returned: Vec<Changed>,
    /// Changed in the backup, kept as edited in Ninsho.
    pub kept_local: Vec<Changed>,
    pub skipped: Vec<Skipped>,
    /// Entries that could not be used (the entry and why).
    pub failed: Vec<Skipped>,
}

impl Report {
    fn new(folder: FolderInfo) -> Self {
        Report {
            folder,
            file: None,
            added: Vec::new(),
            updated: Vec::new(),
            removed: Vec::new(),
            returned: Vec::new(),
            kept_local: Vec::new(),
            skipped: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// Whether the vault changed.
    pub fn changed(&self) -> bool {
        !(self.added.is_empty()
            && self.updated.is_empty()
            && self.removed.is_empty()
            && self.returned.is_empty())
    }
}

/// What to do with an account whose entry left the backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolve {
    /// Keep it as an account of this computer only (no longer from the folder).
    Keep,
    /// Delete it (keychain item included).
    Delete,
}

/// The followed folders of one vault.
pub struct Follows {
    file: StateFile,
}

impl Follows {
    pub fn open(vault: &Vault) -> Result<Self, FollowError> {
        Ok(Follows {
            file: StateFile::open(vault.dir())?,
        })
    }

    pub fn folders(&self, vault: &Vault) -> Result<Vec<FolderInfo>, FollowError> {
        let guard = self.file.lock()?;
        let state = self.file.load(&guard)?;
        Ok(state.folders.iter().map(|f| info(f, vault)).collect())
    }

    /// The keychain users of the folders' items (their keys and passwords).
    pub fn key_users(&self) -> Result<Vec<String>, FollowError> {
        let guard = self.file.lock()?;
        Ok(self
            .file
            .load(&guard)?
            .folders
            .iter()
            .map(|f| keys::user(f.id))
            .collect())
    }

    /// The folders' paths, for watching them.
    pub fn paths(&self) -> Result<Vec<PathBuf>, FollowError> {
        let guard = self.file.lock()?;
        Ok(self
            .file
            .load(&guard)?
            .folders
            .into_iter()
            .map(|f| f.path)
            .collect())
    }

    /// Where each account that came from a followed folder came from.
    pub fn sources(&self, vault: &Vault) -> Result<HashMap<Uuid, Origin>, FollowError> {
        let guard = self.file.lock()?;
        let state = self.file.load(&guard)?;
        let mut out = HashMap::new();
        for f in &state.folders {
            for t in &f.entries {
                let Ok(meta) = vault.get(t.account) else {
                    continue;
                };
                out.insert(
                    t.account,
                    Origin {
                        folder: f.id,
                        path: f.path.display().to_string(),
                        app: f.format.title().to_owned(),
                        removed: t.removed,
                        edited_here: t.edited_here(meta),
                    },
                );
            }
        }
        Ok(out)
    }

    /// Starts following `path`: the app is recognised from the newest backup in it, the
    /// password (needed when the backups are encrypted) is checked against it and kept in
    /// the keychain, and the backup is applied.
    pub fn add(
        &self,
        vault: &mut Vault,
        path: &Path,
        password: Option<&str>,
    ) -> Result<Report, FollowError> {
        if password.is_some_and(|p| p.chars().count() > MAX_PASSWORD_CHARS) {
            return Err(FollowError::PasswordTooLong);
        }
        let path = path
            .canonicalize()
            .ok()
            .filter(|p| p.is_dir())
            .ok_or_else(|| FollowError::NotAFolder(path.to_path_buf()))?;
        let guard = self.file.lock()?;
        let mut state = self.file.load(&guard)?;
        if state.folders.iter().any(|f| f.path == path) {
            return Err(FollowError::AlreadyFollowed(path));
        }
        let found = recognise(&path, password)?;
        let id = Uuid::new_v4();
        let keys =
            FolderKeys::new(password.filter(|_| found.encrypted)).ok_or(FollowError::Random)?;
        keys.save(vault.store().as_ref(), id)?;
        let mut folder = Folder {
            id,
            path,
            format: found.format,
            stem: found.stem,
            encrypted: found.encrypted,
            added: now(),
            applied: None,
            checked: None,
            applied_at: None,
            state: FolderState::New,
            entries: Vec::new(),
            applied_contents: Vec::new(),
            broken: Vec::new(),
        };
        let report = look(vault, &mut folder, false);
        state.folders.push(folder);
        self.file.save(&guard, &state)?;
        report
    }

    /// Keeps a new password for a folder whose backups' password changed, and looks again.
    pub fn set_password(
        &self,
        vault: &mut Vault,
        which: &str,
        password: &str,
    ) -> Result<Report, FollowError> {
        if password.chars().count() > MAX_PASSWORD_CHARS {
            return Err(FollowError::PasswordTooLong);
        }
        let guard = self.file.lock()?;
        let mut state = self.file.load(&guard)?;
        let at = find(&state, which)?;
        let folder = &mut state.folders[at];
        // Checked against the newest backup before it replaces the kept one.
        let found = recognise(&folder.path, Some(password))?;
        let store = vault.store();
        let mut keys = match FolderKeys::load(store.as_ref(), folder.id)? {
            Some(k) => k,
            None => {
                folder.entries.clear();
                FolderKeys::new(None).ok_or(FollowError::Random)?
            }
        };
        // A folder of encrypted backups stays one: a plain file planted as its newest cannot
        // turn the check off.
        let encrypted = folder.encrypted || found.encrypted;
        keys.password = encrypted.then(|| password.to_owned());
        keys.save(store.as_ref(), folder.id)?;
        folder.encrypted = encrypted;
        // Files that did not open with the old password may open with this one.
        folder.broken.clear();
        let report = look(vault, folder, false);
        self.file.save(&guard, &state)?;
        report
    }

    /// Looks at one folder (`which`: its path or id) or every folder, applying the newest
    /// backup of each. `accept_empty` applies a backup with no entries (see
    /// [`FolderState::Empty`]).
    pub fn check(
        &self,
        vault: &mut Vault,
        which: Option<&str>,
        accept_empty: bool,
    ) -> Result<Vec<Report>, FollowError> {
        let guard = self.file.lock()?;
        let mut state = self.file.load(&guard)?;
        let chosen: Vec<usize> = match which {
            Some(w) => vec![find(&state, w)?],
            None => (0..state.folders.len()).collect(),
        };
        let mut reports = Vec::new();
        let mut first_error = None;
        for at in chosen {
            match look(vault, &mut state.folders[at], accept_empty) {
                Ok(r) => reports.push(r),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        self.file.save(&guard, &state)?;
        match first_error {
            Some(e) if reports.is_empty() => Err(e),
            _ => Ok(reports),
        }
    }

    /// Stops following a folder. Every account that came from it stays, as an account of this
    /// computer; its keychain item (the password) is removed.
    pub fn remove(&self, vault: &Vault, which: &str) -> Result<FolderInfo, FollowError> {
        let guard = self.file.lock()?;
        let mut state = self.file.load(&guard)?;
        let at = find(&state, which)?;
        let folder = state.folders.remove(at);
        let info = info(&folder, vault);
        self.file.save(&guard, &state)?;
        // The list no longer names it; a keychain that cannot be reached now leaves an item
        // that names no folder, which nothing reads.
        let _ = vault.store().delete(&keys::user(folder.id));
        Ok(info)
    }

    /// Keeps or deletes an account whose entry left its folder's backup.
    pub fn resolve(
        &self,
        vault: &mut Vault,
        account: Uuid,
        action: Resolve,
    ) -> Result<(), FollowError> {
        let guard = self.file.lock()?;
        let mut state = self.file.load(&guard)?;
        let (f, t) = state
            .folders
            .iter()
            .enumerate()
            .find_map(|(f, folder)| {
                folder
                    .entries
                    .iter()
                    .position(|t| t.account == account && t.removed.is_some())
                    .map(|t| (f, t))
            })
            .ok_or(FollowError::NotMarked)?;
        if action == Resolve::Delete {
            vault.delete(account)?;
        }
        state.folders[f].entries.remove(t);
        self.file.save(&guard, &state)?;
        Ok(())
    }
}

impl Tracked {
    /// Whether the account's labels are no longer those last written from the backup.
    fn edited_here(&self, meta: &crate::vault::AccountMeta) -> bool {
        keys::labels_of_meta(meta) != self.local
    }
}

/// The folder `which` names: its id (or a prefix of at least 4 characters), or its path.
fn find(state: &State, which: &str) -> Result<usize, FollowError> {
    let w = which.trim();
    let by_path = Path::new(w).canonicalize().ok();
    let hits: Vec<usize> = state
        .folders
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            by_path.as_deref() == Some(f.path.as_path())
                || f.path == Path::new(w)
                || (w.len() >= 4 && f.id.to_string().starts_with(&w.to_ascii_lowercase()))
        })
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(FollowError::NotFollowed(w.to_owned())),
        _ => Err(FollowError::Ambiguous(w.to_owned())),
    }
}

fn info(f: &Folder, vault: &Vault) -> FolderInfo {
    let present: Vec<&Tracked> = f
        .entries
        .iter()
        .filter(|t| vault.get(t.account).is_ok())
        .collect();
    FolderInfo {
        id: f.id,
        path: f.path.display().to_string(),
        format: f.format.name().to_owned(),
        app: f.format.title().to_owned(),
        encrypted: f.encrypted,
        state: f.state.clone(),
        file: f.applied.as_ref().map(|a| a.name.clone()),
        checked: f.checked,
        applied_at: f.applied_at,
        accounts: present.len(),
        removed: present.iter().filter(|t| t.removed.is_some()).count(),
    }
}

#[cfg(test)]
mod tests;
