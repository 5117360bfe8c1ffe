//! Using and keeping accounts: the list and its codes, copying a code, editing, pinning,
//! ordering, deleting, recovery codes, the QR code for a phone, and the vault's status.

use ninsho_core::vault::AccountEdit;
use tauri::{AppHandle, Runtime, State};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::Result;
use crate::changes::changed;
use crate::confirm::{self, Consent};
use crate::copying;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::views::{
    AccountView, AppStatus, CodeView, CodesSnapshot, CopyResult, KeychainView, NoticeView,
    OrphanView, TransferQr,
};

/// How long the transfer QR code stays on screen.
const TRANSFER_QR_SECONDS: u32 = 60;

#[tauri::command]
pub async fn app_status<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<AppStatus> {
    Ok(status(&app, &state))
}

pub fn status<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> AppStatus {
    let mut vault = state.vault.lock().unwrap_or_else(|p| p.into_inner());
    match vault.as_mut() {
        Ok(v) => AppStatus {
            keychain: Some(KeychainView::from(&v.keychain_state())),
            vault_path: v.path().display().to_string(),
            account_count: v.accounts().len() as u32,
            notices: v.notices().iter().map(NoticeView::from).collect(),
            orphans: v
                .orphans()
                .unwrap_or_default()
                .iter()
                .map(|o| OrphanView {
                    id: o.id.to_string(),
                    label: o.label(),
                })
                .collect(),
            vault_error: None,
            pick_shortcut_error: crate::pick::shortcut_error(app),
            tray_shown: crate::tray::shown(),
            lock: Some(v.lock_status()),
        },
        Err(e) => AppStatus {
            keychain: None,
            vault_path: state
                .dir
                .join(ninsho_core::vault::FILE)
                .display()
                .to_string(),
            account_count: 0,
            notices: Vec::new(),
            orphans: Vec::new(),
            vault_error: Some(e.clone()),
            pick_shortcut_error: crate::pick::shortcut_error(app),
            tray_shown: crate::tray::shown(),
            lock: None,
        },
    }
}

/// Puts accounts found only in the keyring back in the list.
#[tauri::command]
pub async fn restore_orphans<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<Uuid>,
) -> Result<u32> {
    let n = state.with_vault(|v| Ok(v.restore_orphans(&ids)?))?;
    changed(&app);
    Ok(n as u32)
}

/// Deletes the keyring item of an account found only in the keyring.
#[tauri::command]
pub async fn delete_orphan<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<()> {
    let label = state.with_vault(|v| {
        let orphans = v.orphans()?;
        Ok(orphans.iter().find(|o| o.id == id).map(|o| o.label()))
    })?;
    // An id no orphan has: nothing to ask, and the vault says so.
    if let Some(label) = label {
        confirm::ask(&app, &Consent::DeleteOrphan { label })?;
    }
    state.with_vault(|v| Ok(v.delete_orphan(id)?))?;
    changed(&app);
    Ok(())
}

#[tauri::command]
pub async fn retry_keychain<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<AppStatus> {
    state.reopen();
    changed(&app);
    Ok(status(&app, &state))
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>> {
    // Asked by the window on its own (after every change): not use for the idle lock.
    state.with_vault_quiet(|v| {
        // A followed folders' file that cannot be read leaves the list without sources; the
        // settings page says what is wrong with it.
        let mut sources = ninsho_core::follow::Follows::open(v)
            .and_then(|f| f.sources(v))
            .unwrap_or_default();
        let shelf = state.icon_shelf();
        Ok(v.accounts()
            .iter()
            .map(|a| AccountView {
                source: sources.remove(&a.id),
                ..AccountView::shown(a, &shelf)
            })
            .collect())
    })
}

#[tauri::command]
pub async fn get_codes(state: State<'_, AppState>) -> Result<CodesSnapshot> {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    // Asked by the window on its own, once a period: not use for the idle lock.
    let codes = state.with_vault_quiet(|v| Ok(v.codes(now_ms / 1000)?))?;
    let show_next = state.settings().show_next_code;
    Ok(CodesSnapshot {
        now_ms,
        codes: codes
            .into_iter()
            .map(|c| CodeView::new(c, show_next))
            .collect(),
    })
}

/// Copies an account's current code (or the next one; a HOTP account's next) to the
/// clipboard.
#[tauri::command]
pub async fn copy_code<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    next: bool,
) -> Result<CopyResult> {
    let copied = copying::copy_account(&app, &state, id, next)?;
    crate::tray::refresh(&app);
    Ok(copied)
}

#[tauri::command]
pub async fn edit_account<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    issuer: String,
    name: String,
    domains: Vec<String>,
) -> Result<AccountView> {
    let edit = AccountEdit {
        issuer: Some(Some(issuer)),
        name: Some(name),
        domains: Some(ninsho_core::site::Binding::parse_all(&domains)?),
        ..Default::default()
    };
    let meta = state.with_vault(|v| Ok(v.edit(id, &edit)?))?;
    changed(&app);
    Ok(AccountView::shown(&meta, &state.icon_shelf()))
}

#[tauri::command]
pub async fn set_pinned<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    pinned: bool,
) -> Result<()> {
    state.with_vault(|v| Ok(v.set_pinned(id, pinned)?))?;
    changed(&app);
    Ok(())
}

#[tauri::command]
pub async fn reorder_accounts<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<Uuid>,
) -> Result<()> {
    state.with_vault(|v| Ok(v.reorder(&ids)?))?;
    changed(&app);
    Ok(())
}

#[tauri::command]
pub async fn delete_account<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<()> {
    let label = state.with_vault(|v| Ok(v.get(id)?.label()))?;
    confirm::ask(&app, &Consent::DeleteAccount { label })?;
    state.with_vault(|v| Ok(v.delete(id).map(|_| ())?))?;
    changed(&app);
    Ok(())
}

/// The account's recovery codes, once the person confirmed in a native dialog (none stored:
/// nothing to show, nothing to ask).
#[tauri::command]
pub async fn get_recovery_codes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<Vec<String>> {
    let (label, codes) = state.with_vault(|v| {
        let codes = v.recovery_codes(id)?;
        Ok((v.get(id)?.label(), codes))
    })?;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    confirm::ask(&app, &Consent::RecoveryCodes { label })?;
    Ok(codes.iter().map(|c| c.as_str().to_owned()).collect())
}

#[tauri::command]
pub async fn set_recovery_codes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    codes: Vec<String>,
) -> Result<u32> {
    let codes: Vec<String> = codes
        .iter()
        .flat_map(|c| c.lines().map(str::to_owned))
        .collect();
    if codes.iter().all(|c| c.trim().is_empty()) {
        let (label, had) =
            state.with_vault(|v| Ok((v.get(id)?.label(), !v.recovery_codes(id)?.is_empty())))?;
        if had {
            confirm::ask(&app, &Consent::ClearRecoveryCodes { label })?;
        }
    }
    state.with_vault(|v| {
        v.set_recovery_codes(id, &codes)?;
        Ok(v.recovery_codes(id)?.len() as u32)
    })
}

/// The account as an otpauth QR code for a phone to scan, once the person confirmed in a
/// native dialog. The UI hides it after a minute.
#[tauri::command]
pub async fn transfer_qr<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<TransferQr> {
    let account = state.with_vault(|v| Ok(v.account(id)?))?;
    confirm::ask(
        &app,
        &Consent::TransferQr {
            label: account.label(),
        },
    )?;
    let uri = Zeroizing::new(ninsho_core::uri::format(&account));
    let svg = ninsho_core::formats::export::qr_svg(&uri, 240).map_err(|e| {
        AppError::new(
            ErrorCode::Qr,
            "The account could not be drawn as a QR code.",
        )
        .with_detail(e.to_string())
    })?;
    Ok(TransferQr {
        svg,
        label: account.label(),
        hide_after_seconds: TRANSFER_QR_SECONDS,
    })
}
