//! The tray icon's menu, driven through D-Bus as a desktop's tray host drives it: the app's
//! StatusNotifierItem exports its menu (com.canonical.dbusmenu) on the session bus, the test
//! reads its layout and sends the "clicked" event a host sends when a person picks an entry,
//! then reads the real X clipboard. Run through `make test-e2e`.

use ninsho_e2e::*;

const FORGEJO: &str =
    "otpauth://totp/Forgejo:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Forgejo";
const BANK: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank";

fn gdbus(args: &[&str]) -> Result<String> {
    let out = std::process::Command::new("gdbus")
        .args(["call", "--session"])
        .args(args)
        .output()
        .map_err(|e| format!("gdbus: {e} (libglib2.0-bin)"))?;
    if !out.status.success() {
        return Err(format!("gdbus {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The bus name and menu path of the app's tray item.
fn tray_menu() -> Result<(String, String)> {
    let bus = [
        "--dest",
        "org.freedesktop.DBus",
        "--object-path",
        "/org/freedesktop/DBus",
    ];
    let names = gdbus(&[&bus[..], &["--method", "org.freedesktop.DBus.ListNames"]].concat())?;
    for name in names
        .split(['\'', ' ', ',', '[', ']', '(', ')'])
        .filter(|n| n.starts_with(":1."))
    {
        let Ok(tree) = std::process::Command::new("gdbus")
            .args([
                "introspect",
                "--session",
                "--dest",
                name,
                "--object-path",
                "/org/ayatana/NotificationItem",
                "--recurse",
            ])
            .output()
        else {
            continue;
        };
        let tree = String::from_utf8_lossy(&tree.stdout);
        if let Some(path) = tree
            .lines()
            .filter_map(|l| l.trim().strip_prefix("node "))
            .map(|l| l.trim_end_matches(" {").trim())
            .find(|p| p.ends_with("/Menu"))
        {
            return Ok((name.to_owned(), path.to_owned()));
        }
    }
    Err("no tray item on the session bus".into())
}

/// The menu's entries: (id, label).
fn entries(dest: &str, path: &str) -> Result<Vec<(String, String)>> {
    let layout = gdbus(&[
        "--dest",
        dest,
        "--object-path",
        path,
        "--method",
        "com.canonical.dbusmenu.GetLayout",
        "--",
        "0",
        "-1",
        "['label']",
    ])?;
    let mut out = Vec::new();
    for part in layout.split("<(").skip(1) {
        let id = part.split(',').next().unwrap_or("").trim().to_owned();
        if let Some(label) = part
            .split("'label': <'")
            .nth(1)
            .and_then(|l| l.split("'>").next())
        {
            out.push((id, label.to_owned()));
        }
    }
    Ok(out)
}

fn click(dest: &str, path: &str, id: &str) -> Result {
    gdbus(&[
        "--dest",
        dest,
        "--object-path",
        path,
        "--method",
        "com.canonical.dbusmenu.Event",
        "--",
        id,
        "clicked",
        "<''>",
        "0",
    ])?;
    Ok(())
}

async fn until_menu(dest: &str, path: &str, label: &str) -> Result<Vec<(String, String)>> {
    until(
        &format!("the tray menu to list {label}"),
        PATIENCE,
        async || {
            let e = entries(dest, path)?;
            Ok(if e.iter().any(|(_, l)| l == label) {
                Look::Done(e)
            } else {
                Look::Not(format!("{e:?}"))
            })
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_lists_pinned_and_recent_accounts_and_copies_their_codes() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO, BANK]));
    ok(cli(data.path(), &["pin", "forgejo"]));
    let mut s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO), secret_of(BANK)];
    s.wait_for_text("Bank").await?;
    let (dest, path) = tray_menu()?;
    let menu = until_menu(&dest, &path, "Forgejo (alice@example.com)").await?;
    let labels: Vec<&str> = menu.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Forgejo (alice@example.com)",
            "Scan screen",
            "Show Ninsho",
            "Quit"
        ],
        "pinned only: Bank was never used"
    );

    // Choosing the pinned account copies its current code.
    s.wait_mid_period().await;
    click(&dest, &path, &menu[0].0)?;
    let expected = reference_codes(FORGEJO);
    clipboard_until("Forgejo's code from the tray", |c| {
        expected.contains(&c.trim().to_owned())
    })
    .await?;

    // Bank copied in the window: the menu lists it among the recent ones.
    let bank_row = s
        .client
        .execute(
            "const r = [...document.querySelectorAll('.row')].find((r) => r.textContent.includes('Bank'));
             r.querySelector('button.main').click(); return true;",
            vec![],
        )
        .await?;
    assert_eq!(bank_row, serde_json::Value::Bool(true));
    let menu = until_menu(&dest, &path, "Bank (bob)").await?;
    // Names only: no code and no secret in the menu.
    let text = format!("{menu:?}");
    for code in reference_codes(FORGEJO)
        .iter()
        .chain(reference_codes(BANK).iter())
    {
        assert!(!text.contains(code.as_str()), "{text}");
    }
    assert!(!text.contains(&secret_of(BANK)));
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

/// A bus of its own standing in for the system bus, with python3-dbusmock's logind on it and
/// one session, `c1` (the app is told it runs in it: `XDG_SESSION_ID`). Stopped on drop.
struct PrivateBus {
    child: std::process::Child,
    logind: Option<std::process::Child>,
    address: String,
}

impl PrivateBus {
    fn start() -> Result<PrivateBus> {
        use std::io::BufRead;
        let mut child = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("dbus-daemon: {e}"))?;
        let stdout = child.stdout.take().ok_or("dbus-daemon printed nothing")?;
        let mut address = String::new();
        std::io::BufReader::new(stdout).read_line(&mut address)?;
        let mut bus = PrivateBus {
            child,
            logind: None,
            address: address.trim().to_owned(),
        };
        bus.logind = Some(
            std::process::Command::new("/usr/bin/python3")
                .args(["-m", "dbusmock", "--system", "--template", "logind"])
                .env("DBUS_SYSTEM_BUS_ADDRESS", &bus.address)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .map_err(|e| format!("python3-dbusmock: {e}"))?,
        );
        // The mock answers once it owns its name: then the session is made.
        for _ in 0..100 {
            if bus
                .call(
                    "/org/freedesktop/login1",
                    "org.freedesktop.DBus.Mock.AddSession",
                    &["c1", "seat0", "0", "root", "true"],
                )
                .is_ok()
            {
                return Ok(bus);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err("python3-dbusmock's logind did not start (apt install python3-dbusmock)".into())
    }

    fn call(&self, path: &str, method: &str, args: &[&str]) -> Result {
        let out = std::process::Command::new("gdbus")
            .args(["call", "--address", &self.address])
            .args(["--dest", "org.freedesktop.login1", "--object-path", path])
            .args(["--method", method])
            .args(args)
            .output()?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
        }
        Ok(())
    }

    fn signal(&self, path: &str, member: &str, arg: &str) -> Result {
        let out = std::process::Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args(["--type=signal", path, member])
            .args((!arg.is_empty()).then_some(arg))
            .output()?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
        }
        Ok(())
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        if let Some(mut logind) = self.logind.take() {
            let _ = logind.kill();
            let _ = logind.wait();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Milliseconds from now until the window shows the unlock form.
async fn until_locked(s: &Session, after: &str) -> Result<u64> {
    let started = std::time::Instant::now();
    s.wait_page(&format!("the window to lock after {after}"), |t| {
        t.contains("Ninsho is locked")
    })
    .await?;
    Ok(started.elapsed().as_millis() as u64)
}

/// Types the password and Enter in the window, as a person does.
async fn unlock_by_keys(s: &Session) -> Result {
    let window = wait_for_window("^Ninsho$").await?;
    xdotool(&["windowactivate", "--sync", &window])
        .or_else(|_| xdotool(&["windowfocus", "--sync", &window]))?;
    s.wait_for("#lock-password").await?;
    xdotool(&["type", "--delay", "20", PASSWORD])?;
    xdotool(&["key", "Return"])?;
    s.wait_page("the codes after unlocking", |t| t.contains("Forgejo"))
        .await?;
    Ok(())
}

const PASSWORD: &str = "correct horse battery";

/// Encrypts the accounts prepared in `data` with [`PASSWORD`], as `ninsho-cli lock encrypt`
/// does for a person.
fn encrypt(data: &tempfile::TempDir) -> Result {
    let pw = data.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n"))?;
    let pw_arg = pw.display().to_string();
    ok(cli(
        data.path(),
        &["lock", "encrypt", "--password-file", &pw_arg],
    ));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn locked_the_window_the_tray_and_ipc_hold_no_code_and_every_trigger_locks() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO, BANK]));
    ok(cli(data.path(), &["pin", "forgejo"]));
    encrypt(&data)?;
    let system = PrivateBus::start()?;
    let mut s = Session::start(Options {
        data_dir: Some(data),
        env: vec![
            ("DBUS_SYSTEM_BUS_ADDRESS".to_owned(), system.address.clone()),
            ("XDG_SESSION_ID".to_owned(), "c1".to_owned()),
        ],
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO), secret_of(BANK)];

    // Locked at start: the unlock form, no name and no code; the tray offers only Unlock.
    s.wait_for_text("Ninsho is locked").await?;
    let text = s.page_text().await?;
    for code in reference_codes(FORGEJO)
        .iter()
        .chain(&reference_codes(BANK))
    {
        assert!(!text.contains(code.as_str()), "{text}");
    }
    assert!(
        !text.contains("Forgejo") && !text.contains("Bank"),
        "{text}"
    );
    let (dest, path) = tray_menu()?;
    let menu = until_menu(&dest, &path, "Unlock Ninsho…").await?;
    let labels: Vec<&str> = menu.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["Unlock Ninsho…", "Quit"], "no names while locked");
    s.screenshot("locked-window").await?;

    // The password typed and Enter: the codes, and the tray can lock.
    unlock_by_keys(&s).await?;
    let shown = s.code_of("Forgejo").await?;
    assert!(reference_codes(FORGEJO).contains(&shown), "{shown}");
    let menu = until_menu(&dest, &path, "Lock Ninsho").await?;
    let labels: Vec<&str> = menu.iter().map(|(_, l)| l.as_str()).collect();
    assert!(
        labels.contains(&"Forgejo (alice@example.com)"),
        "{labels:?}"
    );

    let mut latency = serde_json::Map::new();
    // Ctrl+L in the window.
    xdotool(&["key", "ctrl+l"])?;
    latency.insert("ctrl_l_ms".into(), until_locked(&s, "Ctrl+L").await?.into());
    // The tray's item.
    unlock_by_keys(&s).await?;
    let menu = until_menu(&dest, &path, "Lock Ninsho").await?;
    let lock_item = menu
        .iter()
        .find(|(_, l)| l == "Lock Ninsho")
        .map(|(id, _)| id.clone())
        .ok_or("no Lock Ninsho")?;
    click(&dest, &path, &lock_item)?;
    latency.insert("tray_ms".into(), until_locked(&s, "the tray").await?.into());
    until_menu(&dest, &path, "Unlock Ninsho…").await?;
    // The screen saver says the screen locked (the session bus).
    unlock_by_keys(&s).await?;
    let out = std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--type=signal",
            "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver.ActiveChanged",
            "boolean:true",
        ])
        .output()?;
    assert!(out.status.success(), "{out:?}");
    latency.insert(
        "screen_saver_ms".into(),
        until_locked(&s, "ActiveChanged").await?.into(),
    );
    // logind locks this session: its `Lock` signal, then its `LockedHint` turning true.
    unlock_by_keys(&s).await?;
    system.signal(
        "/org/freedesktop/login1/session/c1",
        "org.freedesktop.login1.Session.Lock",
        "",
    )?;
    latency.insert(
        "logind_lock_ms".into(),
        until_locked(&s, "logind's Lock").await?.into(),
    );
    unlock_by_keys(&s).await?;
    system.call(
        "/org/freedesktop/login1/session/c1",
        "org.freedesktop.login1.Session.SetLockedHint",
        &["true"],
    )?;
    latency.insert(
        "logind_locked_hint_ms".into(),
        until_locked(&s, "LockedHint").await?.into(),
    );
    // logind says the computer is going to sleep.
    unlock_by_keys(&s).await?;
    system.signal(
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager.PrepareForSleep",
        "boolean:true",
    )?;
    latency.insert(
        "sleep_ms".into(),
        until_locked(&s, "PrepareForSleep").await?.into(),
    );
    // Waking up (`false`) does not unlock, and nothing secret crossed IPC all along.
    system.signal(
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager.PrepareForSleep",
        "boolean:false",
    )?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(s.page_text().await?.contains("Ninsho is locked"));
    s.assert_no_secret_in_ipc().await?;
    let report = serde_json::Value::Object(latency);
    println!("lock latency: {report}");
    std::fs::write(
        root().join("target/e2e-screens/lock-latency.json"),
        report.to_string(),
    )?;
    for (trigger, ms) in report.as_object().into_iter().flatten() {
        assert!(
            ms.as_u64().unwrap_or(u64::MAX) < 1000,
            "{trigger} took {ms} ms to lock (at most a second)"
        );
    }
    s.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_use_the_app_locks_after_the_idle_delay_and_keys_keep_it_open() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO]));
    encrypt(&data)?;
    // Three seconds instead of the setting's minutes.
    let mut s = Session::start(Options {
        data_dir: Some(data),
        env: vec![("NINSHO_AUTOLOCK_SECONDS".to_owned(), "3".to_owned())],
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO)];
    unlock_by_keys(&s).await?;
    // A key every second for six seconds: use, so it stays open (the window's own code
    // refreshes are not use).
    for _ in 0..6 {
        xdotool(&["key", "Down"])?;
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        assert!(
            !s.page_text().await?.contains("Ninsho is locked"),
            "locked while in use"
        );
    }
    // Then nothing: locked within the delay and a second of the check's tick.
    let started = std::time::Instant::now();
    s.wait_page("the idle lock", |t| t.contains("Ninsho is locked"))
        .await?;
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(2) && waited < std::time::Duration::from_secs(6),
        "locked {waited:?} after the last key"
    );
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

/// System sign-in alone, on a machine where it cannot ask (no polkit here; as root, polkit
/// proves nothing): Ninsho starts locked, the window's one button has the focus and Enter
/// asks; the answer says why it cannot, the window stays locked, the tray offers only Unlock,
/// and nothing secret crossed IPC.
#[tokio::test(flavor = "multi_thread")]
async fn system_sign_in_alone_starts_locked_and_says_why_it_cannot_ask() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO]));
    // `ninsho-cli lock system` would ask polkit first; the file is what it would write.
    let file = data.path().join("vault.json");
    let mut vault: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    vault["system_unlock"] = serde_json::json!(true);
    std::fs::write(&file, serde_json::to_vec_pretty(&vault)?)?;
    let status = cli(data.path(), &["lock", "status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout)?;
    assert_eq!(status["mode"], "system", "{status}");
    let mut s = Session::start(Options {
        data_dir: Some(data),
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO)];
    s.wait_for_text("Unlock with system sign-in").await?;
    let text = s.page_text().await?;
    assert!(!text.contains("Forgejo"), "{text}");
    for code in reference_codes(FORGEJO) {
        assert!(!text.contains(code.as_str()), "{text}");
    }
    let (dest, path) = tray_menu()?;
    let menu = until_menu(&dest, &path, "Unlock Ninsho…").await?;
    let labels: Vec<&str> = menu.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["Unlock Ninsho…", "Quit"], "no names while locked");

    s.screenshot("locked-system").await?;
    // Keys only: the button has the focus, Enter presses it.
    let window = wait_for_window("^Ninsho$").await?;
    xdotool(&["windowactivate", "--sync", &window])
        .or_else(|_| xdotool(&["windowfocus", "--sync", &window]))?;
    xdotool(&["key", "Return"])?;
    let said = s
        .wait_page("system sign-in's answer", |t| {
            [
                "needs polkit",
                "polkit agent",
                "polkit action",
                "proves nothing for root",
            ]
            .iter()
            .any(|why| t.contains(why))
        })
        .await?;
    assert!(said.contains("Ninsho is locked"), "{said}");
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}

/// A StatusNotifier watcher on the session bus (scripts/tray-watcher.py), as a desktop panel
/// owns one; stopped when dropped.
struct TrayHost(std::process::Child);

impl TrayHost {
    async fn start() -> Result<TrayHost> {
        let host = TrayHost(
            std::process::Command::new("/usr/bin/python3")
                .arg(root().join("scripts/tray-watcher.py"))
                .spawn()?,
        );
        until(
            "the tray host on the session bus",
            std::time::Duration::from_secs(10),
            async || {
                let owned = gdbus(&[
                    "--dest",
                    "org.freedesktop.DBus",
                    "--object-path",
                    "/org/freedesktop/DBus",
                    "--method",
                    "org.freedesktop.DBus.NameHasOwner",
                    "org.kde.StatusNotifierWatcher",
                ])?;
                Ok(if owned.contains("true") {
                    Look::Done(())
                } else {
                    Look::Not(owned)
                })
            },
        )
        .await?;
        Ok(host)
    }
}

impl Drop for TrayHost {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// "Lock when the window is closed to the tray": the window's close (a window manager's
/// `WM_DELETE_WINDOW`) hides it to the tray and locks; the tray then offers only Unlock, and
/// opening the window again shows the password form, no code.
#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_to_the_tray_locks_when_the_setting_asks() -> Result {
    let data = new_data_dir();
    ok(cli(data.path(), &["add", "--yes", FORGEJO]));
    encrypt(&data)?;
    // A desktop's tray host: without one, closing the window quits Ninsho.
    let _host = TrayHost::start().await?;
    let mut s = Session::start(Options {
        data_dir: Some(data),
        settings: Some(serde_json::json!({
            "theme": "light", "language": "en", "clipboard_clear_seconds": 30,
            "show_next_code": true, "hide_codes": false, "close_to_tray": true, "lock_on_close": true,
        })),
        ..Options::default()
    })
    .await?;
    s.secrets = vec![secret_of(FORGEJO)];
    unlock_by_keys(&s).await?;
    let (dest, path) = tray_menu()?;
    until_menu(&dest, &path, "Lock Ninsho").await?;

    let window = wait_for_window("^Ninsho$").await?;
    let started = std::time::Instant::now();
    close_window(&window)?;
    let menu = until_menu(&dest, &path, "Unlock Ninsho…").await?;
    let ms = started.elapsed().as_millis();
    println!("lock latency: window closed to the tray {ms} ms");
    std::fs::write(
        root().join("target/e2e-screens/lock-latency-close.json"),
        serde_json::json!({ "window_closed_ms": ms as u64 }).to_string(),
    )?;
    let labels: Vec<&str> = menu.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["Unlock Ninsho…", "Quit"], "no names while locked");
    assert!(!visible("^Ninsho$"), "the window went to the tray");
    assert!(
        ms < 1000,
        "locked {ms} ms after the close (at most a second)"
    );

    // The tray's Unlock brings the window back, at the password form.
    let unlock = menu
        .iter()
        .find(|(_, l)| l == "Unlock Ninsho…")
        .map(|(id, _)| id.clone())
        .ok_or("no Unlock item")?;
    click(&dest, &path, &unlock)?;
    wait_for_window("^Ninsho$").await?;
    let text = s
        .wait_page("the window at the password form", |t| {
            t.contains("Ninsho is locked")
        })
        .await?;
    for code in reference_codes(FORGEJO) {
        assert!(!text.contains(code.as_str()), "{text}");
    }
    s.assert_no_secret_in_ipc().await?;
    s.stop().await
}
