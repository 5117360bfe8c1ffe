//! The clock check in the built app, against a time server the test starts on 127.0.0.1 that
//! answers 95 seconds ahead of this clock. Run through `make test-e2e`.

use ninsho_core::clock::test_server::TimeServer;
use ninsho_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn settings_check_the_clock_and_say_what_to_do() -> Result {
    let server = TimeServer::start(95.0)?;
    let s = Session::start(Options {
        settings: Some(serde_json::json!({
            "theme": "system", "language": "en", "clipboard_clear_seconds": 30,
            "show_next_code": true, "hide_codes": false,
            "clock_server": server.address(), "clock_weekly": false,
        })),
        ..Options::default()
    })
    .await?;
    s.wait_for_text("No accounts yet").await?;
    s.click("button[aria-label='Settings']").await?;
    s.click("button[data-action='check-clock']").await?;
    s.wait_for_text("95.0 s behind").await?;
    let text = s.page_text().await?;
    assert!(text.contains("Sites will refuse its codes"), "{text}");
    assert!(text.contains("timedatectl set-ntp true"), "{text}");
    s.client
        .execute(
            "document.querySelector('[data-action=check-clock]').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await?;
    s.screenshot("clock-check").await?;

    // The server stops answering: said plainly, nothing else changes.
    drop(server);
    s.click("button[data-action='check-clock']").await?;
    s.wait_for_text("Could not reach the time server").await?;
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.data.path().join("settings.json"))?)?;
    assert!(saved["clock_checked_at"].is_u64(), "{saved}");
    s.stop().await
}
