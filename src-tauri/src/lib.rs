//! Ninsho's desktop shell: a thin Tauri 2 layer over ninsho-core. The window shows what Rust
//! computes; secrets stay here.

mod backup;
mod capture;
mod clipboard;
pub mod commands;
pub mod error;
mod scanning;
pub mod state;
pub mod views;

use tauri::{DragDropEvent, Manager, WindowEvent};

use crate::state::AppState;

/// Builds and runs the app.
pub fn run() {
    let app = tauri::Builder::default()
        // A second launch focuses the running window instead of opening another vault handle.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::new())
        .manage(backup::LockedBackups::default())
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                let app = window.app_handle().clone();
                let paths = paths.clone();
                std::thread::spawn(move || {
                    let state = app.state::<AppState>();
                    let locked = app.state::<backup::LockedBackups>();
                    commands::scan_dropped(&app, &state, &locked, paths);
                });
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::retry_keychain,
            commands::list_accounts,
            commands::get_codes,
            commands::copy_code,
            commands::hotp_next,
            commands::scan_screen,
            commands::paste,
            commands::open_image,
            commands::preview_manual,
            commands::add_manual,
            commands::confirm_import,
            commands::discard_import,
            commands::trash_source,
            commands::edit_account,
            commands::set_pinned,
            commands::reorder_accounts,
            commands::delete_account,
            commands::get_recovery_codes,
            commands::set_recovery_codes,
            commands::transfer_qr,
            commands::get_settings,
            commands::set_settings,
            backup::open_backup,
            backup::unlock_backup,
            backup::discard_backup,
            backup::export_vault,
            backup::google_qr_codes,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("Ninsho could not start: {e}");
            std::process::exit(1);
        }
    }
}
