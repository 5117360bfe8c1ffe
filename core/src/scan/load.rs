//! Turning untrusted image bytes into a grey image, within limits.
//!
//! Screenshots, downloads and pasted clipboard images are all hostile input as far as this
//! code knows: the header is checked against our limits before a single pixel buffer is
//! allocated, so a "100k × 100k" header or a decompression bomb is a message, not an OOM.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, Limits};
use thiserror::Error;

use crate::error_code::ErrorCode;

/// Longest side we decode. 16K covers any real monitor arrangement we know of.
pub const MAX_SIDE: u32 = 16_384;
/// Most pixels we decode: 64 megapixels is an 8K screenshot twice over.
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;
/// Most bytes the decoder may allocate for one image.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum ImageError {
    #[error("this file is not an image Ninsho can read (PNG, JPEG, WebP, BMP, GIF or TIFF)")]
    UnknownFormat,
    #[error("{0} images are not supported; use PNG, JPEG, WebP, BMP, GIF or TIFF")]
    UnsupportedFormat(String),
    #[error(
        "the image is {width}×{height} pixels, larger than Ninsho reads ({MAX_SIDE} pixels a side, 64 megapixels); crop it to the QR code"
    )]
    TooLarge { width: u32, height: u32 },
    #[error("the image is damaged or incomplete and cannot be read ({0})")]
    Corrupt(String),
    #[error("the image is empty (0 pixels)")]
    Empty,
}

impl ImageError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ImageError::UnknownFormat | ImageError::UnsupportedFormat(_) => ErrorCode::ImageFormat,
            ImageError::TooLarge { .. } => ErrorCode::ImageTooLarge,
            ImageError::Corrupt(_) | ImageError::Empty => ErrorCode::ImageDamaged,
        }
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ImageError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Corrupt(e.to_string()))?;
    match reader.format() {
        None => Err(ImageError::UnknownFormat),
        Some(
            ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::WebP
            | ImageFormat::Bmp
            | ImageFormat::Gif
            | ImageFormat::Tiff,
        ) => Ok(reader),
        Some(other) => Err(ImageError::UnsupportedFormat(
            format!("{other:?}").to_uppercase(),
        )),
    }
}

/// Decodes an image file's bytes (format detected from the content, not a file name).
pub fn decode_image(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let (width, height) = reader(bytes)?.into_dimensions().map_err(classify)?;
    if width == 0 || height == 0 {
        return Err(ImageError::Empty);
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    let mut reader = reader(bytes)?;
    reader.limits(limits());
    reader.decode().map_err(classify)
}

fn classify(e: image::ImageError) -> ImageError {
    match e {
        image::ImageError::Limits(_) => ImageError::TooLarge {
            width: 0,
            height: 0,
        },
        image::ImageError::Unsupported(u) => ImageError::UnsupportedFormat(u.to_string()),
        other => ImageError::Corrupt(other.to_string()),
    }
}

/// Luminance with transparency composited over white: QR codes saved with a transparent
/// background store "transparent black" pixels, which a plain conversion turns into a solid
/// black square.
pub fn to_grey(image: &DynamicImage) -> GrayImage {
    if !image.color().has_alpha() {
        return image.to_luma8();
    }
    let rgba = image.to_rgba8();
    let mut grey = GrayImage::new(rgba.width(), rgba.height());
    for (out, px) in grey.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = px.0;
        // ITU-R BT.709 luma, as image's own conversion uses, in fixed point.
        let luma = (2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b)) / 10_000;
        let a = u32::from(a);
        out.0[0] = ((luma * a + 255 * (255 - a)) / 255) as u8;
    }
    grey
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::new_luma8(width, height)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn huge_header_is_refused_before_allocation() {
        // A valid PNG header claiming 100,000 × 100,000 pixels followed by nothing.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32fast::hash(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        match decode_image(&bytes) {
            Err(ImageError::TooLarge {
                width: 100_000,
                height: 100_000,
            }) => {}
            other => panic!("{other:?}"),
        }
        // The same claim in a BMP header, which has no checksum at all; the BMP decoder refuses
        // it itself, before we can ask for the size.
        let mut bmp = Vec::new();
        DynamicImage::new_rgb8(1, 1)
            .write_to(&mut Cursor::new(&mut bmp), ImageFormat::Bmp)
            .unwrap();
        bmp[18..22].copy_from_slice(&100_000i32.to_le_bytes());
        bmp[22..26].copy_from_slice(&100_000i32.to_le_bytes());
        let result = decode_image(&bmp);
        assert!(
            matches!(&result, Err(ImageError::TooLarge { .. }))
                || matches!(&result, Err(ImageError::Corrupt(m)) if m.contains("too large")),
            "{result:?}"
        );
    }

    #[test]
    fn truncated_and_unknown_files() {
        let bytes = png(64, 64);
        assert!(matches!(
            decode_image(&bytes[..bytes.len() / 2]),
            Err(ImageError::Corrupt(_))
        ));
        assert!(matches!(
            decode_image(b"hello, not an image"),
            Err(ImageError::UnknownFormat)
        ));
        assert!(matches!(decode_image(b""), Err(ImageError::UnknownFormat)));
        let mut ico = vec![0x00, 0x00, 0x01, 0x00];
        ico.extend_from_slice(&[0; 64]);
        assert!(matches!(decode_image(&ico), Err(ImageError::UnsupportedFormat(f)) if f == "ICO"));
    }

    #[test]
    fn transparent_pixels_become_white() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        let grey = to_grey(&DynamicImage::ImageRgba8(rgba));
        assert_eq!(grey.as_raw(), &[255, 0]);
    }
}
