//! `sync.json`, next to the vault: which folder this device syncs with, its device id and
//! name, its clock, and per account the version it holds (as a keyed digest, never the
//! account). Written atomically under its own lock (`sync.lock`), so the app and the CLI
//! never merge at the same time.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::SyncError;
use super::clock::Hlc;
use super::merge::Tracked;
use crate::vault::file::{LockWait, lock_waiting};

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
        }
    }
}

pub struct StateFile {
    dir: PathBuf,
    lock: File,
}

/// Held while the state is read, changed and written.
pub struct Guard(File);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl StateFile {
    pub fn open(dir: &Path) -> Result<Self, SyncError> {
        let path = dir.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| SyncError::State { path, source })?;
        Ok(StateFile {
            dir: dir.to_path_buf(),
            lock,
        })
    }

    pub fn lock(&self) -> Result<Guard, SyncError> {
        match lock_waiting(&self.lock, LOCK_WAIT) {
            Ok(handle) => Ok(Guard(handle)),
            Err(LockWait::Busy) => Err(SyncError::Busy),
            Err(LockWait::Io(source)) => Err(SyncError::State {
                path: self.dir.join(LOCK),
                source,
            }),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// The state, `None` when this device does not sync.
    pub fn load(&self, _guard: &Guard) -> Result<Option<State>, SyncError> {
        let path = self.path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(SyncError::State { path, source }),
        };
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

    pub fn save(&self, _guard: &Guard, state: &State) -> Result<(), SyncError> {
        let path = self.path();
        let io = |source| SyncError::State {
            path: path.clone(),
            source,
        };
        let bytes = serde_json::to_vec_pretty(state).unwrap_or_default();
        let mut temp = tempfile::NamedTempFile::new_in(&self.dir).map_err(io)?;
        temp.write_all(&bytes).map_err(io)?;
        temp.as_file().sync_all().map_err(io)?;
        temp.persist(&path).map_err(|e| io(e.error))?;
        Ok(())
    }

    pub fn remove(&self, _guard: &Guard) -> Result<(), SyncError> {
        let path = self.path();
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(SyncError::State { path, source }),
        }
    }
}
