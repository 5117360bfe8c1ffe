//! The encrypted mode from the window: unlock, lock now, turn it on or off, change the
//! password, recover with the recovery key. The decisions and the keys are core's
//! (`ninsho_core::vault::lock`); passwords pass through here once and are wiped, and the
//! recovery key never reaches the webview: it is shown in a native dialog.

use ninsho_core::vault::LockStatus;
use tauri::{AppHandle, Runtime, State};
use zeroize::Zeroizing;

use super::Result;
use crate::events::{self, AppEvent};
use crate::state::AppState;

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
    crate::locking::after_unlock(&app);
    events::emit(&app, AppEvent::AccountsChanged, ());
    Ok(status)
}

#[tauri::command]
pub async fn lock_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockStatus> {
    let status = crate::locking::lock_now(&state)?;
    events::emit(&app, AppEvent::AccountsChanged, ());
    Ok(status)
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
    events::emit(&app, AppEvent::AccountsChanged, ());
    Ok(status)
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
    events::emit(&app, AppEvent::AccountsChanged, ());
    Ok(status)
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
    crate::locking::after_unlock(&app);
    events::emit(&app, AppEvent::AccountsChanged, ());
    Ok(status)
}
