//! The commands the UI may call (and only these: see build.rs and capabilities/main.json).
//! Each is a thin call into ninsho-core. Commands that touch the keychain, the clipboard, the
//! screen or files are `async`, so they run off the main thread.

use std::path::PathBuf;

use ninsho_core::otp::{
    self, Account, Algorithm, Generator, OtpParams, OtpType, Secret, SecretError, group_digits,
};
use ninsho_core::vault::AccountEdit;
use tauri::image::Image;
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::scanning;
use crate::state::AppState;
use crate::views::*;

type Result<T> = std::result::Result<T, AppError>;

/// Event sent when the list of accounts changed (here or, on refresh, elsewhere).
pub const ACCOUNTS_CHANGED: &str = "accounts-changed";
/// Event carrying a [`ScanPreview`] for files dropped on the window.
pub const DROP_PREVIEW: &str = "drop-preview";

fn id(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| AppError::new("not_found", "No such account."))
}

fn changed<R: Runtime>(app: &AppHandle<R>) {
    let _ = app.emit(ACCOUNTS_CHANGED, ());
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus> {
    Ok(status(&state))
}

pub fn status(state: &AppState) -> AppStatus {
    let vault = state.vault.lock().unwrap_or_else(|p| p.into_inner());
    match vault.as_ref() {
        Ok(v) => AppStatus {
            keychain: KeychainView::from(&v.keychain_state()),
            vault_path: v.path().display().to_string(),
            account_count: v.accounts().len() as u32,
            notices: v.notices().iter().map(ToString::to_string).collect(),
            vault_error: None,
        },
        Err(e) => AppStatus {
            keychain: KeychainView {
                state: "unknown".into(),
                advice: String::new(),
                detail: None,
            },
            vault_path: state
                .dir
                .join(ninsho_core::vault::FILE)
                .display()
                .to_string(),
            account_count: 0,
            notices: Vec::new(),
            vault_error: Some(e.clone()),
        },
    }
}

#[tauri::command]
pub async fn retry_keychain<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<AppStatus> {
    state.reopen();
    changed(&app);
    Ok(status(&state))
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>> {
    state.with_vault(|v| Ok(v.accounts().iter().map(AccountView::from).collect()))
}

#[tauri::command]
pub async fn get_codes(state: State<'_, AppState>) -> Result<CodesSnapshot> {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let codes = state.with_vault(|v| Ok(v.codes(now_ms / 1000)?))?;
    Ok(CodesSnapshot {
        now_ms,
        codes: codes
            .into_iter()
            .map(|c| CodeView {
                id: c.id.to_string(),
                valid_from_ms: c
                    .current
                    .as_ref()
                    .and_then(|x| x.valid_from)
                    .map(|s| s * 1000),
                valid_until_ms: c
                    .current
                    .as_ref()
                    .and_then(|x| x.valid_until)
                    .map(|s| s * 1000),
                code: c.current.map(|x| x.value),
                next: c.next.map(|x| x.value),
            })
            .collect(),
    })
}

/// Copies an account's current code (or the next one) to the clipboard.
#[tauri::command]
pub async fn copy_code<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    next: bool,
) -> Result<CopyResult> {
    let id = self::id(&id)?;
    let code = state.with_vault(|v| {
        let meta = v.get(id)?.clone();
        let now = otp::now();
        let code = match meta.otp_type {
            OtpType::Hotp => v.hotp_next(id)?,
            _ if next => v.code(id, now.saturating_add(u64::from(meta.period.unwrap_or(30))))?,
            _ => v.code(id, now)?,
        };
        let _ = v.mark_used(id);
        Ok(code)
    })?;
    let value = Zeroizing::new(code.value);
    let clear_after_seconds = crate::clipboard::copy(&app, &value)?;
    Ok(CopyResult {
        grouped: group_digits(&value),
        clear_after_seconds,
    })
}

/// Advances a HOTP account and copies the new code.
#[tauri::command]
pub async fn hotp_next<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<CopyResult> {
    let id = self::id(&id)?;
    let code = state.with_vault(|v| Ok(v.hotp_next(id)?))?;
    let value = Zeroizing::new(code.value);
    let clear_after_seconds = crate::clipboard::copy(&app, &value)?;
    Ok(CopyResult {
        grouped: group_digits(&value),
        clear_after_seconds,
    })
}

#[tauri::command]
pub async fn scan_screen(state: State<'_, AppState>) -> Result<ScanPreview> {
    let contents = crate::capture::scan_screens()?;
    Ok(scanning::preview(&state, contents, "screen", None))
}

/// Reads the clipboard: an image is scanned for QR codes, text is read as otpauth URIs.
#[tauri::command]
pub async fn paste<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<ScanPreview> {
    if let Ok(image) = app.clipboard().read_image() {
        let contents = scan_clipboard_image(&image)?;
        return Ok(scanning::preview(&state, contents, "clipboard", None));
    }
    match app.clipboard().read_text() {
        Ok(text) => {
            let text = Zeroizing::new(text);
            if text.trim().is_empty() {
                return Err(AppError::new(
                    "clipboard_empty",
                    "The clipboard holds no image and no text.",
                ));
            }
            Ok(scanning::preview(
                &state,
                scanning::scan_text(&text),
                "text",
                None,
            ))
        }
        Err(_) => Err(AppError::new(
            "clipboard_empty",
            "The clipboard holds no image and no text.",
        )),
    }
}

fn scan_clipboard_image(image: &Image<'_>) -> Result<Vec<ninsho_core::scan::Content>> {
    let (w, h) = (image.width(), image.height());
    if u64::from(w) * u64::from(h) > ninsho_core::scan::MAX_PIXELS {
        return Err(AppError::new(
            "image_too_large",
            format!("The pasted image is {w}×{h} pixels, too large to read."),
        ));
    }
    let rgba = image::RgbaImage::from_raw(w, h, image.rgba().to_vec())
        .ok_or_else(|| AppError::new("image_damaged", "The pasted image could not be read."))?;
    Ok(
        ninsho_core::scan::scan_image(&image::DynamicImage::ImageRgba8(rgba))
            .into_iter()
            .map(|p| p.content)
            .collect(),
    )
}

/// Asks for an image file (in Rust: the UI gets no file access) and scans it.
#[tauri::command]
pub async fn open_image<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<ScanPreview>> {
    let picked = app
        .dialog()
        .file()
        .add_filter("Images", &["png", "jpg", "jpeg", "webp", "bmp", "gif"])
        .blocking_pick_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let contents = scanning::scan_path(&path)?;
    Ok(Some(scanning::preview(
        &state,
        contents,
        "file",
        Some(path),
    )))
}

/// Reads files dropped on the window (called from the window's drag-drop handler): one
/// backup file of another app is imported; images are scanned.
pub fn scan_dropped<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    locked: &crate::backup::LockedBackups,
    paths: Vec<PathBuf>,
) {
    if let [path] = paths.as_slice()
        && crate::backup::is_backup(path)
    {
        crate::backup::dropped(app, state, locked, path.clone());
        return;
    }
    let mut contents = Vec::new();
    let mut errors = Vec::new();
    for path in paths.iter().take(20) {
        match scanning::scan_path(path) {
            Ok(c) => contents.extend(c),
            Err(e) => errors.push(e),
        }
    }
    let file = (paths.len() == 1).then(|| paths[0].clone());
    let mut preview = scanning::preview(state, contents, "drop", file);
    for e in errors {
        preview.notes.insert(
            0,
            ScanNote {
                code: e.code,
                message: e.message,
                what: None,
                detail: e.detail,
            },
        );
    }
    let _ = app.emit(DROP_PREVIEW, preview);
}

fn manual_account(entry: &ManualEntry) -> std::result::Result<Account, (AppError, &'static str)> {
    let secret = Secret::from_base32(&Zeroizing::new(entry.secret.clone())).map_err(|e| {
        let code = match e {
            SecretError::Empty => "secret_empty",
            SecretError::InvalidCharacter(_) => "secret_character",
            SecretError::InvalidLength(_) => "secret_length",
            SecretError::TooLong => "secret_too_long",
        };
        (AppError::new(code, e.to_string()), "secret")
    })?;
    let algorithm = Algorithm::parse(&entry.algorithm).unwrap_or(Algorithm::Sha1);
    let params = match entry.kind.as_str() {
        "steam" => OtpParams::steam(),
        "hotp" => OtpParams::hotp(algorithm, entry.digits, entry.counter),
        _ => OtpParams::totp(algorithm, entry.digits, entry.period),
    };
    params.validate().map_err(|e| {
        let field = match e {
            otp::ParamError::Period(_) => "period",
            _ => "digits",
        };
        (AppError::new("invalid_account", e.to_string()), field)
    })?;
    let issuer = Some(entry.issuer.trim()).filter(|s| !s.is_empty());
    if issuer.is_none() && entry.name.trim().is_empty() {
        return Err((
            AppError::new("name_required", "Give the account an issuer or a name."),
            "name",
        ));
    }
    Ok(Account::new(issuer, &entry.name, params, secret))
}

/// Validates the manual-entry form as it is typed and shows the code it would produce.
#[tauri::command]
pub async fn preview_manual(
    state: State<'_, AppState>,
    entry: ManualEntry,
) -> Result<ManualPreview> {
    match manual_account(&entry) {
        Err((error, field)) => Ok(ManualPreview {
            error: Some(error),
            field: Some(field.into()),
            code: None,
            duplicate_of: None,
        }),
        Ok(account) => {
            let generator = Generator::new(&account.params, &account.secret)
                .map_err(|e| AppError::new("invalid_account", e.to_string()))?;
            let code = generator.code_at(otp::now()).value;
            let duplicate_of = state
                .with_vault(|v| Ok(v.find_duplicate(&account).ok().flatten()))
                .ok()
                .flatten()
                .map(|d| d.existing_label);
            Ok(ManualPreview {
                error: None,
                field: None,
                code: Some(code),
                duplicate_of,
            })
        }
    }
}

#[tauri::command]
pub async fn add_manual<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    entry: ManualEntry,
    force: bool,
) -> Result<ImportResult> {
    let account = manual_account(&entry).map_err(|(e, _)| e)?;
    let result = import(&state, vec![account], force)?;
    changed(&app);
    Ok(result)
}

fn import(state: &AppState, accounts: Vec<Account>, force: bool) -> Result<ImportResult> {
    let results = state.with_vault(|v| Ok(v.add_many(&accounts, force)?))?;
    let mut added = 0;
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for (account, result) in accounts.iter().zip(results) {
        match result {
            Ok(_) => added += 1,
            Err(ninsho_core::vault::VaultError::Duplicate(_)) => skipped.push(account.label()),
            Err(e) => errors.push(AppError::from(e)),
        }
    }
    if added == 0 && !errors.is_empty() && skipped.is_empty() {
        return Err(errors.remove(0));
    }
    Ok(ImportResult {
        added,
        skipped,
        errors,
    })
}

/// Adds the chosen accounts of a preview.
#[tauri::command]
pub async fn confirm_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: String,
    selected: Vec<u32>,
    force: bool,
) -> Result<ImportResult> {
    let pending = state.take(&token).ok_or_else(|| {
        AppError::new(
            "preview_expired",
            "This preview has expired; scan the code again.",
        )
    })?;
    let accounts: Vec<Account> = pending
        .accounts
        .iter()
        .enumerate()
        .filter(|(i, _)| selected.contains(&(*i as u32)))
        .map(|(_, a)| a.clone())
        .collect();
    let result = match import(&state, accounts, force) {
        Ok(r) => r,
        Err(e) => {
            // Keep the preview so the person can retry after fixing the keychain.
            state.keep_pending(&token, pending);
            return Err(e);
        }
    };
    state.keep_source_only(&token, pending.source.clone());
    changed(&app);
    Ok(result)
}

#[tauri::command]
pub async fn discard_import(state: State<'_, AppState>, token: String) -> Result<()> {
    state.take(&token);
    Ok(())
}

/// Moves the image a preview came from to the trash (it shows a secret).
#[tauri::command]
pub async fn trash_source(state: State<'_, AppState>, token: String) -> Result<()> {
    let path = state
        .source_of(&token)
        .ok_or_else(|| AppError::new("not_found", "There is no file to move to the trash."))?;
    trash::delete(&path).map_err(|e| {
        AppError::new(
            "trash",
            format!("{} could not be moved to the trash.", path.display()),
        )
        .with_detail(e.to_string())
    })?;
    state.take(&token);
    Ok(())
}

#[tauri::command]
pub async fn edit_account<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    issuer: String,
    name: String,
) -> Result<AccountView> {
    let id = self::id(&id)?;
    let edit = AccountEdit {
        issuer: Some(Some(issuer)),
        name: Some(name),
        ..Default::default()
    };
    let meta = state.with_vault(|v| Ok(v.edit(id, &edit)?))?;
    changed(&app);
    Ok(AccountView::from(&meta))
}

#[tauri::command]
pub async fn set_pinned<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    pinned: bool,
) -> Result<()> {
    let id = self::id(&id)?;
    state.with_vault(|v| Ok(v.set_pinned(id, pinned)?))?;
    changed(&app);
    Ok(())
}

#[tauri::command]
pub async fn reorder_accounts<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Result<()> {
    let ids = ids.iter().map(|i| id(i)).collect::<Result<Vec<_>>>()?;
    state.with_vault(|v| Ok(v.reorder(&ids)?))?;
    changed(&app);
    Ok(())
}

#[tauri::command]
pub async fn delete_account<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<()> {
    let id = self::id(&id)?;
    state.with_vault(|v| Ok(v.delete(id).map(|_| ())?))?;
    changed(&app);
    Ok(())
}

/// The account's recovery codes: shown because the person asked to see them.
#[tauri::command]
pub async fn get_recovery_codes(state: State<'_, AppState>, id: String) -> Result<Vec<String>> {
    let id = self::id(&id)?;
    state.with_vault(|v| {
        Ok(v.recovery_codes(id)?
            .iter()
            .map(|c| c.to_string())
            .collect())
    })
}

#[tauri::command]
pub async fn set_recovery_codes(
    state: State<'_, AppState>,
    id: String,
    codes: Vec<String>,
) -> Result<u32> {
    let id = self::id(&id)?;
    let codes: Vec<String> = codes
        .iter()
        .flat_map(|c| c.lines().map(str::to_owned))
        .collect();
    state.with_vault(|v| {
        v.set_recovery_codes(id, &codes)?;
        Ok(v.recovery_codes(id)?.len() as u32)
    })
}

/// The account as an otpauth QR code for a phone to scan. The UI asks for confirmation first
/// and hides it after a minute.
#[tauri::command]
pub async fn transfer_qr(state: State<'_, AppState>, id: String) -> Result<TransferQr> {
    let id = self::id(&id)?;
    let account = state.with_vault(|v| Ok(v.account(id)?))?;
    let uri = Zeroizing::new(ninsho_core::uri::format(&account));
    let svg = ninsho_core::formats::export::qr_svg(&uri, 240).map_err(|e| {
        AppError::new("qr", "The account could not be drawn as a QR code.")
            .with_detail(e.to_string())
    })?;
    Ok(TransferQr {
        svg,
        label: account.label(),
        hide_after_seconds: 60,
    })
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings> {
    Ok(state.settings())
}

#[tauri::command]
pub async fn set_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings> {
    state.save_settings(settings)
}
