//! The built app, a real WebKitGTK window, a real Secret Service, the real X clipboard.
//! Run through `make test-e2e` (Xvfb + private D-Bus + gnome-keyring + tauri-driver).

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;
use ninsho_e2e::*;
use serde_json::json;

const SAMPLE: &str = "docs/sample-setup-page.png";

fn sample_uri() -> String {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("core/tests/fixtures/screens/expected.json"))
            .expect("fixtures"),
    )
    .expect("json");
    expected
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["file"] == "light-img-otpauth.png"))
        .and_then(|c| c["expected"][0].as_str())
        .expect("sample URI")
        .to_owned()
}

const GITHUB: &str =
    "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const BANK: &str = "otpauth://totp/Example%20Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example%20Bank";

fn ctrl(key: char) -> String {
    let ctrl: char = Key::Control.into();
    let null: char = Key::Null.into();
    format!("{ctrl}{key}{null}")
}

/// (a) Paste a QR screenshot: preview, confirm, and the code shown is the reference code.
#[tokio::test(flavor = "multi_thread")]
async fn paste_screenshot_preview_confirm_code() -> Result {
    let mut s = Session::start(Options::default()).await?;
    let uri = sample_uri();
    s.secrets.push(secret_of(&uri));
    s.wait_for_text("No accounts yet").await?;
    s.screenshot("empty").await?;
    set_clipboard(ClipboardContent::Png(&root().join(SAMPLE)));
    let search = s.wait_for("input.search").await?;
    search.send_keys(&ctrl('v')).await?;
    s.wait_for_text("Found 1 account").await?;
    assert!(s.page_text().await?.contains("Müller GmbH"));
    s.screenshot("preview").await?;
    s.click_button("Add 1").await?;
    let shown = s.code_of("Müller GmbH").await?;
    assert!(
        reference_codes(&uri).contains(&shown),
        "shown {shown}, expected one of {:?}",
        reference_codes(&uri)
    );
    let n = s.assert_no_secret_in_ipc().await?;
    println!("(a) code {shown} matches; {n} IPC responses checked");
    s.stop().await
}

/// (b) A QR code shown on the screen, found with "Scan screen".
#[tokio::test(flavor = "multi_thread")]
async fn scan_screen_finds_the_code() -> Result {
    let mut s = Session::start(Options::default()).await?;
    s.secrets.push(secret_of(BANK));
    let png = s.data.path().join("qr.png");
    qr_png(BANK, &png);
    // ImageMagick's viewer puts the code on the X screen, right of the app window.
    let mut viewer = std::process::Command::new("display")
        .args(["-geometry", "+900+60", "-title", "qr-on-screen"])
        .arg(&png)
        .spawn()?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    s.wait_for(".bar").await?;
    s.click("button.add").await?;
    s.wait_for("[data-add=screen]").await?.click().await?;
    let found = s.wait_for_text("Found 1 account").await;
    let _ = viewer.kill();
    found?;
    assert!(s.page_text().await?.contains("Example Bank"));
    s.click_button("Add 1").await?;
    let shown = s.code_of("Example Bank").await?;
    assert!(reference_codes(BANK).contains(&shown), "shown {shown}");
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

/// (c) Click copies the code to the X clipboard; it is cleared after the delay, unless
/// something else was copied in the meantime.
#[tokio::test(flavor = "multi_thread")]
async fn click_copies_and_clipboard_is_cleared_only_if_unchanged() -> Result {
    let data = new_data_dir();
    assert!(cli(data.path(), &["add", "--yes", GITHUB]).status.success());
    let mut s = Session::start(Options {
        data_dir: Some(data),
        settings: Some(json!({"theme": "light", "language": "en", "clipboard_clear_seconds": 3, "show_next_code": true, "hide_codes": false})),
        ..Default::default()
    })
    .await?;
    s.secrets.push(secret_of(GITHUB));
    let shown = s.code_of("GitHub").await?;
    s.click(".row .main").await?;
    s.wait_for_text("Copied").await?;
    let copied = clipboard().unwrap_or_default();
    assert!(
        reference_codes(GITHUB).contains(&copied),
        "clipboard {copied:?}, shown {shown}"
    );
    s.screenshot("copied").await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = clipboard().unwrap_or_default();
    assert!(
        after.trim().is_empty(),
        "the code should be cleared, clipboard holds {after:?}"
    );

    // Copy again, then copy something else before the delay runs out: it must survive.
    s.click(".row .main").await?;
    s.wait_for_text("Copied").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    set_clipboard(ClipboardContent::Text("something the user copied"));
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(clipboard().as_deref(), Some("something the user copied"));
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

/// (d) Edit, pin and delete through the window; the vault (read by the CLI) agrees.
#[tokio::test(flavor = "multi_thread")]
async fn edit_pin_delete() -> Result {
    let data = new_data_dir();
    assert!(
        cli(data.path(), &["add", "--yes", GITHUB, BANK])
            .status
            .success()
    );
    let mut s = Session::start(Options {
        data_dir: Some(data),
        ..Default::default()
    })
    .await?;
    s.secrets.extend([secret_of(GITHUB), secret_of(BANK)]);
    s.code_of("Example Bank").await?;
    s.wait_mid_period().await;
    s.code_of("Example Bank").await?;
    s.screenshot("list").await?;

    // Edit GitHub's account name.
    s.wait_for("button[aria-label='Actions for GitHub (alice@example.com)']")
        .await?
        .click()
        .await?;
    s.click_button("Edit").await?;
    let name = s.wait_for("#e-name").await?;
    name.clear().await?;
    name.send_keys("alice@work.example").await?;
    // GitHub came bound to github.com; a second site is added on a line of its own.
    let sites = s.wait_for("#e-sites").await?;
    assert_eq!(sites.prop("value").await?.as_deref(), Some("github.com"));
    sites.click().await?;
    xdotool(&["key", "ctrl+End", "Return"])?;
    xdotool(&["type", "--delay", "20", "https://git.example.net/login"])?;
    s.screenshot("edit-sites").await?;
    s.click_button("Save").await?;
    s.wait_for_text("alice@work.example").await?;
    let shown = ok(cli(s.data.path(), &["show", "GitHub", "--json"]));
    let shown: serde_json::Value = serde_json::from_str(&shown)?;
    assert_eq!(
        shown["domains"],
        serde_json::json!(["github.com", "git.example.net"]),
        "{shown}"
    );

    // Pin the bank: it moves to the top.
    s.wait_for("button[aria-label='Actions for Example Bank (bob)']")
        .await?
        .click()
        .await?;
    s.click_button("Pin to top").await?;
    until("the pinned account first", PATIENCE, async || {
        let first = s
            .client
            .execute("return document.querySelector('.row').textContent;", vec![])
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Ok(if first.contains("Example Bank") {
            Look::Done(())
        } else {
            Look::Not(format!("first row: {first}"))
        })
    })
    .await?;

    // Delete GitHub: Rust asks in a native dialog, confirmed with Return.
    s.wait_for("button[aria-label='Actions for GitHub (alice@work.example)']")
        .await?
        .click()
        .await?;
    s.click_button("Delete").await?;
    answer_dialog("Delete GitHub", "Return", None).await?;
    s.wait_page("the deleted account gone from the list", |text| {
        !text.contains("alice@work.example")
    })
    .await?;
    let list: serde_json::Value =
        serde_json::from_slice(&cli(s.data.path(), &["list", "--json"]).stdout)?;
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["issuer"], "Example Bank");
    assert_eq!(list[0]["pinned"], true);
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

/// (e) Without a Secret Service the app says so (with the accounts it knows), not an empty list.
#[tokio::test(flavor = "multi_thread")]
async fn no_secret_service_shows_the_keychain_state() -> Result {
    let data = new_data_dir();
    assert!(cli(data.path(), &["add", "--yes", GITHUB]).status.success());
    let s = Session::start(Options {
        data_dir: Some(data),
        no_keyring: true,
        ..Default::default()
    })
    .await?;
    s.wait_for("[data-state=keychain_missing]").await?;
    let text = s.page_text().await?;
    assert!(text.contains("No keyring is running"), "{text}");
    assert!(text.contains("Your account is safe"), "{text}");
    assert!(!text.contains("No accounts yet"), "{text}");
    s.screenshot("keychain-missing").await?;
    s.stop().await
}

/// (f) The Japanese UI renders, with the account list and its codes.
#[tokio::test(flavor = "multi_thread")]
async fn japanese_ui() -> Result {
    let data = new_data_dir();
    assert!(
        cli(data.path(), &["add", "--yes", GITHUB, BANK])
            .status
            .success()
    );
    let s = Session::start(Options {
        data_dir: Some(data),
        settings: Some(json!({"theme": "dark", "language": "ja", "clipboard_clear_seconds": 30, "show_next_code": true, "hide_codes": false})),
        ..Default::default()
    })
    .await?;
    s.wait_mid_period().await;
    s.code_of("Example Bank").await?;
    let placeholder = s
        .client
        .find(Locator::Css("input.search"))
        .await?
        .attr("placeholder")
        .await?;
    assert_eq!(placeholder.as_deref(), Some("アカウントを検索"));
    s.click("button.add").await?;
    s.wait_for_text("画面をスキャン").await?;
    s.screenshot("japanese").await?;
    s.stop().await
}

/// (g) An encrypted backup of another app (Ente Auth, written by libsodium) imported through
/// the window: the native file dialog, the password prompt refusing a wrong password, the
/// preview, and codes that match.
#[tokio::test(flavor = "multi_thread")]
async fn import_encrypted_backup_through_the_window() -> Result {
    let fixtures = root().join("core/tests/fixtures/backups");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join("expected.json"))?)?;
    let case = &expected["files"]["ente-encrypted.json"];
    let uris: Vec<String> = case["accounts"]
        .as_array()
        .ok_or("fixture accounts")?
        .iter()
        .filter_map(|u| u.as_str().map(str::to_owned))
        .collect();
    let mut s = Session::start(Options::default()).await?;
    for u in &uris {
        s.secrets.push(secret_of(u));
    }
    s.wait_for_text("No accounts yet").await?;
    s.click("button.add").await?;
    s.wait_for("[data-add=backup]").await?.click().await?;
    pick_in_file_dialog(
        "Import a backup of another authenticator",
        &fixtures.join("ente-encrypted.json"),
    )
    .await?;
    s.wait_for_text("is an encrypted Ente Auth backup").await?;
    let field = s.wait_for("#p-password").await?;
    field.send_keys("not the password").await?;
    s.click_button("Unlock").await?;
    s.wait_for_text("Wrong password").await?;
    s.screenshot("import-password").await?;
    field.clear().await?;
    field
        .send_keys(expected["password"].as_str().ok_or("password")?)
        .await?;
    s.click_button("Unlock").await?;
    s.wait_for_text("Ente Auth backup: ente-encrypted.json")
        .await?;
    s.wait_for_text("Found 2 accounts").await?;
    s.screenshot("import-preview").await?;
    s.click_button("Add 2").await?;
    let shown = s.code_of("Codeberg").await?;
    let totp = uris
        .iter()
        .find(|u| u.contains("Codeberg"))
        .ok_or("fixture Codeberg")?;
    assert!(
        reference_codes(totp).contains(&shown),
        "shown {shown}, expected one of {:?}",
        reference_codes(totp)
    );
    // The HOTP account is listed too; its code appears when asked for.
    assert!(s.page_text().await?.contains("VPN"));

    // Out again: an encrypted Aegis export through the Export dialog and the save dialog,
    // read back by the CLI with the password typed twice in the window.
    s.click("button[aria-label=Settings]").await?;
    s.wait_for("[data-action=export]").await?.click().await?;
    s.wait_for_text("Aegis vault, encrypted").await?;
    let password = "a long export passphrase";
    s.wait_for("#e-password").await?.send_keys(password).await?;
    s.wait_for("#e-repeat")
        .await?
        .send_keys("a long export passphrasE")
        .await?;
    s.wait_for_text("The passwords differ.").await?;
    s.screenshot("export").await?;
    let repeat = s.wait_for("#e-repeat").await?;
    repeat.clear().await?;
    repeat.send_keys(password).await?;
    s.click_button("Save…").await?;
    let out = s.data.path().join("exported.json");
    save_in_file_dialog("Export Ninsho's accounts", &out).await?;
    s.wait_for_text("Exported 2 accounts").await?;
    std::fs::write(s.data.path().join("pw"), password)?;
    let back = cli(
        s.data.path(),
        &[
            "import",
            "--dry-run",
            "--json",
            "--password-file",
            &s.data.path().join("pw").display().to_string(),
            &out.display().to_string(),
        ],
    );
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&back.stdout)?;
    assert_eq!(report["format"], "aegis");
    assert_eq!(report["accounts"].as_array().map(Vec::len), Some(2));

    // Google Authenticator QR codes on screen: what the window shows scans as an export of
    // the TOTP account, and the SHA-512 HOTP account is listed as not exportable.
    s.click("button[aria-label=Settings]").await?;
    s.wait_for("[data-action=export]").await?.click().await?;
    s.wait_for_text("QR codes for Google Authenticator").await?;
    s.click("input[value=google-qr]").await?;
    s.wait_for_text("Show them only to your own phone").await?;
    s.click_button("Show QR codes").await?;
    // Rust asks before the codes reach the page; the SHA-512 HOTP account is not counted.
    answer_dialog("Show QR codes holding 1 account", "Return", None).await?;
    s.wait_for("[data-testid=google-qr] svg").await?;
    s.wait_for_text("Not exported — VPN (mika)").await?;
    let png = s.screenshot("export-google").await?;
    let found = ninsho_core::scan::scan_file(&png)?;
    let exported: Vec<String> = found
        .iter()
        .filter_map(|p| match &p.content {
            ninsho_core::scan::Content::GoogleExport(part) => {
                Some(part.accounts.iter().map(|a| a.label()).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(exported, ["Codeberg (mika@example.org)"]);

    let n = s.assert_no_secret_in_ipc().await?;
    println!("(g) imported; code {shown} matches; exported; {n} IPC responses checked");
    s.stop().await
}

/// (h) Reveals need the person, not just the webview: a script in the page that calls a
/// command showing a secret gets nothing until someone answers Ninsho's native dialog (Escape
/// declines, Return shows); the window cannot be sent to another site.
#[tokio::test(flavor = "multi_thread")]
async fn reveals_wait_for_the_person() -> Result {
    let data = new_data_dir();
    assert!(cli(data.path(), &["add", "--yes", GITHUB]).status.success());
    let codes = data.path().join("codes.txt");
    std::fs::write(&codes, "aaaa-1111\nbbbb-2222\n")?;
    let set = cli(
        data.path(),
        &[
            "recovery",
            "--set-file",
            &codes.display().to_string(),
            "GitHub",
        ],
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    std::fs::remove_file(&codes)?;
    let mut s = Session::start(Options {
        data_dir: Some(data),
        settings: Some(json!({"theme": "light", "language": "en", "clipboard_clear_seconds": 30, "show_next_code": true, "hide_codes": false})),
        ..Default::default()
    })
    .await?;
    s.secrets.push(secret_of(GITHUB));
    s.code_of("GitHub").await?;
    let list = s.invoke("list_accounts", json!({})).await?;
    let id = list["ok"][0]["id"]
        .as_str()
        .ok_or("an account id")?
        .to_owned();

    // Called from the page and declined with Escape: an error, and nothing else (the declined
    // export answers before any save dialog opens).
    for (cmd, args, title) in [
        (
            "transfer_qr",
            json!({ "id": id }),
            "Show the QR code of GitHub",
        ),
        (
            "get_recovery_codes",
            json!({ "id": id }),
            "Show the recovery codes of GitHub",
        ),
        (
            "google_qr_codes",
            json!({}),
            "Show QR codes holding 1 account",
        ),
        (
            "export_vault",
            json!({ "format": "uris", "password": null }),
            "Export 1 account",
        ),
        // Losses, and where the one network request goes, need the person too.
        ("delete_account", json!({ "id": id }), "Delete GitHub"),
        (
            "set_recovery_codes",
            json!({ "id": id, "codes": [] }),
            "Remove every recovery code of GitHub",
        ),
        (
            "set_settings",
            json!({ "settings": {
                "theme": "light", "language": "en", "clipboard_clear_seconds": 30,
                "show_next_code": true, "hide_codes": false, "clock_server": "198.51.100.7:123",
            } }),
            "Ask 198.51.100.7:123 for the time",
        ),
    ] {
        let answer = s.invoke_answering(cmd, args, title, "Escape", None).await?;
        assert_eq!(answer["err"]["code"], "reveal_declined", "{cmd}: {answer}");
        assert!(answer.get("ok").is_none(), "{cmd}: {answer}");
    }
    // Nothing of it happened.
    let list = s.invoke("list_accounts", json!({})).await?;
    assert_eq!(list["ok"].as_array().map(Vec::len), Some(1), "{list}");
    let saved = s.invoke("get_settings", json!({})).await?;
    assert_ne!(saved["ok"]["clock_server"], "198.51.100.7:123", "{saved}");
    // Confirmed with Return: the script gets the codes.
    let answer = s
        .invoke_answering(
            "get_recovery_codes",
            json!({ "id": id }),
            "Show the recovery codes of GitHub",
            "Return",
            None,
        )
        .await?;
    assert_eq!(answer["ok"], json!(["aaaa-1111", "bbbb-2222"]), "{answer}");

    // Through the window: the page says where to look, the native dialog asks, Return shows
    // the QR code.
    s.wait_for("button[aria-label='Actions for GitHub (alice@example.com)']")
        .await?
        .click()
        .await?;
    s.click_button("Show QR for a phone").await?;
    s.wait_for_text("Confirm in the dialog Ninsho opened")
        .await?;
    answer_dialog(
        "Show the QR code of GitHub",
        "Return",
        Some("reveal-confirm"),
    )
    .await?;
    s.wait_for("[data-testid=transfer-qr] svg").await?;
    s.wait_for_text("Hidden in").await?;

    // Navigation away from the app is refused: the page stays Ninsho's.
    s.client
        .execute(
            "setTimeout(() => { window.location.href = 'https://example.com/'; }, 0); return true;",
            vec![],
        )
        .await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let here = s.client.execute("return location.href;", vec![]).await?;
    assert!(
        here.as_str()
            .is_some_and(|u| u.starts_with("tauri://localhost")),
        "the window left the app: {here}"
    );
    s.wait_for(".bar").await?;

    let n = s.assert_no_secret_in_ipc().await?;
    println!("(h) 4 reveals declined, 2 confirmed, navigation refused; {n} IPC records checked");
    s.stop().await
}
