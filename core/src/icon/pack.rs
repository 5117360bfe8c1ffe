//! Aegis icon packs: the `pack.json` zips that Aegis, Yubico Authenticator and others import
//! (aegis-icons is the one most people carry).
//!
//! A pack is a foreign file and is read like the importers' archives: the archive's shape is
//! checked before the ZIP reader sees it ([`crate::zip_shape`]), every file's declared size is
//! checked before it is inflated and the reading stops at the bound whatever it declared, and
//! the whole pack inflates to at most [`MAX_INFLATED_BYTES`]. Each icon is then drawn by
//! [`AccountIcon::from_source`] (SVG checked and rasterised, PNG and JPEG decoded under
//! bounds): what is stored is Ninsho's own small PNG per icon, never the pack's file, so the
//! pack's names never become paths and its markup never reaches the webview. An icon that
//! cannot be drawn is left out and named; the rest of the pack is kept.
//!
//! Packs live in the data folder (`icon-packs/<uuid>/`: `index.json` and one numbered PNG per
//! icon). They are never fetched: Ninsho makes no network request for icons.
//!
//! Matching is Aegis's: an icon is suggested for an issuer when one of its issuers contains
//! the issuer or the issuer contains it, case-insensitively. Exact matches come first, then
//! icons whose issuer contains the account's, and the inverse matches last. An account
//! without its own icon shows the first suggestion, but an inverse match only where the icon's
//! issuer is a whole word of the account's (so "X" does not draw on "Dropbox").

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use super::{AccountIcon, MAX_SOURCE_BYTES};
use crate::error_code::ErrorCode;
use crate::zip_shape::{self, ZipShapeError};

/// The largest pack file read (aegis-icons, with well over a thousand icons, is a few MB).
pub const MAX_PACK_BYTES: u64 = 64 * 1024 * 1024;
/// Most files a pack may list.
pub const MAX_PACK_FILES: u16 = 5_000;
/// The most all of a pack's files may inflate to together.
pub const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;
/// The largest `pack.json`.
const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// Bounds on the manifest's strings: a name or an issuer is a few words.
const MAX_TEXT_CHARS: usize = 200;
const MAX_ISSUERS_PER_ICON: usize = 64;
/// The folder of the data folder that holds the packs.
const PACKS_DIR: &str = "icon-packs";
const INDEX_FILE: &str = "index.json";

#[derive(Debug, Error)]
pub enum PackError {
    #[error("it is not an icon pack: {0}")]
    NotAPack(String),
    #[error("the pack is {size} bytes; Ninsho reads packs of at most {max} bytes", max = MAX_PACK_BYTES)]
    TooLarge { size: u64 },
    #[error("the pack's archive is refused: {0}")]
    Shape(#[from] ZipShapeError),
    #[error("{name} inflates to more than {max} bytes, the most Ninsho reads of it")]
    Inflates { name: String, max: u64 },
    #[error(
        "the pack inflates to more than {max} bytes in all (a ZIP bomb?)",
        max = MAX_INFLATED_BYTES
    )]
    InflatesInAll,
    #[error("the pack's pack.json is damaged: {0}")]
    BadManifest(String),
    #[error("none of the pack's {0} icons could be drawn")]
    NoIcons(usize),
    #[error("no icon pack {0} is installed")]
    NotInstalled(String),
    #[error("the pack could not be stored in {}: {source}", path.display())]
    Store {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl PackError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PackError::NotInstalled(_) => ErrorCode::NotFound,
            PackError::Store { .. } => ErrorCode::Io,
            _ => ErrorCode::IconPackRefused,
        }
    }
}

/// Aegis's `pack.json`.
#[derive(Deserialize)]
struct Manifest {
    uuid: Uuid,
    name: String,
    version: i32,
    icons: Vec<ManifestIcon>,
}

#[derive(Deserialize)]
struct ManifestIcon {
    filename: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    issuer: Vec<String>,
}

/// What Ninsho keeps of a pack (`index.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Index {
    uuid: Uuid,
    name: String,
    version: i32,
    icons: Vec<IndexIcon>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct IndexIcon {
    /// The icon's name (the pack's file name without folder and extension).
    name: String,
    category: Option<String>,
    issuers: Vec<String>,
    /// The issuers in lower case, for matching.
    #[serde(skip)]
    lower: Vec<String>,
}

/// A pack as the settings list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledPack {
    pub uuid: Uuid,
    pub name: String,
    pub version: i32,
    pub icons: usize,
}

/// What importing a pack did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub pack: InstalledPack,
    /// The version it replaced, when the same pack was installed before.
    pub replaced: Option<i32>,
    /// Icons left out, each with why (the pack's file name and the reason).
    pub left_out: Vec<(String, String)>,
}

/// How an icon's issuer matched an account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// The same issuer, case aside.
    Exact,
    /// The icon's issuer contains the account's ("Google" → "Google Drive").
    Contains,
    /// The account's issuer contains the icon's ("GitHub Enterprise" → "GitHub").
    Inverse,
}

/// An icon suggested for an issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub pack: Uuid,
    pub pack_name: String,
    /// The icon's number in its pack (what [`Shelf::icon`] takes).
    pub number: usize,
    pub name: String,
    pub category: Option<String>,
    pub matched: Match,
}

fn packs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(PACKS_DIR)
}

fn icon_file(number: usize) -> String {
    format!("{number}.png")
}

/// A manifest string within bounds: control characters dropped, cut at [`MAX_TEXT_CHARS`].
fn bounded(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_TEXT_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Reads the archive's file `name`, refusing one that declares or inflates past `max`.
fn read_entry(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    index: usize,
    max: u64,
    budget: &mut u64,
) -> Result<Vec<u8>, PackError> {
    let mut file = zip
        .by_index(index)
        .map_err(|e| PackError::NotAPack(e.to_string()))?;
    let name = file.name().to_owned();
    if file.encrypted() {
        return Err(PackError::NotAPack(format!("{name} is encrypted")));
    }
    let declared = file.size();
    if declared > max {
        return Err(PackError::Inflates { name, max });
    }
    if declared > *budget {
        return Err(PackError::InflatesInAll);
    }
    // What it inflates to counts, not what it declares: a file declaring nothing still reads
    // at most what is left of the pack's budget.
    let cap = max.min(*budget);
    let mut bytes = Vec::with_capacity(declared as usize);
    let read = (&mut file)
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| PackError::NotAPack(format!("{name}: {e}")))? as u64;
    if read > max {
        return Err(PackError::Inflates { name, max });
    }
    if read > *budget {
        return Err(PackError::InflatesInAll);
    }
    *budget -= read;
    Ok(bytes)
}

fn store_error(path: &Path) -> impl Fn(std::io::Error) -> PackError + '_ {
    move |source| PackError::Store {
        path: path.to_path_buf(),
        source,
    }
}

/// Imports the pack `bytes` (an Aegis icon pack zip) into `data_dir`, replacing an earlier
/// version of the same pack. Nothing is stored unless the whole pack was read.
pub fn import(data_dir: &Path, bytes: &[u8]) -> Result<Imported, PackError> {
    if bytes.len() as u64 > MAX_PACK_BYTES {
        return Err(PackError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        return Err(PackError::NotAPack("the file is not a ZIP archive".into()));
    }
    zip_shape::check(bytes, MAX_PACK_FILES)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| PackError::NotAPack(format!("the archive is damaged ({e})")))?;
    let mut budget = MAX_INFLATED_BYTES;
    let manifest_at = zip
        .index_for_name("pack.json")
        .ok_or_else(|| PackError::NotAPack("the archive holds no pack.json".into()))?;
    let manifest = read_entry(&mut zip, manifest_at, MAX_MANIFEST_BYTES, &mut budget)?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest).map_err(|e| PackError::BadManifest(e.to_string()))?;
    if manifest.icons.len() > usize::from(MAX_PACK_FILES) {
        return Err(PackError::BadManifest(format!(
            "it lists {} icons; a pack may have at most {MAX_PACK_FILES}",
            manifest.icons.len()
        )));
    }

    let mut drawn = Vec::new();
    let mut left_out = Vec::new();
    let mut seen = HashSet::new();
    for icon in &manifest.icons {
        let file_name = bounded(&icon.filename);
        if !seen.insert(icon.filename.clone()) {
            continue; // listed twice: one icon
        }
        let Some(at) = zip.index_for_name(&icon.filename) else {
            left_out.push((file_name, "the file is not in the archive".to_owned()));
            continue;
        };
        let source = match read_entry(&mut zip, at, MAX_SOURCE_BYTES as u64, &mut budget) {
            Ok(source) => source,
            // One icon too large is one icon left out; a pack past its whole bound is refused.
            Err(e @ PackError::Inflates { .. }) => {
                left_out.push((file_name, e.to_string()));
                continue;
            }
            Err(e) => return Err(e),
        };
        let mime = icon
            .filename
            .to_ascii_lowercase()
            .ends_with(".svg")
            .then_some("image/svg+xml");
        match AccountIcon::from_source(&source, mime) {
            Ok(drawn_icon) => {
                let stem = Path::new(&icon.filename)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let issuers: Vec<String> = icon
                    .issuer
                    .iter()
                    .take(MAX_ISSUERS_PER_ICON)
                    .map(|i| bounded(i))
                    .filter(|i| !i.is_empty())
                    .collect();
                drawn.push((
                    IndexIcon {
                        name: bounded(&stem),
                        category: icon.category.as_deref().map(bounded),
                        lower: Vec::new(),
                        issuers,
                    },
                    drawn_icon,
                ));
            }
            Err(e) => left_out.push((file_name, e.to_string())),
        }
    }
    if drawn.is_empty() {
        return Err(PackError::NoIcons(manifest.icons.len()));
    }

    let index = Index {
        uuid: manifest.uuid,
        name: bounded(&manifest.name),
        version: manifest.version,
        icons: drawn.iter().map(|(i, _)| i.clone()).collect(),
    };
    let root = packs_dir(data_dir);
    std::fs::create_dir_all(&root).map_err(store_error(&root))?;
    clear_leftovers(&root);
    // Written beside, then moved in: a crash leaves the old version or the new one.
    let incoming = root.join(format!(".incoming-{}", Uuid::new_v4()));
    std::fs::create_dir(&incoming).map_err(store_error(&incoming))?;
    let written = (|| {
        for (number, (_, icon)) in drawn.iter().enumerate() {
            let path = incoming.join(icon_file(number));
            std::fs::write(&path, icon.png()).map_err(store_error(&path))?;
        }
        let path = incoming.join(INDEX_FILE);
        let json = serde_json::to_vec(&index).map_err(|e| PackError::Store {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        std::fs::write(&path, json).map_err(store_error(&path))
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&incoming);
        return Err(e);
    }
    let target = root.join(manifest.uuid.to_string());
    let replaced = read_index(&target).map(|i| i.version);
    if target.exists() {
        let old = root.join(format!(".old-{}", Uuid::new_v4()));
        std::fs::rename(&target, &old).map_err(store_error(&target))?;
        let _ = std::fs::remove_dir_all(&old);
    }
    std::fs::rename(&incoming, &target).map_err(store_error(&target))?;
    Ok(Imported {
        pack: InstalledPack {
            uuid: index.uuid,
            name: index.name,
            version: index.version,
            icons: drawn.len(),
        },
        replaced,
        left_out,
    })
}

/// Removes what an interrupted import or removal left behind.
fn clear_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with('.') {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn read_index(dir: &Path) -> Option<Index> {
    let bytes = crate::app::read::read_bounded(&dir.join(INDEX_FILE), MAX_MANIFEST_BYTES).ok()?;
    let mut index: Index = serde_json::from_slice(&bytes).ok()?;
    for icon in &mut index.icons {
        icon.lower = icon.issuers.iter().map(|i| i.to_lowercase()).collect();
    }
    Some(index)
}

/// Removes the installed pack `uuid`.
pub fn remove(data_dir: &Path, uuid: Uuid) -> Result<InstalledPack, PackError> {
    let dir = packs_dir(data_dir).join(uuid.to_string());
    let index = read_index(&dir).ok_or_else(|| PackError::NotInstalled(uuid.to_string()))?;
    // Renamed away first, so a removal cut short never leaves half a pack that still lists.
    let gone = packs_dir(data_dir).join(format!(".old-{}", Uuid::new_v4()));
    std::fs::rename(&dir, &gone).map_err(store_error(&dir))?;
    let _ = std::fs::remove_dir_all(&gone);
    Ok(InstalledPack {
        uuid: index.uuid,
        name: index.name,
        version: index.version,
        icons: index.icons.len(),
    })
}

/// The installed packs, read once: what matching and the picker use.
#[derive(Debug, Clone, Default)]
pub struct Shelf {
    packs: Vec<(PathBuf, Index)>,
}

impl Shelf {
    /// Reads the packs installed in `data_dir` (a pack whose index cannot be read is skipped),
    /// in the order of their names.
    pub fn load(data_dir: &Path) -> Shelf {
        let root = packs_dir(data_dir);
        let mut packs: Vec<(PathBuf, Index)> = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(|e| read_index(&e.path()).map(|i| (e.path(), i)))
            .collect();
        packs.sort_by(|a, b| {
            (a.1.name.to_lowercase(), a.1.uuid).cmp(&(b.1.name.to_lowercase(), b.1.uuid))
        });
        Shelf { packs }
    }

    pub fn is_empty(&self) -> bool {
        self.packs.is_empty()
    }

    pub fn installed(&self) -> Vec<InstalledPack> {
        self.packs
            .iter()
            .map(|(_, i)| InstalledPack {
                uuid: i.uuid,
                name: i.name.clone(),
                version: i.version,
                icons: i.icons.len(),
            })
            .collect()
    }

    /// The pack named `query`: its uuid, or its name (case aside) when only one has it.
    pub fn find(&self, query: &str) -> Option<Uuid> {
        if let Ok(uuid) = query.trim().parse::<Uuid>() {
            return self
                .packs
                .iter()
                .any(|(_, i)| i.uuid == uuid)
                .then_some(uuid);
        }
        let mut named = self
            .packs
            .iter()
            .filter(|(_, i)| i.name.eq_ignore_ascii_case(query.trim()));
        match (named.next(), named.next()) {
            (Some((_, i)), None) => Some(i.uuid),
            _ => None,
        }
    }

    /// Every icon suggested for `issuer`, Aegis's way: exact matches first, then icons whose
    /// issuer contains it, then the inverse matches; within each, in pack and icon order.
    pub fn suggestions(&self, issuer: &str) -> Vec<Suggestion> {
        let wanted = issuer.trim().to_lowercase();
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<Suggestion> = Vec::new();
        for (_, index) in &self.packs {
            for (number, icon) in index.icons.iter().enumerate() {
                let matched = icon
                    .lower
                    .iter()
                    .filter_map(|is| match_of(is, &wanted))
                    .min();
                if let Some(matched) = matched {
                    found.push(Suggestion {
                        pack: index.uuid,
                        pack_name: index.name.clone(),
                        number,
                        name: icon.name.clone(),
                        category: icon.category.clone(),
                        matched,
                    });
                }
            }
        }
        // Stable: pack and icon order kept within each kind of match.
        found.sort_by_key(|s| s.matched);
        found
    }

    /// The icon an account of `issuer` without its own shows: the first suggestion, an inverse
    /// one only where the icon's issuer is a whole word of the account's.
    pub fn best_for(&self, issuer: &str) -> Option<Suggestion> {
        let wanted = issuer.trim().to_lowercase();
        self.suggestions(issuer).into_iter().find(|s| {
            s.matched != Match::Inverse || {
                self.packs
                    .iter()
                    .find(|(_, i)| i.uuid == s.pack)
                    .and_then(|(_, i)| i.icons.get(s.number))
                    .is_some_and(|icon| icon.lower.iter().any(|is| whole_word_in(is, &wanted)))
            }
        })
    }

    /// The icon `number` of pack `pack`, as drawn when the pack was imported.
    pub fn icon(&self, pack: Uuid, number: usize) -> Result<AccountIcon, PackError> {
        let missing = || PackError::NotInstalled(format!("{pack} (icon {number})"));
        let (dir, index) = self
            .packs
            .iter()
            .find(|(_, i)| i.uuid == pack)
            .ok_or_else(missing)?;
        if number >= index.icons.len() {
            return Err(missing());
        }
        let bytes = crate::app::read::read_bounded(
            &dir.join(icon_file(number)),
            super::MAX_KEPT_BYTES as u64,
        )
        .map_err(|_| missing())?;
        AccountIcon::from_png(bytes.to_vec()).ok_or_else(missing)
    }
}

/// How the icon issuer `icon` (lower case) matches the account issuer `wanted` (lower case).
fn match_of(icon: &str, wanted: &str) -> Option<Match> {
    if icon.is_empty() {
        None
    } else if icon == wanted {
        Some(Match::Exact)
    } else if icon.contains(wanted) {
        Some(Match::Contains)
    } else if wanted.contains(icon) {
        Some(Match::Inverse)
    } else {
        None
    }
}

/// Whether `part` stands in `whole` as whole words (not inside a longer word).
fn whole_word_in(part: &str, whole: &str) -> bool {
    whole.match_indices(part).any(|(at, _)| {
        let before = whole[..at].chars().next_back();
        let after = whole[at + part.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests;
