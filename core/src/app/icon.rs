//! Giving an account its own icon from an image file, or taking it away: the same for the
//! window and the CLI (see [`crate::icon`] for what is kept).

use std::path::Path;

use thiserror::Error;
use uuid::Uuid;

use super::read::{ReadError, read_bounded};
use crate::error_code::ErrorCode;
use crate::icon::pack::{self, MAX_PACK_BYTES, PackError, Shelf};
use crate::icon::{AccountIcon, IconError, MAX_SOURCE_BYTES};
use crate::scan::pasted::{self, Kind, Target, Unread};
use crate::vault::{AccountEdit, AccountMeta, Vault, VaultError};
use zeroize::Zeroizing;

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
    #[error("the clipboard holds no image: copy an image (PNG, JPEG or SVG) or an image file")]
    NothingToPaste,
    #[error("the pasted image: {0}")]
    Pasted(IconError),
}

impl IconFileError {
    pub fn code(&self) -> ErrorCode {
        match self {
            IconFileError::Read(e) => e.code(),
            IconFileError::Icon { source, .. } => source.code(),
            IconFileError::Vault(e) => e.code(),
            IconFileError::Pack { source, .. } => source.code(),
            IconFileError::Installed(e) => e.code(),
            IconFileError::NothingToPaste => ErrorCode::IconPasteEmpty,
            IconFileError::Pasted(e) => e.code(),
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

/// The icon a paste gives (the clipboard's target names `offered`, read through `read`, as
/// [`pasted::paste`] reads them): an image file copied in a file manager, else the image
/// itself (SVG when the clipboard offers it, so it is drawn sharp). Every byte is bounded by
/// the reader and by [`AccountIcon::from_source`].
pub fn icon_from_clipboard(
    offered: &[String],
    mut read: impl FnMut(&Target) -> Result<Zeroizing<Vec<u8>>, Unread>,
) -> Result<AccountIcon, IconFileError> {
    let too_large = || {
        IconFileError::Pasted(IconError::TooLarge {
            size: Kind::Image.limit(),
        })
    };
    for target in pasted::plan(offered) {
        match target.kind {
            Kind::Files => {
                let Ok(list) = read(&target) else { continue };
                let Ok(paths) = pasted::file_list(&String::from_utf8_lossy(&list)) else {
                    continue;
                };
                if let Some(path) = paths.first() {
                    return icon_from_file(path);
                }
            }
            Kind::Image => {
                let svg = offered
                    .iter()
                    .find(|o| o.eq_ignore_ascii_case("image/svg+xml"))
                    .map(|name| Target {
                        name: name.clone(),
                        kind: Kind::Image,
                    });
                let (target, mime) = match svg {
                    Some(svg) => (svg, Some("image/svg+xml")),
                    None => (target, None),
                };
                let bytes = read(&target).map_err(|e| match e {
                    Unread::TooLarge => too_large(),
                    Unread::Unavailable => IconFileError::NothingToPaste,
                })?;
                return AccountIcon::from_source(&bytes, mime).map_err(IconFileError::Pasted);
            }
            Kind::Html | Kind::Text => {}
        }
    }
    Err(IconFileError::NothingToPaste)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(side: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(side, side, image::Rgba([9, 99, 199, 255]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn offer(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_pasted_image_svg_first_or_a_copied_file_becomes_the_icon_and_anything_else_is_named() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2" height="2" fill="#f00"/></svg>"##;
        let mut asked = Vec::new();
        let icon = icon_from_clipboard(&offer(&["TARGETS", "image/png", "image/svg+xml"]), |t| {
            asked.push(t.name.clone());
            Ok(Zeroizing::new(if t.name == "image/svg+xml" {
                svg.to_vec()
            } else {
                png(200)
            }))
        })
        .unwrap();
        assert_eq!(asked, ["image/svg+xml"]);
        let drawn = image::load_from_memory(icon.png()).unwrap().to_rgba8();
        assert_eq!(
            (drawn.width(), drawn.height(), drawn.get_pixel(5, 5).0),
            (64, 64, [255, 0, 0, 255])
        );

        let icon =
            icon_from_clipboard(&offer(&["image/png"]), |_| Ok(Zeroizing::new(png(200)))).unwrap();
        assert_eq!(image::load_from_memory(icon.png()).unwrap().width(), 64);

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("logo.png");
        std::fs::write(&file, png(32)).unwrap();
        let uri = format!("file://{}\r\n", file.display());
        let icon = icon_from_clipboard(&offer(&["text/uri-list"]), |_| {
            Ok(Zeroizing::new(uri.clone().into_bytes()))
        })
        .unwrap();
        assert_eq!(image::load_from_memory(icon.png()).unwrap().width(), 32);

        let err = icon_from_clipboard(&offer(&["UTF8_STRING"]), |_| {
            Ok(Zeroizing::new(b"hello".to_vec()))
        })
        .unwrap_err();
        assert!(matches!(err, IconFileError::NothingToPaste), "{err}");
        assert_eq!(err.code(), ErrorCode::IconPasteEmpty);
        let err =
            icon_from_clipboard(&offer(&["image/png"]), |_| Err(Unread::TooLarge)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::IconRefused);
        let err = icon_from_clipboard(&offer(&["image/svg+xml"]), |_| {
            Ok(Zeroizing::new(
                b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>".to_vec(),
            ))
        })
        .unwrap_err();
        assert!(err.to_string().contains("script"), "{err}");
    }

    #[test]
    fn pixels_from_a_clipboard_are_scaled_and_bounded() {
        let rgba = vec![7u8; 128 * 64 * 4];
        let icon = AccountIcon::from_pixels(128, 64, &rgba).unwrap();
        let drawn = image::load_from_memory(icon.png()).unwrap();
        assert_eq!((drawn.width(), drawn.height()), (64, 32));
        assert!(AccountIcon::from_pixels(5000, 1, &[]).is_err());
        assert!(AccountIcon::from_pixels(0, 0, &[]).is_err());
        assert!(AccountIcon::from_pixels(4, 4, &[0; 3]).is_err());
    }
}
