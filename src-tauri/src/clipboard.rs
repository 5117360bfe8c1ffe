//! Copying a code: Rust writes the clipboard (marked as a secret, so clipboard managers leave
//! it out of their history) and clears it after the configured delay — only if it still holds
//! that code, so something copied in the meantime is left alone.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use zeroize::Zeroizing;

use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

fn clipboard_error(e: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorCode::Clipboard, "The clipboard could not be used.")
        .with_detail(e.to_string())
}

/// Puts `code` on the clipboard and schedules its removal.
pub fn copy<R: Runtime>(app: &AppHandle<R>, code: &str) -> Result<u32, AppError> {
    let state = app.state::<AppState>();
    app.clipboard()
        .write_secret(code)
        .map_err(clipboard_error)?;
    let generation = state.clipboard_generation.fetch_add(1, Ordering::SeqCst) + 1;
    let delay = state.settings().clipboard_clear_seconds;
    if delay > 0 {
        let app = app.clone();
        let code = Zeroizing::new(code.to_owned());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(u64::from(delay)));
            let state = app.state::<AppState>();
            if state.clipboard_generation.load(Ordering::SeqCst) != generation {
                return; // a newer copy owns the clearing now
            }
            let current = app.clipboard().read_text().map(Zeroizing::new);
            if current
                .as_deref()
                .is_ok_and(|text| text.as_str() == code.as_str())
            {
                let _ = app.clipboard().clear();
            }
        });
    }
    Ok(delay)
}
