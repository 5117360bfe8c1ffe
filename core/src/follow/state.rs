//! `follow.json`, next to the vault: the followed folders, and for each the entries of its
//! backups that Ninsho has applied (which account each became, as fingerprints; see `keys`).
//!
//! It holds no secret and no label of the backup: the labels are the vault's, the rest are
//! keyed hashes. It is written atomically (temporary file, flush, rename) under its own lock
//! (`follow.lock`), taken before the vault's, so the app and the CLI can both follow.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::FollowError;
use super::files::FileIdentity;
use super::keys::Fingerprint;
use crate::formats::FormatId;
use crate::vault::beside::{Beside, Guard};
use crate::vault::file::LockWait;

pub const FILE: &str = "follow.json";
const LOCK: &str = "follow.lock";
const KIND: &str = "ninsho-follow";
const SCHEMA: u32 = 1;
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// What the last look at a folder found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FolderState {
    /// Not looked at yet.
    #[default]
    New,
    /// The newest complete backup is applied.
    Ok,
    /// The backup is encrypted and the kept password is missing or no longer opens it (it was
    /// changed on the phone): nothing changes until the person enters it.
    NeedsPassword,
    /// The folder is gone or cannot be read (a disconnected drive, a sync engine that removed
    /// it): nothing changes, and it is looked at again later.
    Missing,
    /// No complete backup of the folder's app is in it.
    NoBackup,
    /// The newest backup has no entries while accounts came from the folder before: it is
    /// applied only when the person confirms (an app reset, or a mistake, would otherwise
    /// mark every account removed).
    Empty { file: String, accounts: usize },
    /// The newest backup would mark more than half of the folder's accounts removed: applied
    /// only when the person confirms (a backup of another phone, a reset app, or one planted
    /// in the folder would otherwise mark most real accounts "not in the newest backup").
    ManyRemoved {
        file: String,
        removed: usize,
        accounts: usize,
    },
    /// The keychain cannot be used now (locked, or no keychain service).
    KeychainUnavailable,
}

impl FolderState {
    /// What the state means, in words (the app has its own, translated).
    pub fn describe(&self) -> String {
        match self {
            FolderState::New => "not looked at yet".into(),
            FolderState::Ok => "up to date".into(),
            FolderState::NeedsPassword => "the backups' password is needed (it may have been \
                changed in the app that writes them); nothing changes until it is entered"
                .into(),
            FolderState::Missing => "the folder is missing or cannot be read; nothing changed, \
                and it is looked at again later"
                .into(),
            FolderState::NoBackup => "no complete backup is in the folder yet".into(),
            FolderState::Empty { file, accounts } => format!(
                "the newest backup, {file}, has no entries; nothing was changed. If the other \
                 app really has no accounts now, confirm it, and the {accounts} accounts from \
                 this folder are marked removed (not deleted)"
            ),
            FolderState::ManyRemoved {
                file,
                removed,
                accounts,
            } => format!(
                "the newest backup, {file}, no longer holds {removed} of the {accounts} accounts \
                 from this folder; nothing was changed. If that is right, confirm it, and they \
                 are marked removed (not deleted)"
            ),
            FolderState::KeychainUnavailable => {
                "the keychain cannot be used now; nothing changed".into()
            }
        }
    }
}

/// One entry of the folder's backups that Ninsho applied, and the account it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracked {
    pub account: Uuid,
    /// The backup's own id of the entry (Aegis's uuid), when its format has ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Secret and labels: recognises the entry where there is no id.
    pub matcher: Fingerprint,
    pub secret: Fingerprint,
    /// The entry as last applied (see `FolderKeys::remote`).
    pub remote: Fingerprint,
    /// The account's labels as Ninsho last wrote them from the backup: when the account's
    /// labels differ from this, the person edited it in Ninsho.
    pub local: Fingerprint,
    /// When the entry was first missing from a backup (the account is kept and marked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
    /// The backup's icon as last applied (see `keys::icon`); `None` in a state written before
    /// icons were followed, read as "no icon".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Fingerprint>,
}

/// A followed folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    pub id: Uuid,
    pub path: PathBuf,
    #[serde(with = "format_name")]
    pub format: FormatId,
    /// The start of its backups' names (`aegis-backup-`); other files are left alone.
    pub stem: String,
    /// Whether its backups are encrypted (a password is kept for it).
    pub encrypted: bool,
    pub added: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<FileIdentity>,
    /// Unix seconds of the last look, and when a backup was last applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<u64>,
    #[serde(default)]
    pub state: FolderState,
    #[serde(default)]
    pub entries: Vec<Tracked>,
    /// The keyed fingerprints of the backups applied, newest last (at most
    /// [`MAX_APPLIED_CONTENTS`]): an old backup copied under a new name is not applied again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_contents: Vec<Fingerprint>,
    /// Files that could not be used, as they were then (at most [`MAX_BROKEN`]): not read
    /// again until they change, so a broken or foreign file costs one key derivation, once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken: Vec<FileIdentity>,
}

/// How many unusable files a folder remembers.
pub const MAX_BROKEN: usize = 64;

/// How many applied backups a folder remembers by content.
pub const MAX_APPLIED_CONTENTS: usize = 64;

mod format_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::formats::FormatId;

    pub fn serialize<S: Serializer>(f: &FormatId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(f.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FormatId, D::Error> {
        let name = String::deserialize(d)?;
        FormatId::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown format {name:?}")))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    format: String,
    #[serde(default)]
    schema: u32,
    #[serde(default)]
    pub folders: Vec<Folder>,
}

/// The state file of one vault folder, with its lock.
pub struct StateFile(Beside);

impl StateFile {
    pub fn open(dir: &Path) -> Result<Self, FollowError> {
        Beside::open(dir, FILE, LOCK, LOCK_WAIT)
            .map(StateFile)
            .map_err(|(path, source)| FollowError::State { path, source })
    }

    pub fn lock(&self) -> Result<Guard, FollowError> {
        self.0.lock().map_err(|e| match e {
            LockWait::Busy => FollowError::Busy,
            LockWait::Io(source) => FollowError::State {
                path: self.0.lock_path(),
                source,
            },
        })
    }

    pub fn path(&self) -> PathBuf {
        self.0.path()
    }

    fn io(&self, source: std::io::Error) -> FollowError {
        FollowError::State {
            path: self.0.path(),
            source,
        }
    }

    /// The state (empty when there is no file yet). A file from a newer Ninsho is refused; a
    /// damaged one is an error naming it (never silently replaced: it says which accounts came
    /// from where).
    pub fn load(&self, guard: &Guard) -> Result<State, FollowError> {
        let Some(bytes) = self.0.read(guard).map_err(|e| self.io(e))? else {
            return Ok(State::default());
        };
        let path = self.path();
        let state: State =
            serde_json::from_slice(&bytes).map_err(|e| FollowError::StateDamaged {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        if state.format != KIND {
            return Err(FollowError::StateDamaged {
                path,
                reason: "it is not Ninsho's list of followed folders".into(),
            });
        }
        if state.schema > SCHEMA {
            return Err(FollowError::StateNewer(state.schema));
        }
        Ok(state)
    }

    pub fn save(&self, guard: &Guard, state: &State) -> Result<(), FollowError> {
        let state = State {
            format: KIND.to_owned(),
            schema: SCHEMA,
            folders: state.folders.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&state).unwrap_or_default();
        self.0.write(guard, &bytes).map_err(|e| self.io(e))
    }
}
