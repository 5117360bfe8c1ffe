//! Drives the built Ninsho app (target/debug/ninsho, UI embedded) in a real WebKitGTK window
//! through tauri-driver and WebKitWebDriver. Linux only (Xvfb, xdotool, process groups): on
//! other systems the crate is empty, so the workspace still checks for them.
//!
//! The tests expect what `make test-e2e` sets up: an X display (Xvfb), a private D-Bus session
//! with an unlocked gnome-keyring (scripts/with-keyring.sh), and xclip. Each test gets its own
//! data folder; a session can also be started without any Secret Service.
//!
//! - `session`: the app under test, started and driven over WebDriver, its IPC recorded.
//! - `desktop`: native dialogs, windows, the screen and the X clipboard, driven with xdotool
//!   and xclip as a person's keyboard and eyes would.
//! - `secrets`: reference codes, a secret's spellings, QR images.
//! - `poll`: the one way a test waits.
#![cfg(target_os = "linux")]

mod desktop;
mod poll;
mod secrets;
mod session;

pub use desktop::*;
pub use poll::*;
pub use secrets::*;
pub use session::*;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T = ()> = std::result::Result<T, Error>;
