//! QR decoding from images: screenshots, image files, pasted images, screen captures.
//!
//! [`decode_all`] finds every code in an image (screenshots often show several) and says what
//! each one is ([`Content`]): an account, a Google export part, or what else it is.

mod load;
mod locate;
pub mod pasted;
mod payload;

use std::path::Path;

use image::{DynamicImage, GrayImage};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::error_code::ErrorCode;

pub use load::{ImageError, MAX_ALLOC, MAX_PIXELS, MAX_SIDE, decode_image, to_grey};
pub use payload::{Content, OtherKind, OtherKindCode, Payload, classify};

/// Largest image file we read: a 64-megapixel PNG is far below this.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum ScanError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is {size} bytes, larger than any screenshot Ninsho reads")]
    FileTooLarge { path: String, size: u64 },
    #[error(transparent)]
    Image(#[from] ImageError),
}

impl ScanError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ScanError::Image(image) => image.code(),
            ScanError::Read { .. } => ErrorCode::FileUnreadable,
            ScanError::FileTooLarge { .. } => ErrorCode::ImageTooLarge,
        }
    }
}

/// Every QR code in a grey image, in reading order.
pub fn decode_all(grey: &GrayImage) -> Vec<Payload> {
    locate::find_codes(grey)
        .into_iter()
        .map(|found| {
            // Byte-mode QR text is ISO 8859-1 by the standard but UTF-8 in practice: take UTF-8
            // when the bytes are valid UTF-8, and read them as Latin-1 otherwise (every byte
            // sequence is valid Latin-1, so nothing is replaced by U+FFFD).
            let text = Zeroizing::new(match String::from_utf8(found.bytes.to_vec()) {
                Ok(text) => text,
                Err(e) => {
                    let bytes = Zeroizing::new(e.into_bytes());
                    bytes.iter().map(|&b| char::from(b)).collect()
                }
            });
            let content = classify(&text);
            Payload {
                text,
                content,
                corners: found.corners,
            }
        })
        .collect()
}

/// Every QR code in a decoded image (any colour type; transparency counts as white).
pub fn scan_image(image: &DynamicImage) -> Vec<Payload> {
    decode_all(&to_grey(image))
}

/// What pasted or dropped text holds: one or more URIs, one per line (at most 500 lines).
pub fn scan_text(text: &str) -> Vec<Content> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(500)
        .map(classify)
        .collect()
}

/// Every QR code in an image file's bytes (PNG, JPEG, WebP, BMP, GIF or TIFF).
pub fn scan_bytes(bytes: &[u8]) -> Result<Vec<Payload>, ImageError> {
    Ok(scan_image(&decode_image(bytes)?))
}

/// Every QR code in an image file.
pub fn scan_file(path: &Path) -> Result<Vec<Payload>, ScanError> {
    let shown = path.display().to_string();
    let read_error = |source| ScanError::Read {
        path: shown.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ScanError::FileTooLarge { path: shown, size });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    Ok(scan_bytes(&bytes)?)
}
