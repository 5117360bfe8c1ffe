//! Following a backup folder in the built app: a "phone" (another vault, through ninsho-cli)
//! writes encrypted Aegis backups into a folder while the app runs, and the app's list follows
//! without a restart. Run through `make test-e2e` (Xvfb + private D-Bus + gnome-keyring +
//! tauri-driver).

use std::path::Path;

use ninsho_e2e::*;

const GITHUB: &str = "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const MAIL: &str = "otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=Mail";
const BANK: &str = "otpauth://totp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank";

/// The phone: its own vault, exporting an encrypted Aegis backup named as Aegis names them.
struct Phone {
    data: tempfile::TempDir,
    folder: tempfile::TempDir,
    password: std::path::PathBuf,
}

impl Phone {
    fn new() -> Self {
        let data = new_data_dir();
        let password = data.path().join("pw");
        std::fs::write(&password, "phone password\n").expect("password file");
        Phone {
            data,
            folder: tempfile::tempdir().expect("folder"),
            password,
        }
    }

    fn cli(&self, args: &[&str]) -> String {
        ok(cli(self.data.path(), args))
    }

    /// Writes the next backup the way a sync engine delivers it: a temporary file, renamed.
    fn backup(&self, stamp: &str) {
        let name = format!("aegis-backup-{stamp}.json");
        let temp = self.folder.path().join(format!(".syncthing.{name}.tmp"));
        let out = self.data.path().join(&name);
        self.cli(&[
            "export",
            "--format",
            "aegis",
            "-o",
            &out.display().to_string(),
            "--password-file",
            &self.password.display().to_string(),
        ]);
        std::fs::copy(&out, &temp).expect("copy");
        std::fs::rename(&temp, self.folder.path().join(&name)).expect("rename");
    }
}

fn follow(data: &Path, phone: &Phone) {
    ok(cli(
        data,
        &[
            "follow",
            "add",
            &phone.folder.path().display().to_string(),
            "--password-file",
            &phone.password.display().to_string(),
        ],
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_follows_a_phones_backups_while_the_app_runs() -> Result {
    let phone = Phone::new();
    phone.cli(&["add", "--yes", GITHUB, MAIL]);
    phone.backup("20261201-100000");
    let data = new_data_dir();
    follow(data.path(), &phone);

    let mut s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.secrets = [GITHUB, MAIL, BANK].iter().map(|u| secret_of(u)).collect();
    s.wait_for_text("from Aegis").await?;
    for (label, uri) in [("GitHub", GITHUB), ("Mail", MAIL)] {
        let code = s.code_of(label).await?;
        assert!(reference_codes(uri).contains(&code), "{label}: {code}");
    }

    // A backup written while the app runs: the list updates by itself.
    phone.cli(&["add", "--yes", BANK]);
    phone.backup("20261201-110000");
    s.wait_page("the new account", |t| t.contains("Bank"))
        .await?;
    let code = s.code_of("Bank").await?;
    assert!(reference_codes(BANK).contains(&code), "Bank: {code}");

    // Removed on the phone: kept, marked, with keep / delete.
    phone.cli(&["rm", "mail", "--yes"]);
    phone.backup("20261201-120000");
    s.wait_page("the mark", |t| t.contains("Not in the newest Aegis backup"))
        .await?;
    assert!(
        s.page_text().await?.contains("Mail"),
        "never deleted silently"
    );
    s.wait_mid_period().await;
    s.screenshot("follow-removed").await?;
    s.click_button("Keep here").await?;
    s.wait_page("the mark gone", |t| {
        !t.contains("Not in the newest Aegis backup") && t.contains("Mail")
    })
    .await?;

    // The settings page shows the folder and its state.
    s.click("button[aria-label='Settings']").await?;
    s.wait_for_text("Followed backup folders").await?;
    s.wait_for_text("Up to date").await?;
    s.screenshot("follow-settings").await?;
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_is_chosen_in_the_native_dialog_and_its_password_typed() -> Result {
    let phone = Phone::new();
    phone.cli(&["add", "--yes", GITHUB]);
    phone.backup("20261201-100000");
    let mut s = Session::start(Options::default()).await?;
    s.secrets = vec![secret_of(GITHUB)];
    s.wait_for_text("No accounts yet").await?;
    s.click("button[aria-label='Settings']").await?;
    s.click_button("Follow a folder…").await?;
    // The folder is chosen in GTK's own dialog, from the keyboard.
    pick_in_file_dialog("Follow a backup folder", phone.folder.path()).await?;
    s.wait_for_text("are encrypted").await?;
    // Focus is in the password field: type it and press Enter, as a person would.
    let typed = std::process::Command::new("xdotool")
        .args(["type", "--delay", "20", "wrong password"])
        .status()?;
    assert!(typed.success());
    std::process::Command::new("xdotool")
        .args(["key", "Return"])
        .status()?;
    s.wait_for_text("Wrong password").await?;
    s.screenshot("follow-password").await?;
    std::process::Command::new("xdotool")
        .args(["key", "ctrl+a"])
        .status()?;
    std::process::Command::new("xdotool")
        .args(["type", "--delay", "20", "phone password"])
        .status()?;
    std::process::Command::new("xdotool")
        .args(["key", "Return"])
        .status()?;
    s.wait_for_text("Accounts added: 1").await?;
    let code = s.code_of("GitHub").await?;
    assert!(reference_codes(GITHUB).contains(&code), "{code}");
    assert!(s.page_text().await?.contains("from Aegis"));
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_that_goes_away_is_reported_and_followed_again_when_it_returns() -> Result {
    let phone = Phone::new();
    phone.cli(&["add", "--yes", GITHUB]);
    phone.backup("20261201-100000");
    let data = new_data_dir();
    follow(data.path(), &phone);
    let s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.wait_for_text("from Aegis").await?;
    s.click("button[aria-label='Settings']").await?;
    s.wait_for_text("Up to date").await?;

    // The sync engine removes the folder (a share disconnected, the folder unshared).
    let kept = tempfile::tempdir()?;
    let files: Vec<_> = std::fs::read_dir(phone.folder.path())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    for f in &files {
        std::fs::copy(f, kept.path().join(f.file_name().expect("name")))?;
    }
    std::fs::remove_dir_all(phone.folder.path())?;
    s.wait_page("the missing folder", |t| {
        t.contains("The folder is missing")
    })
    .await?;
    assert!(s.page_text().await?.contains("GitHub"), "its accounts stay");

    // It is created again (a new folder, not the old one moved back): it is watched again, and
    // a backup written after that is applied by itself.
    std::fs::create_dir(phone.folder.path())?;
    for f in &files {
        std::fs::copy(kept.path().join(f.file_name().expect("name")), f)?;
    }
    s.wait_page("the folder back", |t| t.contains("Up to date"))
        .await?;
    phone.cli(&["add", "--yes", BANK]);
    phone.backup("20261201-110000");
    s.wait_page("the new account", |t| t.contains("Bank"))
        .await?;
    s.stop().await
}
