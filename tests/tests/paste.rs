//! Ctrl+V takes what a person copies, each form put on the real X clipboard under the type the
//! program that copies it offers (`xclip -t`): files copied in a file manager (an image, a
//! backup), an image offered as JPEG, an image inside copied HTML, a login link as text; and
//! what cannot be used is named. Keys go to the real X server (`xdotool`). Run through
//! `make test-e2e`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use ninsho_e2e::*;

const JPEG_URI: &str =
    "otpauth://totp/Jpegshop:ann@example.com?secret=KRSXG5CTMVRXEZLU&issuer=Jpegshop";
const HTML_URI: &str =
    "otpauth://totp/Webmail:ann@example.com?secret=ONSWG4TFOQYTEMZU&issuer=Webmail";
const TEXT_URI: &str = "otpauth://totp/Texthub:ann?secret=NBSWY3DPO5XXE3DE&issuer=Texthub";

/// Offers `bytes` on the X clipboard as `target` alone (xclip serves it in the background).
fn offer(target: &str, bytes: &[u8]) {
    let mut child = Command::new("xclip")
        .args(["-selection", "clipboard", "-t", target, "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xclip");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(bytes)
        .expect("write");
    assert!(child.wait().expect("xclip").success());
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// The issuers of the account rows.
async fn rows(s: &Session) -> Result<Vec<String>> {
    let rows = s
        .client
        .execute(
            "return [...document.querySelectorAll('.row .issuer')].map((e) => e.textContent.trim());",
            vec![],
        )
        .await?;
    Ok(rows
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect())
}

/// Ctrl+V, the preview (its Add button focused) says `found`, Enter adds: the list then shows
/// `issuers`. The offer to trash a file is declined with Escape.
async fn paste_and_add(s: &Session, found: &str, issuers: &[&str]) -> Result {
    xdotool(&["key", "ctrl+v"])?;
    s.wait_for_text(found).await?;
    xdotool(&["key", "Return"])?;
    until("the pasted accounts in the list", PATIENCE, async || {
        let shown = rows(s).await?;
        Ok(if issuers.iter().all(|i| shown.iter().any(|r| r == i)) {
            Look::Done(())
        } else {
            Look::Not(format!("rows: {shown:?}"))
        })
    })
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    if s.page_text().await?.contains("to the trash") {
        xdotool(&["key", "Escape"])?;
        until("the trash offer to close", PATIENCE, async || {
            Ok(Look::when(!s.page_text().await?.contains("to the trash")))
        })
        .await?;
    }
    Ok(())
}

/// Ctrl+V, and the message says what the clipboard holds.
async fn paste_refused(s: &Session, says: &str) -> Result {
    xdotool(&["key", "ctrl+v"])?;
    s.wait_for_text(says).await
}

#[tokio::test(flavor = "multi_thread")]
async fn paste_takes_files_images_html_and_text_and_names_the_rest() -> Result {
    let mut s = Session::start(Options::default()).await?;
    let backup = root().join("core/tests/fixtures/backups/aegis-plain.json");
    let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        root().join("core/tests/fixtures/backups/expected.json"),
    )?)?;
    let backup_uris: Vec<String> = expected["files"]["aegis-plain.json"]["accounts"]
        .as_array()
        .ok_or("expected.json")?
        .iter()
        .filter_map(|u| u.as_str().map(str::to_owned))
        .collect();
    let screenshot_uri = {
        let screens: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            root().join("core/tests/fixtures/screens/expected.json"),
        )?)?;
        screens
            .as_array()
            .and_then(|c| c.iter().find(|c| c["file"] == "light-img-otpauth.png"))
            .and_then(|c| c["expected"][0].as_str())
            .ok_or("sample URI")?
            .to_owned()
    };
    s.secrets = [JPEG_URI, HTML_URI, TEXT_URI, &screenshot_uri]
        .into_iter()
        .chain(backup_uris.iter().map(String::as_str))
        .map(secret_of)
        .collect();
    s.wait_for_text("No accounts yet").await?;
    let window = wait_for_window("^Ninsho$").await?;
    xdotool(&["windowactivate", "--sync", &window])
        .or_else(|_| xdotool(&["windowfocus", "--sync", &window]))?;

    // Copied files live where a person keeps them: a folder with a space in its name.
    let dir = s.data.path().join("Screenshots and backups");
    std::fs::create_dir_all(&dir)?;

    // A screenshot file copied in a file manager (Dolphin: text/uri-list).
    let shot = dir.join("setup page.png");
    std::fs::copy(
        root().join("core/tests/fixtures/screens/light-img-otpauth.png"),
        &shot,
    )?;
    offer(
        "text/uri-list",
        format!("{}\r\n", file_uri(&shot)).as_bytes(),
    );
    paste_and_add(&s, "Found 1 account", &["Müller GmbH"]).await?;

    // A backup file copied in Nautilus (x-special/gnome-copied-files): imported as a drop is.
    let copied = dir.join("aegis-backup.json");
    std::fs::copy(&backup, &copied)?;
    offer(
        "x-special/gnome-copied-files",
        format!("copy\n{}", file_uri(&copied)).as_bytes(),
    );
    paste_and_add(&s, "Add 3", &["Codeberg", "Steam", "VPN"]).await?;

    // An image offered as image/jpeg.
    let png = dir.join("jpeg-source.png");
    qr_png(JPEG_URI, &png);
    let jpeg = dir.join("code.jpg");
    let converted = Command::new("convert").arg(&png).arg(&jpeg).status()?;
    assert!(converted.success(), "ImageMagick's convert");
    offer("image/jpeg", &std::fs::read(&jpeg)?);
    paste_and_add(&s, "Found 1 account", &["Jpegshop"]).await?;

    // A browser's "Copy image" offering only HTML with the image as a data: URI.
    let png = dir.join("html.png");
    qr_png(HTML_URI, &png);
    let encoded = Command::new("base64").arg("-w0").arg(&png).output()?;
    let html = format!(
        "<meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"><img src=\"data:image/png;base64,{}\" alt=\"\">",
        String::from_utf8(encoded.stdout)?
    );
    offer("text/html", html.as_bytes());
    paste_and_add(&s, "Found 1 account", &["Webmail"]).await?;

    // A login link as text.
    set_clipboard(ClipboardContent::Text(TEXT_URI));
    paste_and_add(&s, "Found 1 account", &["Texthub"]).await?;
    s.screenshot("paste-forms").await?;

    // What cannot be used is named.
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "shopping list")?;
    offer("text/uri-list", file_uri(&notes).as_bytes());
    paste_refused(
        &s,
        "The clipboard holds a file that is not an image or a backup (notes.txt).",
    )
    .await?;
    s.screenshot("paste-not-usable").await?;
    set_clipboard(ClipboardContent::Text("meeting at 3"));
    paste_refused(&s, "The clipboard holds text that is not a login link").await?;
    let blank = dir.join("blank.png");
    let made = Command::new("convert")
        .args(["-size", "200x200", "xc:white"])
        .arg(&blank)
        .status()?;
    assert!(made.success());
    offer("image/png", &std::fs::read(&blank)?);
    paste_refused(&s, "The clipboard holds an image with no QR code.").await?;

    let issuers = rows(&s).await?;
    assert_eq!(issuers.len(), 7, "rows: {issuers:?}");
    let n = s.assert_no_secret_in_ipc().await?;
    println!("paste: 7 accounts from 5 forms, 3 refusals named; {n} IPC responses checked");
    s.stop().await
}
