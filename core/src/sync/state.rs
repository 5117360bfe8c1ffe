//! `sync.json`, next to the vault: which folder this device syncs with, its device id and
//! name, its clock, and per account the version it holds (as a keyed digest, never the
//! account). Written atomically under its own lock (`sync.lock`), so the app and the CLI
//! never merge at the same time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::SyncError;
use super::clock::Hlc;
use super::merge::Tracked;
use crate::vault::beside::{Beside, Guard};
use crate::vault::file::LockWait;

pub const FILE: &str = "sync.json";
const LOCK: &str = "sync.lock";
const KIND: &str = "ninsho-sync-state";
const SCHEMA: u32 = 1;
/// A merge of a big vault with a slow keychain takes seconds; the other process waits.
const LOCK_WAIT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub format: String,
    pub schema: u32,
    /// The folder the person chose; the files are in its `ninsho-sync` subfolder.
    pub folder: PathBuf,
    pub folder_id: Uuid,
    pub device: Uuid,
    pub name: String,
    pub clock: Hlc,
    #[serde(default)]
    pub entries: BTreeMap<String, Tracked>,
    /// Digest of this device's file as last written: an unchanged file is not rewritten (a
    /// rewrite would wake every other device for nothing).
    #[serde(default)]
    pub published: Option<String>,
    /// Unix milliseconds of the last merge that read the folder.
    #[serde(default)]
    pub last_merge: Option<u64>,
    /// The newest `written` read from each device (this one included): an older copy of a
    /// device's file (restored, replayed from a version history) is never read again.
    #[serde(default)]
    pub seen: BTreeMap<Uuid, u64>,
    /// Keyed digest of the sealed bytes of this device's file as last written: when the file
    /// on disk is anything else (an older copy, another device's file), it is written again.
    #[serde(default)]
    pub sealed: Option<String>,
}

impl State {
    pub fn new(folder: PathBuf, folder_id: Uuid, name: String) -> State {
        State {
            format: KIND.into(),
            schema: SCHEMA,
            folder,
            folder_id,
            device: Uuid::new_v4(),
            name,
            clock: Hlc::default(),
            entries: BTreeMap::new(),
            published: None,
            last_merge: None,
            seen: BTreeMap::new(),
            sealed: None,
        }
    }
}

pub struct StateFile(Beside);

impl StateFile {
    pub fn open(dir: &Path) -> Result<Self, SyncError> {
        Beside::open(dir, FILE, LOCK, LOCK_WAIT)
            .map(StateFile)
            .map_err(|(path, source)| SyncError::State { path, source })
    }

    pub fn lock(&self) -> Result<Guard, SyncError> {
        self.0.lock().map_err(|e| match e {
            LockWait::Busy => SyncError::Busy,
            LockWait::Io(source) => SyncError::State {
                path: self.0.lock_path(),
                source,
            },
        })
    }

    fn io(&self, source: std::io::Error) -> SyncError {
        SyncError::State {
            path: self.0.path(),
            source,
        }
    }

    /// The state, `None` when this device does not sync.
    pub fn load(&self, guard: &Guard) -> Result<Option<State>, SyncError> {
        let Some(bytes) = self.0.read(guard).map_err(|e| self.io(e))? else {
            return Ok(None);
        };
        let path = self.0.path();
        let state: State = serde_json::from_slice(&bytes).map_err(|e| SyncError::StateDamaged {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if state.format != KIND {
            return Err(SyncError::StateDamaged {
                path,
                reason: "it is not Ninsho's sync state".into(),
            });
        }
        if state.schema > SCHEMA {
            return Err(SyncError::StateNewer(state.schema));
        }
        Ok(Some(state))
    }

    pub fn save(&self, guard: &Guard, state: &State) -> Result<(), SyncError> {
        let bytes = serde_json::to_vec_pretty(state).unwrap_or_default();
        self.0.write(guard, &bytes).map_err(|e| self.io(e))
    }

    pub fn remove(&self, guard: &Guard) -> Result<(), SyncError> {
        self.0.remove(guard).map_err(|e| self.io(e))
    }
}
