//! "Scan screen": every monitor, every code.

use image::DynamicImage;
use ninsho_core::scan::{self, Content};

use crate::error::{AppError, ErrorCode};

/// Captures every monitor and returns what the QR codes on them hold.
pub fn scan_screens() -> Result<Vec<Content>, AppError> {
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
