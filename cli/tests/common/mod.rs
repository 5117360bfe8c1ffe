//! Helpers of the CLI process tests that need a real Secret Service.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn require(tool: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success());
    assert!(
        found.unwrap_or(false),
        "{tool} is missing: install dbus, gnome-keyring and libsecret-tools (make test does)"
    );
}

/// Runs a shell script in a fresh private D-Bus session with an unlocked gnome-keyring.
/// `$CLI` is ninsho-cli; `$NINSHO_DATA_DIR` is `data`.
pub fn in_keyring(data: &Path, script: &str) -> Output {
    for tool in ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"] {
        require(tool);
    }
    Command::new("env")
        .args(["-u", "DISPLAY", "dbus-run-session", "--"])
        .arg(root().join("scripts/with-keyring.sh"))
        .args(["sh", "-c", script])
        .env("CLI", env!("CARGO_BIN_EXE_ninsho-cli"))
        .env("NINSHO_DATA_DIR", data)
        .env("NINSHO_KEYCHAIN_TIMEOUT_MS", "8000")
        .output()
        .expect("run dbus-run-session")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The section of the output between `== name` and the next marker.
pub fn section(out: &str, name: &str) -> String {
    let start = out
        .find(&format!("== {name}\n"))
        .unwrap_or_else(|| panic!("no section {name} in:\n{out}"));
    let rest = &out[start + name.len() + 4..];
    rest[..rest.find("\n== ").map_or(rest.len(), |e| e + 1)].to_owned()
}
