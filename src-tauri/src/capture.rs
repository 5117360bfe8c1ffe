//! "Scan screen": every monitor, every code.
//!
//! On X11, xcap captures every monitor directly. On Wayland, Ninsho asks the desktop portal
//! for an interactive screenshot (`ashpd`, as GNOME Authenticator does): the desktop shows its
//! own dialog, the person confirms, and the whole screen's image is scanned like any other.
//! xcap's own Wayland path is never taken: it asks for a non-interactive screenshot, which many
//! desktops refuse to an app that is not sandboxed, and on GNOME has the screen written to a
//! guessable folder under `/tmp` (the screen shows the QR code: a secret).

use image::DynamicImage;
use ninsho_core::scan::{self, Content};

use crate::error::{AppError, ErrorCode};

/// How Scan screen goes about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// xcap, on X11.
    Direct,
    /// The desktop portal's interactive Screenshot request, on Wayland.
    Portal,
}

pub fn way(wayland: bool) -> Way {
    if wayland { Way::Portal } else { Way::Direct }
}

fn on_wayland() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland")
}

/// Captures every monitor and returns what the QR codes on them hold.
pub fn scan_screens() -> Result<Vec<Content>, AppError> {
    match way(on_wayland()) {
        Way::Direct => scan_monitors(),
        Way::Portal => portal(),
    }
}

/// The largest screenshot file read back from the portal.
#[cfg(target_os = "linux")]
const MAX_SCREENSHOT_BYTES: u64 = 256 * 1024 * 1024;

/// Asks the desktop portal for an interactive screenshot and scans it. The file the portal
/// wrote shows the QR code (a secret): it is removed once read.
#[cfg(target_os = "linux")]
fn portal() -> Result<Vec<Content>, AppError> {
    use ashpd::desktop::screenshot::Screenshot;
    // Not tauri::async_runtime::block_on: this runs inside a command on its tokio runtime.
    let uri = zbus::block_on(async {
        Screenshot::request()
            .interactive(true)
            .modal(true)
            .send()
            .await?
            .response()
            .map(|s| s.uri().as_str().to_owned())
    })
    .map_err(capture_error)?;
    let path = tauri::Url::parse(&uri)
        .ok()
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(|| capture_error(format!("the portal answered {uri}, not a file")))?;
    let bytes = ninsho_core::app::read::read_bounded(&path, MAX_SCREENSHOT_BYTES);
    let _ = std::fs::remove_file(&path);
    let bytes = bytes.map_err(capture_error)?;
    let image = scan::decode_image(&bytes).map_err(AppError::from)?;
    Ok(scan::scan_image(&image)
        .into_iter()
        .map(|p| p.content)
        .collect())
}

#[cfg(not(target_os = "linux"))]
fn portal() -> Result<Vec<Content>, AppError> {
    Err(capture_error("no desktop portal on this system"))
}

/// Captures every monitor with xcap.
fn scan_monitors() -> Result<Vec<Content>, AppError> {
    let monitors = xcap::Monitor::all().map_err(capture_error)?;
    if monitors.is_empty() {
        return Err(AppError::new(
            ErrorCode::ScreenCapture,
            "No screen could be found to capture.",
        ));
    }
    let mut contents = Vec::new();
    let mut last_error = None;
    for monitor in monitors {
        match monitor.capture_image() {
            Ok(image) => contents.extend(
                scan::scan_image(&DynamicImage::ImageRgba8(image))
                    .into_iter()
                    .map(|p| p.content),
            ),
            Err(e) => last_error = Some(e),
        }
    }
    match (contents.is_empty(), last_error) {
        (true, Some(e)) => Err(capture_error(e)),
        _ => Ok(contents),
    }
}

fn capture_error(e: impl std::fmt::Display) -> AppError {
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some();
    let message = if wayland {
        "The screen could not be captured. On Wayland the desktop must allow it: accept the screenshot \
         request, or take a screenshot yourself and open or paste it here."
    } else {
        "The screen could not be captured. Take a screenshot yourself and open or paste it here."
    };
    AppError::new(
        if wayland {
            ErrorCode::ScreenCaptureWayland
        } else {
            ErrorCode::ScreenCapture
        },
        message,
    )
    .with_detail(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_is_asked_on_wayland_and_xcap_only_on_x11() {
        assert_eq!(way(true), Way::Portal);
        assert_eq!(way(false), Way::Direct);
    }
}
