//! Sync with a folder in the built app: another computer (a second vault, through
//! ninsho-cli) set up a sync folder; the app joins it from the settings page, with the folder
//! chosen in GTK's dialog and the passphrase typed, all from the keyboard; a change the other
//! computer makes then arrives in the app's list without a click. Run through `make test-e2e`
//! (Xvfb + private D-Bus + gnome-keyring + tauri-driver).

use std::time::Duration;

use ninsho_e2e::*;

const GITHUB: &str = "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const BANK: &str = "otpauth://totp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank";
const PASSPHRASE: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread")]
async fn the_app_joins_a_sync_folder_from_the_keyboard_and_follows_the_other_computer() -> Result {
    // The other computer: its own vault, with one account, sets up the folder.
    let laptop = new_data_dir();
    let folder = tempfile::tempdir()?;
    let pass = laptop.path().join("pass");
    std::fs::write(&pass, format!("{PASSPHRASE}\n"))?;
    ok(cli(laptop.path(), &["add", "--yes", GITHUB]));
    ok(cli(
        laptop.path(),
        &[
            "sync",
            "setup",
            &folder.path().display().to_string(),
            "--passphrase-file",
            &pass.display().to_string(),
            "--name",
            "laptop",
        ],
    ));

    let mut s = Session::start(Options::default()).await?;
    s.secrets = vec![secret_of(GITHUB), secret_of(BANK)];
    s.wait_for_text("No accounts yet").await?;
    s.click("button[aria-label='Settings']").await?;
    s.wait_for_text("This computer does not sync.").await?;
    s.click_button("Choose a folder…").await?;
    pick_in_file_dialog("Sync with a folder", folder.path()).await?;
    // (GTK may open the folder's only subfolder, `ninsho-sync`, instead: joining it joins
    // the folder that holds it.)
    s.wait_for_text("already set up on another computer")
        .await?;
    // Focus is in the passphrase field: a wrong one first, then the right one.
    xdotool(&["type", "--delay", "20", "not the passphrase"])?;
    xdotool(&["key", "Return"])?;
    s.wait_for_text("Wrong passphrase for this sync folder")
        .await?;
    s.screenshot("sync-join").await?;
    xdotool(&["key", "ctrl+a"])?;
    xdotool(&["type", "--delay", "20", PASSPHRASE])?;
    xdotool(&["key", "Return"])?;
    s.wait_for_text("Accounts added here: 1").await?;
    s.wait_page("both computers listed", |t| {
        t.contains("laptop: 1 account") && t.contains("(this computer): 1 account")
    })
    .await?;
    s.client
        .execute(
            "document.getElementById('sync-title').scrollIntoView({ block: 'start' });",
            vec![],
        )
        .await?;
    s.screenshot("sync-settings").await?;
    xdotool(&["key", "Escape"])?;

    let code = s.code_of("GitHub").await?;
    assert!(reference_codes(GITHUB).contains(&code), "{code}");

    // The laptop adds an account: it arrives in the app's list by itself.
    ok(cli(laptop.path(), &["add", "--yes", BANK]));
    s.wait_page("Bank from the laptop", |t| t.contains("Bank"))
        .await?;
    let code = s.code_of("Bank").await?;
    assert!(reference_codes(BANK).contains(&code), "{code}");
    // And the app's own change reaches the laptop: GitHub renamed in the app (through the
    // same command the edit dialog calls).
    let id = s.invoke("list_accounts", serde_json::json!({})).await?["ok"]
        .as_array()
        .and_then(|l| l.iter().find(|a| a["issuer"] == "GitHub").cloned())
        .and_then(|a| a["id"].as_str().map(str::to_owned))
        .ok_or("no GitHub row")?;
    let edited = s
        .invoke(
            "edit_account",
            serde_json::json!({ "id": id, "issuer": "GitHub", "name": "renamed in the app", "domains": ["github.com"] }),
        )
        .await?;
    assert!(edited["err"].is_null(), "{edited}");
    until(
        "the rename to reach the laptop",
        Duration::from_secs(20),
        async || {
            ok(cli(laptop.path(), &["sync", "now"]));
            let list = ok(cli(laptop.path(), &["list"]));
            Ok(if list.contains("renamed in the app") {
                Look::Done(())
            } else {
                Look::Not(format!("the laptop lists:\n{list}"))
            })
        },
    )
    .await?;
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}
