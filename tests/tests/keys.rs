//! The app driven with the keyboard alone, as a person who never touches the mouse: keys go
//! to the real X server (`xdotool`), and what the person gets is read from the real X
//! clipboard (`xclip`). No WebDriver element call takes part in these steps. Run through
//! `make test-e2e`.

use ninsho_e2e::*;

const FORGEJO: &str =
    "otpauth://totp/Forgejo:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Forgejo";
const BANK: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank";

#[tokio::test(flavor = "multi_thread")]
async fn paste_enter_type_enter_copies_the_code() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", BANK]));
    let mut s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO), secret_of(BANK)];
    s.wait_for_text("Bank").await?;
    let window = wait_for_window("^Ninsho$").await?;
    xdotool(&["windowactivate", "--sync", &window])
        .or_else(|_| xdotool(&["windowfocus", "--sync", &window]))?;

    // A screenshot of the site's QR code is on the clipboard: Ctrl+V, then Enter adds it.
    let png = s.data.path().join("enroll.png");
    qr_png(FORGEJO, &png);
    set_clipboard(ClipboardContent::Png(&png));
    xdotool(&["key", "ctrl+v"])?;
    s.wait_for_text("Found 1 account").await?;
    s.screenshot("keys-preview").await?;
    xdotool(&["key", "Return"])?;
    s.wait_for_text("Added 1 account").await?;
    // The screenshot shows a secret: the offer to trash it is declined with Escape.
    if s.page_text().await?.contains("to the trash") {
        xdotool(&["key", "Escape"])?;
    }

    // Typing part of the issuer and Enter copies its code.
    s.wait_mid_period().await;
    xdotool(&["type", "--delay", "40", "forg"])?;
    xdotool(&["key", "Return"])?;
    let expected = reference_codes(FORGEJO);
    let copied = clipboard_until("the Forgejo code", |t| {
        expected.contains(&t.trim().to_owned())
    })
    .await?;
    assert_eq!(copied.trim().len(), 6);

    // Escape clears the search; ↓ and Enter copy the second account.
    xdotool(&["key", "Escape"])?;
    xdotool(&["key", "Down", "Return"])?;
    let bank = reference_codes(BANK);
    let order: Vec<String> = s
        .client
        .execute(
            "return [...document.querySelectorAll('.row .issuer')].map((e) => e.textContent.trim());",
            vec![],
        )
        .await?
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let second = order.get(1).cloned().unwrap_or_default();
    let want = if second.contains("Bank") {
        bank
    } else {
        expected
    };
    clipboard_until("the second account's code", |t| {
        want.contains(&t.trim().to_owned())
    })
    .await?;
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}
