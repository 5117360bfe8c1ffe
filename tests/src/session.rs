//! The app under test: where its binaries are, starting it through tauri-driver with its own
//! data folder (and, if asked, no Secret Service), driving its page over WebDriver, and every
//! IPC answer and event it sends recorded, so a test can assert that no secret was among them.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::poll::{Look, PATIENCE, until};
use crate::secrets::{Spelling, spellings};
use crate::{Result, answer_dialog};

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
        until(
            "tauri-driver to listen",
            Duration::from_secs(20),
            async || {
                let listening = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
                Ok(Look::when(listening.is_ok()))
            },
        )
        .await?;
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
        until(&format!("{css} to appear"), timeout, async || {
            Ok(Look::of(self.client.find(Locator::Css(css)).await.ok()))
        })
        .await
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) -> Result {
        until(
            &format!("text {needle:?}"),
            Duration::from_secs(15),
            async || {
                let text = self.page_text().await?;
                Ok(if text.contains(needle) {
                    Look::Done(())
                } else {
                    Look::Not(format!("the page says:\n{text}"))
                })
            },
        )
        .await
    }

    /// Waits until the page's text satisfies `check` (a watcher applies a change within about
    /// a second of its arrival); 20 s at the most.
    pub async fn wait_page(&self, what: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        until(what, Duration::from_secs(20), async || {
            let text = self.page_text().await?;
            Ok(if check(&text) {
                Look::Done(text)
            } else {
                Look::Not(format!("the page says:\n{text}"))
            })
        })
        .await
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
        until(&format!("a button {label:?}"), PATIENCE, async || {
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
                    return Ok(Look::Done(()));
                }
            }
            Ok(Look::Not(String::new()))
        })
        .await
    }

    /// The code shown for an account row (its `data-code`), waiting for it to appear.
    pub async fn code_of(&self, label_part: &str) -> Result<String> {
        until(
            &format!("a code for {label_part}"),
            Duration::from_secs(15),
            async || {
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
                        return Ok(Look::Done(code.to_owned()));
                    }
                }
                Ok(Look::Not(format!("rows: {rows}")))
            },
        )
        .await
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
