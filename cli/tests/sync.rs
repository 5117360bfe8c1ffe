//! `ninsho-cli sync` between two computers' worth of Ninsho: two vaults, each with its own
//! data folder and its own gnome-keyring (each in its own private D-Bus session).
//!
//! - Through a plain folder both vaults see (a network share, or a sync engine that has
//!   finished).
//! - Through two real Syncthing instances on 127.0.0.1 (Debian's `syncthing`), each with its
//!   own configuration and folder, shared with the other; discovery, relays, NAT, upgrades and
//!   usage reports off, the GUI/REST API on a loopback port. Every wait is bounded, and both
//!   instances and both keyrings stop when the test ends, passed or failed.
#![cfg(target_os = "linux")]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{require, root, text};
use ninsho_core::otp::Secret;
use serde_json::Value;

const GITHUB: &str = "otpauth://totp/GitHub:me@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const BANK: &str =
    "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=3";
const MAIL: &str =
    "otpauth://totp/Mail:me@example.org?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=Mail";
const SECRETS: [&str; 3] = [
    "JBSWY3DPEHPK3PXP",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF",
];
const PASSPHRASE: &str = "correct horse battery staple";

/// (label, HOTP counter) of an account as `list --json` gives it.
type Listed = (String, Option<u64>);

/// A private D-Bus session with an unlocked gnome-keyring, kept until dropped.
struct Keyring {
    child: Child,
    bus: String,
    stop: PathBuf,
    _dir: tempfile::TempDir,
}

impl Keyring {
    fn start() -> Keyring {
        for tool in ["dbus-run-session", "gnome-keyring-daemon"] {
            require(tool);
        }
        let dir = tempfile::tempdir().unwrap();
        let address = dir.path().join("bus");
        let stop = dir.path().join("stop");
        // Ends by itself after 10 minutes even if this process is killed.
        let script = format!(
            "echo \"$DBUS_SESSION_BUS_ADDRESS\" > {a}.tmp && mv {a}.tmp {a}; i=0; \
             while [ ! -e {s} ] && [ $i -lt 3000 ]; do sleep 0.2; i=$((i+1)); done",
            a = address.display(),
            s = stop.display()
        );
        let child = Command::new("env")
            .args(["-u", "DISPLAY", "dbus-run-session", "--"])
            .arg(root().join("scripts/with-keyring.sh"))
            .args(["sh", "-c", &script])
            .stdin(Stdio::null())
            .spawn()
            .expect("start dbus-run-session");
        let bus = wait_for(
            "the keyring's D-Bus session",
            Duration::from_secs(30),
            || {
                std::fs::read_to_string(&address)
                    .ok()
                    .map(|s| s.trim().to_owned())
            },
        );
        Keyring {
            child,
            bus,
            stop,
            _dir: dir,
        }
    }
}

/// Waits up to 10 s for `child` to end after being asked to, then kills it.
fn stop(child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.stop, b"");
        stop(&mut self.child);
    }
}

/// One computer: a data folder and a keyring.
struct Computer {
    data: tempfile::TempDir,
    keyring: Keyring,
}

impl Computer {
    fn new() -> Computer {
        Computer {
            data: tempfile::tempdir().unwrap(),
            keyring: Keyring::start(),
        }
    }

    fn cli(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ninsho-cli"))
            .args(args)
            .env("NINSHO_DATA_DIR", self.data.path())
            .env("DBUS_SESSION_BUS_ADDRESS", &self.keyring.bus)
            .env("NINSHO_REAL_KEYCHAIN", "1")
            .env("NINSHO_KEYCHAIN_TIMEOUT_MS", "8000")
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .output()
            .expect("run ninsho-cli")
    }

    /// Runs `args`, which must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "ninsho-cli {args:?} failed ({}):\n{}{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// (label, counter) of every account, sorted.
    fn accounts(&self) -> Vec<Listed> {
        let list: Value = serde_json::from_str(&self.ok(&["list", "--json"])).unwrap();
        let mut out: Vec<Listed> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                let label = match a["issuer"].as_str() {
                    Some(i) => format!("{i} ({})", a["name"].as_str().unwrap_or("")),
                    None => a["name"].as_str().unwrap_or("").to_owned(),
                };
                (label, a["counter"].as_u64())
            })
            .collect();
        out.sort();
        out
    }

    fn code(&self, query: &str) -> String {
        self.ok(&["code", query, "--at", "1800000000"])
            .trim()
            .to_owned()
    }

    fn passphrase_file(&self) -> String {
        let path = self.data.path().join("passphrase");
        std::fs::write(&path, format!("{PASSPHRASE}\n")).unwrap();
        path.display().to_string()
    }
}

fn wait_for<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "gave up waiting for {what} after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Every file under `dir`, read whole.
fn all_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                out.push((p, b));
            }
        }
    }
    out
}

/// No secret, in base32, hex or raw bytes, in any file under `dir`.
fn assert_no_secret(dir: &Path) {
    let files = all_bytes(dir);
    assert!(!files.is_empty());
    for secret in SECRETS {
        let raw = Secret::from_base32(secret).unwrap();
        let hex: String = raw.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        for (path, bytes) in &files {
            let lower = String::from_utf8_lossy(bytes).to_lowercase();
            assert!(
                !lower.contains(&secret.to_lowercase()),
                "{secret} in {}",
                path.display()
            );
            assert!(
                !lower.contains(&hex),
                "{secret} (hex) in {}",
                path.display()
            );
            assert!(
                !bytes.windows(raw.len()).any(|w| w == raw.as_bytes()),
                "{secret} (raw) in {}",
                path.display()
            );
            for label in ["github", "example.com", "bank"] {
                assert!(
                    !lower.contains(label),
                    "'{label}' readable in {}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn two_vaults_sync_through_a_plain_folder() {
    let shared = tempfile::tempdir().unwrap();
    let dir = shared.path().to_str().unwrap();
    let a = Computer::new();
    let b = Computer::new();
    a.ok(&["add", "--yes", GITHUB, BANK]);
    let out = a.cli(&["sync", "setup", dir]);
    assert_eq!(out.status.code(), Some(1), "no passphrase and no terminal");
    assert!(
        text(&out.stderr).contains("--passphrase-file"),
        "{}",
        text(&out.stderr)
    );
    let pa = a.passphrase_file();
    a.ok(&[
        "sync",
        "setup",
        dir,
        "--passphrase-file",
        &pa,
        "--name",
        "desk",
    ]);

    let wrong = b.data.path().join("wrong");
    std::fs::write(&wrong, "not the passphrase\n").unwrap();
    let out = b.cli(&[
        "sync",
        "join",
        dir,
        "--passphrase-file",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("wrong passphrase"),
        "{}",
        text(&out.stderr)
    );
    let pb = b.passphrase_file();
    let joined = b.ok(&[
        "sync",
        "join",
        dir,
        "--passphrase-file",
        &pb,
        "--name",
        "laptop",
    ]);
    assert!(
        joined.contains("added    GitHub (me@example.com)"),
        "{joined}"
    );
    assert_eq!(b.accounts(), a.accounts());
    assert_eq!(b.code("github"), a.code("github"));

    // Every change syncs as it is made: an add on B, a rename and a HOTP code on A. A's
    // merge after its own change brings B's.
    b.ok(&["add", "--yes", MAIL]);
    a.ok(&["edit", "github", "--name", "work"]);
    assert!(
        a.accounts()
            .iter()
            .any(|(l, _)| l == "Mail (me@example.org)")
    );
    let first = a.ok(&["code", "bank"]);
    assert!(a.ok(&["sync", "now"]).contains("in step"));
    let merged = b.ok(&["sync", "now", "--json"]);
    let report: Value = serde_json::from_str(&merged).unwrap();
    assert_eq!(report["updated"].as_array().unwrap().len(), 1, "{merged}");
    assert_eq!(report["counters"], 1, "{merged}");
    assert_eq!(b.accounts(), a.accounts());
    // B's next Bank code is the one after A's, never A's again.
    let next_b = b.ok(&["code", "bank"]);
    assert_ne!(next_b, first);
    a.ok(&["sync", "now"]);
    assert_eq!(a.accounts(), b.accounts());

    // A deletes Mail; B follows. B's status lists both computers.
    a.ok(&["rm", "mail", "--yes"]);
    b.ok(&["sync", "now"]);
    assert!(b.accounts().iter().all(|(l, _)| !l.starts_with("Mail")));
    let status: Value = serde_json::from_str(&b.ok(&["sync", "status", "--json"])).unwrap();
    let names: Vec<&str> = status["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["laptop", "desk"]);
    assert!(b.ok(&["sync", "status"]).contains("desk  2 accounts"));
    assert_no_secret(shared.path());

    // B gives the folder a new passphrase: A, not told it, is shut out until it joins again
    // with it; B keeps its accounts.
    let new = b.data.path().join("new-passphrase");
    std::fs::write(&new, "another long sync passphrase\n").unwrap();
    let changed = b.ok(&[
        "sync",
        "passphrase",
        "--passphrase-file",
        new.to_str().unwrap(),
    ]);
    assert!(changed.contains("new passphrase"), "{changed}");
    let out = a.cli(&["sync", "now"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("passphrase"),
        "{}",
        text(&out.stderr)
    );
    a.ok(&["sync", "leave"]);
    a.ok(&[
        "sync",
        "join",
        dir,
        "--passphrase-file",
        new.to_str().unwrap(),
    ]);
    assert_eq!(a.accounts(), b.accounts());
    assert_no_secret(shared.path());

    // A leaves: its file goes, B keeps everything, A keeps its accounts.
    let left = a.ok(&["sync", "leave"]);
    assert!(left.contains("no longer syncs"), "{left}");
    b.ok(&["sync", "now"]);
    assert_eq!(b.accounts().len(), 2);
    assert_eq!(a.accounts().len(), 2);
    let out = a.cli(&["sync", "now"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not sync"),
        "{}",
        text(&out.stderr)
    );
}

/// Two Syncthing instances on 127.0.0.1 sharing one folder each.
struct Syncthing {
    child: Child,
    gui: u16,
    key: String,
    id: String,
    folder: PathBuf,
    _home: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Generates a Syncthing home; its device id.
fn generate(home: &Path) -> String {
    let out = Command::new("syncthing")
        .args(["generate", "--no-default-folder"])
        .arg(format!("--home={}", home.display()))
        .output()
        .expect("run syncthing generate");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    all.lines()
        .find_map(|l| l.split("Device ID: ").nth(1))
        .map(|id| id.trim().to_owned())
        .unwrap_or_else(|| panic!("no device id from syncthing generate:\n{all}"))
}

impl Syncthing {
    /// `me` listens on `port` and knows `other` at `other_port`.
    #[allow(clippy::too_many_arguments)]
    fn start(
        home: tempfile::TempDir,
        me: &str,
        port: u16,
        other: &str,
        other_port: u16,
        folder: &Path,
    ) -> Syncthing {
        let gui = free_port();
        let key = format!("ninsho-test-key-{port}");
        std::fs::create_dir_all(folder.join(".stfolder")).unwrap();
        let config = format!(
            r#"<configuration version="36">
    <folder id="ninsho" label="ninsho" path="{folder}" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <device id="{me}" introducedBy=""></device>
        <device id="{other}" introducedBy=""></device>
        <minDiskFree unit="%">0</minDiskFree>
    </folder>
    <device id="{me}" name="me" compression="metadata" introducer="false">
        <address>dynamic</address>
    </device>
    <device id="{other}" name="other" compression="metadata" introducer="false">
        <address>tcp://127.0.0.1:{other_port}</address>
    </device>
    <gui enabled="true" tls="false" debugging="false">
        <address>127.0.0.1:{gui}</address>
        <apikey>{key}</apikey>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{port}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <startBrowser>false</startBrowser>
        <crashReportingEnabled>false</crashReportingEnabled>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
    </options>
</configuration>
"#,
            folder = folder.display()
        );
        std::fs::write(home.path().join("config.xml"), config).unwrap();
        let log = std::fs::File::create(home.path().join("log")).unwrap();
        let child = Command::new("syncthing")
            .arg("serve")
            .arg(format!("--home={}", home.path().display()))
            .args([
                "--no-browser",
                "--no-restart",
                "--no-upgrade",
                "--skip-port-probing",
            ])
            .env("STNOUPGRADE", "1")
            .env("STNODEFAULTFOLDER", "1")
            .env("all_proxy", "")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start syncthing");
        let st = Syncthing {
            child,
            gui,
            key,
            id: me.to_owned(),
            folder: folder.to_path_buf(),
            _home: home,
        };
        wait_for("Syncthing's REST API", Duration::from_secs(30), || {
            st.rest("GET", "/rest/system/ping")
                .filter(|b| b.contains("pong"))
        });
        st
    }

    /// One REST call on loopback; the body of a 200 reply.
    fn rest(&self, method: &str, path: &str) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.gui)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.key
        )
        .ok()?;
        let mut reply = String::new();
        s.read_to_string(&mut reply).ok()?;
        let (head, body) = reply.split_once("\r\n\r\n")?;
        head.starts_with("HTTP/1.1 200").then(|| body.to_owned())
    }

    fn connected_to(&self, other: &str) -> bool {
        self.rest("GET", "/rest/system/connections")
            .and_then(|b| serde_json::from_str::<Value>(&b).ok())
            .is_some_and(|v| v["connections"][other]["connected"] == true)
    }

    fn pause(&self, other: &str, paused: bool) {
        let verb = if paused { "pause" } else { "resume" };
        self.rest("POST", &format!("/rest/system/{verb}?device={other}"))
            .unwrap_or_else(|| panic!("syncthing {verb} failed"));
    }
}

impl Drop for Syncthing {
    fn drop(&mut self) {
        let _ = self.rest("POST", "/rest/system/shutdown");
        stop(&mut self.child);
    }
}

#[test]
fn two_computers_stay_in_step_through_syncthing() {
    require("syncthing");
    let (home_a, home_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (id_a, id_b) = (generate(home_a.path()), generate(home_b.path()));
    let (port_a, port_b) = (free_port(), free_port());
    let folders = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (folders.path().join("a"), folders.path().join("b"));
    let st_a = Syncthing::start(home_a, &id_a, port_a, &id_b, port_b, &dir_a);
    let st_b = Syncthing::start(home_b, &id_b, port_b, &id_a, port_a, &dir_b);
    wait_for(
        "the two Syncthings to connect",
        Duration::from_secs(60),
        || (st_a.connected_to(&st_b.id) && st_b.connected_to(&st_a.id)).then_some(()),
    );

    let a = Computer::new();
    let b = Computer::new();
    a.ok(&["add", "--yes", GITHUB]);
    let pa = a.passphrase_file();
    a.ok(&[
        "sync",
        "setup",
        dir_a.to_str().unwrap(),
        "--passphrase-file",
        &pa,
        "--name",
        "desk",
    ]);
    // B joins once Syncthing has brought the folder, with A's file in it.
    let folder_json = dir_b.join("ninsho-sync/folder.json");
    wait_for("folder.json on B", Duration::from_secs(60), || {
        (folder_json.exists()
            && std::fs::read_dir(dir_b.join("ninsho-sync"))
                .map(|d| {
                    d.flatten()
                        .any(|e| e.file_name().to_string_lossy().ends_with(".ninsho"))
                })
                .unwrap_or(false))
        .then_some(())
    });
    let pb = b.passphrase_file();
    b.ok(&[
        "sync",
        "join",
        dir_b.to_str().unwrap(),
        "--passphrase-file",
        &pb,
        "--name",
        "laptop",
    ]);
    assert_eq!(b.code("github"), a.code("github"));

    // An account added on A appears on B with the same code; the time it takes is printed.
    let start = Instant::now();
    a.ok(&["add", "--yes", BANK]);
    let until_b = |what: &str, done: &dyn Fn(&[Listed]) -> bool| {
        wait_for(what, Duration::from_secs(60), || {
            b.ok(&["sync", "now"]);
            done(&b.accounts()).then_some(())
        })
    };
    until_b("Bank on B", &|l| {
        l.iter().any(|(x, _)| x.starts_with("Bank"))
    });
    let elapsed = start.elapsed();
    println!(
        "sync: a change on A gave the code on B after {:.1} s",
        elapsed.as_secs_f64()
    );
    assert_eq!(b.code("github"), a.code("github"));
    assert_eq!(b.accounts(), a.accounts());

    // An edit on B arrives on A; a delete on A arrives on B.
    b.ok(&["edit", "github", "--name", "work"]);
    wait_for("B's edit on A", Duration::from_secs(60), || {
        a.ok(&["sync", "now"]);
        a.accounts()
            .iter()
            .any(|(l, _)| l == "GitHub (work)")
            .then_some(())
    });
    a.ok(&["rm", "bank", "--yes"]);
    until_b("A's delete on B", &|l| {
        l.iter().all(|(x, _)| !x.starts_with("Bank"))
    });

    // Both edit while Syncthing is paused; once it resumes they converge, the later edit
    // of the same account winning on both, and an edit of another account kept.
    st_a.pause(&st_b.id, true);
    st_b.pause(&st_a.id, true);
    wait_for("Syncthing paused", Duration::from_secs(30), || {
        (!st_a.connected_to(&st_b.id) && !st_b.connected_to(&st_a.id)).then_some(())
    });
    a.ok(&["add", "--yes", MAIL]);
    a.ok(&["edit", "github", "--name", "from a"]);
    std::thread::sleep(Duration::from_millis(20));
    b.ok(&["edit", "github", "--name", "from b"]);
    b.ok(&["pin", "github"]);
    st_a.pause(&st_b.id, false);
    st_b.pause(&st_a.id, false);
    let converged = wait_for(
        "both to converge after the resume",
        Duration::from_secs(90),
        || {
            a.ok(&["sync", "now"]);
            b.ok(&["sync", "now"]);
            let (la, lb) = (a.accounts(), b.accounts());
            (la == lb && la.len() == 2).then_some(la)
        },
    );
    assert_eq!(
        converged
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>(),
        ["GitHub (from b)", "Mail (me@example.org)"]
    );
    assert_eq!(b.code("mail"), a.code("mail"));

    // No secret, name or issuer is readable in either folder (Syncthing's own files included).
    assert_no_secret(&st_a.folder);
    assert_no_secret(&st_b.folder);
    // No conflict copy was ever needed: each file has one writer.
    for (path, _) in all_bytes(&dir_a).into_iter().chain(all_bytes(&dir_b)) {
        assert!(
            !path.to_string_lossy().contains("sync-conflict"),
            "{}",
            path.display()
        );
    }
}

/// Two computers syncing through one folder, the first holding one GitHub account.
fn two_syncing_with_github() -> (tempfile::TempDir, Computer, Computer) {
    let shared = tempfile::tempdir().unwrap();
    let dir = shared.path().to_str().unwrap();
    let a = Computer::new();
    let b = Computer::new();
    a.ok(&["add", "--yes", GITHUB]);
    let pa = a.passphrase_file();
    a.ok(&["sync", "setup", dir, "--passphrase-file", &pa]);
    let pb = b.passphrase_file();
    b.ok(&["sync", "join", dir, "--passphrase-file", &pb]);
    (shared, a, b)
}

/// The own icon `list --json` gives for the computer's first account.
fn icon_of(c: &Computer) -> Value {
    let list: Value = serde_json::from_str(&c.ok(&["list", "--json"])).unwrap();
    list[0]["icon"].clone()
}

/// `edit --icon FILE` gives an account its own icon, drawn in Rust (a hostile SVG or a file
/// past the bound is refused and changes nothing), the icon syncs to the other computer with
/// the account, and `--no-icon` takes it away there too.
#[test]
fn an_icon_set_from_the_cli_reaches_the_other_computer_and_hostile_files_are_refused() {
    let (_shared, a, b) = two_syncing_with_github();
    assert_eq!(icon_of(&a), Value::Null);

    let files = tempfile::tempdir().unwrap();
    let hostile = files.path().join("logo.svg");
    std::fs::write(
        &hostile,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://tracker.example/p.png"/></svg>"#,
    )
    .unwrap();
    let huge = files.path().join("photo.png");
    std::fs::write(&huge, vec![0u8; 50 * 1024 * 1024]).unwrap();
    for (file, says) in [(&hostile, "linked image"), (&huge, "at most 1048576 bytes")] {
        let out = a.cli(&["edit", "github", "--icon", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
    }
    assert_eq!(icon_of(&a), Value::Null, "a refused image changes nothing");

    let logo = files.path().join("logo2.svg");
    std::fs::write(
        &logo,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1" fill="#e34"/></svg>"##,
    )
    .unwrap();
    assert!(
        a.ok(&["edit", "github", "--icon", logo.to_str().unwrap()])
            .contains("icon:")
    );
    let kept = icon_of(&a);
    assert!(
        kept.as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{kept}"
    );
    b.ok(&["sync", "now"]);
    assert_eq!(icon_of(&b), kept);

    b.ok(&["edit", "github", "--no-icon"]);
    a.ok(&["sync", "now"]);
    assert_eq!(icon_of(&a), Value::Null);
}

/// An Aegis icon pack zip: `pack.json` and the icons it names.
fn icon_pack(files: &[(&str, &[&str], &str)]) -> Vec<u8> {
    let manifest = serde_json::json!({
        "uuid": "0f6c7e1a-5d2b-4c3e-8f9a-1b2c3d4e5f60", "name": "Test Pack", "version": 1,
        "icons": files.iter().map(|(file, issuers, _)| serde_json::json!({
            "filename": file, "category": null, "issuer": issuers,
        })).collect::<Vec<_>>(),
    });
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("pack.json", options).unwrap();
    zip.write_all(manifest.to_string().as_bytes()).unwrap();
    for (file, _, body) in files {
        zip.start_file(*file, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_icon_pack_imported_from_the_cli_suggests_icons_and_the_chosen_one_travels() {
    let (_shared, a, b) = two_syncing_with_github();

    let files = tempfile::tempdir().unwrap();
    let pack = files.path().join("aegis-icons.zip");
    let square = |fill: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2" height="2" fill="{fill}"/></svg>"#
        )
    };
    let (github, gitea) = (square("#181717"), square("#609926"));
    std::fs::write(
        &pack,
        icon_pack(&[
            ("SVG/GitHub.svg", &["GitHub"], &github),
            ("SVG/Gitea.svg", &["Gitea", "GitHub Gitea mirror"], &gitea),
            (
                "SVG/Evil.svg",
                &["Evil"],
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            ),
        ]),
    )
    .unwrap();
    let said = a.ok(&["icons", "import", pack.to_str().unwrap()]);
    assert!(
        said.contains("imported Test Pack version 1 (2 icons)"),
        "{said}"
    );
    assert!(
        said.contains("SVG/Evil.svg: the SVG image contains a script"),
        "{said}"
    );
    let listed: Value = serde_json::from_str(&a.ok(&["icons", "list", "--json"])).unwrap();
    assert_eq!(listed[0]["name"], "Test Pack");
    assert_eq!(listed[0]["icons"], 2);

    // Aegis's order: the same issuer first, then the issuers that contain it.
    let said = a.ok(&["icons", "suggest", "github"]);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 2, "{said}");
    assert!(
        lines[0].contains("GitHub  (Test Pack, same issuer)"),
        "{said}"
    );
    assert!(
        lines[1].contains("Gitea  (Test Pack, issuer contained)"),
        "{said}"
    );
    assert_eq!(
        icon_of(&a),
        Value::Null,
        "a suggestion is not the account's own icon"
    );

    let out = a.cli(&["icons", "use", "github", "3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("has 2 suggested icon(s)"),
        "{}",
        text(&out.stderr)
    );
    a.ok(&["icons", "use", "github", "1"]);
    let kept = icon_of(&a);
    assert!(
        kept.as_str().unwrap().starts_with("data:image/png;base64,"),
        "{kept}"
    );
    // The chosen icon is the account's own: it reaches the other computer, which has no pack.
    b.ok(&["sync", "now"]);
    assert_eq!(icon_of(&b), kept);
    assert!(b.ok(&["icons", "list"]).contains("no icon packs"));

    // Removing the pack leaves the icon given to the account.
    assert!(
        a.ok(&["icons", "remove", "test pack"])
            .contains("removed Test Pack version 1")
    );
    assert!(a.ok(&["icons", "list"]).contains("no icon packs"));
    assert_eq!(icon_of(&a), kept);

    // A file that is no pack is refused with what is wrong with it.
    let out = a.cli(&[
        "icons",
        "import",
        files.path().join("none.zip").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let not_a_pack = files.path().join("notes.zip");
    std::fs::write(&not_a_pack, "just text").unwrap();
    let out = a.cli(&["icons", "import", not_a_pack.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not a ZIP archive"),
        "{}",
        text(&out.stderr)
    );
}
