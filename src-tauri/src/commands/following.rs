//! Following a backup folder (Aegis's automatic backups, synced from a phone): choosing the
//! folder (natively, in Rust: the window never names a path), its password, looking at it
//! now, the accounts its backup no longer holds, and stopping.

use std::path::PathBuf;

use ninsho_core::follow::{FolderInfo, FollowError, Follows, Report, Resolve};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::Result;
use crate::changes::changed;
use crate::confirm::{self, Consent};
use crate::following;
use crate::state::AppState;

/// What choosing a folder gave: its first report, or a request for its backups' password.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FollowStep {
    pub report: Option<Report>,
    /// Set when the backups are encrypted: pass it to `follow_unlock` with the password.
    pub password_token: Option<String>,
    /// The app whose backups the folder holds, and the folder's name, for the prompt.
    pub app: Option<String>,
    pub folder: String,
}

type Followed<T> = std::result::Result<T, FollowError>;

/// Runs `f` with the vault and its followed folders; `f`'s own error is kept as it is (the
/// caller may answer some of them).
fn try_follows<T>(
    state: &AppState,
    f: impl FnOnce(&mut ninsho_core::vault::Vault, &Follows) -> Followed<T>,
) -> Result<Followed<T>> {
    state.with_vault(|v| Ok(Follows::open(v).and_then(|follows| f(v, &follows))))
}

/// [`try_follows`], every error as the UI's.
fn with_follows<T>(
    state: &AppState,
    f: impl FnOnce(&mut ninsho_core::vault::Vault, &Follows) -> Followed<T>,
) -> Result<T> {
    Ok(try_follows(state, f)??)
}

fn after_change<R: Runtime>(app: &AppHandle<R>) {
    following::rearm(app);
    changed(app);
    following::told(app);
}

#[tauri::command]
pub async fn followed_folders(state: State<'_, AppState>) -> Result<Vec<FolderInfo>> {
    with_follows(&state, |v, f| f.folders(v))
}

/// Asks for a folder and starts following it.
#[tauri::command]
pub async fn follow_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<FollowStep>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Follow a backup folder")
        .blocking_pick_folder();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let folder = folder_name(&path);
    match try_follows(&state, |v, f| f.add(v, &path, None))? {
        Ok(report) => {
            after_change(&app);
            Ok(Some(FollowStep {
                report: Some(report),
                password_token: None,
                app: None,
                folder,
            }))
        }
        Err(FollowError::PasswordRequired(format)) => Ok(Some(FollowStep {
            report: None,
            password_token: Some(state.follow_pending.put(path)),
            app: Some(format.title().to_owned()),
            folder,
        })),
        Err(e) => Err(e.into()),
    }
}

fn folder_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Starts following the folder that waited for its backups' password. A wrong password keeps
/// it waiting.
#[tauri::command]
pub async fn follow_unlock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: String,
    password: String,
) -> Result<Report> {
    let password = Zeroizing::new(password);
    let path: PathBuf = state.follow_pending.claim(&token)?;
    match try_follows(&state, |v, f| f.add(v, &path, Some(&password)))? {
        Ok(report) => {
            after_change(&app);
            Ok(report)
        }
        Err(e) => {
            if matches!(e, FollowError::WrongPassword(_)) {
                state.follow_pending.put_back(&token, path);
            }
            Err(e.into())
        }
    }
}

#[tauri::command]
pub async fn discard_follow(state: State<'_, AppState>, token: String) -> Result<()> {
    state.follow_pending.take(&token);
    Ok(())
}

/// Keeps the new password of a folder whose backups' password changed, and looks again.
#[tauri::command]
pub async fn follow_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: Uuid,
    password: String,
) -> Result<Report> {
    let password = Zeroizing::new(password);
    let folder = folder.to_string();
    let report = with_follows(&state, |v, f| f.set_password(v, &folder, &password))?;
    after_change(&app);
    Ok(report)
}

/// Looks at one folder (or all) now. `accept_empty` applies a backup with no entries, or one
/// that would mark more than half of the folder's accounts removed.
#[tauri::command]
pub async fn follow_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: Option<Uuid>,
    accept_empty: bool,
) -> Result<Vec<Report>> {
    let folder = folder.map(|f| f.to_string());
    let reports = with_follows(&state, |v, f| f.check(v, folder.as_deref(), accept_empty))?;
    after_change(&app);
    Ok(reports)
}

/// Stops following a folder; its accounts stay.
#[tauri::command]
pub async fn unfollow<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    folder: Uuid,
) -> Result<FolderInfo> {
    let folder = folder.to_string();
    let info = with_follows(&state, |v, f| f.remove(v, &folder))?;
    after_change(&app);
    Ok(info)
}

/// Keeps (as an account of this computer) or deletes an account its folder's backup no
/// longer holds.
#[tauri::command]
pub async fn resolve_removed<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    keep: bool,
) -> Result<()> {
    let action = if keep {
        Resolve::Keep
    } else {
        let label = state.with_vault(|v| Ok(v.get(id)?.label()))?;
        confirm::ask(&app, &Consent::DeleteAccount { label })?;
        Resolve::Delete
    };
    with_follows(&state, |v, f| f.resolve(v, id, action))?;
    changed(&app);
    following::told(&app);
    Ok(())
}
