//! The browser bridge as a person uses it, in Debian's Chromium: Ninsho's extension loaded, its
//! host installed into the profile by `ninsho-cli browser install`, real host names mapped to a
//! local HTTPS server (extension/test/chromium.mjs drives the browser). The first press pairs
//! the browser and confirms GitHub's first fill, both answered in the app's native dialogs with
//! the keyboard; then the code is in the field on GitHub's pages, and every look-alike, a
//! framed login and an unbound site get the refusal in words and an empty field. Run through
//! `make test-e2e` (which builds the extension).

use std::process::Stdio;
use std::time::Duration;

use ninsho_e2e::*;
use serde_json::Value;

const GITHUB: &str =
    "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const X: &str = "otpauth://totp/X:mika?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=X";

#[tokio::test(flavor = "multi_thread")]
async fn chromium_fills_the_bound_site_and_refuses_look_alikes() -> Result {
    let ext = root().join("extension/dist/chromium");
    assert!(
        ext.join("manifest.json").exists(),
        "extension/dist/chromium is missing: make extension"
    );
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", GITHUB, X]));
    let runtime = tempfile::tempdir()?;
    let work = tempfile::tempdir()?;
    let profile = work.path().join("profile");
    // The host manifest, as a person installs it (into this profile's folder).
    let hosts = profile.join("NativeMessagingHosts");
    ok(cli(
        data.path(),
        &[
            "browser",
            "install",
            "--browser",
            "chromium",
            "--dir",
            &hosts.display().to_string(),
        ],
    ));
    let (cert, key) = (work.path().join("cert.pem"), work.path().join("key.pem"));
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

    let mut s = Session::start(Options {
        data_dir: Some(data),
        env: vec![(
            "XDG_RUNTIME_DIR".into(),
            runtime.path().display().to_string(),
        )],
        ..Default::default()
    })
    .await?;
    s.secrets.extend([secret_of(GITHUB), secret_of(X)]);
    s.wait_for_text("GitHub").await?;

    let driver = tokio::process::Command::new("node")
        .arg(root().join("extension/test/chromium.mjs"))
        .current_dir(root().join("extension"))
        .env("EXT", &ext)
        .env("PROFILE", &profile)
        .env("CERT", &cert)
        .env("KEY", &key)
        .env("PORT", "8443")
        .env("SHOTS", {
            let shots = root().join("target/e2e-screens");
            std::fs::create_dir_all(&shots)?;
            shots
        })
        .env("XDG_RUNTIME_DIR", runtime.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    // The first press: the pairing, then GitHub's first fill on github.com, each confirmed in
    // Ninsho's own dialog with Return (titles are regular expressions: no parentheses).
    let answered = async {
        answer_dialog(
            "Pair Ninsho's extension in Chromium",
            "Return",
            Some("browser-pair"),
        )
        .await?;
        answer_dialog(
            "Fill the code of GitHub",
            "Return",
            Some("browser-first-fill"),
        )
        .await
    }
    .await;
    let mut driver = driver;
    if let Err(e) = answered {
        let _ = driver.start_kill();
        let out = driver.wait_with_output().await?;
        return Err(format!(
            "{e}\nthe Chromium driver said:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let out = tokio::time::timeout(Duration::from_secs(240), driver.wait_with_output())
        .await
        .map_err(|_| "the Chromium driver did not finish within 240 s")??;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let cases: Vec<Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let case = |name: &str| -> Result<Value> {
        cases
            .iter()
            .find(|c| c["case"] == name)
            .cloned()
            .ok_or_else(|| format!("no case {name}:\n{stdout}\n{stderr}").into())
    };
    assert!(case("load")?["extension"].is_string(), "{stdout}\n{stderr}");

    let codes = reference_codes(GITHUB);
    let bound = case("bound")?;
    assert!(
        codes.contains(&bound["value"].as_str().unwrap_or_default().to_owned()),
        "{bound}"
    );
    let split = case("split")?;
    assert!(
        codes.contains(&split["value"].as_str().unwrap_or_default().to_owned()),
        "{split}"
    );
    // One digit per box, each box told by an input event.
    assert_eq!(split["seen"].as_array().map(Vec::len), Some(6), "{split}");
    println!(
        "gesture to filled field (no dialog): {} ms",
        split["ms"].as_u64().unwrap_or_default()
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
        // The toolbar press grants the extension the tab's own site only (activeTab): a
        // field in a frame of another site is not even seen, let alone asked for. (Ninsho
        // refuses such a request on its own too: tests/tests/bridge.rs.)
        ("cross-site-frame", "No login code field on this page."),
        ("unbound", "Ninsho has no account for example.com"),
    ] {
        let c = case(name)?;
        assert_eq!(c["value"], "", "{name}: {c}");
        assert_eq!(c["said"]["state"], "refused", "{name}: {c}");
        let text = c["said"]["text"].as_str().unwrap_or_default();
        assert!(text.contains(words), "{name}: {text}");
    }
    assert!(!stdout.contains(&secret_of(GITHUB)) && !stdout.contains(&secret_of(X)));

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
