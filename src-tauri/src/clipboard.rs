//! Copying a code: Rust writes the clipboard (marked as a secret, so clipboard managers leave
//! it out of their history) and clears it after the configured delay — only if it still holds
//! that code, so something copied in the meantime is left alone. The last code copied is
//! remembered until it is cleared, so quitting clears it too (same rule: only if it is still
//! there).
//!
//! Pasting reads the clipboard here too: the targets it offers and their bytes, handed to
//! core, which decides what they are.

use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::Duration;

use ninsho_core::scan::pasted::{self, Held, Pasted};
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

/// Reads the clipboard for a paste, as core's [`pasted::paste`] asks: the names of the targets
/// offered, then the bytes of each target it wants, never more than its bound. Through GTK,
/// which reads any target on X11 and Wayland alike; GTK calls are made on the main thread and
/// answered by its callbacks (no nested main loop), each wait bounded.
#[cfg(target_os = "linux")]
pub fn pasted<R: Runtime>(app: &AppHandle<R>) -> Result<Pasted, Held> {
    let offered = linux::offered(app);
    pasted::paste(&offered, |target| linux::read(app, target))
}

/// The image a paste of an account's icon gives (see `ninsho_core::app::icon::icon_from_clipboard`).
#[cfg(target_os = "linux")]
pub fn pasted_icon<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<ninsho_core::icon::AccountIcon, ninsho_core::app::icon::IconFileError> {
    let offered = linux::offered(app);
    ninsho_core::app::icon::icon_from_clipboard(&offered, |target| linux::read(app, target))
}

/// Elsewhere the clipboard plugin gives an image as pixels.
#[cfg(not(target_os = "linux"))]
pub fn pasted_icon<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<ninsho_core::icon::AccountIcon, ninsho_core::app::icon::IconFileError> {
    use ninsho_core::app::icon::IconFileError;
    let image = app
        .clipboard()
        .read_image()
        .map_err(|_| IconFileError::NothingToPaste)?;
    ninsho_core::icon::AccountIcon::from_pixels(image.width(), image.height(), image.rgba())
        .map_err(IconFileError::Pasted)
}

/// Elsewhere the clipboard plugin gives an image as pixels, or text.
#[cfg(not(target_os = "linux"))]
pub fn pasted<R: Runtime>(app: &AppHandle<R>) -> Result<Pasted, Held> {
    if let Ok(image) = app.clipboard().read_image() {
        return pasted::take_pixels(image.width(), image.height(), image.rgba());
    }
    let text = Zeroizing::new(app.clipboard().read_text().map_err(|_| Held::Nothing)?);
    pasted::take(pasted::Kind::Text, text.as_bytes())
}

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::mpsc;
    use std::time::Duration;

    use gtk::gdk;
    use ninsho_core::scan::pasted::{MAX_TARGETS, Target, Unread};
    use tauri::{AppHandle, Runtime};
    use zeroize::Zeroizing;

    /// How long a clipboard's owner may take to answer.
    const WAIT: Duration = Duration::from_secs(5);

    fn clipboard() -> gtk::Clipboard {
        gtk::Clipboard::get(&gdk::SELECTION_CLIPBOARD)
    }

    /// The names of the targets the clipboard offers (none when it is empty or silent).
    pub fn offered<R: Runtime>(app: &AppHandle<R>) -> Vec<String> {
        let (tx, rx) = mpsc::channel();
        let asked = app.run_on_main_thread(move || {
            clipboard().request_contents(&gdk::Atom::intern("TARGETS"), move |_, data| {
                let names: Vec<String> = data
                    .targets()
                    .unwrap_or_default()
                    .iter()
                    .take(MAX_TARGETS)
                    .map(|atom| atom.name().to_string())
                    .collect();
                let _ = tx.send(names);
            });
        });
        if asked.is_err() {
            return Vec::new();
        }
        rx.recv_timeout(WAIT).unwrap_or_default()
    }

    /// One target's bytes: refused when longer than its kind's bound, before they are copied.
    pub fn read<R: Runtime>(
        app: &AppHandle<R>,
        target: &Target,
    ) -> Result<Zeroizing<Vec<u8>>, Unread> {
        let limit = target.kind.limit();
        let name = target.name.clone();
        let (tx, rx) = mpsc::channel();
        app.run_on_main_thread(move || {
            clipboard().request_contents(&gdk::Atom::intern(&name), move |_, data| {
                let answer = match usize::try_from(data.length()) {
                    Err(_) => Err(Unread::Unavailable),
                    Ok(length) if length > limit => Err(Unread::TooLarge),
                    Ok(_) => Ok(Zeroizing::new(data.data())),
                };
                let _ = tx.send(answer);
            });
        })
        .map_err(|_| Unread::Unavailable)?;
        rx.recv_timeout(WAIT).unwrap_or(Err(Unread::Unavailable))
    }
}
