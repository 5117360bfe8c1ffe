//! The files of a sync folder: `ninsho-sync/folder.json` and one `<device id>.ninsho` per
//! device, plus whatever a sync engine leaves (temporary names, conflict copies).
//!
//! Every `*.ninsho` file is a source, conflict copies included (`x.sync-conflict-….ninsho`,
//! `x (conflicted copy …).ninsho`): merging one more version is harmless. Hidden and partial
//! names are a sync engine's work in progress and are never read. What is read is bounded:
//! at most [`MAX_FILES`] files of at most [`MAX_FILE_BYTES`] each.

use std::io::Write;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::SyncError;
use super::seal::{self, FolderFile, OpenError, SyncKey};
use crate::app::read::{Links, ReadError, read_shared};
use crate::follow::files::is_partial_name;

/// The subfolder of the chosen folder that holds Ninsho's files.
pub const SUBFOLDER: &str = "ninsho-sync";
pub const FOLDER_FILE: &str = "folder.json";
pub const EXTENSION: &str = "ninsho";
/// More devices than anyone has; a folder with more files is read up to this many.
pub const MAX_FILES: usize = 256;
/// A device file of 10 000 accounts is about 4 MB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub fn files_dir(folder: &Path) -> PathBuf {
    folder.join(SUBFOLDER)
}

pub fn device_file(folder: &Path, device: Uuid) -> PathBuf {
    files_dir(folder).join(format!("{device}.{EXTENSION}"))
}

/// `folder.json` of `folder`, `None` if there is none.
pub fn read_folder_file(folder: &Path) -> Result<Option<FolderFile>, SyncError> {
    let path = files_dir(folder).join(FOLDER_FILE);
    match read_shared(&path, 64 * 1024, Links::Refuse) {
        Ok(bytes) => FolderFile::parse(&bytes).map(Some),
        Err(ReadError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(None)
        }
        Err(ReadError::Io { source, path }) => Err(SyncError::Folder { path, source }),
        Err(ReadError::TooLarge { .. }) => {
            Err(SyncError::FolderDamaged("it is far too large".into()))
        }
        Err(ReadError::NotAFile { .. }) => Err(SyncError::FolderDamaged(
            "it is not a regular file (a link, a device or a pipe)".into(),
        )),
    }
}

/// Writes `folder.json` of a new sync folder; refused if one exists (never overwritten: the
/// other devices' key depends on it; see [`replace_folder_file`]).
pub fn create_folder_file(folder: &Path, file: &FolderFile) -> Result<(), SyncError> {
    let dir = files_dir(folder);
    std::fs::create_dir_all(&dir).map_err(|source| SyncError::Folder {
        path: dir.clone(),
        source,
    })?;
    let bytes = serde_json::to_vec_pretty(file).unwrap_or_default();
    let path = dir.join(FOLDER_FILE);
    write_atomic(&dir, &path, &bytes, false)
}

/// Replaces `folder.json` with a new folder's (a new passphrase): every other device must join
/// again.
pub fn replace_folder_file(folder: &Path, file: &FolderFile) -> Result<(), SyncError> {
    let dir = files_dir(folder);
    let bytes = serde_json::to_vec_pretty(file).unwrap_or_default();
    write_atomic(&dir, &dir.join(FOLDER_FILE), &bytes, true)
}

/// Removes every device file (and copy of one) from the folder; returns how many.
pub fn remove_device_files(folder: &Path) -> Result<usize, SyncError> {
    let dir = files_dir(folder);
    let io = |source| SyncError::Folder {
        path: dir.clone(),
        source,
    };
    let mut removed = 0;
    for entry in std::fs::read_dir(&dir).map_err(io)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(&format!(".{EXTENSION}")) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(io(source)),
            }
        }
    }
    Ok(removed)
}

/// Replaces (or, with `replace` false, creates) `path` in `dir` atomically: a hidden
/// temporary file in the same folder, flushed to disk, then renamed, so a sync engine or
/// another device never sees half a file.
pub fn write_atomic(dir: &Path, path: &Path, bytes: &[u8], replace: bool) -> Result<(), SyncError> {
    let io = |source| SyncError::Folder {
        path: path.to_path_buf(),
        source,
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".ninsho-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    if replace {
        temp.persist(path).map_err(|e| io(e.error))?;
    } else {
        temp.persist_noclobber(path).map_err(|e| io(e.error))?;
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// One device file as found.
pub struct Found {
    pub path: PathBuf,
    pub name: String,
    pub read: Result<(Uuid, zeroize::Zeroizing<Vec<u8>>), String>,
}

/// Why a file was not used, in words.
fn reason(e: &OpenError) -> String {
    match e {
        OpenError::NotOurs => "not a Ninsho sync file, or still arriving".into(),
        OpenError::Newer(v) => {
            format!("written by a newer Ninsho (sync format {v}); update Ninsho on this computer")
        }
        OpenError::Undecryptable => {
            "damaged, still arriving, or sealed with another passphrase".into()
        }
    }
}

/// Every device file in the folder, decrypted where it can be. `None` when the subfolder is
/// gone.
pub fn read_all(
    folder: &Path,
    key: &SyncKey,
    folder_id: Uuid,
) -> Result<Option<Vec<Found>>, SyncError> {
    let dir = files_dir(folder);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SyncError::Folder { path: dir, source }),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        // Anything else under a device file's name (a link, a FIFO) is read by `read_shared`,
        // which refuses it at once: named as skipped rather than passed over in silence.
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(&format!(".{EXTENSION}")) && !is_partial_name(n))
        .collect();
    // Each device's own file first, then copies (a sync engine's conflict copies, anything
    // else): a flood of copies cannot push a device's file out of what is read.
    names.sort_by_cached_key(|n| (!is_device_name(n), n.clone()));
    let over = names.split_off(names.len().min(MAX_FILES));
    Ok(Some(
        names
            .into_iter()
            .map(|name| {
                let path = dir.join(&name);
                let read = match read_shared(&path, MAX_FILE_BYTES, Links::Refuse) {
                    Ok(bytes) => seal::open_device(key, folder_id, &bytes).map_err(|e| reason(&e)),
                    Err(ReadError::TooLarge { limit, .. }) => {
                        Err(format!("larger than {} MiB", limit / (1024 * 1024)))
                    }
                    Err(ReadError::Io { source, .. }) => Err(source.to_string()),
                    Err(ReadError::NotAFile { .. }) => {
                        Err("not a regular file (a link, a device or a pipe)".into())
                    }
                };
                Found { path, name, read }
            })
            .chain(over.into_iter().map(|name| Found {
                path: dir.join(&name),
                name,
                read: Err(format!(
                    "not read: the folder holds more than {MAX_FILES} sync files"
                )),
            }))
            .collect(),
    ))
}

/// Whether `name` is a device's own file, `<device id>.ninsho` (not a copy of one).
pub fn is_device_name(name: &str) -> bool {
    name.strip_suffix(&format!(".{EXTENSION}"))
        .and_then(|stem| Uuid::parse_str(stem).ok())
        .is_some_and(|id| name == format!("{id}.{EXTENSION}"))
}
