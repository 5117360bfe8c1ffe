//! Settings: how the app looks, how long a copied code stays on the clipboard, and the clock
//! check.

use ninsho_core::app::settings::Settings;
use ninsho_core::clock::{self, ClockCheck};
use tauri::{AppHandle, Manager, Runtime, State};

use super::Result;
use crate::error::AppError;
use crate::events::{self, AppEvent};
use crate::state::AppState;
use crate::views::SettingsView;

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<SettingsView> {
    Ok(state.settings_view())
}

#[tauri::command]
pub async fn set_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<SettingsView> {
    // When the clock was last checked is Rust's to know, not the window's.
    let before = state.settings();
    // The one request Ninsho makes goes to the default server, or one the person confirmed
    // here: a script in the page cannot point it elsewhere (a channel around the CSP).
    let server = settings.clock_server.trim();
    if server != before.clock_server && server != ninsho_core::clock::DEFAULT_SERVER {
        crate::confirm::ask(
            &app,
            &crate::confirm::Consent::ClockServer {
                server: server.to_owned(),
            },
        )?;
    }
    let saved = state.save_settings(Settings {
        clock_checked_at: before.clock_checked_at,
        ..settings
    })?;
    if saved.pick_shortcut != before.pick_shortcut {
        crate::pick::register(&app, &saved.pick_shortcut);
    }
    if saved.start_at_login != before.start_at_login {
        use tauri_plugin_autostart::ManagerExt;
        let login = app.autolaunch();
        let done = if saved.start_at_login {
            login.enable()
        } else {
            login.disable()
        };
        if let Err(e) = done {
            // Not started at login after all: the setting says what is true.
            let _ = state.save_settings(Settings {
                start_at_login: !saved.start_at_login,
                ..saved.clone()
            });
            return Err(AppError::new(
                crate::error::ErrorCode::SettingsSave,
                "Ninsho could not change whether it starts at login.",
            )
            .with_detail(e.to_string()));
        }
    }
    if saved.language != before.language {
        crate::tray::refresh(&app);
    }
    if saved.protect_windows != before.protect_windows {
        for w in app.webview_windows().values() {
            let _ = w.set_content_protected(saved.protect_windows);
        }
    }
    Ok(state.settings_view())
}

/// Asks the settings' time server how far off this computer's clock is. The one network
/// request Ninsho makes, and only when asked (or weekly, when the person opted in).
#[tauri::command]
pub async fn check_clock(state: State<'_, AppState>) -> Result<ClockCheck> {
    run_check(&state)
}

fn run_check(state: &AppState) -> Result<ClockCheck> {
    let settings = state.settings();
    let check = clock::check(&settings.clock_server, clock::TIMEOUT).map_err(AppError::from)?;
    let _ = state.save_settings(Settings {
        clock_checked_at: Some(ninsho_core::otp::now()),
        ..state.settings()
    });
    Ok(check)
}

/// The weekly check the person opted in to: on start, off the main thread, when a week has
/// passed. A wrong clock is told to the window (`clock-wrong`); an unreachable server is not
/// worth interrupting anyone for and is tried again on the next start.
pub fn weekly<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if !state.settings().clock_check_due(ninsho_core::otp::now()) {
        return;
    }
    let app = app.clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        if let Ok(check) = run_check(&state)
            && check.wrong
        {
            events::emit(&app, AppEvent::ClockWrong, check);
        }
    });
}
