//! What a person pasted: which of the clipboard's targets (MIME types) are read, within what
//! bound, and what their bytes are — files copied in a file manager, an image whatever type
//! offers it, an image inside copied HTML, login links as text — or, when none of it can be
//! used, what the clipboard does hold, said specifically.
//!
//! The shells only read targets: [`paste`] gets the names the clipboard offers and a reader,
//! asks for the targets worth reading best first, each with its bound (the reader refuses more
//! bytes than that before copying them), and decides. Everything from the clipboard is
//! hostile: file lists, image bytes, HTML and base64 are bounded before anything of them is
//! allocated here, and nothing is ever fetched from the network (an HTML image on the web is
//! named, not downloaded).

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use zeroize::Zeroizing;

use super::{Content, scan_bytes, scan_text};
use crate::app::read::{Links, read_shared};
use crate::error_code::ErrorCode;
use crate::formats;
use crate::uri::percent;

/// Most targets of an offer looked at: real clipboards offer a few dozen.
pub const MAX_TARGETS: usize = 256;
/// Most files taken from one copy (a drop takes as many).
pub const MAX_FILES: usize = 20;
/// Most lines of a file list read (comments and URIs of elsewhere included).
pub const MAX_LIST_LINES: usize = 1_000;
/// Largest file list read: a thousand long paths.
pub const MAX_LIST_BYTES: usize = 1024 * 1024;
/// Largest image read from the clipboard (as large as an image file Ninsho scans as a backup).
pub const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;
/// Largest HTML read: room for one image of [`MAX_IMAGE_BYTES`] as a base64 data URI.
pub const MAX_HTML_BYTES: usize = MAX_BASE64_BYTES + 1024 * 1024;
/// Longest base64 data URI decoded: what [`MAX_IMAGE_BYTES`] encodes to, with room for line
/// breaks.
pub const MAX_BASE64_BYTES: usize = MAX_IMAGE_BYTES / 3 * 4 + 4096;
/// Largest text read: far more than any list of login links.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// Most `<img>` elements of copied HTML looked at.
pub const MAX_HTML_IMAGES: usize = 16;
/// Bytes of a file's start read to recognise an image.
const SNIFF_BYTES: u64 = 64;

/// What a target is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Files copied in a file manager (`x-special/gnome-copied-files`, `text/uri-list`).
    Files,
    /// An image (`image/*`); its bytes are sniffed, the type is not trusted.
    Image,
    /// Copied HTML, as a browser's "Copy image" may offer alone.
    Html,
    /// Text.
    Text,
}

impl Kind {
    /// The most bytes a target of this kind may have: the reader refuses more before copying.
    pub fn limit(self) -> usize {
        match self {
            Kind::Files => MAX_LIST_BYTES,
            Kind::Image => MAX_IMAGE_BYTES,
            Kind::Html => MAX_HTML_BYTES,
            Kind::Text => MAX_TEXT_BYTES,
        }
    }
}

/// One target to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub kind: Kind,
}

/// Why a reader gave no bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// The target holds more than its kind's limit (nothing was copied).
    TooLarge,
    /// The owner did not answer, or answered nothing.
    Unavailable,
}

/// What could be used.
#[derive(Debug)]
pub enum Pasted {
    /// Files to open exactly as if they had been dropped on the window: every one of them is an
    /// image or a backup by its content.
    Files(Vec<PathBuf>),
    /// The QR codes found in an image (at least one).
    Image(Vec<Content>),
    /// The login links of a text (at least one line meant as one).
    Text(Vec<Content>),
}

/// What the clipboard held when nothing of it could be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Nothing at all, or nothing any target gave.
    Nothing,
    /// Files that are neither an image nor a backup (their names).
    Files(Vec<String>),
    /// Links to files that are not on this computer (`sftp://`, `https://`: never fetched).
    Remote(String),
    /// Text that is no login link.
    Text,
    /// An image in which no QR code was found.
    ImageNoQr,
    /// Image bytes Ninsho cannot decode (the decoder's words).
    ImageUnreadable(String),
    /// HTML without an image Ninsho can read.
    Html,
    /// More than Ninsho reads from a clipboard (the target's type).
    TooLarge(String),
    /// Only types Ninsho does not read (the first few, as offered).
    Other(String),
}

impl Held {
    /// The code the shells report this by.
    pub fn code(&self) -> ErrorCode {
        match self {
            Held::Nothing => ErrorCode::ClipboardEmpty,
            Held::Files(_) => ErrorCode::PasteFiles,
            Held::Remote(_) => ErrorCode::PasteRemote,
            Held::Text => ErrorCode::PasteText,
            Held::ImageNoQr => ErrorCode::PasteNoQr,
            Held::ImageUnreadable(_) => ErrorCode::PasteImageUnreadable,
            Held::Html => ErrorCode::PasteHtml,
            Held::TooLarge(_) => ErrorCode::PasteTooLarge,
            Held::Other(_) => ErrorCode::PasteOther,
        }
    }

    /// The detail the message names (file names, a host, the types offered); never a secret.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Held::Remote(d) | Held::ImageUnreadable(d) | Held::TooLarge(d) | Held::Other(d) => {
                Some(d)
            }
            Held::Files(_) | Held::Nothing | Held::Text | Held::ImageNoQr | Held::Html => None,
        }
    }

    /// The file names, joined as the message shows them.
    pub fn names(&self) -> Option<String> {
        match self {
            Held::Files(names) => Some(names.join(", ")),
            _ => None,
        }
    }

    /// What the clipboard holds, as a sentence.
    pub fn describe(&self) -> String {
        match self {
            Held::Nothing => "The clipboard holds nothing: copy a QR code's image or screenshot file, or an otpauth:// link, then paste.".into(),
            Held::Files(names) => format!(
                "The clipboard holds a file that is not an image or a backup ({}).",
                names.join(", ")
            ),
            Held::Remote(what) => format!(
                "The clipboard holds a link to a file that is not on this computer ({what}); Ninsho downloads nothing. Save the image, then paste or open the file."
            ),
            Held::Text => "The clipboard holds text that is not a login link (otpauth://…).".into(),
            Held::ImageNoQr => "The clipboard holds an image with no QR code. Zoom in so the code is larger, and copy the whole code.".into(),
            Held::ImageUnreadable(why) => {
                format!("The clipboard holds an image Ninsho cannot read ({why}).")
            }
            Held::Html => "The clipboard holds part of a web page with no image Ninsho can read.".into(),
            Held::TooLarge(target) => format!(
                "The clipboard holds more than Ninsho reads ({target}); copy the QR code alone."
            ),
            Held::Other(types) => format!(
                "The clipboard holds something that is not an image, a file or text ({types})."
            ),
        }
    }
}

/// The file-list types, best first.
const FILE_TYPES: [&str; 2] = ["x-special/gnome-copied-files", "text/uri-list"];
/// The image types the decoder reads, best first; any other `image/*` is tried after them.
const IMAGE_TYPES: [&str; 8] = [
    "image/png",
    "image/jpeg",
    "image/jpg",
    "image/webp",
    "image/gif",
    "image/bmp",
    "image/tiff",
    "image/x-png",
];
/// The text types, best first.
const TEXT_TYPES: [&str; 5] = [
    "text/plain;charset=utf-8",
    "UTF8_STRING",
    "text/plain",
    "STRING",
    "TEXT",
];

/// The targets worth reading of what the clipboard offers, best first, at most one of each
/// kind: a file list, then an image, then HTML, then text.
pub fn plan(offered: &[String]) -> Vec<Target> {
    let offered: Vec<&str> = offered
        .iter()
        .take(MAX_TARGETS)
        .map(String::as_str)
        .collect();
    let has = |name: &str| offered.iter().any(|o| o.eq_ignore_ascii_case(name));
    let pick = |names: &[&str]| names.iter().find(|n| has(n)).map(|n| n.to_string());
    let image = pick(&IMAGE_TYPES).or_else(|| {
        offered
            .iter()
            .find(|o| o.to_ascii_lowercase().starts_with("image/"))
            .map(|o| o.to_string())
    });
    [
        (pick(&FILE_TYPES), Kind::Files),
        (image, Kind::Image),
        (pick(&["text/html"]), Kind::Html),
        (pick(&TEXT_TYPES), Kind::Text),
    ]
    .into_iter()
    .filter_map(|(name, kind)| name.map(|name| Target { name, kind }))
    .collect()
}

/// Reads what the clipboard offers (`offered`, its target names) through `read`, best target
/// first, and takes the first one that can be used; otherwise says what the most telling
/// target held. `read` is given each target's bound and must refuse more before copying.
pub fn paste(
    offered: &[String],
    mut read: impl FnMut(&Target) -> Result<Zeroizing<Vec<u8>>, Unread>,
) -> Result<Pasted, Held> {
    let targets = plan(offered);
    if targets.is_empty() {
        let others: Vec<String> = offered
            .iter()
            .filter(|o| !is_meta(o))
            .take(4)
            .map(|o| shown_target(o))
            .collect();
        return Err(if others.is_empty() {
            Held::Nothing
        } else {
            Held::Other(others.join(", "))
        });
    }
    let mut first: Option<Held> = None;
    for target in &targets {
        let held = match read(target) {
            Ok(bytes) if bytes.len() > target.kind.limit() => {
                Held::TooLarge(shown_target(&target.name))
            }
            Ok(bytes) => match take(target.kind, &bytes) {
                Ok(pasted) => return Ok(pasted),
                Err(held) => held,
            },
            Err(Unread::TooLarge) => Held::TooLarge(shown_target(&target.name)),
            Err(Unread::Unavailable) => Held::Nothing,
        };
        if first.as_ref().is_none_or(|f| *f == Held::Nothing) {
            first = Some(held);
        }
    }
    Err(first.unwrap_or(Held::Nothing))
}

/// A target's name as a message shows it: the clipboard's owner names its targets, at any
/// length.
fn shown_target(name: &str) -> String {
    const MOST: usize = 60;
    match name.char_indices().nth(MOST) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_owned(),
    }
}

/// The selection protocol's own targets, which say nothing of the content.
fn is_meta(target: &str) -> bool {
    matches!(
        target,
        "TARGETS" | "TIMESTAMP" | "MULTIPLE" | "SAVE_TARGETS" | "DELETE" | "INCLUDE"
    ) || target.starts_with("chromium/")
        || target.starts_with("application/x-moz")
}

/// What one target's bytes are.
pub fn take(kind: Kind, bytes: &[u8]) -> Result<Pasted, Held> {
    if bytes.len() > kind.limit() {
        return Err(Held::TooLarge(format!("{} bytes", bytes.len())));
    }
    match kind {
        Kind::Files => files(&String::from_utf8_lossy(bytes)),
        Kind::Image => image(bytes),
        Kind::Html => html(&String::from_utf8_lossy(bytes)),
        Kind::Text => text(bytes),
    }
}

fn image(bytes: &[u8]) -> Result<Pasted, Held> {
    found_in_image(scan_bytes(bytes).map_err(|e| Held::ImageUnreadable(e.to_string()))?)
}

/// What an image a clipboard gave as pixels holds (where the system's clipboard gives no
/// bytes), its size bounded before it is copied.
pub fn take_pixels(width: u32, height: u32, rgba: &[u8]) -> Result<Pasted, Held> {
    if width == 0 || height == 0 {
        return Err(Held::ImageUnreadable("an empty image".into()));
    }
    if u64::from(width) * u64::from(height) > super::MAX_PIXELS {
        return Err(Held::TooLarge(format!("a {width}×{height} image")));
    }
    let image = image::RgbaImage::from_raw(width, height, rgba.to_vec())
        .ok_or_else(|| Held::ImageUnreadable("damaged pixels".into()))?;
    found_in_image(super::scan_image(&image::DynamicImage::ImageRgba8(image)))
}

fn found_in_image(found: Vec<super::Payload>) -> Result<Pasted, Held> {
    if found.is_empty() {
        return Err(Held::ImageNoQr);
    }
    Ok(Pasted::Image(
        found.into_iter().map(|p| p.content).collect(),
    ))
}

fn text(bytes: &[u8]) -> Result<Pasted, Held> {
    let text = Zeroizing::new(String::from_utf8_lossy(bytes).into_owned());
    if text.trim().is_empty() {
        return Err(Held::Nothing);
    }
    let found = scan_text(&text);
    if found.iter().all(|c| matches!(c, Content::Other(_))) {
        // A path copied as text (a terminal, a file manager's "copy location") is a file.
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if lines.all(|l| local_path(l).is_some()) {
            return files(&text);
        }
        return Err(Held::Text);
    }
    Ok(Pasted::Text(found))
}

/// The local paths of a file list: `text/uri-list` (comments start with `#`, lines end in CRLF)
/// or GNOME's `copy`/`cut` line followed by URIs. At most [`MAX_FILES`] paths.
pub fn file_list(list: &str) -> Result<Vec<PathBuf>, Held> {
    let mut paths = Vec::new();
    let mut remote = None;
    for line in list.lines().take(MAX_LIST_LINES).map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line == "copy" || line == "cut" {
            continue;
        }
        match local_path(line) {
            Some(path) if paths.len() < MAX_FILES => paths.push(path),
            Some(_) => break,
            None => remote = remote.or_else(|| Some(shown_uri(line))),
        }
    }
    match (paths.is_empty(), remote) {
        (false, _) => Ok(paths),
        (true, Some(remote)) => Err(Held::Remote(remote)),
        (true, None) => Err(Held::Nothing),
    }
}

fn files(list: &str) -> Result<Pasted, Held> {
    let paths = file_list(list)?;
    let (usable, unusable): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| is_image_or_backup(p));
    if usable.is_empty() {
        return Err(Held::Files(unusable.iter().map(|p| file_name(p)).collect()));
    }
    Ok(Pasted::Files(usable))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Whether a file is an image the decoder reads or a backup some importer recognises, by its
/// content (bounded, never blocking on a FIFO or a device).
pub fn is_image_or_backup(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    let mut head = Vec::new();
    let sniffed = std::fs::File::open(path)
        .and_then(|f| f.take(SNIFF_BYTES).read_to_end(&mut head))
        .is_ok();
    if sniffed && is_readable_image(&head) {
        return true;
    }
    read_shared(path, formats::MAX_FILE_BYTES as u64, Links::Follow)
        .is_ok_and(|bytes| !formats::detect(&bytes).is_empty())
}

/// Whether `head` (an image's first bytes) starts an image the decoder reads.
pub fn is_readable_image(head: &[u8]) -> bool {
    use image::ImageFormat::*;
    matches!(
        image::guess_format(head),
        Ok(Png | Jpeg | WebP | Bmp | Gif | Tiff)
    )
}

/// A `file:` URI's path on this computer (`file:///p`, `file://localhost/p`), or a path
/// written out whole; `None` for any other URI.
fn local_path(uri: &str) -> Option<PathBuf> {
    if Path::new(uri).is_absolute() && !uri.contains('\0') {
        return Some(PathBuf::from(uri));
    }
    let rest = uri
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("file://"))
        .map(|_| &uri[7..])?;
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest[..i].eq_ignore_ascii_case("localhost") => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent::decode(path, false);
    if decoded.contains('\u{FFFD}') || decoded.contains('\0') {
        return None;
    }
    // `file:///C:/x` on Windows is `C:/x`.
    let bytes = decoded.as_bytes();
    if cfg!(windows) && bytes.len() > 2 && bytes[2] == b':' && bytes[1].is_ascii_alphabetic() {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded.as_str()))
}

/// A URI as a message names it: its scheme and host, nothing of its path or query.
fn shown_uri(uri: &str) -> String {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return uri.chars().take(40).collect();
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    format!("{scheme}://{host}").chars().take(80).collect()
}

/// An image inside copied HTML: an `<img>`'s `data:` URI (base64) or `file://` source; a web
/// source is named, never fetched.
fn html(html: &str) -> Result<Pasted, Held> {
    let mut held: Option<Held> = None;
    for src in image_sources(html).into_iter().take(MAX_HTML_IMAGES) {
        let found = if starts_with_ignore_case(&src, "data:") {
            data_uri(&src).and_then(|bytes| image(&bytes))
        } else if starts_with_ignore_case(&src, "file:") {
            files(&src)
        } else {
            Err(Held::Remote(shown_uri(&src)))
        };
        match found {
            Ok(pasted) => return Ok(pasted),
            Err(h) => {
                if held.is_none() {
                    held = Some(h);
                }
            }
        }
    }
    Err(held.unwrap_or(Held::Html))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

/// The `src` of each `<img>` element, in order (at most [`MAX_HTML_IMAGES`]), with `&amp;`
/// and `&quot;` undone.
fn image_sources(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut sources = Vec::new();
    let mut from = 0;
    while sources.len() < MAX_HTML_IMAGES {
        let Some(start) = lower[from..].find("<img").map(|i| from + i) else {
            break;
        };
        let end = lower[start..].find('>').map_or(lower.len(), |i| start + i);
        if let Some(src) = attribute(&html[start..end], &lower[start..end], "src") {
            sources.push(src.replace("&quot;", "\"").replace("&amp;", "&"));
        }
        from = end.max(start + 4);
    }
    sources
}

/// The value of attribute `name` in a tag (`tag` as written, `lower` lowercased alike).
fn attribute<'a>(tag: &'a str, lower: &str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let before = lower[..i].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let after = lower[from..].trim_start();
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value_start = tag.len() - value.trim_start().len();
        let value = &tag[value_start..];
        return match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next(),
            _ => value.split(|c: char| c.is_whitespace() || c == '/').next(),
        };
    }
    None
}

/// The bytes of a base64 `data:` URI, its length bounded before anything is decoded.
fn data_uri(uri: &str) -> Result<Zeroizing<Vec<u8>>, Held> {
    let unreadable = |why: &str| Held::ImageUnreadable(why.to_owned());
    let (header, data) = uri
        .split_once(',')
        .ok_or_else(|| unreadable("a data link without data"))?;
    if !header.to_ascii_lowercase().ends_with(";base64") {
        return Err(unreadable("a data link that is not base64"));
    }
    if data.len() > MAX_BASE64_BYTES {
        return Err(Held::TooLarge(format!("a {}-byte data link", data.len())));
    }
    let compact: Zeroizing<Vec<u8>> =
        Zeroizing::new(data.bytes().filter(|b| !b.is_ascii_whitespace()).collect());
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map(Zeroizing::new)
        .map_err(|_| unreadable("damaged base64"))
}

#[cfg(test)]
#[path = "pasted_tests.rs"]
mod tests;
