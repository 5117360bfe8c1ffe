//! Sync with a folder: choosing it (natively, in Rust: the window never names a path), the
//! passphrase, merging now, and leaving.

use std::path::PathBuf;

use ninsho_core::sync::{Sync, SyncReport, SyncStatus};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;
use zeroize::Zeroizing;

use super::Result;
use crate::changes::changed;
use crate::confirm::{self, Consent};
use crate::error::ErrorCode;
use crate::state::AppState;
use crate::syncing;

/// A folder chosen for sync, waiting for its passphrase.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncChoice {
    /// Pass it to `sync_start` with the passphrase.
    pub token: String,
    /// The folder's name, for the prompt.
    pub folder: String,
    /// The folder is already set up on another computer: its passphrase is asked once (to
    /// join); otherwise a new one is chosen (asked twice).
    pub join: bool,
}

/// Runs `f` with this vault's sync, the vault held only to open it: `sync.json` is always
/// locked before the vault (see [`Sync::now_lent`]), and `f` lends the vault when it needs it.
fn with_sync<T>(
    state: &AppState,
    f: impl FnOnce(&AppState, &Sync) -> std::result::Result<T, ninsho_core::sync::SyncError>,
) -> Result<T> {
    let sync = state.with_vault(|v| Ok(Sync::open(v)?))?;
    Ok(f(state, &sync)?)
}

fn after<R: Runtime>(app: &AppHandle<R>, report: &SyncReport) {
    syncing::rearm(app);
    if report.changed() {
        changed(app);
    }
    syncing::told(app);
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<Option<SyncStatus>> {
    with_sync(&state, |_, s| s.status())
}

/// Asks for the folder to sync with.
#[tauri::command]
pub async fn sync_choose_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<SyncChoice>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Sync with a folder")
        .blocking_pick_folder();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let path = Sync::resolve(&path)?;
    let join = Sync::is_set_up(&path)?;
    let folder = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(Some(SyncChoice {
        token: state.sync_pending.put(path),
        folder,
        join,
    }))
}

/// Sets up (or joins) the chosen folder with `passphrase`. A wrong passphrase keeps the
/// folder waiting.
#[tauri::command]
pub async fn sync_start<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: String,
    passphrase: String,
) -> Result<SyncReport> {
    let passphrase = Zeroizing::new(passphrase);
    let path: PathBuf = state.sync_pending.claim(&token)?;
    let result = with_sync(&state, |v, s| {
        if Sync::is_set_up(&path)? {
            s.join_lent(v, &path, &passphrase, None)
        } else {
            s.setup_lent(v, &path, &passphrase, None)
        }
    });
    match result {
        Ok(report) => {
            after(&app, &report);
            Ok(report)
        }
        Err(e) => {
            if matches!(
                e.code,
                ErrorCode::SyncWrongPassphrase | ErrorCode::SyncPassphraseShort
            ) {
                // Typed again in the same prompt.
                state.sync_pending.put_back(&token, path);
            }
            Err(e)
        }
    }
}

#[tauri::command]
pub async fn discard_sync(state: State<'_, AppState>, token: String) -> Result<()> {
    state.sync_pending.take(&token);
    Ok(())
}

#[tauri::command]
pub async fn sync_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<SyncReport> {
    let report = with_sync(&state, |v, s| s.now_lent(v))?;
    after(&app, &report);
    Ok(report)
}

/// Gives the sync folder a new passphrase, once the person confirmed in a native dialog (a
/// script in the page could otherwise shut every other computer out): a new key, and the
/// computers that stay join again with it.
#[tauri::command]
pub async fn sync_change_passphrase<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<SyncReport> {
    let passphrase = Zeroizing::new(passphrase);
    if passphrase.chars().count() < ninsho_core::sync::MIN_PASSPHRASE_CHARS {
        return Err(ninsho_core::sync::SyncError::PassphraseTooShort.into());
    }
    let folder = with_sync(&state, |_, s| s.folder())?
        .ok_or_else(|| crate::error::AppError::from(ninsho_core::sync::SyncError::NotSyncing))?;
    confirm::ask(
        &app,
        &Consent::NewSyncPassphrase {
            folder: folder.display().to_string(),
        },
    )?;
    let report = with_sync(&state, |v, s| s.change_passphrase_lent(v, &passphrase))?;
    after(&app, &report);
    Ok(report)
}

/// Stops syncing on this computer; every account stays.
#[tauri::command]
pub async fn sync_leave<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<()> {
    with_sync(&state, |_, s| s.leave().map(|_| ()))?;
    syncing::rearm(&app);
    syncing::told(&app);
    Ok(())
}
