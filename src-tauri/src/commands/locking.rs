//! The lock from the window: unlock, lock now, turn the encrypted mode on or off, change the
//! password, recover with the recovery key, and system sign-in. The decisions and the keys are
//! core's (`ninsho_core::vault::lock`, `ninsho_core::system_auth`); passwords pass through here
//! once and are wiped, the recovery key never reaches the webview (it is shown in a native
//! dialog), and system sign-in's question is the system's own prompt, never the page's.

use ninsho_core::vault::LockStatus;
use tauri::{AppHandle, Runtime, State};
use zeroize::Zeroizing;

use super::Result;
use crate::error::AppError;
use crate::events::{self, AppEvent};
use crate::state::AppState;

/// After an unlock: what waited is applied (see `locking::after_unlock`), and every surface
/// follows.
fn opened<R: Runtime>(app: &AppHandle<R>, status: LockStatus) -> LockStatus {
    crate::locking::after_unlock(app);
    changed(app, status)
}

/// After a lock change: every surface (window, tray, palette) follows.
fn changed<R: Runtime>(app: &AppHandle<R>, status: LockStatus) -> LockStatus {
    events::emit(app, AppEvent::AccountsChanged, ());
    status
}

#[tauri::command]
pub async fn lock_status(state: State<'_, AppState>) -> Result<LockStatus> {
    state.with_vault_quiet(|v| Ok(v.lock_status()))
}

/// A person pressed a key or the pointer in a window (the windows send it at most once a
/// second): use, for the idle lock. Typing in the search field asks Rust nothing else.
#[tauri::command]
pub async fn note_use(state: State<'_, AppState>) -> Result<()> {
    state.idle.touch();
    Ok(())
}

#[tauri::command]
pub async fn unlock_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    password: String,
) -> Result<LockStatus> {
    let password = Zeroizing::new(password);
    let status = state.with_vault(|v| {
        v.unlock(&password)?;
        Ok(v.lock_status())
    })?;
    Ok(opened(&app, status))
}

#[tauri::command]
pub async fn lock_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    let status = crate::locking::lock_now(&state)?;
    Ok(changed(&app, status))
}

/// Turns the encrypted mode on; the recovery key is shown in a native dialog, never returned.
#[tauri::command]
pub async fn enable_lock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    password: String,
) -> Result<LockStatus> {
    let password = Zeroizing::new(password);
    let (enabled, status) = state.with_vault(|v| {
        let enabled = ninsho_core::app::lock::enable(v, &password)?;
        Ok((enabled, v.lock_status()))
    })?;
    crate::confirm::show_recovery_key(&app, &enabled.recovery_key.display());
    Ok(changed(&app, status))
}

/// Turns the encrypted mode off, once the person confirmed it in a native dialog.
#[tauri::command]
pub async fn disable_lock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    crate::confirm::ask(&app, &crate::confirm::Consent::LockOff)?;
    let status = state.with_vault(|v| {
        ninsho_core::app::lock::disable(v)?;
        Ok(v.lock_status())
    })?;
    Ok(changed(&app, status))
}

#[tauri::command]
pub async fn change_lock_password(
    state: State<'_, AppState>,
    password: String,
) -> Result<LockStatus> {
    let password = Zeroizing::new(password);
    state.with_vault(|v| {
        v.change_password(&password)?;
        Ok(v.lock_status())
    })
}

#[tauri::command]
pub async fn recover_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    recovery_key: String,
    password: String,
) -> Result<LockStatus> {
    let recovery_key = Zeroizing::new(recovery_key);
    let password = Zeroizing::new(password);
    let status = state.with_vault(|v| {
        v.recover(&recovery_key, &password)?;
        Ok(v.lock_status())
    })?;
    Ok(opened(&app, status))
}

/// What the system's prompt says where Ninsho may say it (Windows Hello).
const SYSTEM_REASON: &str = "Unlock Ninsho";

/// Asks the system to confirm the person, off the async runtime's threads (the prompt waits
/// for them), and without the vault held: the tray and sync go on meanwhile.
async fn confirm_user() -> Result<ninsho_core::system_auth::Confirmed> {
    tauri::async_runtime::spawn_blocking(|| ninsho_core::system_auth::confirm_user(SYSTEM_REASON))
        .await
        .map_err(|e| {
            AppError::new(
                ninsho_core::error_code::ErrorCode::SystemAuthNotReady,
                "System sign-in stopped without an answer.",
            )
            .with_detail(e.to_string())
        })?
        .map_err(AppError::from)
}

/// Opens Ninsho with system sign-in (polkit's agent, Windows Hello).
#[tauri::command]
pub async fn unlock_by_system<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    state.with_vault(|v| Ok(v.system_unlock_ready()?))?;
    let yes = confirm_user().await?;
    let status = state.with_vault(|v| {
        v.unlock_by_system(&yes)?;
        Ok(v.lock_status())
    })?;
    Ok(opened(&app, status))
}

/// Turns system sign-in on, after the system has asked once (so that it can).
#[tauri::command]
pub async fn enable_system_unlock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    state.with_vault(|v| Ok(v.require_unlocked()?))?;
    let yes = confirm_user().await?;
    let status = state.with_vault(|v| {
        v.enable_system_unlock(&yes)?;
        Ok(v.lock_status())
    })?;
    Ok(changed(&app, status))
}

#[tauri::command]
pub async fn disable_system_unlock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    let status = state.with_vault(|v| {
        v.disable_system_unlock()?;
        Ok(v.lock_status())
    })?;
    Ok(changed(&app, status))
}
