// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    webkit_defaults();
    ninsho_app::run();
}

/// WebKitGTK draws pages through OpenGL by default ("accelerated compositing"). Ninsho's page is a
/// list that changes a few pixels a second; drawn on the CPU, only what changed is repainted,
/// while composited each change is a whole frame through GL, which on a desktop without a GPU
/// driver (virtual machines, remote sessions, Mesa's software renderer) measured 6.3 % of a core
/// at rest with a hundred accounts, against 1.1 % drawn on the CPU (`make bench-app`, Xvfb).
/// A variable the person set wins.
fn webkit_defaults() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: first thing in main, before any thread exists that could read the environment.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
}
