//! The image an account carries as its own icon: from an Aegis backup (its `icon`,
//! `icon_mime`), a file or a pasted image.
//!
//! Whatever comes in, what is kept is a small PNG drawn here: PNG and JPEG are decoded under
//! bounds and scaled to [`SIDE`] pixels; SVG is checked (no script, no reference outside the
//! file, bounded size, depth and `<use>` expansion) and rasterised by resvg. So no markup, no
//! script and no external reference can reach the webview, which sees only
//! `data:image/png;base64,…`, and a hostile image costs at most a bounded decode.
//!
//! The kept form is one string in the account's metadata, `png:<base64>`
//! ([`AccountIcon::to_field`]): it travels with the account through sync, follow and export
//! without a file of its own. A value in another form (an older Ninsho's icon key) is read as
//! "no image".

use std::io::Cursor;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};
use thiserror::Error;

pub mod pack;

/// The side of a kept icon, in pixels: twice the list's 30 px, for HiDPI screens.
pub const SIDE: u32 = 64;
/// The largest image file taken as an icon (Aegis's icons are a few KB; a photo is not an icon).
pub const MAX_SOURCE_BYTES: usize = 1024 * 1024;
/// The largest width or height of a PNG or JPEG decoded for an icon.
const MAX_SOURCE_SIDE: u32 = 4096;
/// The most memory one decode may take.
const MAX_DECODE_BYTES: u64 = 96 * 1024 * 1024;
/// SVG bounds: elements, nesting, and elements drawn once every `<use>` is expanded.
const MAX_SVG_NODES: u32 = 20_000;
const MAX_SVG_DEPTH: usize = 64;
const MAX_SVG_DRAWN: u64 = 50_000;
/// The prefix of the kept form.
const FIELD_PREFIX: &str = "png:";
/// A kept icon larger than this is not one Ninsho drew: refused when read.
const MAX_KEPT_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IconError {
    #[error("the image is {size} bytes; an icon may have at most {max} bytes", max = MAX_SOURCE_BYTES)]
    TooLarge { size: usize },
    #[error("the image is {width}×{height} pixels; an icon may be at most {max}×{max}", max = MAX_SOURCE_SIDE)]
    TooManyPixels { width: u32, height: u32 },
    #[error("that is not a PNG, JPEG or SVG image")]
    Unsupported,
    #[error("the image is damaged ({0})")]
    Damaged(String),
    #[error(
        "the SVG image contains {0}, which an icon may not: only shapes drawn from the file itself"
    )]
    SvgForbidden(String),
    #[error("the SVG image is too complex to draw as an icon ({0})")]
    SvgTooComplex(String),
}

impl IconError {
    pub fn code(&self) -> crate::error_code::ErrorCode {
        crate::error_code::ErrorCode::IconRefused
    }
}

/// What kind of image the bytes are, from the declared MIME type (Aegis's `icon_mime`) or,
/// without one, from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Raster,
    Svg,
}

fn kind_of(bytes: &[u8], mime: Option<&str>) -> Result<Kind, IconError> {
    match mime.map(|m| m.trim().to_ascii_lowercase()) {
        Some(m) if m == "image/svg+xml" => return Ok(Kind::Svg),
        Some(m) if m == "image/png" || m == "image/jpeg" || m == "image/jpg" => {
            return Ok(Kind::Raster);
        }
        Some(m) if !m.is_empty() => return Err(IconError::Unsupported),
        _ => {}
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok(Kind::Raster);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    if head.contains("<svg") {
        return Ok(Kind::Svg);
    }
    Err(IconError::Unsupported)
}

/// An icon as Ninsho keeps it: a PNG of at most [`SIDE`]×[`SIDE`] pixels that Ninsho drew.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountIcon(Vec<u8>);

impl std::fmt::Debug for AccountIcon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AccountIcon({} bytes)", self.0.len())
    }
}

impl AccountIcon {
    /// Draws the icon from an image file's bytes; `mime` is the type the source declares
    /// (Aegis's `icon_mime`), if any.
    pub fn from_source(bytes: &[u8], mime: Option<&str>) -> Result<AccountIcon, IconError> {
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(IconError::TooLarge { size: bytes.len() });
        }
        let rgba = match kind_of(bytes, mime)? {
            Kind::Raster => decode_raster(bytes)?,
            Kind::Svg => draw_svg(bytes)?,
        };
        let mut png = Vec::new();
        rgba.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|e| IconError::Damaged(e.to_string()))?;
        Ok(AccountIcon(png))
    }

    /// Draws the icon from pixels a clipboard gave (where the system gives no image bytes).
    pub fn from_pixels(width: u32, height: u32, rgba: &[u8]) -> Result<AccountIcon, IconError> {
        if width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE {
            return Err(IconError::TooManyPixels { width, height });
        }
        if width == 0 || height == 0 {
            return Err(IconError::Damaged("an empty image".into()));
        }
        let image = image::RgbaImage::from_raw(width, height, rgba.to_vec())
            .ok_or_else(|| IconError::Damaged("the pixels do not fill the image".into()))?;
        let fitted = image::DynamicImage::ImageRgba8(image);
        let fitted = if width > SIDE || height > SIDE {
            fitted.resize(SIDE, SIDE, image::imageops::FilterType::Triangle)
        } else {
            fitted
        };
        let mut png = Vec::new();
        fitted
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|e| IconError::Damaged(e.to_string()))?;
        Ok(AccountIcon(png))
    }

    /// The icon from its kept form; `None` for anything else (an older icon key, a value
    /// that is not a PNG Ninsho could have drawn).
    pub fn from_field(field: &str) -> Option<AccountIcon> {
        let body = field.strip_prefix(FIELD_PREFIX)?;
        if body.len() > MAX_KEPT_BYTES.div_ceil(3) * 4 {
            return None;
        }
        AccountIcon::from_png(B64.decode(body).ok()?)
    }

    /// A PNG Ninsho drew (one of [`SIDE`] pixels at most), as kept in an icon pack's folder;
    /// `None` for anything else.
    pub(crate) fn from_png(png: Vec<u8>) -> Option<AccountIcon> {
        if png.len() > MAX_KEPT_BYTES {
            return None;
        }
        let header = image::ImageReader::with_format(Cursor::new(&png), image::ImageFormat::Png)
            .into_dimensions()
            .ok()?;
        (header.0 <= SIDE && header.1 <= SIDE).then_some(AccountIcon(png))
    }

    /// The kept form: `png:<base64>`.
    pub fn to_field(&self) -> String {
        format!("{FIELD_PREFIX}{}", B64.encode(&self.0))
    }

    /// The PNG itself (what an Aegis export writes, with `image/png`).
    pub fn png(&self) -> &[u8] {
        &self.0
    }

    /// What the webview's `<img>` shows.
    pub fn data_url(&self) -> String {
        format!("data:image/png;base64,{}", B64.encode(&self.0))
    }

    /// The hex SHA-256 of the PNG (Aegis's `icon_hash`).
    pub fn sha256_hex(&self) -> String {
        Sha256::digest(&self.0)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A PNG or JPEG, decoded within bounds and scaled down to fit [`SIDE`].
fn decode_raster(bytes: &[u8]) -> Result<image::DynamicImage, IconError> {
    let reader = || {
        image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| IconError::Damaged(e.to_string()))
    };
    let mut reader_for_pixels = reader()?;
    match reader_for_pixels.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        _ => return Err(IconError::Unsupported),
    }
    // The header alone first: a bomb is refused before any pixel is allocated.
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|e| IconError::Damaged(e.to_string()))?;
    if width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE {
        return Err(IconError::TooManyPixels { width, height });
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader_for_pixels.limits(limits);
    let decoded = reader_for_pixels
        .decode()
        .map_err(|e| IconError::Damaged(e.to_string()))?;
    let fitted = if decoded.width() > SIDE || decoded.height() > SIDE {
        decoded.resize(SIDE, SIDE, image::imageops::FilterType::Triangle)
    } else {
        decoded
    };
    Ok(image::DynamicImage::ImageRgba8(fitted.to_rgba8()))
}

/// An SVG checked (see [`check_svg`]) and rasterised to fit [`SIDE`].
fn draw_svg(bytes: &[u8]) -> Result<image::DynamicImage, IconError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| IconError::Damaged("the SVG is not UTF-8 text".into()))?;
    let options = resvg::usvg::roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_SVG_NODES,
        ..Default::default()
    };
    let doc =
        resvg::usvg::roxmltree::Document::parse_with_options(text, options).map_err(
            |e| match e {
                resvg::usvg::roxmltree::Error::NodesLimitReached => {
                    IconError::SvgTooComplex(format!("more than {MAX_SVG_NODES} elements"))
                }
                resvg::usvg::roxmltree::Error::DtdDetected => {
                    IconError::SvgForbidden("a DTD".into())
                }
                e => IconError::Damaged(e.to_string()),
            },
        )?;
    check_svg(&doc)?;
    // Belt and braces beside `check_svg`: no image is ever loaded, from a file or data.
    let options = resvg::usvg::Options {
        resources_dir: None,
        image_href_resolver: resvg::usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_xmltree(&doc, &options)
        .map_err(|e| IconError::Damaged(e.to_string()))?;
    let size = tree.size();
    let scale = (SIDE as f32 / size.width()).min(SIDE as f32 / size.height());
    if !scale.is_finite() || scale <= 0.0 {
        return Err(IconError::Damaged("the SVG has no size".into()));
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(SIDE, SIDE)
        .ok_or_else(|| IconError::Damaged("no canvas".into()))?;
    let dx = (SIDE as f32 - size.width() * scale) / 2.0;
    let dy = (SIDE as f32 - size.height() * scale) / 2.0;
    let transform = resvg::tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    // tiny-skia's pixels are premultiplied; the PNG wants them straight.
    let mut rgba = Vec::with_capacity((SIDE * SIDE * 4) as usize);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        rgba.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    image::RgbaImage::from_raw(SIDE, SIDE, rgba)
        .map(image::DynamicImage::ImageRgba8)
        .ok_or_else(|| IconError::Damaged("no canvas".into()))
}

/// What an icon's SVG may not hold, by element name: script and everything that loads or
/// shows something from outside the file.
const FORBIDDEN_ELEMENTS: &[(&str, &str)] = &[
    ("script", "a script"),
    ("foreignObject", "HTML (foreignObject)"),
    ("image", "an embedded or linked image"),
    ("feImage", "an embedded or linked image"),
    ("iframe", "a frame"),
    ("audio", "sound"),
    ("video", "video"),
];

/// Refuses an SVG that runs, loads or expands beyond an icon's bounds: forbidden elements,
/// event handlers (`on…`), any reference that is not to an element of the file itself
/// (`href`, `xlink:href`, `url(…)` in style), nesting deeper than [`MAX_SVG_DEPTH`], and
/// `<use>` chains that would draw more than [`MAX_SVG_DRAWN`] elements (the "billion laughs"
/// of SVG).
fn check_svg(doc: &resvg::usvg::roxmltree::Document) -> Result<(), IconError> {
    use std::collections::HashMap;
    let mut by_id = HashMap::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if let Some((_, what)) = FORBIDDEN_ELEMENTS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            return Err(IconError::SvgForbidden((*what).into()));
        }
        if node.ancestors().count() > MAX_SVG_DEPTH {
            return Err(IconError::SvgTooComplex(format!(
                "nested more than {MAX_SVG_DEPTH} deep"
            )));
        }
        for attr in node.attributes() {
            let key = attr.name();
            let value = attr.value().trim();
            if key.len() > 2 && key[..2].eq_ignore_ascii_case("on") {
                return Err(IconError::SvgForbidden(format!("a script ({key})")));
            }
            if key == "href" && !value.starts_with('#') {
                return Err(IconError::SvgForbidden(format!(
                    "a reference outside the file ({})",
                    value.chars().take(60).collect::<String>()
                )));
            }
            if value.contains("url(") && external_url(value) {
                return Err(IconError::SvgForbidden(
                    "a reference outside the file (url(…))".into(),
                ));
            }
        }
        if name == "style"
            && node
                .text()
                .is_some_and(|t| external_url(t) || t.contains("@import"))
        {
            return Err(IconError::SvgForbidden(
                "a style sheet that loads from outside the file".into(),
            ));
        }
        if let Some(id) = node.attribute("id") {
            by_id.insert(id.to_owned(), node);
        }
    }
    // How many elements each node draws once `<use>` is expanded, memoised; a cycle or a
    // chain deeper than the nesting bound is refused.
    fn drawn<'a, 'i>(
        node: resvg::usvg::roxmltree::Node<'a, 'i>,
        by_id: &HashMap<String, resvg::usvg::roxmltree::Node<'a, 'i>>,
        memo: &mut HashMap<resvg::usvg::roxmltree::NodeId, u64>,
        depth: usize,
    ) -> Result<u64, IconError> {
        if let Some(n) = memo.get(&node.id()) {
            return Ok(*n);
        }
        if depth > MAX_SVG_DEPTH * 2 {
            return Err(IconError::SvgTooComplex(
                "<use> chains too deep, or in a loop".into(),
            ));
        }
        let mut total: u64 = 1;
        if node.tag_name().name() == "use"
            && let Some(target) = node
                .attributes()
                .find(|a| a.name() == "href")
                .and_then(|a| a.value().trim().strip_prefix('#'))
                .and_then(|id| by_id.get(id))
        {
            total = total.saturating_add(drawn(*target, by_id, memo, depth + 1)?);
        }
        for child in node.children().filter(|c| c.is_element()) {
            total = total.saturating_add(drawn(child, by_id, memo, depth + 1)?);
            if total > MAX_SVG_DRAWN {
                break;
            }
        }
        if total > MAX_SVG_DRAWN {
            return Err(IconError::SvgTooComplex(format!(
                "it would draw more than {MAX_SVG_DRAWN} elements"
            )));
        }
        memo.insert(node.id(), total);
        Ok(total)
    }
    drawn(doc.root_element(), &by_id, &mut HashMap::new(), 0)?;
    Ok(())
}

/// Whether CSS or an attribute names a `url(…)` that is not `#an-element-of-the-file`.
fn external_url(text: &str) -> bool {
    text.match_indices("url(").any(|(at, _)| {
        let rest = text[at + 4..].trim_start().trim_start_matches(['"', '\'']);
        !rest.starts_with('#')
    })
}

#[cfg(test)]
mod tests;
