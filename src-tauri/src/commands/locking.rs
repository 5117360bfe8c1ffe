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
    let status = keep_key_for_system(&state).await.unwrap_or(status);
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

/// What the system's prompt says where Ninsho may say it (Windows Hello, Touch ID).
const SYSTEM_REASON: &str = "Unlock Ninsho";

/// Runs a blocking system prompt off the async runtime's threads (it waits for the person),
/// without the vault held: the tray and sync go on meanwhile.
async fn off_thread<T: Send + 'static>(
    job: impl FnOnce() -> std::result::Result<T, ninsho_core::system_auth::SystemAuthError>
    + Send
    + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(job)
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

/// Hands the vault key to the platform's guard where there is one (macOS Keychain, Windows
/// Hello), so that system sign-in also opens Ninsho after a restart. Without one (Linux), or
/// when the platform refuses, the key is only held in memory: the password opens Ninsho after
/// a restart, as the lock settings say. Returns the status after.
async fn keep_key_for_system(state: &State<'_, AppState>) -> Option<LockStatus> {
    let job = state.with_vault_quiet(|v| Ok(v.key_to_guard())).ok()??;
    let guarded = off_thread(move || job.keep()).await.ok()?;
    state
        .with_vault(|v| {
            v.record_guarded(guarded)?;
            Ok(v.lock_status())
        })
        .ok()
}

/// Opens Ninsho with system sign-in (polkit's agent, Windows Hello, Touch ID).
#[tauri::command]
pub async fn unlock_by_system<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    let way = state.with_vault(|v| Ok(v.system_unlock_ready()?))?;
    let answer = off_thread(move || ninsho_core::system_auth::answer(&way, SYSTEM_REASON)).await?;
    let status = state.with_vault(|v| {
        v.unlock_by_system(answer)?;
        Ok(v.lock_status())
    })?;
    Ok(opened(&app, status))
}

/// Turns system sign-in on, after the system has asked once (so that it can), and hands the
/// vault key to the platform's guard where there is one.
#[tauri::command]
pub async fn enable_system_unlock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    state.with_vault(|v| Ok(v.require_unlocked()?))?;
    let yes = off_thread(|| ninsho_core::system_auth::confirm_user(SYSTEM_REASON)).await?;
    let status = state.with_vault(|v| {
        v.enable_system_unlock(&yes)?;
        Ok(v.lock_status())
    })?;
    let status = keep_key_for_system(&state).await.unwrap_or(status);
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
