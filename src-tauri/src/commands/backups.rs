//! Moving in and out: reading another app's backup (asking for its password when it is
//! encrypted) and exporting the vault.

use std::path::{Path, PathBuf};

use ninsho_core::app::export::{self, ExportFormat};
use ninsho_core::app::read::read_bounded;
use ninsho_core::formats::{self, FormatError};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use zeroize::Zeroizing;

use super::Result;
use crate::confirm::{self, Consent};
use crate::preview;
use crate::state::{AppState, LockedBackup};
use crate::views::{BackupStep, ExportDone, GoogleQrCodes, ScanPreview};

/// The size the phone-facing Google QR codes are drawn at.
const GOOGLE_QR_SIZE: u32 = 280;

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a file that may be a backup, refusing what no backup could be (too large).
fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    Ok(read_bounded(path, formats::MAX_FILE_BYTES as u64)?)
}

/// Whether a dropped file is a backup rather than an image: not an image format, and some
/// importer recognizes its content.
pub fn is_backup(path: &Path) -> bool {
    let Ok(bytes) = read(path) else { return false };
    image::guess_format(&bytes).is_err() && !formats::detect(&bytes).is_empty()
}

/// Reads a backup file: its preview, or a request for its password.
pub fn open(state: &AppState, path: PathBuf) -> Result<BackupStep> {
    let bytes = read(&path)?;
    let file_name = file_name(&path);
    match formats::import(&bytes, None, None) {
        Ok(imported) => Ok(BackupStep {
            preview: Some(preview::backup(state, imported, path)),
            password_token: None,
            format: None,
            file_name,
        }),
        Err(FormatError::PasswordRequired(format)) => Ok(BackupStep {
            preview: None,
            password_token: Some(state.backups.put(LockedBackup {
                bytes,
                format,
                path,
            })),
            format: Some(format.title().to_owned()),
            file_name,
        }),
        Err(e) => Err((&e).into()),
    }
}

/// Asks for a backup file and reads it.
#[tauri::command]
pub async fn open_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<BackupStep>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Import a backup of another authenticator")
        .blocking_pick_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    open(&state, path).map(Some)
}

/// Decrypts a backup that waited for its password. A wrong password keeps it waiting, so the
/// person can try again.
#[tauri::command]
pub async fn unlock_backup(
    state: State<'_, AppState>,
    token: String,
    password: String,
) -> Result<ScanPreview> {
    let password = Zeroizing::new(password);
    let backup = state.backups.claim(&token)?;
    match formats::import(&backup.bytes, Some(backup.format), Some(&password)) {
        Ok(imported) => Ok(preview::backup(&state, imported, backup.path)),
        Err(e) => {
            if matches!(
                e,
                FormatError::WrongPassword(_) | FormatError::PasswordRequired(_)
            ) {
                state.backups.put_back(&token, backup);
            }
            Err((&e).into())
        }
    }
}

#[tauri::command]
pub async fn discard_backup(state: State<'_, AppState>, token: String) -> Result<()> {
    state.backups.take(&token);
    Ok(())
}

/// Exports every account: a format anyone can read first needs the person's yes in a native
/// dialog; then asks where (in Rust), and writes the file owner-only and atomically.
/// `password` is needed for the encrypted Aegis vault only.
#[tauri::command]
pub async fn export_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: ExportFormat,
    password: Option<String>,
) -> Result<Option<ExportDone>> {
    let password = password.map(Zeroizing::new);
    let password = password.as_deref().map(String::as_str);
    export::check(format, password)?;
    let accounts = state.with_vault(|v| Ok(export::accounts(v)?))?;
    if !format.is_encrypted() {
        confirm::ask(
            &app,
            &Consent::PlainExport {
                accounts: accounts.accounts.len(),
            },
        )?;
    }
    let picked = app
        .dialog()
        .file()
        .set_title("Export Ninsho's accounts")
        .set_file_name(format.suggested_file_name())
        .blocking_save_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    Ok(Some(
        export::write_set(format, &path, &accounts, password)?.into(),
    ))
}

/// Google Authenticator export QR codes to show one by one for a phone to scan. These codes
/// hold every secret: they leave Rust only once the person confirmed in a native dialog.
#[tauri::command]
pub async fn google_qr_codes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<GoogleQrCodes> {
    let accounts = state.with_vault(|v| Ok(export::accounts(v)?))?;
    let shown = export::google_qr_svgs(&accounts, GOOGLE_QR_SIZE)?;
    // No code to show (no account fits Google's format): only the list of what was skipped.
    if !shown.svgs.is_empty() {
        confirm::ask(
            &app,
            &Consent::GoogleQr {
                accounts: shown.exported,
            },
        )?;
    }
    Ok(shown.into())
}
