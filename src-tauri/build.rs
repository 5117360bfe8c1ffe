//! Declares every command the UI may call; nothing unlisted is callable. The list is
//! src/commands/list.rs, the same one lib.rs registers: each command gets an `allow-*`
//! permission, and the app's `default` permission (granted to the main window by
//! capabilities/main.json) allows them all.

use std::path::PathBuf;

include!("src/commands/list.rs");

/// A command's name: the last segment of its path.
macro_rules! last_segment {
    ($only:ident) => {
        stringify!($only)
    };
    ($first:ident $(:: $rest:ident)+) => {
        last_segment!($($rest)::+)
    };
}

/// The names of a list of command paths.
macro_rules! names {
    ($($($segment:ident)::+),* $(,)?) => {
        &[$(last_segment!($($segment)::+)),*]
    };
}

const COMMANDS: &[&str] = app_commands!(names);

fn main() {
    // New files under ui/dist are embedded only if the build reruns when they change.
    println!("cargo:rerun-if-changed=../ui/dist");
    println!("cargo:rerun-if-changed=src/commands/list.rs");
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    let manifest = match default_permission() {
        Some(pattern) => manifest.permissions_path_pattern(pattern),
        None => manifest,
    };
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build configuration");
}

/// Writes the app's `default` permission (every command in the list) under OUT_DIR and
/// returns the pattern tauri-build reads it from.
fn default_permission() -> Option<&'static str> {
    let dir = PathBuf::from(std::env::var_os("OUT_DIR")?).join("app-permissions");
    std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
    let allowed: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("\"allow-{}\"", c.replace('_', "-")))
        .collect();
    let toml = format!(
        "# Written by build.rs from src/commands/list.rs.\n[default]\n\
         description = \"Every command of Ninsho's own, for the main window.\"\n\
         permissions = [{}]\n",
        allowed.join(", ")
    );
    std::fs::write(dir.join("default.toml"), toml).expect("OUT_DIR is writable");
    let pattern = format!("{}/*.toml", dir.display());
    Some(Box::leak(pattern.into_boxed_str()))
}
