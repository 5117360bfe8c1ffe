//! Reading a file that must stay under a bound, so a huge or endless file (a FIFO, a device,
//! a file still growing) can never take the memory of the process; and reading a file of a
//! folder others can write (a followed or a sync folder), which must also never block.

use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;
use zeroize::Zeroizing;

use crate::error_code::ErrorCode;

#[derive(Debug, Error)]
pub enum ReadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is larger than {limit} bytes", path.display())]
    TooLarge { path: PathBuf, limit: u64 },
    /// A shared folder's file that is a link, a FIFO, a device or a folder: never read.
    #[error("{} is not a regular file", path.display())]
    NotAFile { path: PathBuf },
}

impl ReadError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ReadError::Io { .. } | ReadError::NotAFile { .. } => ErrorCode::FileUnreadable,
            ReadError::TooLarge { .. } => ErrorCode::BackupTooLarge,
        }
    }
}

/// The whole content of `path`, at most `limit` bytes; wiped when dropped (files read this way
/// may hold secrets). The size is checked while reading, not only from the metadata.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    read_open(path, file, limit)
}

/// Whether a shared folder's file may be a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Followed (a followed backup folder may link to its files).
    Follow,
    /// Refused (a sync folder's files are only ever written by Ninsho, as regular files).
    Refuse,
}

/// [`read_bounded`] for a file of a folder others can write (a Syncthing peer, a share, a
/// cloud account): opened without blocking, so a FIFO or a device such as `/dev/ptmx` planted
/// under the name cannot hang the caller, and read only when the *opened* file is a regular
/// file (no race between a check and the open). With [`Links::Refuse`] a link is not followed.
pub fn read_shared(path: &Path, limit: u64, links: Links) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let not_a_file = || ReadError::NotAFile {
        path: path.to_path_buf(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if links == Links::Refuse {
            libc::O_NOFOLLOW
        } else {
            0
        };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_FLAG_OPEN_REPARSE_POINT: a link is opened as itself, and then is no file.
        if links == Links::Refuse {
            options.custom_flags(0x0020_0000);
        }
    }
    let file = match options.open(path) {
        Ok(file) => file,
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(not_a_file()),
        Err(source) => {
            return Err(ReadError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let meta = file.metadata().map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    read_open(path, file, limit)
}

/// The content of an opened file, at most `limit` bytes.
fn read_open(
    path: &Path,
    file: std::fs::File,
    limit: u64,
) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(size as usize));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_more_than_the_limit_and_reads_up_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap().as_slice(), b"12345");
        assert!(matches!(
            read_bounded(&path, 4),
            Err(ReadError::TooLarge { limit: 4, .. })
        ));
        assert!(matches!(
            read_bounded(&dir.path().join("none"), 4),
            Err(ReadError::Io { .. })
        ));
    }

    /// Reads `path` as a shared file on another thread: the answer, or `None` if it did not
    /// come within five seconds (the read hung).
    #[cfg(unix)]
    fn shared_within_bound(path: PathBuf, links: Links) -> Option<Result<usize, ReadError>> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(read_shared(&path, 1024, links).map(|b| b.len()));
        });
        rx.recv_timeout(std::time::Duration::from_secs(5)).ok()
    }

    #[cfg(unix)]
    #[test]
    fn a_shared_file_that_never_answers_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        // A FIFO with no writer: a blocking open never returns.
        let fifo = dir.path().join("folder.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let answer = shared_within_bound(fifo, Links::Follow).expect("no hang on a FIFO");
        assert!(
            matches!(answer, Err(ReadError::NotAFile { .. })),
            "{answer:?}"
        );
        // A link to /dev/ptmx (opens for anyone, a read is never ready), as a sync engine that
        // syncs links could plant: refused as a link, and as a device when links are followed.
        let link = dir.path().join("ptmx");
        std::os::unix::fs::symlink("/dev/ptmx", &link).unwrap();
        for links in [Links::Refuse, Links::Follow] {
            let answer = shared_within_bound(link.clone(), links).expect("no hang on /dev/ptmx");
            assert!(
                matches!(answer, Err(ReadError::NotAFile { .. })),
                "{answer:?}"
            );
        }
        // A link to a regular file: read when followed, refused when not.
        let file = dir.path().join("real");
        std::fs::write(&file, b"12345").unwrap();
        let to_file = dir.path().join("to-real");
        std::os::unix::fs::symlink(&file, &to_file).unwrap();
        assert_eq!(read_shared(&to_file, 10, Links::Follow).unwrap().len(), 5);
        assert!(matches!(
            read_shared(&to_file, 10, Links::Refuse),
            Err(ReadError::NotAFile { .. })
        ));
        assert!(matches!(
            read_shared(&file, 4, Links::Refuse),
            Err(ReadError::TooLarge { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_file_stops_at_the_limit() {
        // /dev/zero reports size 0 and never ends: only the read itself can bound it.
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 1 << 20),
            Err(ReadError::TooLarge { .. })
        ));
    }
}
