//! The quick-pick palette: a small window that opens on the screen with the pointer, from a
//! system-wide shortcut (Ctrl+Alt+K unless changed) or `ninsho --pick` (the path on Wayland,
//! where a program cannot grab keys: the desktop's own shortcut settings run it). Type part of
//! an account's name, Enter copies its code and the palette hides; Escape hides it.
//!
//! The window is made on first use and then only hidden, so later opens only move and show
//! it. Its page is the same bundle (`index.html#pick`); its capability (`capabilities/
//! pick.json`) grants only what it needs: the list, the codes, copying, unlocking, hiding itself.

use std::sync::Mutex;

use tauri::webview::NewWindowResponse;
use tauri::{
    AppHandle, Emitter, LogicalSize, Manager, PhysicalPosition, Runtime, WebviewUrl, WebviewWindow,
    WebviewWindowBuilder,
};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::events::AppEvent;
use crate::window;

pub const LABEL: &str = "pick";
const WIDTH: f64 = 440.0;
const HEIGHT: f64 = 380.0;

/// Whether `ninsho` was started with `--pick`.
pub fn asked(args: &[String]) -> bool {
    args.iter().any(|a| a == "--pick")
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    let dev_url = if cfg!(dev) {
        app.config().build.dev_url.clone()
    } else {
        None
    };
    WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html#pick".into()))
        .title("Ninsho — pick a code")
        .inner_size(WIDTH, HEIGHT)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .visible(false)
        .content_protected(
            app.state::<crate::state::AppState>()
                .settings()
                .protect_windows,
        )
        .on_navigation(move |url| window::allowed(url, dev_url.as_ref()))
        .on_new_window(|_, _| NewWindowResponse::Deny)
        .build()
}

/// Opens the palette on the monitor with the pointer, centred, with the keyboard focus.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    let window = match app.get_webview_window(LABEL) {
        Some(w) => w,
        None => match build(app) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("Ninsho: the quick-pick palette could not open: {e}");
                return;
            }
        },
    };
    if let Ok(cursor) = app.cursor_position()
        && let Ok(Some(monitor)) = app.monitor_from_point(cursor.x, cursor.y)
    {
        let scale = monitor.scale_factor();
        let (size, at) = (monitor.size(), monitor.position());
        let (w, h) = ((WIDTH * scale) as i32, (HEIGHT * scale) as i32);
        let x = at.x + (size.width as i32 - w) / 2;
        let y = at.y + (size.height as i32 - h) / 3;
        let _ = window.set_position(PhysicalPosition::new(x, y));
    }
    let _ = window.set_size(LogicalSize::new(WIDTH, HEIGHT));
    let _ = window.show();
    let _ = window.set_focus();
    // The palette clears its search and refreshes its codes.
    let _ = window.emit_to(LABEL, AppEvent::PickOpened.name(), ());
}

/// How long a palette that lost the keyboard waits before it hides: a key grab (pressing a
/// global shortcut) takes the focus away and gives it back within a key press.
const BLUR_GRACE: std::time::Duration = std::time::Duration::from_millis(250);

/// The palette lost the keyboard (the person clicked elsewhere): it hides, unless it has the
/// keyboard back after [`BLUR_GRACE`].
pub fn lost_focus<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(BLUR_GRACE);
        if let Some(w) = app.get_webview_window(LABEL)
            && w.is_visible().unwrap_or(false)
            && !w.is_focused().unwrap_or(true)
        {
            let _ = w.hide();
        }
    });
}

pub fn hide<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(LABEL) {
        let _ = w.hide();
    }
}

/// The shortcut registered now, and why the one asked for could not be (another program
/// holds it, or it is not a shortcut).
#[derive(Default)]
pub struct ShortcutStatus {
    pub keys: Option<String>,
    pub error: Option<String>,
}

/// Registers `keys` as the palette's shortcut, replacing the one before ("" registers none).
/// On failure the old one stays unregistered and the reason is kept for the settings page.
pub fn register<R: Runtime>(app: &AppHandle<R>, keys: &str) {
    let slot = app.state::<ShortcutSlot>();
    let mut status = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(old) = status.keys.take() {
        let _ = app.global_shortcut().unregister(old.as_str());
    }
    status.error = None;
    if keys.trim().is_empty() {
        return; // no shortcut: `ninsho --pick` only
    }
    let shortcut: Shortcut = match keys.parse() {
        Ok(s) => s,
        Err(e) => {
            status.error = Some(format!("“{keys}” is not a shortcut ({e})"));
            return;
        }
    };
    let result = app
        .global_shortcut()
        .on_shortcut(shortcut, |app, _, event| {
            if event.state == ShortcutState::Pressed {
                show(app);
            }
        });
    match result {
        Ok(()) => status.keys = Some(keys.to_owned()),
        Err(e) => status.error = Some(e.to_string()),
    }
}

/// The shortcut's state, managed by the app (`app.manage`) beside `AppState`.
pub type ShortcutSlot = Mutex<ShortcutStatus>;

/// Why the shortcut asked for is not registered, if it is not.
pub fn shortcut_error<R: Runtime>(app: &AppHandle<R>) -> Option<String> {
    app.try_state::<ShortcutSlot>()
        .and_then(|slot| slot.lock().unwrap_or_else(|p| p.into_inner()).error.clone())
}
