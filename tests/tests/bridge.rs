//! The browser bridge end to end without a browser: the built app running, and the real native
//! messaging host (`ninsho-host`) started the way a browser starts it (the extension's origin
//! as its argument, length-prefixed JSON on stdin/stdout). A pairing and an account's first
//! fill on a site are confirmed in the app's native dialogs with the keyboard; the code comes
//! back for the bound site only; a look-alike gets the refusal in words, and no dialog. Run
//! through `make test-e2e`.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use ninsho_e2e::*;
use serde_json::{Value, json};

const GITHUB: &str =
    "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const ORIGIN: &str = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

/// The host, as a browser runs it.
struct Host {
    child: Child,
    stdin: ChildStdin,
    answers: mpsc::Receiver<Vec<u8>>,
}

impl Host {
    fn start(runtime: &std::path::Path) -> Result<Host> {
        let mut child = Command::new(root().join("target/debug/ninsho-host"))
            .arg(ORIGIN)
            .env("XDG_RUNTIME_DIR", runtime)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let mut stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                let mut len = [0u8; 4];
                if stdout.read_exact(&mut len).is_err() {
                    return;
                }
                let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
                if stdout.read_exact(&mut body).is_err() || tx.send(body).is_err() {
                    return;
                }
            }
        });
        Ok(Host {
            child,
            stdin,
            answers,
        })
    }

    fn send(&mut self, request: &Value) -> Result {
        let body = serde_json::to_vec(request)?;
        self.stdin.write_all(&(body.len() as u32).to_ne_bytes())?;
        self.stdin.write_all(&body)?;
        self.stdin.flush()?;
        Ok(())
    }

    /// The next answer (raw bytes, to scan them for secrets, and parsed).
    async fn answer(&self) -> Result<(Vec<u8>, Value)> {
        for _ in 0..600 {
            if let Ok(body) = self.answers.try_recv() {
                let v = serde_json::from_slice(&body)?;
                return Ok((body, v));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("the host gave no answer within 60 s".into())
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_pairs_and_fills_the_bound_site_only() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", GITHUB]));
    let runtime = tempfile::tempdir()?;
    let mut s = Session::start(Options {
        data_dir: Some(data),
        env: vec![(
            "XDG_RUNTIME_DIR".into(),
            runtime.path().display().to_string(),
        )],
        ..Default::default()
    })
    .await?;
    s.secrets.push(secret_of(GITHUB));
    s.wait_for_text("GitHub").await?;
    let mut host = Host::start(runtime.path())?;
    let mut seen: Vec<Vec<u8>> = Vec::new();

    // Not paired yet: a fill is refused.
    host.send(&json!({"type": "fill", "token": "made-up", "frame": "https://github.com/login", "top": "https://github.com/login", "account": null}))?;
    let (raw, a) = host.answer().await?;
    seen.push(raw);
    assert_eq!(a["type"], "not_paired", "{a}");

    // Pairing: the person confirms in Ninsho's native dialog, with Return.
    host.send(&json!({"type": "pair", "browser": "Chromium", "code": "482915"}))?;
    answer_dialog(
        "Pair Ninsho's extension in Chromium?",
        "Return",
        Some("bridge-pair"),
    )
    .await?;
    let (raw, a) = host.answer().await?;
    seen.push(raw);
    assert_eq!(a["type"], "paired", "{a}");
    let token = a["token"].as_str().ok_or("no token")?.to_owned();

    // The bound site: the first fill is confirmed, then the code comes back.
    host.send(&json!({"type": "fill", "token": token, "frame": "https://github.com/sessions/two-factor/app", "top": "https://github.com/sessions/two-factor/app", "account": null}))?;
    // (Titles are matched as regular expressions: the label's parentheses are left out.)
    answer_dialog(
        "Fill the code of GitHub",
        "Return",
        Some("bridge-first-fill"),
    )
    .await?;
    let (raw, a) = host.answer().await?;
    seen.push(raw);
    assert_eq!(a["type"], "code", "{a}");
    let code = a["code"].as_str().ok_or("no code")?.to_owned();
    assert!(reference_codes(GITHUB).contains(&code), "{code}");
    s.wait_for_text("GitHub (alice@example.com): code filled on github.com")
        .await?;

    // Again on another page of the site: no dialog this time.
    host.send(&json!({"type": "fill", "token": token, "frame": "https://gist.github.com/", "top": "https://gist.github.com/", "account": null}))?;
    let (raw, a) = host.answer().await?;
    seen.push(raw);
    assert_eq!(a["type"], "code", "{a}");

    // Look-alikes and a framed login: refused in words, without a dialog.
    for (frame, top, words) in [
        (
            "https://g\u{456}thub.com/login",
            "https://g\u{456}thub.com/login",
            "This page is not on GitHub's site (github.com). Ninsho did not fill it.",
        ),
        (
            "https://github.com.evil.io/login",
            "https://github.com.evil.io/login",
            "This page is not on GitHub's site (github.com). Ninsho did not fill it.",
        ),
        (
            "https://github.com/login",
            "https://evil.net/",
            "the field is in a frame of github.com inside a page of evil.net",
        ),
        (
            "http://github.com/login",
            "http://github.com/login",
            "not a secure (https) page",
        ),
    ] {
        host.send(
            &json!({"type": "fill", "token": token, "frame": frame, "top": top, "account": null}),
        )?;
        let (raw, a) = host.answer().await?;
        assert_eq!(a["type"], "refused", "{frame}: {a}");
        let message = a["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{frame}: {message}");
        assert!(!String::from_utf8_lossy(&raw).contains(&code));
        seen.push(raw);
    }
    assert!(windows_titled("Fill the code")?.is_empty());

    // The rate limit: 5 codes a minute for a site (two went to github.com above; refusals do
    // not count). The sixth is refused with the wait, and carries no code.
    for n in 3..=6 {
        host.send(&json!({"type": "fill", "token": token, "frame": "https://github.com/login", "top": "https://github.com/login", "account": null}))?;
        let (raw, a) = host.answer().await?;
        if n <= 5 {
            assert_eq!(a["type"], "code", "fill {n}: {a}");
        } else {
            assert_eq!(a["type"], "limited", "fill {n}: {a}");
            let wait = a["retry_after"].as_u64().unwrap_or_default();
            assert!((1..=60).contains(&wait), "{a}");
            assert!(!String::from_utf8_lossy(&raw).contains("\"code\""), "{a}");
        }
        seen.push(raw);
    }

    // No answer the host passed on carries the secret, in any spelling.
    let secret = secret_of(GITHUB);
    for raw in &seen {
        let text = String::from_utf8_lossy(raw);
        assert!(!text.contains(&secret), "{text}");
        assert!(!text.contains("otpauth"), "{text}");
    }
    s.stop().await
}
