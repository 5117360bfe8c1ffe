//! What strangers' input and a broken keychain do to the built app: a hostile QR code, one
//! keychain item removed behind Ninsho's back, a lost vault.json, an older one restored.
//! Run through `make test-e2e` (Xvfb + private D-Bus + gnome-keyring + tauri-driver).

use std::path::Path;

use fantoccini::key::Key;
use ninsho_e2e::*;

const FORGEJO: &str =
    "otpauth://totp/Forgejo:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Forgejo";
const BANK: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank";
const LATER: &str = "otpauth://totp/Later:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Later";

/// A Google Authenticator export holding one valid account whose `batch_size` is
/// 2,147,483,647; tracking its missing codes once took 8 GB.
const HOSTILE_EXPORT: &str = "otpauth-migration://offline?data=CjoKFDEyMzQ1Njc4OTAxMjM0NTY3ODkwEhNtYWxsb3J5QGV4YW1wbGUuY29tGgdFeGFtcGxlIAEoATACEAEY%2F%2F%2F%2F%2FwcgACgH";

fn ctrl_v() -> String {
    let ctrl: char = Key::Control.into();
    let null: char = Key::Null.into();
    format!("{ctrl}v{null}")
}

/// The peak resident memory of the app process so far, in KiB (VmHWM).
fn app_peak_kib() -> Option<u64> {
    let out = std::process::Command::new("pgrep")
        .args(["-f", &app_binary().display().to_string()])
        .output()
        .ok()?;
    let pid = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()?
        .trim()
        .to_owned();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn vault_id(data: &Path) -> String {
    let text = std::fs::read_to_string(data.join("vault.json")).expect("vault.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["vault_id"].as_str().expect("vault id").to_owned()
}

fn account_id(data: &Path, query: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&ok(cli(data, &["show", query, "--json"]))).expect("json");
    v["id"].as_str().expect("id").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_export_qr_is_refused_in_bounded_memory() -> Result {
    let s = Session::start(Options::default()).await?;
    s.wait_for_text("No accounts yet").await?;
    let png = s.data.path().join("hostile.png");
    qr_png(HOSTILE_EXPORT, &png);
    let before = app_peak_kib().ok_or("cannot read the app's memory")?;
    set_clipboard(ClipboardContent::Png(&png));
    let search = s.wait_for("input.search").await?;
    search.send_keys(&ctrl_v()).await?;
    s.wait_for_text("made to mislead").await?;
    s.screenshot("hostile-qr").await?;
    let after = app_peak_kib().ok_or("cannot read the app's memory")?;
    assert!(
        after.saturating_sub(before) < 100 * 1024,
        "the app's peak memory grew by {} KiB",
        after - before
    );
    // Nothing of it stays behind: the refusal closed with Escape, as a person closes it (the
    // window behind an open dialog takes no keys), a second paste says the same, at the same
    // cost.
    s.client
        .active_element()
        .await?
        .send_keys("\u{e00c}")
        .await?;
    until("the refusal to close on Escape", PATIENCE, async || {
        Ok(Look::when(
            !s.page_text().await?.contains("made to mislead"),
        ))
    })
    .await?;
    s.wait_for("input.search")
        .await?
        .send_keys(&ctrl_v())
        .await?;
    s.wait_for_text("made to mislead").await?;
    let again = app_peak_kib().ok_or("cannot read the app's memory")?;
    assert!(again.saturating_sub(before) < 100 * 1024, "{again} KiB");
    println!("hostile QR: peak memory {before} KiB before, {again} KiB after two pastes");
    s.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn one_missing_item_marks_only_its_account() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO, BANK]));
    let bank = account_id(data.path(), "bank");
    let user = format!("{}/{bank}", vault_id(data.path()));
    let cleared = std::process::Command::new("secret-tool")
        .args(["clear", "service", "ninsho", "username", &user])
        .status()?;
    assert!(cleared.success());

    let s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.wait_for_text("Its secret is missing from the keyring")
        .await?;
    let code = s.code_of("Forgejo").await?;
    assert_eq!(code.len(), 6, "the other account keeps its code: {code}");
    s.screenshot("missing-item").await?;
    s.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_keychain_alone_rebuilds_a_lost_vault_file() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO, LATER]));
    std::fs::remove_file(data.path().join("vault.json"))?;
    std::fs::remove_file(data.path().join("vault.json.bak"))?;
    let s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.wait_for_text("the list was rebuilt from the keyring")
        .await?;
    for label in ["Forgejo", "Later"] {
        let code = s.code_of(label).await?;
        assert_eq!(code.len(), 6, "{label}: {code}");
    }
    s.screenshot("rebuilt").await?;
    s.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_only_in_the_keychain_are_offered_back_in_the_window() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO]));
    let older = std::fs::read(data.path().join("vault.json"))?;
    ok(cli(data.path(), &["add", "--yes", LATER]));
    std::fs::write(data.path().join("vault.json"), older)?;
    std::fs::remove_file(data.path().join("vault.json.bak"))?;

    let s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.wait_for_text("Found in the keyring, not in the list")
        .await?;
    assert!(s.page_text().await?.contains("Later (carol)"));
    s.screenshot("orphans").await?;
    s.click_button("Restore").await?;
    s.wait_for_text("Restored 1 to the list").await?;
    let code = s.code_of("Later").await?;
    assert_eq!(code.len(), 6, "{code}");
    s.stop().await
}
