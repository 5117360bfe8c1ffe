//! Drives the built Ninsho app (target/debug/ninsho, UI embedded) in a real WebKitGTK window
//! through tauri-driver and WebKitWebDriver. Linux only (Xvfb, xdotool, process groups): on
//! other systems the crate is empty, so the workspace still checks for them.
//!
//! The tests expect what `make test-e2e` sets up: an X display (Xvfb), a private D-Bus session
//! with an unlocked gnome-keyring (scripts/with-keyring.sh), and xclip. Each test gets its own
//! data folder; a session can also be started without any Secret Service.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T = ()> = std::result::Result<T, Error>;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn app_binary() -> PathBuf {
    root().join("target/debug/ninsho")
}

pub fn cli_binary() -> PathBuf {
    root().join("target/debug/ninsho-cli")
}

/// Fails clearly when the environment is not the one `make test-e2e` builds.
pub fn check_environment() {
    let missing: Vec<&str> = [
        ("DISPLAY", std::env::var_os("DISPLAY").is_some()),
        (
            "a keyring session (NINSHO_REAL_KEYCHAIN)",
            std::env::var("NINSHO_REAL_KEYCHAIN").as_deref() == Ok("1"),
        ),
        ("target/debug/ninsho", app_binary().exists()),
        ("target/debug/ninsho-cli", cli_binary().exists()),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(what, _)| what)
    .collect();
    assert!(
        missing.is_empty(),
        "run the end-to-end tests through `make test-e2e`; missing: {missing:?}"
    );
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// How to start the app.
#[derive(Default)]
pub struct Options {
    /// Start with no Secret Service reachable (a bus address that does not exist).
    pub no_keyring: bool,
    /// settings.json to write before the app starts.
    pub settings: Option<Value>,
    /// Reuse this data folder (for accounts prepared with the CLI).
    pub data_dir: Option<tempfile::TempDir>,
    /// More environment for the app.
    pub env: Vec<(String, String)>,
}

pub struct Session {
    pub client: Client,
    driver: Child,
    pub data: tempfile::TempDir,
    /// Secrets (base32) that must never appear in an IPC response or an event, spelled in
    /// base32, hex or base64.
    pub secrets: Vec<String>,
}

pub fn new_data_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary data folder")
}

/// Picks `path` in the native (GTK) open dialog titled `title`, as a person would: waits for
/// the dialog, gives it the keyboard focus, types the path (GTK opens its location field at
/// "/") and presses Enter. Needs xdotool.
pub async fn pick_in_file_dialog(title: &str, path: &Path) -> Result {
    type_into_file_dialog(title, path, false).await?;
    // GTK may complete the typed path into a folder's only subfolder, or still be loading the
    // folder when Enter arrives, and then open it instead of choosing: Enter again chooses the
    // folder shown, as a person would press it again.
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if windows_titled(title)?.is_empty() {
            return Ok(());
        }
        xdotool(&["key", "Return"])?;
    }
    let shot = screenshot_screen("file-dialog-stuck")?;
    Err(format!("the dialog {title:?} never closed (see {})", shot.display()).into())
}

/// Saves to `path` in the native (GTK) save dialog titled `title`: the suggested name is
/// replaced by the whole path.
pub async fn save_in_file_dialog(title: &str, path: &Path) -> Result {
    type_into_file_dialog(title, path, true).await
}

/// The ids of the mapped windows whose title matches `title` (an xdotool regular expression).
pub fn windows_titled(title: &str) -> Result<Vec<String>> {
    let found = std::process::Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()
        .map_err(|e| format!("xdotool: {e} (make test-e2e installs it)"))?;
    Ok(String::from_utf8_lossy(&found.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}

/// Waits for a native window titled `title` (an xdotool regular expression) and returns its
/// id.
pub async fn wait_for_window(title: &str) -> Result<String> {
    let start = Instant::now();
    loop {
        if let Some(id) = windows_titled(title)?.into_iter().next() {
            return Ok(id);
        }
        if start.elapsed() > Duration::from_secs(15) {
            return Err(format!("no window titled {title:?} appeared").into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs xdotool (typing and keys as a person's keyboard gives them).
pub fn xdotool(args: &[&str]) -> Result {
    let status = std::process::Command::new("xdotool").args(args).status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("xdotool {args:?} failed").into())
    }
}

/// Answers the native message dialog titled `title` from the keyboard, as a person would:
/// `Escape` cancels, `Return` confirms. With `screenshot`, the whole screen is saved first to
/// target/e2e-screens/NAME.png. Returns once the dialog is gone.
pub async fn answer_dialog(title: &str, key: &str, screenshot: Option<&str>) -> Result {
    let window = wait_for_window(title).await?;
    // The dialog maps, then GTK draws it and settles its focus.
    tokio::time::sleep(Duration::from_millis(800)).await;
    xdotool(&["windowfocus", "--sync", &window])?;
    if let Some(name) = screenshot {
        screenshot_screen(name)?;
    }
    xdotool(&["key", key])?;
    let start = Instant::now();
    while !windows_titled(title)?.is_empty() {
        if start.elapsed() > Duration::from_secs(10) {
            return Err(format!("the dialog {title:?} did not close on {key}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Saves the whole X screen (native dialogs included) to target/e2e-screens/NAME.png.
pub fn screenshot_screen(name: &str) -> Result<PathBuf> {
    let dir = root().join("target/e2e-screens");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    let status = std::process::Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .status()
        .map_err(|e| format!("import (ImageMagick): {e}"))?;
    if !status.success() {
        return Err("import -window root failed".into());
    }
    Ok(path)
}

async fn type_into_file_dialog(title: &str, path: &Path, replace: bool) -> Result {
    let window = wait_for_window(title).await?;
    // The dialog maps, then GTK builds its contents; give it a moment before typing.
    tokio::time::sleep(Duration::from_millis(800)).await;
    xdotool(&["windowfocus", "--sync", &window])?;
    if !replace {
        // "/" opens the location field (and leaves the Recent view); typed alone first and
        // then selected, so a "/" GTK was not ready for is typed again with the path.
        xdotool(&["key", "slash"])?;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    xdotool(&["key", "ctrl+a"])?;
    xdotool(&["type", "--delay", "30", &path.display().to_string()])?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // GTK completes a folder's name inline (the completion selected after the typed text, a
    // folder's only subfolder included): Delete drops it, so Enter takes the path as typed.
    xdotool(&["key", "Delete"])?;
    xdotool(&["key", "Return"])?;
    Ok(())
}

/// The standard output of a command that must have succeeded (else its output is the failure).
pub fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs ninsho-cli on a data folder (the same vault the app opens).
pub fn cli(data: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(cli_binary())
        .args(args)
        .env("NINSHO_DATA_DIR", data)
        .output()
        .expect("run ninsho-cli")
}

impl Session {
    pub async fn start(options: Options) -> Result<Session> {
        check_environment();
        let data = options.data_dir.unwrap_or_else(new_data_dir);
        if let Some(settings) = &options.settings {
            std::fs::write(data.path().join("settings.json"), settings.to_string())?;
        }
        let (port, native) = (free_port().await, free_port().await);
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("NINSHO_DATA_DIR", data.path())
            .env("NINSHO_KEYCHAIN_TIMEOUT_MS", "5000")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group: the app runs under WebKitWebDriver under tauri-driver, and
            // all of them must go when the test ends, passed or failed (a leftover window would
            // make the next launch a second instance).
            .process_group(0)
            .kill_on_drop(true);
        for (key, value) in &options.env {
            command.env(key, value);
        }
        if options.no_keyring {
            command.env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/ninsho-e2e-bus",
            );
        }
        let driver = command
            .spawn()
            .map_err(|e| format!("tauri-driver: {e} (make test-e2e installs it)"))?;
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if start.elapsed() > Duration::from_secs(20) {
                return Err("tauri-driver did not start".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app_binary() }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&url)
            .await?;
        let session = Session {
            client,
            driver,
            data,
            secrets: Vec::new(),
        };
        session.wait_for(".bar").await?;
        session.record_ipc().await?;
        Ok(session)
    }

    /// Records every IPC response and every event the webview receives, as raw text, for
    /// [`Session::assert_no_secret_in_ipc`]. Tauri's `invoke` is read-only, but on Linux its
    /// responses arrive through `fetch("ipc://localhost/<command>")`, which can be wrapped; and
    /// everything Rust sends the page (events such as `drop-preview` or `accounts-changed`,
    /// answers to `invoke`) reaches it through the callbacks in
    /// `__TAURI_INTERNALS__.callbacks`, whose entries — those already listening and those added
    /// later — are wrapped here.
    async fn record_ipc(&self) -> Result {
        let hooked = self
            .client
            .execute(
                r#"
                if (!window.__ninshoIpcLog) {
                  const log = (window.__ninshoIpcLog = []);
                  const inner = window.fetch;
                  window.fetch = async (...args) => {
                    const response = await inner(...args);
                    const url = String(args[0] && args[0].url ? args[0].url : args[0]);
                    if (url.startsWith("ipc:") || url.includes("ipc.localhost")) {
                      log.push(url + " " + (await response.clone().text()));
                    }
                    return response;
                  };
                  const callbacks = window.__TAURI_INTERNALS__ && window.__TAURI_INTERNALS__.callbacks;
                  if (!(callbacks instanceof Map)) return false;
                  const wrap = (f) => {
                    if (typeof f !== "function" || f.__ninshoRecorded) return f;
                    const recorded = (data) => {
                      let text;
                      try { text = JSON.stringify(data); } catch (e) { text = String(data); }
                      log.push("callback " + text);
                      return f(data);
                    };
                    recorded.__ninshoRecorded = true;
                    return recorded;
                  };
                  const set = Map.prototype.set;
                  for (const [id, f] of callbacks) set.call(callbacks, id, wrap(f));
                  callbacks.set = function (id, f) { return set.call(this, id, wrap(f)); };
                }
                return true;"#,
                vec![],
            )
            .await?;
        if hooked != Value::Bool(true) {
            return Err(
                "window.__TAURI_INTERNALS__.callbacks is gone: events cannot be recorded".into(),
            );
        }
        Ok(())
    }

    /// Calls a command from the page (its response is recorded like the UI's own calls).
    pub async fn invoke(&self, cmd: &str, args: Value) -> Result<Value> {
        let value = self
            .client
            .execute_async(
                "const [cmd, args, done] = arguments;
                 window.__TAURI_INTERNALS__.invoke(cmd, args).then((r) => done({ ok: r }), (e) => done({ err: e }));",
                vec![json!(cmd), args],
            )
            .await?;
        Ok(value)
    }

    /// Calls a command that raises a native confirmation dialog titled `title`, and answers
    /// that dialog with `key` (see [`answer_dialog`]); returns what the call gave the page.
    pub async fn invoke_answering(
        &self,
        cmd: &str,
        args: Value,
        title: &str,
        key: &str,
        screenshot: Option<&str>,
    ) -> Result<Value> {
        let (value, answered) = tokio::join!(
            self.invoke(cmd, args),
            answer_dialog(title, key, screenshot)
        );
        answered?;
        value
    }

    pub async fn ipc_log(&self) -> Result<Vec<String>> {
        let log = self
            .client
            .execute("return window.__ninshoIpcLog || [];", vec![])
            .await?;
        Ok(log
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// No recorded IPC response or event contains any of the session's secrets, in base32 or
    /// hex (any case) or base64 (standard or URL-safe alphabet).
    pub async fn assert_no_secret_in_ipc(&self) -> Result<usize> {
        // What the page loaded before recording started is asked again, so it is checked too.
        for cmd in ["app_status", "list_accounts", "get_codes", "get_settings"] {
            self.invoke(cmd, json!({})).await?;
        }
        let log = self.ipc_log().await?;
        assert!(!log.is_empty(), "no IPC traffic was recorded");
        assert!(
            log.iter().any(|e| e.starts_with("callback ")),
            "no callback (event or answer) was recorded"
        );
        let spellings: Vec<Spelling> = self.secrets.iter().flat_map(|s| spellings(s)).collect();
        for entry in &log {
            let upper = entry.to_uppercase();
            for spelling in &spellings {
                let found = match spelling {
                    Spelling::AnyCase(text) => upper.contains(text.as_str()),
                    Spelling::Exact(text) => entry.contains(text.as_str()),
                };
                assert!(
                    !found,
                    "a secret crossed the IPC boundary ({}) in: {entry}",
                    spelling.name()
                );
            }
        }
        Ok(log.len())
    }

    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.wait_for_timeout(css, Duration::from_secs(15)).await
    }

    pub async fn wait_for_timeout(&self, css: &str, timeout: Duration) -> Result<Element> {
        let start = Instant::now();
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                return Ok(e);
            }
            if start.elapsed() > timeout {
                return Err(format!("{css} did not appear within {timeout:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) -> Result {
        let start = Instant::now();
        loop {
            let text = self.page_text().await?;
            if text.contains(needle) {
                return Ok(());
            }
            if start.elapsed() > Duration::from_secs(15) {
                return Err(
                    format!("text {needle:?} did not appear; the page says:\n{text}").into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's text satisfies `check` (a watcher applies a change within about
    /// a second of its arrival); 20 s at the most.
    pub async fn wait_page(&self, what: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        let start = Instant::now();
        loop {
            let text = self.page_text().await?;
            if check(&text) {
                return Ok(text);
            }
            if start.elapsed() > Duration::from_secs(20) {
                return Err(format!("{what}: the page never showed it; it says:\n{text}").into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The page's rendered text (`innerText`; WebDriver's own visible-text rules drop text
    /// in ellipsised spans).
    pub async fn page_text(&self) -> Result<String> {
        let text = self
            .client
            .execute("return document.body.innerText;", vec![])
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// Clicks the element `css` selects (it must exist now).
    pub async fn click(&self, css: &str) -> Result {
        self.client.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// Clicks the first button whose text is exactly `label`.
    pub async fn click_button(&self, label: &str) -> Result {
        let start = Instant::now();
        loop {
            for b in self.client.find_all(Locator::Css("button")).await? {
                let text = self
                    .client
                    .execute(
                        "return arguments[0].innerText;",
                        vec![serde_json::to_value(&b)?],
                    )
                    .await?;
                if text.as_str().is_some_and(|t| t.trim() == label)
                    && b.is_displayed().await.unwrap_or(false)
                {
                    b.click().await?;
                    return Ok(());
                }
            }
            if start.elapsed() > Duration::from_secs(10) {
                return Err(format!("no button {label:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The code shown for an account row (its `data-code`), waiting for it to appear.
    pub async fn code_of(&self, label_part: &str) -> Result<String> {
        let start = Instant::now();
        loop {
            let rows = self
                .client
                .execute(
                    "return [...document.querySelectorAll('.row')].map((r) =>
                       [r.textContent, r.querySelector('[data-code]')?.dataset.code ?? null]);",
                    vec![],
                )
                .await?;
            for row in rows.as_array().into_iter().flatten() {
                if row[0].as_str().is_some_and(|t| t.contains(label_part))
                    && let Some(code) = row[1].as_str()
                {
                    return Ok(code.to_owned());
                }
            }
            if start.elapsed() > Duration::from_secs(15) {
                return Err(format!("no code shown for {label_part}; rows: {rows}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the current 30-second period is between 8 and 20 seconds old, so countdown
    /// rings in screenshots are neither full nor about to run out.
    pub async fn wait_mid_period(&self) {
        loop {
            let into = ninsho_core::otp::now() % 30;
            if (8..=20).contains(&into) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Saves a screenshot of the window to target/e2e-screens/NAME.png.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // Let the last change paint before the picture is taken.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.client.screenshot().await?;
        let dir = root().join("target/e2e-screens");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    pub async fn stop(self) -> Result {
        let _ = self.client.clone().close().await;
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The driver leads its own process group (see `start`); killing the group takes
        // WebKitWebDriver and the app with it.
        if let Some(pid) = self
            .driver
            .id()
            .and_then(|p| libc::pid_t::try_from(p).ok())
            .filter(|p| *p > 1)
        {
            // SAFETY: kill(2) with a negative pid signals exactly that process group.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = self.driver.start_kill();
    }
}

/// The code an otpauth URI gives now, and in the neighbouring periods (a test may straddle a
/// period boundary between reading the screen and computing the reference).
pub fn reference_codes(uri: &str) -> Vec<String> {
    let account = ninsho_core::uri::parse(uri).expect("reference URI");
    let generator =
        ninsho_core::otp::Generator::new(&account.params, &account.secret).expect("generator");
    let now = ninsho_core::otp::now();
    let period = u64::from(account.params.period);
    [now.saturating_sub(period), now, now + period]
        .iter()
        .map(|t| generator.code_at(*t).value)
        .collect()
}

/// One way a secret can be written down.
pub enum Spelling {
    /// Compared without regard to case (base32, hex); held in upper case.
    AnyCase(String),
    /// Compared as is (base64).
    Exact(String),
}

impl Spelling {
    fn name(&self) -> &'static str {
        match self {
            Spelling::AnyCase(t) if t.chars().all(|c| c.is_ascii_hexdigit()) => "hex or base32",
            Spelling::AnyCase(_) => "base32",
            Spelling::Exact(_) => "base64",
        }
    }
}

/// A secret (base32) as base32, hex, and base64 in both alphabets. The base64 spellings stop
/// at the last whole 3-byte group, so they are found at the start of a longer encoding too.
pub fn spellings(base32: &str) -> Vec<Spelling> {
    let secret = ninsho_core::otp::Secret::from_base32(base32).expect("a base32 secret");
    let bytes = secret.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let whole = &bytes[..bytes.len() / 3 * 3];
    let standard = base64(whole, b"+/");
    let url_safe = base64(whole, b"-_");
    let mut out = vec![
        Spelling::AnyCase(base32.trim_end_matches('=').to_uppercase()),
        Spelling::AnyCase(hex),
        Spelling::Exact(standard.clone()),
    ];
    if url_safe != standard {
        out.push(Spelling::Exact(url_safe));
    }
    out
}

/// Base64 of `bytes` (a multiple of 3 long: no padding) with `extra` as the last two symbols.
fn base64(bytes: &[u8], extra: &[u8; 2]) -> String {
    let symbol = |v: u32| -> char {
        let v = (v & 63) as u8;
        match v {
            0..=25 => (b'A' + v) as char,
            26..=51 => (b'a' + v - 26) as char,
            52..=61 => (b'0' + v - 52) as char,
            62 => extra[0] as char,
            _ => extra[1] as char,
        }
    };
    bytes
        .chunks_exact(3)
        .flat_map(|c| {
            let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
            [symbol(n >> 18), symbol(n >> 12), symbol(n >> 6), symbol(n)]
        })
        .collect()
}

pub fn secret_of(uri: &str) -> String {
    ninsho_core::uri::parse(uri)
        .expect("URI")
        .secret
        .to_base32()
        .to_string()
}

/// Draws `text` as a QR code PNG (6-pixel modules).
pub fn qr_png(text: &str, path: &Path) {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("QR");
    let n = code.width() as u32;
    let colors = code.to_colors();
    let m = 6;
    let image = image::GrayImage::from_fn((n + 8) * m, (n + 8) * m, |x, y| {
        let (mx, my) = (x / m, y / m);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + mx - 4) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    image.save(path).expect("save QR");
}

/// Reads the X clipboard (None when it holds no text).
pub fn clipboard() -> Option<String> {
    let out = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Puts text or a PNG on the X clipboard (xclip keeps serving it in the background).
pub fn set_clipboard(content: ClipboardContent<'_>) {
    let mut command = std::process::Command::new("xclip");
    command
        .args(["-selection", "clipboard"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match content {
        ClipboardContent::Text(text) => {
            let mut child = command.stdin(Stdio::piped()).spawn().expect("xclip");
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("write");
            let _ = child.wait();
        }
        ClipboardContent::Png(path) => {
            let status = command
                .args(["-t", "image/png", "-i"])
                .arg(path)
                .status()
                .expect("xclip");
            assert!(status.success());
        }
    }
}

pub enum ClipboardContent<'a> {
    Text(&'a str),
    Png(&'a Path),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_looked_for_in_base32_hex_and_base64() {
        // "Hello!" then 0xDEADBEEF.
        let found: Vec<String> = spellings("JBSWY3DPEHPK3PXP")
            .into_iter()
            .map(|s| match s {
                Spelling::AnyCase(t) => format!("any:{t}"),
                Spelling::Exact(t) => format!("exact:{t}"),
            })
            .collect();
        assert_eq!(
            found,
            [
                "any:JBSWY3DPEHPK3PXP",
                "any:48656C6C6F21DEADBEEF",
                "exact:SGVsbG8h3q2+",
                "exact:SGVsbG8h3q2-",
            ]
        );
    }
}
