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
mod plan;
mod state;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::error_code::ErrorCode;
use crate::formats::{self, FormatError, FormatId, MAX_FILE_BYTES};
use crate::otp::{Account, OtpType, now};
use crate::vault::{AccountEdit, KeychainError, Vault, VaultError};
use keys::FolderKeys;
pub use keys::MAX_PASSWORD_CHARS;
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

/// A file that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// An account a look changed, with its label as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Changed {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: Uuid,
    pub label: String,
}

impl PartialEq<&str> for Changed {
    fn eq(&self, other: &&str) -> bool {
        self.label == *other
    }
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
        keys.password = found.encrypted.then(|| password.to_owned());
        keys.save(store.as_ref(), folder.id)?;
        folder.encrypted = found.encrypted;
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

/// What the newest readable backup of a folder is.
struct Recognised {
    format: FormatId,
    stem: String,
    encrypted: bool,
}

/// Recognises the app whose backups `path` holds from its newest readable backup, and checks
/// `password` against it when it is encrypted.
fn recognise(path: &Path, password: Option<&str>) -> Result<Recognised, FollowError> {
    let (candidates, _) = files::candidates(path, "", MAX_FILE_BYTES as u64)
        .map_err(|_| FollowError::NotAFolder(path.to_path_buf()))?;
    for c in candidates {
        let Ok(bytes) = crate::app::read::read_bounded(&c.path, MAX_FILE_BYTES as u64) else {
            continue;
        };
        let Some(format) = formats::detect(&bytes).first().copied() else {
            continue;
        };
        let encrypted = match formats::import(&bytes, Some(format), None) {
            Ok(_) => false,
            Err(FormatError::PasswordRequired(_)) => true,
            Err(_) => continue,
        };
        if encrypted {
            let password = password.ok_or(FollowError::PasswordRequired(format))?;
            match formats::import(&bytes, Some(format), Some(password)) {
                Ok(_) => {}
                Err(FormatError::WrongPassword(_)) => {
                    return Err(FollowError::WrongPassword(format));
                }
                Err(_) => continue,
            }
        }
        return Ok(Recognised {
            format,
            stem: files::stem_of(&c.name),
            encrypted,
        });
    }
    Err(FollowError::NoBackup(path.to_path_buf()))
}

/// Most files one look reads: the newest that are newer than the applied one. Each may cost a
/// key derivation (Aegis's scrypt), so a folder full of broken or half-synced files costs a
/// bounded time per look, not minutes.
const MAX_TRIES: usize = 4;

/// Looks at one folder: finds its newest complete backup and applies it. The folder's state
/// says what was found; an error is returned only when the vault itself cannot be used.
fn look(vault: &mut Vault, folder: &mut Folder, accept_empty: bool) -> Result<Report, FollowError> {
    folder.checked = Some(now());
    let mut report = Report::new(info(folder, vault));
    let state = look_inner(vault, folder, accept_empty, &mut report);
    folder.state = match state {
        Ok(s) => s,
        Err(FollowError::Keychain(_)) => FolderState::KeychainUnavailable,
        Err(FollowError::Vault(e)) if e.keychain_state().is_some() => {
            FolderState::KeychainUnavailable
        }
        Err(e) => return Err(e),
    };
    report.folder = info(folder, vault);
    Ok(report)
}

fn look_inner(
    vault: &mut Vault,
    folder: &mut Folder,
    accept_empty: bool,
    report: &mut Report,
) -> Result<FolderState, FollowError> {
    if !folder.path.is_dir() {
        return Ok(FolderState::Missing);
    }
    let Ok((candidates, too_large)) =
        files::candidates(&folder.path, &folder.stem, MAX_FILE_BYTES as u64)
    else {
        return Ok(FolderState::Missing);
    };
    for name in too_large {
        report.skipped.push(Skipped {
            file: name,
            reason: "larger than any backup Ninsho reads".into(),
        });
    }
    let store = vault.store();
    let keys = match FolderKeys::load(store.as_ref(), folder.id)? {
        Some(k) => k,
        None if folder.encrypted => return Ok(FolderState::NeedsPassword),
        None => {
            // The item was lost: new keys, and the entries are recognised again from the
            // vault (the duplicate rule adopts the accounts that are already there).
            let k = FolderKeys::new(None).ok_or(FollowError::Random)?;
            k.save(store.as_ref(), folder.id)?;
            folder.entries.clear();
            k
        }
    };
    if folder.encrypted && keys.password.is_none() {
        return Ok(FolderState::NeedsPassword);
    }
    for (tried, c) in candidates.into_iter().enumerate() {
        if tried == MAX_TRIES {
            report.skipped.push(Skipped {
                file: c.name.clone(),
                reason: format!(
                    "not read: the {MAX_TRIES} newer files could not be used; older ones are \
                     looked at once those are complete or removed"
                ),
            });
            break;
        }
        if let Some(applied) = &folder.applied
            && c.order() <= applied.order()
        {
            break; // nothing newer than what is applied
        }
        let bytes = match crate::app::read::read_bounded(&c.path, MAX_FILE_BYTES as u64) {
            Ok(b) => b,
            Err(e) => {
                report.skipped.push(Skipped {
                    file: c.name.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let import = match formats::import(&bytes, Some(folder.format), keys.password.as_deref()) {
            Ok(i) => i,
            Err(FormatError::PasswordRequired(_) | FormatError::WrongPassword(_)) => {
                return Ok(FolderState::NeedsPassword);
            }
            Err(e) => {
                report.skipped.push(Skipped {
                    file: c.name.clone(),
                    reason: format!("{e} (incomplete: still being synced?)"),
                });
                continue;
            }
        };
        let active = folder
            .entries
            .iter()
            .filter(|t| t.removed.is_none() && vault.get(t.account).is_ok())
            .count();
        if import.accounts.is_empty() && active > 0 && !accept_empty {
            return Ok(FolderState::Empty {
                file: c.name.clone(),
                accounts: active,
            });
        }
        for e in &import.errors {
            report.failed.push(Skipped {
                file: e.entry.clone(),
                reason: e.message.clone(),
            });
        }
        apply(vault, folder, &keys, &import, report)?;
        folder.applied = Some(c.identity());
        folder.applied_at = Some(now());
        report.file = Some(c.name);
        return Ok(FolderState::Ok);
    }
    Ok(if folder.applied.is_some() {
        FolderState::Ok
    } else {
        FolderState::NoBackup
    })
}

/// Applies one backup's entries to the vault and to the folder's tracked entries.
fn apply(
    vault: &mut Vault,
    folder: &mut Folder,
    keys: &FolderKeys,
    import: &formats::Import,
    report: &mut Report,
) -> Result<(), FollowError> {
    vault.refresh()?;
    let entries: Vec<plan::Entry> = import
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| plan::Entry {
            id: import.id(i),
            account: a,
            matcher: keys.matcher(a),
            secret: keys.secret(a),
            remote: keys.remote(a),
            labels: keys::labels_of(a),
        })
        .collect();
    let local = |id: Uuid| {
        vault.get(id).ok().map(|m| plan::Local {
            labels: keys::labels_of_meta(m),
            counter: m.counter,
        })
    };
    let plan = plan::plan(&folder.entries, &entries, local, now());
    let label = |vault: &Vault, id: Uuid| vault.get(id).map(|m| m.label()).unwrap_or_default();
    let changed = |vault: &Vault, id: Uuid| Changed {
        id,
        label: label(vault, id),
    };
    for (id, i) in &plan.update {
        let a = entries[*i].account;
        let mut params = a.params;
        if params.otp_type == OtpType::Hotp {
            let here = vault.get(*id).ok().and_then(|m| m.counter).unwrap_or(0);
            params.counter = params.counter.max(here);
        }
        let edit = AccountEdit {
            issuer: Some(a.issuer.clone()),
            name: Some(a.name.clone()),
            params: Some(params),
            ..AccountEdit::default()
        };
        match vault.edit(*id, &edit) {
            Ok(m) => report.updated.push(Changed {
                id: *id,
                label: m.label(),
            }),
            Err(e) => report.failed.push(Skipped {
                file: a.label(),
                reason: e.to_string(),
            }),
        }
    }
    for (id, counter) in &plan.counters {
        let Ok(meta) = vault.get(*id) else { continue };
        let mut params = meta.params();
        if params.counter >= *counter {
            continue; // moved by the update above
        }
        params.counter = *counter;
        let edit = AccountEdit {
            params: Some(params),
            ..AccountEdit::default()
        };
        if let Err(e) = vault.edit(*id, &edit) {
            report.failed.push(Skipped {
                file: label(vault, *id),
                reason: e.to_string(),
            });
        }
    }
    let mut tracked = plan.keep.clone();
    let mut taken: HashSet<Uuid> = tracked.iter().map(|t| t.account).collect();
    let new_entry = |account: Uuid, e: &plan::Entry, local: crate::vault::AccountMeta| Tracked {
        account,
        id: e.id.map(str::to_owned),
        matcher: e.matcher.clone(),
        secret: e.secret.clone(),
        remote: e.remote.clone(),
        local: keys::labels_of_meta(&local),
        removed: None,
    };
    let to_add: Vec<Account> = plan
        .add
        .iter()
        .map(|i| entries[*i].account.clone())
        .collect();
    let results = vault.add_many(&to_add, false)?;
    let mut same_label = Vec::new();
    for (result, i) in results.into_iter().zip(&plan.add) {
        let e = &entries[*i];
        match result {
            Ok(id) => {
                if let Ok(m) = vault.get(id) {
                    report.added.push(Changed {
                        id,
                        label: m.label(),
                    });
                    tracked.push(new_entry(id, e, m.clone()));
                    taken.insert(id);
                }
            }
            // Already in the vault (imported by hand before, or added just before a crash):
            // the account is adopted, not added twice.
            Err(VaultError::Duplicate(d)) if d.same_secret => {
                if taken.insert(d.existing)
                    && let Ok(m) = vault.get(d.existing)
                {
                    tracked.push(new_entry(d.existing, e, m.clone()));
                } else {
                    report.failed.push(Skipped {
                        file: e.account.label(),
                        reason: "the backup holds this secret twice; one account is kept".into(),
                    });
                }
            }
            // Another account with the same name: the backup's app has both, so Ninsho does.
            Err(VaultError::Duplicate(_)) => same_label.push(*i),
            Err(err) => report.failed.push(Skipped {
                file: e.account.label(),
                reason: err.to_string(),
            }),
        }
    }
    if !same_label.is_empty() {
        let to_add: Vec<Account> = same_label
            .iter()
            .map(|i| entries[*i].account.clone())
            .collect();
        for (result, i) in vault.add_many(&to_add, true)?.into_iter().zip(&same_label) {
            let e = &entries[*i];
            match result.map(|id| (id, vault.get(id).cloned())) {
                Ok((id, Ok(m))) => {
                    report.added.push(Changed {
                        id,
                        label: m.label(),
                    });
                    tracked.push(new_entry(id, e, m));
                }
                Ok((_, Err(err))) | Err(err) => report.failed.push(Skipped {
                    file: e.account.label(),
                    reason: err.to_string(),
                }),
            }
        }
    }
    report.removed = plan.removed.iter().map(|id| changed(vault, *id)).collect();
    report.returned = plan.returned.iter().map(|id| changed(vault, *id)).collect();
    report.kept_local = plan
        .kept_local
        .iter()
        .map(|id| changed(vault, *id))
        .collect();
    folder.entries = tracked;
    Ok(())
}

#[cfg(test)]
mod tests;
