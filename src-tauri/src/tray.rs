//! The tray icon (StatusNotifier / AppIndicator on Linux through libayatana, the notification
//! area on Windows, the menu bar on macOS). Its menu lists the pinned accounts and the five
//! used last — choosing one copies its current code, with the same auto-clear as the window —
//! then "Scan screen", "Show Ninsho", "Lock Ninsho" (when the secrets are encrypted with a
//! password) and "Quit". While the vault is locked the menu offers only "Unlock Ninsho…"
//! (the window's unlock form) and "Quit": not even the names. The menu holds names only,
//! never a code or a secret. A click on the icon shows or hides the window where the system reports clicks
//! (Windows, macOS; Linux's StatusNotifier hosts open the menu instead).

use ninsho_core::app::settings::Lang;
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Listener, Manager, Runtime};

use crate::events::{self, AppEvent};
use crate::state::AppState;
use crate::window;

const ID: &str = "main";
const COPY: &str = "copy:";
const SCAN: &str = "scan";
const SHOW: &str = "show";
const QUIT: &str = "quit";
const LOCK: &str = "lock";
const UNLOCK: &str = "unlock";
/// How many recently used accounts the menu lists besides the pinned ones.
const RECENT: usize = 5;

/// Whether a tray icon can be made here. On Linux the AppIndicator library is loaded at run
/// time (a missing one would abort the app), so it is looked for first.
pub fn supported() -> bool {
    #[cfg(target_os = "linux")]
    {
        ["libayatana-appindicator3.so.1", "libappindicator3.so.1"]
            .iter()
            .any(|name| {
                let Ok(name) = std::ffi::CString::new(*name) else {
                    return false;
                };
                // SAFETY: dlopen/dlclose with a valid C string; the handle is only closed.
                unsafe {
                    let handle = libc::dlopen(name.as_ptr(), libc::RTLD_LAZY | libc::RTLD_LOCAL);
                    if handle.is_null() {
                        false
                    } else {
                        libc::dlclose(handle);
                        true
                    }
                }
            })
    }
    #[cfg(not(target_os = "linux"))]
    true
}

/// Whether something on this desktop shows tray icons: on Linux a StatusNotifier host (its
/// watcher owns `org.kde.StatusNotifierWatcher` on the session bus); elsewhere always. Where
/// none does, closing the window quits (there would be no way back to it).
pub fn shown() -> bool {
    #[cfg(target_os = "linux")]
    {
        zbus::blocking::Connection::session()
            .ok()
            .and_then(|c| {
                zbus::blocking::fdo::DBusProxy::new(&c)
                    .ok()?
                    .name_has_owner("org.kde.StatusNotifierWatcher".try_into().ok()?)
                    .ok()
            })
            .unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    true
}

/// The accounts the menu lists: pinned first (in the list's order), then the ones used last.
fn chosen(state: &AppState) -> Vec<(uuid::Uuid, String)> {
    let accounts = state
        .with_vault_quiet(|v| Ok(v.accounts()))
        .unwrap_or_default();
    let mut out: Vec<(uuid::Uuid, String)> = accounts
        .iter()
        .filter(|a| a.pinned)
        .map(|a| (a.id, a.label()))
        .collect();
    let mut used: Vec<&ninsho_core::vault::AccountMeta> = accounts
        .iter()
        .filter(|a| !a.pinned && a.last_used.is_some())
        .collect();
    used.sort_by_key(|a| std::cmp::Reverse(a.last_used));
    out.extend(used.into_iter().take(RECENT).map(|a| (a.id, a.label())));
    out
}

fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let state = app.state::<AppState>();
    let ja = state.lang() == Lang::Ja;
    let text = |en: &'static str, jp: &'static str| if ja { jp } else { en };
    let mut builder = MenuBuilder::new(app);
    let (locked, lockable) = state
        .with_vault_quiet(|v| Ok((v.is_locked(), v.lock_status().mode != "off")))
        .unwrap_or((false, false));
    let quit = MenuItem::with_id(app, QUIT, text("Quit", "終了"), true, None::<&str>)?;
    if locked {
        return builder
            .item(&MenuItem::with_id(
                app,
                UNLOCK,
                text("Unlock Ninsho…", "Ninsho のロックを解除…"),
                true,
                None::<&str>,
            )?)
            .item(&PredefinedMenuItem::separator(app)?)
            .item(&quit)
            .build();
    }
    let accounts = chosen(&state);
    for (id, label) in &accounts {
        builder = builder.item(&MenuItem::with_id(
            app,
            format!("{COPY}{id}"),
            label,
            true,
            None::<&str>,
        )?);
    }
    if accounts.is_empty() {
        builder = builder.item(&MenuItem::with_id(
            app,
            "none",
            text(
                "Pinned and recent accounts appear here",
                "固定したアカウントと最近使ったアカウントがここに表示されます",
            ),
            false,
            None::<&str>,
        )?);
    }
    builder = builder
        .item(&PredefinedMenuItem::separator(app)?)
        .item(&MenuItem::with_id(
            app,
            SCAN,
            text("Scan screen", "画面をスキャン"),
            true,
            None::<&str>,
        )?)
        .item(&MenuItem::with_id(
            app,
            SHOW,
            text("Show Ninsho", "Ninsho を表示"),
            true,
            None::<&str>,
        )?);
    if lockable {
        builder = builder.item(&MenuItem::with_id(
            app,
            LOCK,
            text("Lock Ninsho", "Ninsho をロック"),
            true,
            None::<&str>,
        )?);
    }
    builder.item(&quit).build()
}

fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(window::MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

fn toggle_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(window::MAIN) {
        if w.is_visible().unwrap_or(false) {
            let _ = w.hide();
        } else {
            show_main(app);
        }
    }
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    match id {
        SCAN => {
            show_main(app);
            events::emit(app, AppEvent::ScanRequested, ());
        }
        SHOW | UNLOCK => show_main(app),
        LOCK => {
            let state = app.state::<AppState>();
            if crate::locking::lock_now(&state).is_ok() {
                events::emit(app, AppEvent::AccountsChanged, ());
            }
        }
        QUIT => app.exit(0),
        _ => {
            let Some(account) = id
                .strip_prefix(COPY)
                .and_then(|i| uuid::Uuid::parse_str(i).ok())
            else {
                return;
            };
            let state = app.state::<AppState>();
            if let Err(e) = crate::copying::copy_account(app, &state, account, false) {
                eprintln!("Ninsho: the tray could not copy a code: {}", e.message);
            }
            refresh(app);
        }
    }
}

/// Makes the tray icon, when this system can show one. Its menu follows the list of accounts
/// by itself: it listens for `accounts-changed`, whoever changed the list.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Option<TrayIcon<R>>> {
    if !supported() {
        return Ok(None);
    }
    let handle = app.clone();
    app.listen(AppEvent::AccountsChanged.name(), move |_| refresh(&handle));
    let mut builder = TrayIconBuilder::with_id(ID)
        .tooltip("Ninsho")
        .menu(&menu(app)?)
        .show_menu_on_left_click(false)
        .on_menu_event(on_menu)
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                toggle_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app).map(Some)
}

/// Rebuilds the menu (after the list changed or a code was copied: the recent ones moved).
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let Some(tray) = app.tray_by_id(ID) else {
        return;
    };
    if let Ok(menu) = menu(app) {
        let _ = tray.set_menu(Some(menu));
    }
}
