use std::cell::RefCell;
use std::io::Cursor;

use base64::Engine;

use super::*;
use crate::formats::export::qr_png;

const LINK: &str = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";

fn offer(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn encoded(format: image::ImageFormat) -> Vec<u8> {
    let png = qr_png(LINK, 8).unwrap();
    let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
    let mut out = Cursor::new(Vec::new());
    decoded.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn blank_png() -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// A clipboard that offers `targets` (name, bytes) and records what was asked for.
struct Fake {
    targets: Vec<(String, Vec<u8>)>,
    asked: RefCell<Vec<String>>,
}

impl Fake {
    fn new(targets: Vec<(&str, Vec<u8>)>) -> Self {
        Fake {
            targets: targets
                .into_iter()
                .map(|(n, b)| (n.to_owned(), b))
                .collect(),
            asked: RefCell::new(Vec::new()),
        }
    }

    fn paste(&self) -> Result<Pasted, Held> {
        let names: Vec<String> = self.targets.iter().map(|(n, _)| n.clone()).collect();
        paste(&names, |t| {
            self.asked.borrow_mut().push(t.name.clone());
            let bytes = self
                .targets
                .iter()
                .find(|(n, _)| *n == t.name)
                .map(|(_, b)| b.clone())
                .ok_or(Unread::Unavailable)?;
            if bytes.len() > t.kind.limit() {
                return Err(Unread::TooLarge);
            }
            Ok(Zeroizing::new(bytes))
        })
    }
}

fn accounts(found: &[Content]) -> Vec<String> {
    found
        .iter()
        .filter_map(|c| match c {
            Content::Account(a) => Some(a.label()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_plan_takes_files_then_an_image_then_html_then_text() {
    let plan = plan(&offer(&[
        "TARGETS",
        "UTF8_STRING",
        "text/html",
        "image/bmp",
        "image/png",
        "text/uri-list",
        "x-special/gnome-copied-files",
    ]));
    let names: Vec<(&str, Kind)> = plan.iter().map(|t| (t.name.as_str(), t.kind)).collect();
    assert_eq!(
        names,
        [
            ("x-special/gnome-copied-files", Kind::Files),
            ("image/png", Kind::Image),
            ("text/html", Kind::Html),
            ("UTF8_STRING", Kind::Text),
        ]
    );
    // An image type the list does not name is still read (its bytes decide).
    let plan = super::plan(&offer(&["image/x-whatever"]));
    assert_eq!(plan[0].kind, Kind::Image);
}

#[test]
fn every_image_type_the_decoder_reads_pastes_whatever_type_offers_it() {
    use image::ImageFormat::*;
    for format in [Png, Jpeg, WebP, Bmp, Gif, Tiff] {
        for offered_as in ["image/png", "image/jpeg", "image/webp", "image/x-other"] {
            let fake = Fake::new(vec![(offered_as, encoded(format))]);
            match fake.paste() {
                Ok(Pasted::Image(found)) => {
                    assert_eq!(accounts(&found), ["GitHub (alice)"], "{format:?}")
                }
                other => panic!("{format:?} as {offered_as}: {other:?}"),
            }
        }
    }
}

#[test]
fn an_image_without_a_code_and_bytes_that_are_no_image_are_said_so() {
    let fake = Fake::new(vec![("image/png", blank_png())]);
    assert_eq!(fake.paste().unwrap_err(), Held::ImageNoQr);
    let fake = Fake::new(vec![("image/jpeg", b"not an image".to_vec())]);
    let held = fake.paste().unwrap_err();
    assert!(matches!(held, Held::ImageUnreadable(_)), "{held:?}");
    assert_eq!(held.code(), ErrorCode::PasteImageUnreadable);
}

#[test]
fn text_pastes_login_links_and_names_other_text() {
    let text = format!("{LINK}\n\n");
    let fake = Fake::new(vec![("UTF8_STRING", text.into_bytes())]);
    match fake.paste() {
        Ok(Pasted::Text(found)) => assert_eq!(accounts(&found), ["GitHub (alice)"]),
        other => panic!("{other:?}"),
    }
    let fake = Fake::new(vec![("text/plain", b"meeting at 3".to_vec())]);
    let held = fake.paste().unwrap_err();
    assert_eq!(held, Held::Text);
    assert!(held.describe().contains("text that is not a login link"));
    let fake = Fake::new(vec![("text/plain", b"  \n".to_vec())]);
    assert_eq!(fake.paste().unwrap_err(), Held::Nothing);
}

#[test]
fn a_google_export_link_pastes_as_text() {
    let export = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/backups/google/google-export.txt"),
    )
    .unwrap();
    let line = export
        .lines()
        .find(|l| l.starts_with("otpauth-migration://"))
        .unwrap();
    let fake = Fake::new(vec![("UTF8_STRING", line.as_bytes().to_vec())]);
    match fake.paste() {
        Ok(Pasted::Text(found)) => {
            assert!(found.iter().any(|c| matches!(c, Content::GoogleExport(_))))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nothing_and_unknown_types_are_named() {
    assert_eq!(
        paste(&[], |_| Err(Unread::Unavailable)).unwrap_err(),
        Held::Nothing
    );
    let held = paste(&offer(&["TARGETS", "application/x-foo"]), |_| {
        Err(Unread::Unavailable)
    })
    .unwrap_err();
    assert_eq!(held, Held::Other("application/x-foo".into()));
    // A type's name is the owner's to choose, at any length: the message shows its start.
    let long = format!("application/{}", "x".repeat(100_000));
    let held = paste(&[long], |_| Err(Unread::Unavailable)).unwrap_err();
    assert!(
        matches!(&held, Held::Other(shown) if shown.chars().count() == 61),
        "{held:?}"
    );
}

#[test]
fn copied_files_are_read_from_both_file_manager_lists() {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("my shot.png");
    std::fs::write(&shot, encoded(image::ImageFormat::Png)).unwrap();
    let backup = dir.path().join("aegis.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backups/aegis-plain.json"),
        &backup,
    )
    .unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "shopping list").unwrap();
    let uri = |p: &Path| format!("file://{}", p.display()).replace(' ', "%20");

    let gnome = format!("copy\n{}\n{}", uri(&shot), uri(&backup));
    let fake = Fake::new(vec![
        ("x-special/gnome-copied-files", gnome.into_bytes()),
        ("UTF8_STRING", b"/tmp/x".to_vec()),
    ]);
    match fake.paste() {
        Ok(Pasted::Files(paths)) => assert_eq!(paths, [shot.clone(), backup.clone()]),
        other => panic!("{other:?}"),
    }

    // text/uri-list: CRLF, a comment, localhost; the unusable file is left out.
    let list = format!(
        "# copied\r\n{}\r\nfile://localhost{}\r\n",
        uri(&notes),
        shot.display().to_string().replace(' ', "%20")
    );
    let fake = Fake::new(vec![("text/uri-list", list.into_bytes())]);
    match fake.paste() {
        Ok(Pasted::Files(paths)) => assert_eq!(paths, std::slice::from_ref(&shot)),
        other => panic!("{other:?}"),
    }

    // Only files that are neither: they are named, and the list wins over its text twin.
    let fake = Fake::new(vec![
        ("text/uri-list", uri(&notes).into_bytes()),
        ("text/plain", notes.display().to_string().into_bytes()),
    ]);
    let held = fake.paste().unwrap_err();
    assert_eq!(held, Held::Files(vec!["notes.txt".into()]));
    assert_eq!(
        held.describe(),
        "The clipboard holds a file that is not an image or a backup (notes.txt)."
    );
    assert_eq!(held.names().as_deref(), Some("notes.txt"));
    // A path copied as text is the file it names.
    let fake = Fake::new(vec![(
        "UTF8_STRING",
        shot.display().to_string().into_bytes(),
    )]);
    match fake.paste() {
        Ok(Pasted::Files(paths)) => assert_eq!(paths, std::slice::from_ref(&shot)),
        other => panic!("{other:?}"),
    }
    let fake = Fake::new(vec![(
        "UTF8_STRING",
        notes.display().to_string().into_bytes(),
    )]);
    assert_eq!(
        fake.paste().unwrap_err(),
        Held::Files(vec!["notes.txt".into()])
    );
    // A folder is no file either.
    let fake = Fake::new(vec![("text/uri-list", uri(dir.path()).into_bytes())]);
    assert!(matches!(fake.paste(), Err(Held::Files(_))));
}

#[test]
fn files_elsewhere_are_named_and_never_fetched() {
    let held = file_list("sftp://user:pw@host.example/home/u/shot.png\n").unwrap_err();
    assert_eq!(held, Held::Remote("sftp://host.example".into()));
    assert!(!held.describe().contains("pw"));
    assert_eq!(
        file_list("file://other-host/x.png").unwrap_err(),
        Held::Remote("file://other-host".into())
    );
}

#[test]
fn a_file_list_is_bounded_in_files_and_lines() {
    let many: String = (0..10_000)
        .map(|i| format!("file:///tmp/f{i}.png\n"))
        .collect();
    assert_eq!(file_list(&many).unwrap().len(), MAX_FILES);
    // Lines past the bound are never looked at: a list of comments hides no file behind them.
    let hidden = format!("{}file:///tmp/late.png\n", "#\n".repeat(MAX_LIST_LINES));
    assert_eq!(file_list(&hidden).unwrap_err(), Held::Nothing);
}

#[test]
fn an_image_inside_copied_html_pastes() {
    let png = encoded(image::ImageFormat::Png);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    // Line breaks inside the base64, attributes before src, upper case.
    let wrapped: String = b64
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
        .collect();
    let html =
        format!("<meta charset='utf-8'><IMG alt=\"qr\" SRC=\"data:image/png;base64,{wrapped}\">");
    let fake = Fake::new(vec![("text/html", html.into_bytes())]);
    match fake.paste() {
        Ok(Pasted::Image(found)) => assert_eq!(accounts(&found), ["GitHub (alice)"]),
        other => panic!("{other:?}"),
    }

    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.webp");
    std::fs::write(&shot, encoded(image::ImageFormat::WebP)).unwrap();
    let html = format!("<img src='file://{}' data-src=x>", shot.display());
    let fake = Fake::new(vec![("text/html", html.into_bytes())]);
    match fake.paste() {
        Ok(Pasted::Files(paths)) => assert_eq!(paths, [shot]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn html_images_on_the_web_are_named_not_fetched() {
    let html = r#"<img src="https://cdn.example.com/qr.png?token=abc">"#;
    let held = take(Kind::Html, html.as_bytes()).unwrap_err();
    assert_eq!(held, Held::Remote("https://cdn.example.com".into()));
    assert_eq!(take(Kind::Html, b"<p>hello</p>").unwrap_err(), Held::Html);
    // A browser's image and its HTML: the image is read first.
    let fake = Fake::new(vec![
        ("text/html", html.as_bytes().to_vec()),
        ("image/png", encoded(image::ImageFormat::Png)),
    ]);
    assert!(matches!(fake.paste(), Ok(Pasted::Image(_))));
    assert_eq!(*fake.asked.borrow(), ["image/png"]);
}

#[test]
fn hostile_sizes_are_refused_before_decoding() {
    // A data URI longer than the bound is refused on its length: nothing is decoded.
    let long = format!(
        "<img src=\"data:image/png;base64,{}\">",
        "A".repeat(MAX_BASE64_BYTES + 4)
    );
    assert!(long.len() <= MAX_HTML_BYTES);
    let held = take(Kind::Html, long.as_bytes()).unwrap_err();
    assert!(matches!(held, Held::TooLarge(_)), "{held:?}");
    // A target over its kind's bound is refused by the reader and named.
    let fake = Fake::new(vec![("text/plain", vec![b'a'; MAX_TEXT_BYTES + 1])]);
    assert_eq!(
        fake.paste().unwrap_err(),
        Held::TooLarge("text/plain".into())
    );
    // A reader that ignores the bound still gets nothing read past it.
    let held = paste(&offer(&["image/png"]), |_| {
        Ok(Zeroizing::new(vec![0; MAX_IMAGE_BYTES + 1]))
    })
    .unwrap_err();
    assert_eq!(held, Held::TooLarge("image/png".into()));
    // An image whose header claims 100k × 100k pixels is a message, not an allocation.
    let mut bomb = encoded(image::ImageFormat::Png);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    assert!(matches!(
        take(Kind::Image, &bomb),
        Err(Held::ImageUnreadable(_))
    ));
    // Thousands of <img> elements: only the first few are looked at.
    let many = "<img src=\"https://a.example/x.png\">".repeat(100_000);
    assert_eq!(image_sources(&many).len(), MAX_HTML_IMAGES);
    // An offer of a million targets is looked at up to the bound.
    let huge: Vec<String> = (0..1_000_000)
        .map(|i| format!("x/{i}"))
        .chain(["image/png".into()])
        .collect();
    assert!(plan(&huge).is_empty());
}
