//! The quick-pick palette in the built app: opened by the system-wide shortcut (a real X key
//! grab, pressed with `xdotool`) and by `ninsho --pick` (a second launch, handed to the running
//! Ninsho by the single-instance plugin); typing and Enter put the right code on the real X
//! clipboard and hide the palette. Run through `make test-e2e`.

use std::time::Duration;

use ninsho_e2e::*;

const FORGEJO: &str =
    "otpauth://totp/Forgejo:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Forgejo";
const BANK: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank";
const TITLE: &str = "^Ninsho — pick a code$";

/// Waits until the palette is shown (`true`) or hidden (`false`).
async fn palette(what: &str, shown: bool) -> Result {
    until(what, PATIENCE, async || {
        Ok(Look::when(visible(TITLE) == shown))
    })
    .await
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
    palette("the palette opening", true).await?;
    // The first open builds the palette's page: the screenshot waits until it is drawn.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    screenshot_screen("pick-palette")?;
    pick("forg").await?;
    palette("the palette hiding", false).await?;
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
    palette("the palette opening again", true).await?;
    pick("bank").await?;
    palette("the palette hiding again", false).await?;
    let copied = clipboard().unwrap_or_default();
    assert!(
        reference_codes(BANK).contains(&copied.trim().to_owned()),
        "{copied:?}"
    );

    // Escape closes without copying.
    xdotool(&["key", "ctrl+alt+k"])?;
    palette("the palette opening a third time", true).await?;
    let window = wait_for_window(TITLE).await?;
    xdotool(&["windowfocus", "--sync", &window])?;
    xdotool(&["key", "Escape"])?;
    palette("the palette hiding on Escape", false).await?;
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}
