//! The metadata file on disk: atomic saves that keep the previous good copy, damaged files
//! kept aside instead of overwritten, and an advisory lock so the CLI and the app can run at
//! the same time.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::VaultError;
use super::metadata::{Metadata, MetadataError};

pub const FILE: &str = "vault.json";
pub const BACKUP: &str = "vault.json.bak";
const TEMP: &str = "vault.json.tmp";
const BACKUP_TEMP: &str = "vault.json.bak.tmp";
const LOCK: &str = "vault.lock";
/// How long an operation waits for another process (CLI or app) to finish its own.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Something the person should be told about how the vault was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The metadata file did not parse; it was kept aside and the last good copy was loaded.
    RestoredFromBackup { kept_aside: PathBuf, reason: String },
    /// The metadata file was missing but its backup was there and was loaded.
    RestoredMissingFile,
    /// The vault was saved, but the copy of its previous version could not be kept.
    BackupNotRefreshed { reason: String },
    /// The list was rebuilt from the keychain (the metadata file was missing or damaged).
    Rebuilt { accounts: usize },
    /// Keychain items of this vault that no listed account owns, offered back.
    Orphans { count: usize },
    /// Interrupted changes could not be finished because the vault cannot be saved now.
    ReconcileNotSaved { reason: String },
}

/// What a [`Notice`] is about, as a code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    RestoredFromBackup,
    RestoredMissingFile,
    BackupNotRefreshed,
    Rebuilt,
    Orphans,
    ReconcileNotSaved,
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::RestoredFromBackup { .. } => NoticeKind::RestoredFromBackup,
            Notice::RestoredMissingFile => NoticeKind::RestoredMissingFile,
            Notice::BackupNotRefreshed { .. } => NoticeKind::BackupNotRefreshed,
            Notice::Rebuilt { .. } => NoticeKind::Rebuilt,
            Notice::Orphans { .. } => NoticeKind::Orphans,
            Notice::ReconcileNotSaved { .. } => NoticeKind::ReconcileNotSaved,
        }
    }

    /// How many accounts it is about, where it is about some.
    pub fn count(&self) -> Option<usize> {
        match self {
            Notice::Rebuilt { accounts } => Some(*accounts),
            Notice::Orphans { count } => Some(*count),
            _ => None,
        }
    }

    /// The file or the system's words it names, where it names one.
    pub fn detail(&self) -> Option<String> {
        match self {
            Notice::RestoredFromBackup { kept_aside, .. } => Some(kept_aside.display().to_string()),
            Notice::BackupNotRefreshed { reason } | Notice::ReconcileNotSaved { reason } => {
                Some(reason.clone())
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::RestoredFromBackup { kept_aside, reason } => write!(
                f,
                "the vault file was damaged ({reason}); it was kept at {} and the last good copy was loaded \
                 (changes made after that copy may be missing)",
                kept_aside.display()
            ),
            Notice::RestoredMissingFile => {
                write!(
                    f,
                    "the vault file was missing; its last good copy was loaded"
                )
            }
            Notice::BackupNotRefreshed { reason } => write!(
                f,
                "the vault was saved, but its previous version could not be kept as {BACKUP} ({reason})"
            ),
            Notice::Rebuilt { accounts } => write!(
                f,
                "the vault file was missing or damaged: the list of {accounts} account(s) was rebuilt \
                 from the keyring (order, groups and pins were reset)"
            ),
            Notice::Orphans { count } => write!(
                f,
                "{count} account(s) found in the keyring are not in the list: restore or delete them"
            ),
            Notice::ReconcileNotSaved { reason } => write!(
                f,
                "changes interrupted earlier could not be finished because the vault cannot be saved \
                 ({reason}); they are finished once it can"
            ),
        }
    }
}

pub struct VaultFiles {
    dir: PathBuf,
    lock: File,
}

/// Held while an operation runs; other processes wait. Owns its own handle to the lock file
/// (same open file, so the same lock) to leave the vault free to change while it is held.
pub struct LockGuard(File);

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn io_error(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> VaultError {
    let path = path.to_path_buf();
    move |source| VaultError::Io {
        action,
        path,
        source,
    }
}

impl VaultFiles {
    pub fn open(dir: &Path) -> Result<Self, VaultError> {
        create_private_dir(dir).map_err(io_error(dir, "create the vault folder"))?;
        let lock_path = dir.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_error(&lock_path, "open the vault lock"))?;
        Ok(VaultFiles {
            dir: dir.to_path_buf(),
            lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    pub fn lock(&self) -> Result<LockGuard, VaultError> {
        let lock_path = self.dir.join(LOCK);
        match lock_waiting(&self.lock, LOCK_WAIT) {
            Ok(handle) => Ok(LockGuard(handle)),
            Err(LockWait::Busy) => Err(VaultError::Busy),
            Err(LockWait::Io(e)) => Err(io_error(&lock_path, "lock the vault")(e)),
        }
    }

    /// Loads the metadata (`None`: there is no vault yet).
    pub fn load(&self) -> Result<(Option<Metadata>, Vec<Notice>), VaultError> {
        let main = self.dir.join(FILE);
        match fs::read(&main) {
            Ok(bytes) => match Metadata::parse(&bytes) {
                Ok(meta) => Ok((Some(meta), Vec::new())),
                Err(MetadataError::Newer(schema)) => Err(VaultError::NewerVersion(schema)),
                Err(MetadataError::Unreadable(reason)) => {
                    let kept_aside = self.keep_aside(&main)?;
                    match self.load_backup()? {
                        Some(meta) => {
                            let mut notices =
                                vec![Notice::RestoredFromBackup { kept_aside, reason }];
                            notices.extend(self.save(&meta)?);
                            Ok((Some(meta), notices))
                        }
                        None => Err(VaultError::Damaged { kept_aside, reason }),
                    }
                }
            },
            Err(e) if e.kind() == ErrorKind::NotFound => match self.load_backup()? {
                Some(meta) => {
                    let mut notices = vec![Notice::RestoredMissingFile];
                    notices.extend(self.save(&meta)?);
                    Ok((Some(meta), notices))
                }
                None if self.dir.join(BACKUP).exists() => Err(VaultError::Damaged {
                    kept_aside: self.dir.join(BACKUP),
                    reason: "the vault file is missing and its backup is damaged".into(),
                }),
                None => Ok((None, Vec::new())),
            },
            Err(e) => Err(io_error(&main, "read the vault")(e)),
        }
    }

    fn load_backup(&self) -> Result<Option<Metadata>, VaultError> {
        let path = self.dir.join(BACKUP);
        match fs::read(&path) {
            Ok(bytes) => match Metadata::parse(&bytes) {
                Ok(meta) => Ok(Some(meta)),
                Err(MetadataError::Newer(schema)) => Err(VaultError::NewerVersion(schema)),
                Err(MetadataError::Unreadable(_)) => Ok(None),
            },
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, "read the vault backup")(e)),
        }
    }

    fn keep_aside(&self, path: &Path) -> Result<PathBuf, VaultError> {
        let stamp = crate::otp::now();
        let mut target = self.dir.join(format!("{FILE}.damaged-{stamp}"));
        let mut n = 1;
        while target.exists() {
            target = self.dir.join(format!("{FILE}.damaged-{stamp}-{n}"));
            n += 1;
        }
        fs::rename(path, &target).map_err(io_error(path, "set the damaged vault file aside"))?;
        Ok(target)
    }

    /// Writes the metadata atomically: a temporary file is written and flushed, the current
    /// file becomes the backup, and the temporary file is renamed over it. A crash at any
    /// point leaves either the old or the new file in place, plus the previous good copy.
    pub fn save(&self, meta: &Metadata) -> Result<Vec<Notice>, VaultError> {
        let main = self.dir.join(FILE);
        let temp = self.dir.join(TEMP);
        let write = || -> std::io::Result<()> {
            let mut file = private_file(&temp)?;
            file.write_all(&meta.to_bytes())?;
            file.sync_all()
        };
        if let Err(source) = write() {
            let _ = fs::remove_file(&temp);
            return Err(VaultError::SaveFailed { path: main, source });
        }
        let mut notices = Vec::new();
        if main.exists() {
            let backup_temp = self.dir.join(BACKUP_TEMP);
            let _ = fs::remove_file(&backup_temp);
            // A hard link is made exclusively (it fails on anything at the name); the copy
            // falls back to an exclusively created file.
            let kept = fs::hard_link(&main, &backup_temp)
                .or_else(|_| {
                    let mut to = private_file(&backup_temp)?;
                    std::io::copy(&mut File::open(&main)?, &mut to).map(|_| ())
                })
                .and_then(|()| fs::rename(&backup_temp, self.dir.join(BACKUP)));
            if let Err(e) = kept {
                let _ = fs::remove_file(&backup_temp);
                notices.push(Notice::BackupNotRefreshed {
                    reason: e.to_string(),
                });
            }
        }
        if let Err(source) = fs::rename(&temp, &main) {
            let _ = fs::remove_file(&temp);
            return Err(VaultError::SaveFailed { path: main, source });
        }
        sync_dir(&self.dir);
        Ok(notices)
    }
}

/// Why a lock could not be taken.
pub(crate) enum LockWait {
    /// Another process held it for the whole wait.
    Busy,
    Io(std::io::Error),
}

/// Takes the exclusive lock on `file` through a handle of its own (the same open file, so the
/// same lock), waiting up to `wait` for another process to let it go. The caller unlocks it.
pub(crate) fn lock_waiting(file: &File, wait: Duration) -> Result<File, LockWait> {
    let handle = file.try_clone().map_err(LockWait::Io)?;
    let start = Instant::now();
    loop {
        match handle.try_lock() {
            Ok(()) => return Ok(handle),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(15));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(LockWait::Busy),
            Err(std::fs::TryLockError::Error(e)) => return Err(LockWait::Io(e)),
        }
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        match fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
        {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)
}

/// A new file only this user can read, created exclusively: whatever was at `path` is removed
/// first, and the file is made with `O_EXCL`, which never follows a link. A link planted under
/// the name (in a data folder another program could write) is never written through; if one
/// comes back between the two steps, the save fails instead.
fn private_file(path: &Path) -> std::io::Result<File> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Makes the renames durable. Not possible (nor needed) on Windows.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
