//! Giving an account its own icon from an image file, or taking it away: the same for the
//! window and the CLI (see [`crate::icon`] for what is kept).

use std::path::Path;

use thiserror::Error;
use uuid::Uuid;

use super::read::{ReadError, read_bounded};
use crate::error_code::ErrorCode;
use crate::icon::{AccountIcon, IconError, MAX_SOURCE_BYTES};
use crate::vault::{AccountEdit, AccountMeta, Vault, VaultError};

#[derive(Debug, Error)]
pub enum IconFileError {
    #[error(transparent)]
    Read(ReadError),
    #[error("{}: {source}", path.display())]
    Icon {
        path: std::path::PathBuf,
        #[source]
        source: IconError,
    },
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl IconFileError {
    pub fn code(&self) -> ErrorCode {
        match self {
            IconFileError::Read(e) => e.code(),
            IconFileError::Icon { source, .. } => source.code(),
            IconFileError::Vault(e) => e.code(),
        }
    }
}

/// The icon drawn from the image file at `path` (PNG, JPEG or SVG; an `.svg` name is taken at
/// its word, the others are told by their content). The file is read only up to the bound, so
/// a huge one costs nothing.
pub fn icon_from_file(path: &Path) -> Result<AccountIcon, IconFileError> {
    let icon_error = |source| IconFileError::Icon {
        path: path.to_path_buf(),
        source,
    };
    let bytes = read_bounded(path, MAX_SOURCE_BYTES as u64).map_err(|e| match e {
        ReadError::TooLarge { .. } => icon_error(IconError::TooLarge {
            size: std::fs::metadata(path).map_or(MAX_SOURCE_BYTES + 1, |m| m.len() as usize),
        }),
        e => IconFileError::Read(e),
    })?;
    let svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    AccountIcon::from_source(&bytes, svg.then_some("image/svg+xml")).map_err(icon_error)
}

/// Gives account `id` the icon `icon`, or takes its own icon away (`None`): the issuer's logo
/// or its letter shows again.
pub fn set_icon(
    vault: &mut Vault,
    id: Uuid,
    icon: Option<&AccountIcon>,
) -> Result<AccountMeta, VaultError> {
    let edit = AccountEdit {
        icon: Some(icon.map(AccountIcon::to_field)),
        ..AccountEdit::default()
    };
    vault.edit(id, &edit)
}
