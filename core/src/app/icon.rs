//! Giving an account its own icon from an image file, or taking it away: the same for the
//! window and the CLI (see [`crate::icon`] for what is kept).

use std::path::Path;

use thiserror::Error;
use uuid::Uuid;

use super::read::{ReadError, read_bounded};
use crate::error_code::ErrorCode;
use crate::icon::pack::{self, MAX_PACK_BYTES, PackError, Shelf};
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
    #[error("{}: {source}", path.display())]
    Pack {
        path: std::path::PathBuf,
        #[source]
        source: PackError,
    },
    #[error(transparent)]
    Installed(PackError),
}

impl IconFileError {
    pub fn code(&self) -> ErrorCode {
        match self {
            IconFileError::Read(e) => e.code(),
            IconFileError::Icon { source, .. } => source.code(),
            IconFileError::Vault(e) => e.code(),
            IconFileError::Pack { source, .. } => source.code(),
            IconFileError::Installed(e) => e.code(),
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

/// Imports the Aegis icon pack at `path` into the data folder `data_dir` (see
/// [`crate::icon::pack`]). The file is read only up to the bound.
pub fn import_pack_file(data_dir: &Path, path: &Path) -> Result<pack::Imported, IconFileError> {
    let pack_error = |source| IconFileError::Pack {
        path: path.to_path_buf(),
        source,
    };
    let bytes = read_bounded(path, MAX_PACK_BYTES).map_err(|e| match e {
        ReadError::TooLarge { .. } => pack_error(PackError::TooLarge {
            size: std::fs::metadata(path).map_or(MAX_PACK_BYTES + 1, |m| m.len()),
        }),
        e => IconFileError::Read(e),
    })?;
    pack::import(data_dir, &bytes).map_err(pack_error)
}

/// Gives account `id` icon `number` of the installed pack `pack` as its own: it travels with
/// the account from then on (sync, export), as Aegis keeps a chosen pack icon.
pub fn set_icon_from_pack(
    vault: &mut Vault,
    shelf: &Shelf,
    id: Uuid,
    pack: Uuid,
    number: usize,
) -> Result<AccountMeta, IconFileError> {
    let icon = shelf.icon(pack, number).map_err(IconFileError::Installed)?;
    Ok(set_icon(vault, id, Some(&icon))?)
}

/// The icon an account shows: its own, else the best match of the installed packs (the
/// bundled logos and the letter are the window's, after these).
pub fn shown_icon(account: &AccountMeta, shelf: &Shelf) -> Option<AccountIcon> {
    if let Some(own) = account.icon.as_deref().and_then(AccountIcon::from_field) {
        return Some(own);
    }
    let issuer = account.issuer.as_deref().filter(|i| !i.trim().is_empty())?;
    let best = shelf.best_for(issuer)?;
    shelf.icon(best.pack, best.number).ok()
}
