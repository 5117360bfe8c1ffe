//! The browser bridge as a person uses it, in Debian's Chromium and Firefox ESR: Ninsho's
//! extension loaded, its host installed by `ninsho-cli browser install`, real host names mapped
//! to a local HTTPS server (extension/test/{chromium,firefox}.mjs drive the browsers, the cases
//! are extension/test/site.mjs's). The first gesture pairs the browser and confirms GitHub's
//! first fill, both answered in the app's native dialogs with the keyboard; then the code is
//! in the field on GitHub's pages (six boxes, the field's context menu, a form submitted only
//! once the person opted in), and every look-alike, a framed login and an unbound site get the
//! refusal in words and an empty field. Run through `make test-e2e` (which builds the
//! extension).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use ninsho_e2e::*;
use serde_json::Value;

const GITHUB: &str =
    "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const X: &str = "otpauth://totp/X:mika?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=X";
const GITLAB_WORK: &str = "otpauth://totp/GitLab:work?secret=MFRGGZDFMZTWQ2LK&issuer=GitLab";
const GITLAB_HOME: &str = "otpauth://totp/GitLab:home?secret=ONSWG4TFOQYTEMZU&issuer=GitLab";

#[derive(Clone, Copy, PartialEq)]
enum Browser {
    Chromium,
    Firefox,
}

impl Browser {
    fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "Chromium",
            Browser::Firefox => "Firefox",
        }
    }
    fn slug(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox",
        }
    }
}

fn certificate(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=ninsho-test"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    assert!(made.success(), "openssl could not make a certificate");
    Ok((cert, key))
}

/// Runs the browser's driver against a running app; the JSON line of each case.
async fn drive(browser: Browser, port: u16) -> Result<(Vec<Value>, String, Session)> {
    let ext = root().join("extension/dist").join(browser.slug());
    assert!(
        ext.join("manifest.json").exists(),
        "{} is missing: make extension",
        ext.display()
    );
    let data = new_data_dir();
    ok(cli(
        data.path(),
        &["add", "--yes", GITHUB, X, GITLAB_WORK, GITLAB_HOME],
    ));
    let runtime = tempfile::tempdir()?;
    let work = tempfile::tempdir()?;
    // Where each browser looks for the host's manifest: the profile's folder for Chromium,
    // ~/.mozilla for Firefox (a throwaway HOME here). Installed as a person installs it.
    let profile = work.path().join("profile");
    let home = work.path().join("home");
    let hosts = match browser {
        Browser::Chromium => profile.join("NativeMessagingHosts"),
        Browser::Firefox => home.join(".mozilla/native-messaging-hosts"),
    };
    ok(cli(
        data.path(),
        &[
            "browser",
            "install",
            "--browser",
            browser.slug(),
            "--dir",
            &hosts.display().to_string(),
        ],
    ));
    let (cert, key) = certificate(work.path())?;

    let mut s = Session::start(Options {
        data_dir: Some(data),
        env: vec![(
            "XDG_RUNTIME_DIR".into(),
            runtime.path().display().to_string(),
        )],
        ..Default::default()
    })
    .await?;
    s.secrets
        .extend([GITHUB, X, GITLAB_WORK, GITLAB_HOME].map(secret_of));
    s.wait_for_text("GitHub").await?;

    let shots = root().join("target/e2e-screens");
    std::fs::create_dir_all(&shots)?;
    let mut driver = tokio::process::Command::new("node")
        .arg(root().join(format!("extension/test/{}.mjs", browser.slug())))
        .current_dir(root().join("extension"))
        .env("EXT", &ext)
        .env("PROFILE", &profile)
        .env("HOME", &home)
        .env("CERT", &cert)
        .env("KEY", &key)
        .env("PORT", port.to_string())
        .env("SHOTS", &shots)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    // The first gesture: the pairing, then GitHub's first fill on github.com, each confirmed
    // in Ninsho's own dialog with Return (titles are regular expressions: no parentheses).
    let answered = async {
        answer_dialog(
            &format!("Pair Ninsho's extension in {}", browser.name()),
            "Return",
            Some(&format!("browser-pair-{}", browser.slug())),
        )
        .await?;
        answer_dialog(
            "Fill the code of GitHub",
            "Return",
            Some(&format!("browser-first-fill-{}", browser.slug())),
        )
        .await
    }
    .await;
    if let Err(e) = answered {
        let _ = driver.start_kill();
        let out = driver.wait_with_output().await?;
        return Err(format!(
            "{e}\nthe {} driver said:\n{}\n{}",
            browser.name(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    // What the driver prints is kept as it comes, so that a driver stuck on a case still
    // shows how far it got.
    let collect = |pipe: Option<Box<dyn tokio::io::AsyncRead + Unpin + Send>>| {
        tokio::spawn(async move {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                use tokio::io::AsyncReadExt;
                let mut buf = vec![0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    text.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
            text
        })
    };
    let stdout = collect(driver.stdout.take().map(|p| Box::new(p) as _));
    let stderr = collect(driver.stderr.take().map(|p| Box::new(p) as _));
    // The account picked in the chooser is filled on its site for the first time: the person
    // confirms that too, when it comes.
    let finished = {
        let wait = tokio::time::timeout(Duration::from_secs(240), driver.wait());
        tokio::pin!(wait);
        let mut gitlab = false;
        loop {
            tokio::select! {
                f = &mut wait => break f,
                _ = tokio::time::sleep(Duration::from_millis(200)), if !gitlab => {
                    if visible("Fill the code of GitLab") {
                        answer_dialog("Fill the code of GitLab", "Return", None).await?;
                        gitlab = true;
                    }
                }
            }
        }
    };
    if finished.is_err() {
        let _ = driver.start_kill();
    }
    let (stdout, stderr) = (stdout.await?, stderr.await?);
    if finished.is_err() {
        return Err(format!(
            "the {} driver did not finish within 240 s; it said:\n{stdout}\n{stderr}",
            browser.name()
        )
        .into());
    }
    let cases = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    // Each case as run (field, words, milliseconds from the gesture), kept for the record.
    let _ = std::fs::write(
        shots.join(format!("browser-{}.jsonl", browser.slug())),
        &stdout,
    );
    Ok((cases, format!("{stdout}\n{stderr}"), s))
}

/// What both browsers must show: the code on the bound site, nothing and the words elsewhere.
fn judge(browser: Browser, cases: &[Value], said: &str) -> Result {
    let case = |name: &str| -> Result<Value> {
        cases
            .iter()
            .find(|c| c["case"] == name)
            .cloned()
            .ok_or_else(|| format!("{}: no case {name}:\n{said}", browser.name()).into())
    };
    assert!(case("load")?["extension"].is_string(), "{said}");

    // Each case says when its field was read (Unix seconds): the run can outlast a period.
    let filled = |c: &Value| {
        let at = c["at"].as_u64().unwrap_or_default();
        reference_codes_at(GITHUB, at).contains(&c["value"].as_str().unwrap_or_default().to_owned())
    };
    let bound = case("bound")?;
    assert!(filled(&bound), "{bound}");
    let split = case("split")?;
    assert!(filled(&split), "{split}");
    // One digit per box, each box told by an input event.
    assert_eq!(split["seen"].as_array().map(Vec::len), Some(6), "{split}");
    // Submitted once, with the whole code in it, because the person opted in (the pages
    // before, filled with the option off, stayed put: a submit would have reloaded them).
    let submit = case("submit")?;
    assert!(filled(&submit), "{submit}");
    assert_eq!(
        submit["seen"],
        serde_json::json!([format!(
            "submitted:{}",
            submit["value"].as_str().unwrap_or_default()
        )]),
        "{submit}"
    );
    // A field in a frame of the page's own origin (the gesture grants that origin).
    let own = case("own-frame")?;
    assert!(filled(&own), "{own}");
    // The chooser: two GitLab accounts, the second picked; its code, not the first's.
    let choose = case("choose")?;
    let at = choose["at"].as_u64().unwrap_or_default();
    let value = choose["value"].as_str().unwrap_or_default().to_owned();
    assert!(
        reference_codes_at(GITLAB_HOME, at).contains(&value),
        "{choose}"
    );
    assert!(
        !reference_codes_at(GITLAB_WORK, at).contains(&value),
        "{choose}"
    );
    if browser == Browser::Firefox {
        let menu = case("context-menu")?;
        assert!(filled(&menu), "{menu}");
    }
    println!(
        "{}: gesture to filled field (no dialog): {} ms (six boxes), {} ms (a form)",
        browser.name(),
        split["ms"].as_u64().unwrap_or_default(),
        submit["ms"].as_u64().unwrap_or_default()
    );

    for (name, words) in [
        (
            "subdomain-lookalike",
            "This page is not on GitHub's site (github.com). Ninsho did not fill it.",
        ),
        (
            "homograph",
            "This page is not on GitHub's site (github.com). Ninsho did not fill it.",
        ),
        (
            "x-lookalike",
            "This page is not on X's site (x.com, twitter.com). Ninsho did not fill it.",
        ),
        // The gesture grants the extension the tab's own site only (activeTab): a field in a
        // frame of another site is not even seen, let alone asked for. (Ninsho refuses such a
        // request on its own too: tests/tests/bridge.rs.)
        ("cross-site-frame", "No login code field on this page."),
        ("unbound", "Ninsho has no account for example.com"),
    ] {
        let c = case(name)?;
        assert_eq!(c["value"], "", "{name}: {c}");
        assert_eq!(c["said"]["state"], "refused", "{name}: {c}");
        let text = c["said"]["text"].as_str().unwrap_or_default();
        assert!(text.contains(words), "{}: {name}: {text}", browser.name());
    }
    for uri in [GITHUB, X, GITLAB_WORK, GITLAB_HOME] {
        assert!(!said.contains(&secret_of(uri)));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_fills_the_bound_site_and_refuses_look_alikes() -> Result {
    let (cases, said, s) = drive(Browser::Chromium, 8443).await?;
    judge(Browser::Chromium, &cases, &said)?;
    // The settings list the paired browser, with its last use.
    s.click("button[aria-label='Settings']").await?;
    s.wait_for_text("last used").await?;
    s.client
        .execute(
            "document.getElementById('browsers-title').scrollIntoView({ block: 'start' });",
            vec![],
        )
        .await?;
    s.screenshot("settings-browsers").await?;
    s.wait_for("button[aria-label='Unpair Chromium']").await?;
    s.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn firefox_fills_the_bound_site_and_refuses_look_alikes() -> Result {
    let (cases, said, s) = drive(Browser::Firefox, 8444).await?;
    judge(Browser::Firefox, &cases, &said)?;
    s.click("button[aria-label='Settings']").await?;
    s.wait_for("button[aria-label='Unpair Firefox']").await?;
    s.stop().await
}
