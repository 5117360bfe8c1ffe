//! Scan screen when the app believes it runs on Wayland (`WAYLAND_DISPLAY` set): a fake desktop
//! portal on the test's private session bus refuses a non-interactive screenshot (as desktops
//! refuse it to apps outside a sandbox) and answers the interactive one with a PNG showing two
//! QR codes. The app must go to the portal at once, interactively (never xcap's
//! non-interactive path), find both codes, and remove the portal's file (it shows secrets). The window itself stays on
//! X11 (`GDK_BACKEND=x11`). A real Wayland session was not available here. Run through
//! `make test-e2e`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ninsho_e2e::*;
use zbus::zvariant::{ObjectPath, OwnedValue, Value};

const FORGEJO: &str =
    "otpauth://totp/Forgejo:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Forgejo";
const BANK: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank";

#[derive(Default)]
struct Seen {
    /// `interactive` of each Screenshot request, in order.
    requests: Vec<bool>,
}

struct Portal {
    seen: Arc<Mutex<Seen>>,
    /// The screenshot file handed to interactive requests.
    shot: PathBuf,
}

#[zbus::interface(name = "org.freedesktop.portal.Screenshot")]
impl Portal {
    async fn screenshot(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
        _parent_window: &str,
        options: HashMap<String, OwnedValue>,
    ) -> zbus::fdo::Result<zbus::zvariant::OwnedObjectPath> {
        let interactive = options
            .get("interactive")
            .and_then(|v| bool::try_from(v).ok())
            .unwrap_or(false);
        self.seen
            .lock()
            .map_err(|_| zbus::fdo::Error::Failed("lock".into()))?
            .requests
            .push(interactive);
        let token = options
            .get("handle_token")
            .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
            .unwrap_or_else(|| "t".into());
        let sender = header
            .sender()
            .map(|s| s.trim_start_matches(':').replace('.', "_"))
            .unwrap_or_default();
        let path = format!("/org/freedesktop/portal/desktop/request/{sender}/{token}");
        let object = zbus::zvariant::OwnedObjectPath::try_from(path.clone())
            .map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        let connection = connection.clone();
        let destination = header.sender().map(|s| s.to_owned());
        let uri = format!("file://{}", self.shot.display());
        // The answer comes as the request's Response signal, after the call returns.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            let mut results: HashMap<&str, Value> = HashMap::new();
            let code: u32 = if interactive {
                results.insert("uri", Value::from(uri));
                0
            } else {
                2 // refused
            };
            let path = ObjectPath::try_from(path.as_str()).ok();
            if let Some(path) = path {
                let _ = zbus::block_on(connection.emit_signal(
                    destination.as_ref().map(|d| d.as_str()),
                    path,
                    "org.freedesktop.portal.Request",
                    "Response",
                    &(code, results),
                ));
            }
        });
        Ok(object)
    }

    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        2
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_screen_on_wayland_asks_the_portal_interactively() -> Result {
    // The "screen": two QR codes side by side, written where the portal would write it.
    let dir = tempfile::tempdir()?;
    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    qr_png(FORGEJO, &a);
    qr_png(BANK, &b);
    let (ia, ib) = (image::open(&a)?.to_luma8(), image::open(&b)?.to_luma8());
    let mut screen = image::GrayImage::from_pixel(
        ia.width() + ib.width() + 60,
        ia.height().max(ib.height()) + 40,
        image::Luma([255]),
    );
    image::imageops::overlay(&mut screen, &ia, 20, 20);
    image::imageops::overlay(&mut screen, &ib, i64::from(ia.width()) + 40, 20);
    let shot = dir.path().join("Screenshot.png");
    screen.save(&shot)?;

    let seen = Arc::new(Mutex::new(Seen::default()));
    let _portal = zbus::blocking::connection::Builder::session()?
        .name("org.freedesktop.portal.Desktop")?
        .serve_at(
            "/org/freedesktop/portal/desktop",
            Portal {
                seen: seen.clone(),
                shot: shot.clone(),
            },
        )?
        .build()?;

    let mut s = Session::start(Options {
        env: vec![
            ("WAYLAND_DISPLAY".into(), "wayland-ninsho-test".into()),
            ("GDK_BACKEND".into(), "x11".into()),
        ],
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO), secret_of(BANK)];
    s.wait_for_text("No accounts yet").await?;
    let scanned = s.invoke("scan_screen", serde_json::json!({})).await?;
    let items = scanned["ok"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let issuers: Vec<&str> = items.iter().filter_map(|i| i["issuer"].as_str()).collect();
    assert!(
        issuers.contains(&"Forgejo") && issuers.contains(&"Bank"),
        "{scanned}"
    );
    let requests = seen.lock().map_err(|_| "lock")?.requests.clone();
    assert_eq!(
        requests,
        [true],
        "one request, interactive: xcap's non-interactive one is never made: {requests:?}"
    );
    assert!(
        !shot.exists(),
        "the portal's screenshot (it shows secrets) is removed"
    );
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}
