//! The scan pipeline end to end: image bytes in, classified payloads out.

mod common;

use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgba, RgbaImage};
use ninsho_core::scan::{self, Content, ImageError, OtherKind};
use proptest::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

/// Draws `text` as a QR code with `module` pixels per module and a 4-module quiet zone.
fn render(text: impl AsRef<[u8]>, module: u32) -> GrayImage {
    let code = QrCode::with_error_correction_level(text.as_ref(), EcLevel::M).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    let size = (n + 8) * module;
    GrayImage::from_fn(size, size, |x, y| {
        let (mx, my) = (x / module, y / module);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + (mx - 4)) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    })
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), format)
        .unwrap();
    out
}

fn texts(payloads: &[scan::Payload]) -> Vec<String> {
    payloads.iter().map(|p| p.text.to_string()).collect()
}

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

#[test]
fn shared_migration_pngs_decode_to_their_accounts() {
    let Some(dir) = common::vectors_dir() else {
        return;
    };
    let doc = common::load_json("otp/migration.json").unwrap();
    let mut checked = 0;
    for entry in doc["entries"].as_array().unwrap() {
        let Some(png) = entry["png"].as_str() else {
            continue;
        };
        let payloads = scan::scan_file(&dir.join("otp").join(png)).unwrap();
        assert_eq!(payloads.len(), 1, "{png}");
        assert_eq!(
            payloads[0].text.as_str(),
            entry["uri"].as_str().unwrap(),
            "{png}"
        );
        let Content::GoogleExport(part) = &payloads[0].content else {
            panic!("{png}: {:?}", payloads[0].content)
        };
        let got: Vec<_> = part.accounts.iter().map(common::account_json).collect();
        assert_eq!(serde_json::Value::from(got), entry["accounts"], "{png}");
        checked += 1;
    }
    assert_eq!(checked, 5);
}

/// The project's own screenshots (rendered by bench/qr/generate.py): pages in light, dark and
/// inverted themes, a 10-account export, two codes in one shot, a JPEG, and a page without code.
#[test]
fn project_fixture_screenshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/screens");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let cases = expected.as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let mut got = texts(&scan::scan_file(&dir.join(file)).unwrap());
        got.sort();
        let want: Vec<String> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn every_supported_format() {
    let image = DynamicImage::ImageLuma8(render(URI, 4));
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::WebP,
        ImageFormat::Bmp,
        ImageFormat::Gif,
    ] {
        let image = if format == ImageFormat::Jpeg || format == ImageFormat::Gif {
            DynamicImage::ImageRgb8(image.to_rgb8())
        } else {
            image.clone()
        };
        let payloads = scan::scan_bytes(&encode(&image, format)).unwrap();
        assert_eq!(texts(&payloads), [URI], "{format:?}");
        let Content::Account(account) = &payloads[0].content else {
            panic!("{format:?}")
        };
        assert_eq!(account.name, "alice@example.com");
    }
}

#[test]
fn light_on_dark_and_transparent_codes() {
    let mut inverted = render(URI, 3);
    image::imageops::invert(&mut inverted);
    assert_eq!(texts(&scan::decode_all(&inverted)), [URI]);

    // Black modules on a fully transparent background (RGB of the background is black too).
    let grey = render(URI, 3);
    let rgba = RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
        if grey.get_pixel(x, y).0[0] == 0 {
            Rgba([0, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let bytes = encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png);
    assert_eq!(texts(&scan::scan_bytes(&bytes).unwrap()), [URI]);
}

#[test]
fn several_codes_in_one_screenshot() {
    let uris = [
        URI.to_owned(),
        "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3".to_owned(),
        "https://example.org/help".to_owned(),
    ];
    let mut page = GrayImage::from_pixel(1280, 720, Luma([236]));
    for (i, text) in uris.iter().enumerate() {
        let code = render(text.as_str(), 4);
        image::imageops::overlay(&mut page, &code, 60 + i as i64 * 400, 180);
    }
    let payloads = scan::decode_all(&page);
    let mut found = texts(&payloads);
    found.sort();
    let mut want = uris.to_vec();
    want.sort();
    assert_eq!(found, want);
    // Reading order: left to right on one row.
    assert_eq!(payloads[0].text.as_str(), uris[0]);
    assert!(matches!(payloads[1].content, Content::Account(_)));
    assert_eq!(
        payloads[2].content,
        Content::Other(OtherKind::WebLink {
            host: "example.org".into()
        })
    );
    // Corners point at the code that was drawn there.
    let (x, y) = payloads[2].corners[0];
    assert!(
        (850.0..900.0).contains(&x) && (180.0..230.0).contains(&y),
        "{:?}",
        payloads[2].corners
    );
}

#[test]
fn images_without_codes_yield_nothing() {
    let blank = GrayImage::from_pixel(640, 480, Luma([255]));
    assert!(scan::decode_all(&blank).is_empty());
    let noise = GrayImage::from_fn(300, 200, |x, y| {
        Luma([((x * 7919 + y * 104_729) % 251) as u8])
    });
    assert!(scan::decode_all(&noise).is_empty());
    let tiny = GrayImage::from_pixel(3, 3, Luma([0]));
    assert!(scan::decode_all(&tiny).is_empty());
}

#[test]
fn text_that_is_not_utf8_is_read_as_latin1() {
    let image = render(b"caf\xe9 cr\xe8me", 4);
    assert_eq!(texts(&scan::decode_all(&image)), ["café crème"]);
}

#[test]
fn broken_login_codes_are_reported_as_such() {
    let payloads = scan::decode_all(&render("otpauth://totp/x?secret=ABC1&issuer=Acme", 4));
    assert!(
        matches!(payloads[0].content, Content::BrokenAccount(ref e) if e.reason() == "invalid_secret")
    );
}

#[test]
fn unreadable_files_get_specific_errors() {
    let dir = std::env::temp_dir().join(format!("ninsho-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("missing.png");
    let err = scan::scan_file(&missing).unwrap_err();
    assert!(err.to_string().contains("missing.png"), "{err}");
    let png = encode(&DynamicImage::ImageLuma8(render(URI, 4)), ImageFormat::Png);
    assert!(matches!(
        scan::scan_bytes(&png[..png.len() / 3]),
        Err(ImageError::Corrupt(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = scan::scan_bytes(&bytes);
    }

    #[test]
    fn arbitrary_small_images_never_panic(w in 1u32..120, h in 1u32..120, seed in any::<u64>()) {
        let mut state = seed | 1;
        let image = GrayImage::from_fn(w, h, |_, _| {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            Luma([if state % 3 == 0 { 0 } else { 255 }])
        });
        let _ = scan::decode_all(&image);
    }
}

#[test]
fn debug_output_of_a_payload_shows_no_secret() {
    let payloads = scan::decode_all(&render(URI, 4));
    let shown = format!("{:?}", payloads);
    assert!(shown.contains("Payload"), "{shown}");
    assert!(!shown.contains("JBSWY3DPEHPK3PXP"), "{shown}");
}
