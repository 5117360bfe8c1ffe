//! The quick-pick palette in the built app: opened by the system-wide shortcut (a real X key
//! grab, pressed with `xdotool`) and by `ninsho --pick` (a second launch, handed to the running
//! Ninsho by the single-instance plugin); typing and Enter put the right code on the real X
//! clipboard and hide the palette. Run through `make test-e2e`.

use std::time::{Duration, Instant};

use ninsho_e2e::*;

const FORGEJO: &str =
    "otpauth://totp/Forgejo:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Forgejo";
const BANK: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank";
const TITLE: &str = "^Ninsho — pick a code$";

fn xdotool(args: &[&str]) -> Result {
    let status = std::process::Command::new("xdotool").args(args).status()?;
    if !status.success() {
        return Err(format!("xdotool {args:?} failed").into());
    }
    Ok(())
}

fn visible(title: &str) -> bool {
    std::process::Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()
        .is_ok_and(|o| !String::from_utf8_lossy(&o.stdout).trim().is_empty())
}

async fn until(what: &str, check: impl Fn() -> bool) -> Result {
    let start = Instant::now();
    while !check() {
        if start.elapsed() > Duration::from_secs(10) {
            return Err(format!("{what} did not happen").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Types into the palette as a person would, once it has the keyboard.
async fn pick(query: &str) -> Result {
    let window = wait_for_window(TITLE).await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    xdotool(&["windowfocus", "--sync", &window])?;
    xdotool(&["type", "--delay", "40", query])?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["key", "Return"])
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_and_ninsho_pick_open_the_palette_and_enter_copies() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO, BANK]));
    let mut s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO), secret_of(BANK)];
    s.wait_for_text("Bank").await?;
    assert!(!visible(TITLE), "the palette is not open at start");

    // The shortcut, pressed anywhere.
    s.wait_mid_period().await;
    xdotool(&["key", "ctrl+alt+k"])?;
    until("the palette opening", || visible(TITLE)).await?;
    // The first open builds the palette's page: the screenshot waits until it is drawn.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    screenshot_screen("pick-palette")?;
    pick("forg").await?;
    until("the palette hiding", || !visible(TITLE)).await?;
    let copied = clipboard().unwrap_or_default();
    assert!(
        reference_codes(FORGEJO).contains(&copied.trim().to_owned()),
        "{copied:?}"
    );

    // `ninsho --pick` from a desktop's own shortcut: handed to the running app.
    s.wait_mid_period().await;
    let status = std::process::Command::new(app_binary())
        .arg("--pick")
        .env("NINSHO_DATA_DIR", s.data.path())
        .status()?;
    assert!(status.success(), "the second launch hands over and exits");
    until("the palette opening again", || visible(TITLE)).await?;
    pick("bank").await?;
    until("the palette hiding again", || !visible(TITLE)).await?;
    let copied = clipboard().unwrap_or_default();
    assert!(
        reference_codes(BANK).contains(&copied.trim().to_owned()),
        "{copied:?}"
    );

    // Escape closes without copying.
    xdotool(&["key", "ctrl+alt+k"])?;
    until("the palette opening a third time", || visible(TITLE)).await?;
    let window = wait_for_window(TITLE).await?;
    xdotool(&["windowfocus", "--sync", &window])?;
    xdotool(&["key", "Escape"])?;
    until("the palette hiding on Escape", || !visible(TITLE)).await?;
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}
