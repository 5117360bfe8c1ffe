use std::time::Instant;

use super::*;

fn png(width: u32, height: u32, colour: [u8; 4]) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba(colour));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn pixel(icon: &AccountIcon, x: u32, y: u32) -> [u8; 4] {
    let img = image::load_from_memory_with_format(icon.png(), image::ImageFormat::Png)
        .unwrap()
        .to_rgba8();
    img.get_pixel(x, y).0
}

fn dimensions(icon: &AccountIcon) -> (u32, u32) {
    let img = image::load_from_memory_with_format(icon.png(), image::ImageFormat::Png).unwrap();
    (img.width(), img.height())
}

#[test]
fn a_png_or_jpeg_is_scaled_to_fit_and_kept_as_a_png_that_reads_back() {
    let icon = AccountIcon::from_source(&png(200, 100, [200, 10, 10, 255]), None).unwrap();
    assert_eq!(dimensions(&icon), (64, 32));
    assert_eq!(pixel(&icon, 30, 15), [200, 10, 10, 255]);
    let field = icon.to_field();
    assert!(field.starts_with("png:"));
    assert_eq!(AccountIcon::from_field(&field), Some(icon.clone()));
    assert!(
        icon.data_url()
            .starts_with("data:image/png;base64,iVBORw0KGgo")
    );
    assert_eq!(icon.sha256_hex().len(), 64);
    // A small one keeps its size.
    let small =
        AccountIcon::from_source(&png(16, 16, [0, 0, 255, 255]), Some("image/png")).unwrap();
    assert_eq!(dimensions(&small), (16, 16));

    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        128,
        128,
        image::Rgb([0, 160, 0]),
    ))
    .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
    .unwrap();
    let icon = AccountIcon::from_source(&jpeg, Some("image/jpeg")).unwrap();
    assert_eq!(dimensions(&icon), (64, 64));
    let [r, g, b, a] = pixel(&icon, 32, 32);
    assert!(r < 20 && g > 140 && b < 20 && a == 255, "{r} {g} {b} {a}");
}

#[test]
fn an_svg_is_drawn_in_rust_and_only_its_pixels_are_kept() {
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 24 24">
        <defs><circle id="dot" cx="12" cy="12" r="10"/></defs>
        <use xlink:href="#dot" fill="#ff8800"/>
        <text x="0" y="10">ignored without fonts</text>
    </svg>"##;
    let icon = AccountIcon::from_source(svg, Some("image/svg+xml")).unwrap();
    assert_eq!(dimensions(&icon), (64, 64));
    assert_eq!(pixel(&icon, 32, 32), [255, 136, 0, 255]);
    assert_eq!(
        pixel(&icon, 0, 0)[3],
        0,
        "outside the circle stays transparent"
    );
    // Kept as pixels: nothing of the markup survives.
    let kept = String::from_utf8_lossy(icon.png()).to_string();
    assert!(!kept.contains("<svg") && !kept.contains("circle"));
    // Detected from the content alone, too.
    assert_eq!(AccountIcon::from_source(svg, None).unwrap(), icon);
}

#[test]
fn an_svg_that_runs_or_loads_anything_is_refused_and_says_what() {
    let cases: &[(&str, &str)] = &[
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            "script",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>"#,
            "onload",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://tracker.example/p.png" width="9" height="9"/></svg>"#,
            "image",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="https://evil.example/a.svg#x"/></svg>"#,
            "outside the file (https://evil.example",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5" style="fill: url('https://evil.example/x')"/></svg>"#,
            "url(",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://evil.example/a.css";</style></svg>"#,
            "style sheet",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>"#,
            "HTML",
        ),
        (
            r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>"#,
            "DTD",
        ),
    ];
    for (svg, what) in cases {
        let e = AccountIcon::from_source(svg.as_bytes(), Some("image/svg+xml")).unwrap_err();
        assert!(matches!(e, IconError::SvgForbidden(_)), "{svg}: {e:?}");
        assert!(e.to_string().contains(what), "{svg}: {e}");
    }
}

/// Ten levels of ten `<use>` each: 10^10 elements drawn by a renderer that expands them
/// (hours of CPU in 1.5 KB), refused before anything is drawn. And a `<use>` loop.
#[test]
fn an_svg_use_bomb_a_loop_or_a_deep_nest_is_refused_at_once() {
    let mut svg = String::from(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><defs><rect id="l0" width="1" height="1"/>"#,
    );
    for level in 1..=10 {
        svg.push_str(&format!(r#"<g id="l{level}">"#));
        for _ in 0..10 {
            svg.push_str(&format!(r##"<use xlink:href="#l{}"/>"##, level - 1));
        }
        svg.push_str("</g>");
    }
    svg.push_str(r##"</defs><use xlink:href="#l10"/></svg>"##);
    let started = Instant::now();
    let e = AccountIcon::from_source(svg.as_bytes(), None).unwrap_err();
    assert!(matches!(e, IconError::SvgTooComplex(_)), "{e:?}");
    assert!(started.elapsed().as_secs() < 5);

    let looped = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g></svg>"##;
    assert!(matches!(
        AccountIcon::from_source(looped.as_bytes(), None).unwrap_err(),
        IconError::SvgTooComplex(_)
    ));

    let deep = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg">{}{}</svg>"#,
        "<g>".repeat(5000),
        "</g>".repeat(5000)
    );
    assert!(matches!(
        AccountIcon::from_source(deep.as_bytes(), None).unwrap_err(),
        IconError::SvgTooComplex(_)
    ));
}

/// A 50 MB PNG is refused by its size, before any decoding; a small PNG that claims
/// 30,000×30,000 pixels (3.6 GB decoded) by its header, before any pixel is allocated.
#[test]
fn a_huge_file_or_a_decompression_bomb_is_refused_before_decoding() {
    let mut big = png(8, 8, [0, 0, 0, 255]);
    big.resize(50 * 1024 * 1024, 0);
    assert_eq!(
        AccountIcon::from_source(&big, Some("image/png")).unwrap_err(),
        IconError::TooLarge {
            size: 50 * 1024 * 1024
        }
    );

    // An IHDR of 30000×30000, then a truncated stream: the header alone is read.
    let mut bomb = png(1, 1, [0, 0, 0, 255]);
    bomb[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let crc = crc32fast::hash(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let started = Instant::now();
    assert_eq!(
        AccountIcon::from_source(&bomb, None).unwrap_err(),
        IconError::TooManyPixels {
            width: 30_000,
            height: 30_000
        }
    );
    assert!(started.elapsed().as_secs() < 2);
}

#[test]
fn other_files_are_refused_with_a_clear_error() {
    let mut gif = Vec::new();
    image::DynamicImage::ImageRgba8(image::RgbaImage::new(4, 4))
        .write_to(&mut Cursor::new(&mut gif), image::ImageFormat::Gif)
        .unwrap();
    assert_eq!(
        AccountIcon::from_source(&gif, None).unwrap_err(),
        IconError::Unsupported
    );
    assert_eq!(
        AccountIcon::from_source(b"hello", Some("text/plain")).unwrap_err(),
        IconError::Unsupported
    );
    let mut cut = png(40, 40, [1, 2, 3, 255]);
    cut.truncate(cut.len() / 2);
    assert!(matches!(
        AccountIcon::from_source(&cut, None).unwrap_err(),
        IconError::Damaged(_)
    ));
    assert!(matches!(
        AccountIcon::from_source(b"<svg><rect", Some("image/svg+xml")).unwrap_err(),
        IconError::Damaged(_)
    ));
}

#[test]
fn a_kept_field_is_read_only_when_it_is_a_small_png() {
    assert_eq!(AccountIcon::from_field("github"), None, "an older icon key");
    assert_eq!(AccountIcon::from_field("png:not base64!"), None);
    let big = format!("png:{}", B64.encode(png(65, 65, [0, 0, 0, 255])));
    assert_eq!(AccountIcon::from_field(&big), None);
    let svg = format!("png:{}", B64.encode(b"<svg onload='x'/>"));
    assert_eq!(AccountIcon::from_field(&svg), None);
}
