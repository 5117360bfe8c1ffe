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
