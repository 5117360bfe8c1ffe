//! System sign-in against the real polkit: polkitd on the system bus (started here when none
//! runs), Ninsho's action from `packaging/polkit`, a throwaway user with a password, and
//! `ninsho-cli lock system` run as that user in a pseudo-terminal, where the CLI starts
//! pkttyagent and the test types the password at its prompt, as a person would.
//!
//! It changes the machine (a user, an action file, a system bus and polkitd if none ran), so
//! it needs root and runs in `make test` when that is root; everything it added is removed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const USER: &str = "ninsho-polkit-test";
const PASSWORD: &str = "Right-Pass-4711";
const ACTION_FILE: &str = "/usr/share/polkit-1/actions/io.ninsho.Ninsho.policy";
const SYSTEM_SOCKET: &str = "/run/dbus/system_bus_socket";

/// Runs argv in a pseudo-terminal (its controlling terminal, as a shell's is), types the
/// password after the first "Password:" it prints, and reports the exit code and everything
/// printed. Env: PTY_PASSWORD (unset: type nothing).
const PTY: &str = r#"
import os, pty, select, sys, time
password = os.environ.pop("PTY_PASSWORD", None)
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, sent, deadline = b"", False, time.time() + 90
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if password is not None and not sent and b"Password:" in out:
        time.sleep(0.2)
        os.write(fd, (password + "\n").encode())
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.stdout.write("\nEXIT %d\n" % os.waitstatus_to_exitcode(status))
"#;

/// What the test added to the machine, removed when it ends (also when it fails).
#[derive(Default)]
struct Machine {
    bus: Option<Child>,
    polkitd: Option<Child>,
    action_added: bool,
    user_added: bool,
}

impl Drop for Machine {
    fn drop(&mut self) {
        if self.user_added {
            let _ = Command::new("userdel").arg(USER).status();
        }
        if self.action_added {
            let _ = std::fs::remove_file(ACTION_FILE);
        }
        if let Some(mut p) = self.polkitd.take() {
            let _ = p.kill();
            let _ = p.wait();
        }
        if let Some(mut b) = self.bus.take() {
            let _ = b.kill();
            let _ = b.wait();
            let _ = std::fs::remove_file(SYSTEM_SOCKET);
        }
    }
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn system_bus_answers() -> bool {
    Command::new("dbus-send")
        .args(["--system", "--print-reply", "--dest=org.freedesktop.DBus"])
        .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.GetId"])
        .env(
            "DBUS_SYSTEM_BUS_ADDRESS",
            format!("unix:path={SYSTEM_SOCKET}"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn polkit_has(action: &str) -> bool {
    Command::new("pkaction")
        .args(["--action-id", action])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn polkit_runs() -> bool {
    let out = Command::new("dbus-send")
        .args(["--system", "--print-reply", "--dest=org.freedesktop.DBus"])
        .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner"])
        .arg("string:org.freedesktop.PolicyKit1")
        .env(
            "DBUS_SYSTEM_BUS_ADDRESS",
            format!("unix:path={SYSTEM_SOCKET}"),
        )
        .output();
    out.is_ok_and(|o| text(&o.stdout).contains("boolean true"))
}

fn wait_for(what: &str, seconds: u64, ok: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(seconds);
    while !ok() {
        assert!(Instant::now() < until, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn start(machine: &mut Machine) {
    for tool in [
        "dbus-daemon",
        "dbus-send",
        "pkttyagent",
        "pkaction",
        "useradd",
        "chpasswd",
        "setpriv",
        "python3",
    ] {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            found,
            "{tool} is missing: install polkitd, dbus and python3 (make test does)"
        );
    }
    let polkitd = Path::new("/usr/lib/polkit-1/polkitd");
    assert!(polkitd.exists(), "polkitd is missing: install polkitd");
    if !system_bus_answers() {
        let _ = std::fs::remove_file(SYSTEM_SOCKET);
        std::fs::create_dir_all("/run/dbus").unwrap();
        machine.bus = Some(
            Command::new("dbus-daemon")
                .args(["--system", "--nofork", "--nopidfile"])
                .spawn()
                .expect("dbus-daemon --system starts"),
        );
        wait_for("the system bus", 10, system_bus_answers);
    }
    if !Path::new(ACTION_FILE).exists() {
        let ours = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../packaging/polkit/io.ninsho.Ninsho.policy");
        std::fs::copy(&ours, ACTION_FILE).unwrap();
        machine.action_added = true;
    }
    if !polkit_runs() {
        machine.polkitd = Some(
            Command::new(polkitd)
                .arg("--no-debug")
                .env(
                    "DBUS_SYSTEM_BUS_ADDRESS",
                    format!("unix:path={SYSTEM_SOCKET}"),
                )
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("polkitd starts"),
        );
        wait_for("polkitd on the system bus", 15, polkit_runs);
    }
    wait_for("polkit to load Ninsho's action", 15, || {
        polkit_has("io.ninsho.Ninsho.unlock")
    });
    let _ = Command::new("userdel").arg(USER).status();
    let added = run(Command::new("useradd").args(["--no-create-home", "--shell", "/bin/sh", USER]));
    assert!(added.status.success(), "{}", text(&added.stderr));
    machine.user_added = true;
    let mut chpasswd = Command::new("chpasswd")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    chpasswd
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{USER}:{PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(chpasswd.wait().unwrap().success());
}

fn id(flag: &str) -> String {
    text(&run(Command::new("id").args([flag, USER])).stdout)
        .trim()
        .to_owned()
}

/// A folder the test user owns, with a copy of the CLI it can run (the build folder may be
/// under a home only root can enter).
fn user_home() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::Builder::new()
        .prefix("ninsho-polkit")
        .tempdir_in("/tmp")
        .unwrap();
    let cli = home.path().join("ninsho-cli");
    std::fs::copy(env!("CARGO_BIN_EXE_ninsho-cli"), &cli).unwrap();
    let (uid, gid) = (id("-u").parse().unwrap(), id("-g").parse().unwrap());
    for path in [home.path(), &cli] {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
    }
    (home, cli)
}

/// `ninsho-cli ARGS` as the test user; in a pseudo-terminal typing `typed` at the prompt
/// (`Some`), or with no terminal at all (`None`). Ends with the line `EXIT <code>`.
fn as_user(home: &Path, cli: &Path, args: &[&str], pty: Option<Option<&str>>) -> String {
    let mut argv: Vec<String> = vec![
        "--reuid".into(),
        id("-u"),
        "--regid".into(),
        id("-g"),
        "--clear-groups".into(),
        "--reset-env".into(),
        "env".into(),
        format!("HOME={}", home.display()),
        format!("NINSHO_DATA_DIR={}", home.join("data").display()),
        // No keychain: `lock system` needs none, and the test user has no session bus.
        "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent".into(),
    ];
    let pty = pty.map(|typed| {
        if let Some(p) = typed {
            argv.push(format!("PTY_PASSWORD={p}"));
        }
        argv.extend(["python3".into(), "-c".into(), PTY.into()]);
    });
    argv.push(cli.display().to_string());
    argv.extend(args.iter().map(|a| a.to_string()));
    let out = run(Command::new("setpriv").args(&argv).stdin(Stdio::null()));
    let printed = text(&out.stdout) + &text(&out.stderr);
    match pty {
        Some(()) => printed,
        None => format!("{printed}\nEXIT {}\n", out.status.code().unwrap_or(-1)),
    }
}

fn exit_code(transcript: &str) -> i32 {
    transcript
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("EXIT "))
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(-1)
}

fn mode(home: &Path, cli: &Path) -> serde_json::Value {
    let out = as_user(home, cli, &["lock", "status", "--json"], None);
    let json = match (out.find('{'), out.rfind('}')) {
        (Some(a), Some(b)) if a < b => &out[a..=b],
        _ => "",
    };
    serde_json::from_str(json).unwrap_or_else(|_| panic!("lock status --json: {out}"))
}

#[test]
#[ignore = "needs root (a user, polkitd on the system bus); make test runs it when it is root"]
fn system_sign_in_asks_polkit_and_only_the_right_password_turns_it_on() {
    let mut machine = Machine::default();
    start(&mut machine);
    let (home, cli) = user_home();

    // A wrong password at pkttyagent's prompt: refused, nothing changed.
    let wrong = as_user(
        home.path(),
        &cli,
        &["lock", "system"],
        Some(Some("Wrong-Pass-1")),
    );
    assert!(wrong.contains("Password:"), "pkttyagent asked: {wrong}");
    assert!(
        wrong.contains("did not confirm it is you") && exit_code(&wrong) != 0,
        "{wrong}"
    );
    assert_eq!(mode(home.path(), &cli)["system"], false);

    // The right one: on, and `lock status` says what it protects against.
    let right = as_user(home.path(), &cli, &["lock", "system"], Some(Some(PASSWORD)));
    assert!(
        right.contains("System sign-in is on") && exit_code(&right) == 0,
        "{right}"
    );
    let status = mode(home.path(), &cli);
    assert_eq!(
        (status["mode"].as_str(), &status["system"]),
        (Some("system"), &serde_json::json!(true))
    );
    assert!(
        status["protects"]
            .as_str()
            .unwrap_or("")
            .contains("not programs running as you")
    );
    let off = as_user(home.path(), &cli, &["lock", "off"], None);
    assert!(
        off.contains("System sign-in is off") && exit_code(&off) == 0,
        "{off}"
    );

    // No terminal and no desktop agent: nobody can ask, and the CLI says so.
    let no_agent = as_user(home.path(), &cli, &["lock", "system"], None);
    assert!(
        no_agent.contains("no polkit agent runs") && exit_code(&no_agent) != 0,
        "{no_agent}"
    );

    // Root: polkit would say yes without asking, so Ninsho refuses to count it.
    let root_home = tempfile::tempdir().unwrap();
    let root = run(Command::new(env!("CARGO_BIN_EXE_ninsho-cli"))
        .args(["lock", "system"])
        .env("NINSHO_DATA_DIR", root_home.path())
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .stdin(Stdio::null()));
    assert!(
        !root.status.success() && text(&root.stderr).contains("proves nothing for root"),
        "{}",
        text(&root.stderr)
    );

    // The action not installed: a clear "install the package", never a yes.
    if machine.action_added {
        std::fs::remove_file(ACTION_FILE).unwrap();
        machine.action_added = false;
        wait_for("polkit to drop Ninsho's action", 15, || {
            !polkit_has("io.ninsho.Ninsho.unlock")
        });
        let missing = as_user(home.path(), &cli, &["lock", "system"], Some(Some(PASSWORD)));
        assert!(
            missing.contains("is not installed") && exit_code(&missing) != 0,
            "{missing}"
        );
        assert_eq!(mode(home.path(), &cli)["system"], false);
    }
}
