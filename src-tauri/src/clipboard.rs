//! Copying a code: Rust writes the clipboard (marked as a secret, so clipboard managers leave
//! it out of their history) and clears it after the configured delay — only if it still holds
//! that code, so something copied in the meantime is left alone. The last code copied is
//! remembered until it is cleared, so quitting clears it too (same rule: only if it is still
//! there).

use std::sync::Mutex;
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
    *lock(&state.clipboard_code) = Some(Zeroizing::new(code.to_owned()));
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
            clear_if_still(&app, &code);
            let mut last = lock(&state.clipboard_code);
            if state.clipboard_generation.load(Ordering::SeqCst) == generation {
                *last = None;
            }
        });
    }
    Ok(delay)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Clears the clipboard if it still holds `code`.
fn clear_if_still<R: Runtime>(app: &AppHandle<R>, code: &str) {
    let current = app.clipboard().read_text().map(Zeroizing::new);
    if current.as_deref().is_ok_and(|text| text.as_str() == code) {
        let _ = app.clipboard().clear();
    }
}

/// On quit: clears the clipboard if it still holds the last code Ninsho copied.
pub fn clear_on_exit<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let code = lock(&state.clipboard_code).take();
    if let Some(code) = code {
        clear_if_still(app, &code);
    }
}
