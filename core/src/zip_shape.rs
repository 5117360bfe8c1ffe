//! The shape of a ZIP archive, checked before the ZIP reader sees it: the importers' archives
//! and icon packs alike.
//!
//! The ZIP reader tries every end-of-archive record it finds, scanning the file again for
//! each, and reserves room for the files a record claims: a file of many records, or of one
//! claiming millions of files, would cost minutes or gigabytes before a single file is read.

use thiserror::Error;

/// Most end-of-archive records an archive may hold (a real one has one).
const MAX_END_RECORDS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ZipShapeError {
    #[error("the archive has more than {MAX_END_RECORDS} end-of-archive records")]
    TooManyEndRecords,
    #[error("it is a ZIP64 archive, which Ninsho does not read")]
    Zip64,
    #[error("the archive lists {files} files; at most {max} are read")]
    TooManyFiles { files: u16, max: u16 },
}

/// Checks every end record in `bytes`: at most [`MAX_END_RECORDS`] of them, none of ZIP64
/// form (whose 64-bit counts are not bounded here), none listing more than `max_files`.
pub(crate) fn check(bytes: &[u8], max_files: u16) -> Result<(), ZipShapeError> {
    const END: &[u8] = b"PK\x05\x06";
    let mut records = 0;
    for at in (0..bytes.len().saturating_sub(3)).filter(|&i| &bytes[i..i + 4] == END) {
        let Some(record) = bytes.get(at..at + 22) else {
            continue;
        };
        let u16_at = |i: usize| u16::from_le_bytes([record[i], record[i + 1]]);
        let comment = usize::from(u16_at(20));
        if at + 22 + comment > bytes.len() {
            continue; // not a record the ZIP reader would take
        }
        records += 1;
        if records > MAX_END_RECORDS {
            return Err(ZipShapeError::TooManyEndRecords);
        }
        let files = u16_at(10).max(u16_at(8));
        // Any field at its maximum sends the reader to a ZIP64 record, with 64-bit counts.
        let zip64 = files == 0xFFFF
            || record[12..16] == [0xFF; 4]
            || record[16..20] == [0xFF; 4]
            || u16_at(4) == 0xFFFF
            || u16_at(6) == 0xFFFF;
        if zip64 {
            return Err(ZipShapeError::Zip64);
        }
        if files > max_files {
            return Err(ZipShapeError::TooManyFiles {
                files,
                max: max_files,
            });
        }
    }
    Ok(())
}
