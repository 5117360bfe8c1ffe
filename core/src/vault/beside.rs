//! A file beside the vault (`follow.json`, `sync.json`) with a lock of its own, taken before
//! the vault's, so the app and the CLI can both use it. Written atomically: a temporary file in
//! the same folder, flushed, renamed over the old one.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::file::{LockWait, lock_waiting};

pub(crate) struct Beside {
    dir: PathBuf,
    name: &'static str,
    lock_name: &'static str,
    lock: File,
    wait: Duration,
}

/// Held while the file is read, changed and written.
pub(crate) struct Guard(File);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl Beside {
    /// `name` in `dir`, locked through `lock_name`; a lock held by another process is waited
    /// for up to `wait`. The error names the lock file.
    pub fn open(
        dir: &Path,
        name: &'static str,
        lock_name: &'static str,
        wait: Duration,
    ) -> Result<Self, (PathBuf, std::io::Error)> {
        let path = dir.join(lock_name);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| (path, e))?;
        Ok(Beside {
            dir: dir.to_path_buf(),
            name,
            lock_name,
            lock,
            wait,
        })
    }

    pub fn lock(&self) -> Result<Guard, LockWait> {
        lock_waiting(&self.lock, self.wait).map(Guard)
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(self.name)
    }

    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(self.lock_name)
    }

    /// The file's bytes; `None` when there is none.
    pub fn read(&self, _guard: &Guard) -> std::io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path()) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn write(&self, _guard: &Guard, bytes: &[u8]) -> std::io::Result<()> {
        let mut temp = tempfile::NamedTempFile::new_in(&self.dir)?;
        temp.write_all(bytes)?;
        temp.as_file().sync_all()?;
        temp.persist(self.path()).map_err(|e| e.error)?;
        Ok(())
    }

    pub fn remove(&self, _guard: &Guard) -> std::io::Result<()> {
        match std::fs::remove_file(self.path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}
