//! Reading a file that must stay under a bound, so a huge or endless file (a FIFO, a device,
//! a file still growing) can never take the memory of the process.

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
}

impl ReadError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ReadError::Io { .. } => ErrorCode::FileUnreadable,
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
