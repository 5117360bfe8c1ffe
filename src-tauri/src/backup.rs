//! Backups of other apps coming in, and the vault going out.
//!
//! Import follows core's stages: the file is read here (the UI has no file access), its format
//! is detected from the content, an encrypted backup waits behind a token for its password,
//! and what it holds becomes the same preview a scan makes. Export writes the file from Rust
//! after the person chose where; only the Google Authenticator QR codes, shown on purpose for
//! a phone to scan, carry secrets to the window.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ninsho_core::formats::{self, FormatError, FormatId, export};
use ninsho_core::otp::Account;
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::scanning;
use crate::state::AppState;
use crate::views::{BackupStep, ExportDone, GoogleQrCodes, ScanNote, ScanPreview};

type Result<T> = std::result::Result<T, AppError>;

/// Event carrying a [`BackupStep`] for a backup file dropped on the window.
pub const DROP_BACKUP: &str = "drop-backup";

/// Encrypted backups waiting for their password are forgotten after this.
const LOCKED_TTL: Duration = Duration::from_secs(15 * 60);

/// An encrypted backup's bytes, waiting for the password. Never sent to the UI.
struct Locked {
    bytes: Zeroizing<Vec<u8>>,
    format: FormatId,
    path: PathBuf,
    created: Instant,
}

/// The encrypted backups waiting for a password, by token.
#[derive(Default)]
pub struct LockedBackups(Mutex<HashMap<String, Locked>>);

impl LockedBackups {
    fn put(&self, locked: Locked) -> String {
        let token = uuid::Uuid::new_v4().to_string();
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, l| l.created.elapsed() < LOCKED_TTL);
        map.insert(token.clone(), locked);
        token
    }

    fn take(&self, token: &str) -> Option<Locked> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(token)
            .filter(|l| l.created.elapsed() < LOCKED_TTL)
    }

    fn put_back(&self, token: &str, locked: Locked) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(token.to_owned(), locked);
    }
}

pub fn format_error(e: &FormatError) -> AppError {
    AppError::new(e.code(), capitalized(&e.to_string()))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a file that may be a backup, refusing what no backup could be (too large).
fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let unreadable = |e: std::io::Error| {
        AppError::new(
            "file_unreadable",
            format!("{} cannot be read.", file_name(path)),
        )
        .with_detail(e.to_string())
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > formats::MAX_FILE_BYTES as u64 {
        return Err(format_error(&FormatError::TooLarge(size as usize)));
    }
    Ok(Zeroizing::new(std::fs::read(path).map_err(unreadable)?))
}

/// Whether a dropped file is a backup rather than an image: not an image format, and some
/// importer recognizes its content.
pub fn is_backup(path: &Path) -> bool {
    let Ok(bytes) = read(path) else { return false };
    image::guess_format(&bytes).is_err() && !formats::detect(&bytes).is_empty()
}

/// The preview of an imported backup: per-entry problems become notes.
fn preview(state: &AppState, imported: formats::Import, path: PathBuf) -> ScanPreview {
    let format = imported.format;
    let count = imported.accounts.len();
    let mut preview = scanning::finish(state, imported.accounts, "backup", Some(path));
    preview.format = Some(format.title().to_owned());
    preview.codes_found = count as u32;
    if count == 0 && imported.errors.is_empty() {
        preview.notes.push(ScanNote {
            code: "backup_empty".into(),
            message: format!("This {format} backup holds no account."),
            what: None,
            detail: None,
        });
    }
    for e in &imported.errors {
        preview.notes.push(ScanNote {
            code: "rejected_entry".into(),
            message: format!("{}: {}", e.entry, e.message),
            what: None,
            detail: None,
        });
    }
    preview
}

/// Reads a backup file: its preview, or a request for its password.
pub fn open(state: &AppState, locked: &LockedBackups, path: PathBuf) -> Result<BackupStep> {
    let bytes = read(&path)?;
    match formats::import(&bytes, None, None) {
        Ok(imported) => Ok(BackupStep {
            preview: Some(preview(state, imported, path.clone())),
            password_token: None,
            format: None,
            file_name: file_name(&path),
        }),
        Err(FormatError::PasswordRequired(format)) => Ok(BackupStep {
            preview: None,
            password_token: Some(locked.put(Locked {
                bytes,
                format,
                path: path.clone(),
                created: Instant::now(),
            })),
            format: Some(format.title().to_owned()),
            file_name: file_name(&path),
        }),
        Err(e) => Err(format_error(&e)),
    }
}

/// Asks for a backup file and reads it.
#[tauri::command]
pub async fn open_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    locked: State<'_, LockedBackups>,
) -> Result<Option<BackupStep>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Import a backup of another authenticator")
        .blocking_pick_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    open(&state, &locked, path).map(Some)
}

/// Decrypts a backup that waited for its password. A wrong password keeps it waiting, so the
/// person can try again.
#[tauri::command]
pub async fn unlock_backup(
    state: State<'_, AppState>,
    locked: State<'_, LockedBackups>,
    token: String,
    password: String,
) -> Result<ScanPreview> {
    let password = Zeroizing::new(password);
    let backup = locked.take(&token).ok_or_else(|| {
        AppError::new(
            "preview_expired",
            "This backup is no longer open; choose it again.",
        )
    })?;
    match formats::import(&backup.bytes, Some(backup.format), Some(&password)) {
        Ok(imported) => Ok(preview(&state, imported, backup.path)),
        Err(e) => {
            let error = format_error(&e);
            if matches!(
                e,
                FormatError::WrongPassword(_) | FormatError::PasswordRequired(_)
            ) {
                locked.put_back(&token, backup);
            }
            Err(error)
        }
    }
}

#[tauri::command]
pub async fn discard_backup(locked: State<'_, LockedBackups>, token: String) -> Result<()> {
    locked.take(&token);
    Ok(())
}

/// Handles a backup dropped on the window.
pub fn dropped<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    locked: &LockedBackups,
    path: PathBuf,
) {
    let step = open(state, locked, path.clone()).unwrap_or_else(|e| BackupStep {
        preview: Some(ScanPreview {
            notes: vec![ScanNote {
                code: e.code,
                message: e.message,
                what: None,
                detail: e.detail,
            }],
            ..scanning::finish(state, Vec::new(), "backup", None)
        }),
        password_token: None,
        format: None,
        file_name: file_name(&path),
    });
    let _ = app.emit(DROP_BACKUP, step);
}

/// Every account of the vault, secrets included, for an export.
fn all_accounts(state: &AppState) -> Result<Vec<Account>> {
    state.with_vault(|v| {
        v.unlock_all()?;
        let metas = v.accounts();
        let mut accounts = Vec::with_capacity(metas.len());
        for m in metas {
            accounts.push(v.account(m.id)?);
        }
        Ok(accounts)
    })
}

fn export_error(e: export::ExportError) -> AppError {
    let code = match e {
        export::ExportError::EmptyPassword => "password_empty",
        export::ExportError::Write { .. } => "export_write",
        _ => "export_failed",
    };
    AppError::new(code, capitalized(&e.to_string()))
}

/// The file name offered in the save dialog.
fn suggested_name(format: &str) -> String {
    let (stem, ext) = match format {
        "aegis" => ("ninsho-aegis-encrypted", "json"),
        "aegis-plain" => ("ninsho-aegis-plain", "json"),
        "uris" => ("ninsho-otpauth", "txt"),
        "html" => ("ninsho-paper-backup", "html"),
        _ => ("ninsho-google-export", "png"),
    };
    format!("{stem}.{ext}")
}

/// Exports every account: asks where (in Rust), then writes the file owner-only and
/// atomically. `password` is needed for the encrypted Aegis vault only.
#[tauri::command]
pub async fn export_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: String,
    password: Option<String>,
) -> Result<Option<ExportDone>> {
    let password = password.map(Zeroizing::new);
    if !["aegis", "aegis-plain", "uris", "html", "google-qr"].contains(&format.as_str()) {
        return Err(AppError::new(
            "export_format",
            format!("Unknown export format {format}."),
        ));
    }
    if format == "aegis" && password.as_deref().is_none_or(|p| p.is_empty()) {
        return Err(export_error(export::ExportError::EmptyPassword));
    }
    let accounts = all_accounts(&state)?;
    if accounts.is_empty() {
        return Err(AppError::new(
            "export_empty",
            "There is no account to export.",
        ));
    }
    let picked = app
        .dialog()
        .file()
        .set_title("Export Ninsho's accounts")
        .set_file_name(suggested_name(&format))
        .blocking_save_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    write(
        &format,
        &path,
        &accounts,
        password.as_deref().map(String::as_str),
    )
    .map(Some)
}

/// Writes an export to `path` (for Google QR codes, numbered PNG files next to it).
pub fn write(
    format: &str,
    path: &Path,
    accounts: &[Account],
    password: Option<&str>,
) -> Result<ExportDone> {
    let write = |p: &Path, bytes: &[u8]| export::write_private(p, bytes).map_err(export_error);
    let mut files = vec![path.display().to_string()];
    let mut skipped = Vec::new();
    match format {
        "aegis" => {
            let text = export::aegis_encrypted(accounts, password.unwrap_or_default())
                .map_err(export_error)?;
            write(path, text.as_bytes())?;
        }
        "aegis-plain" => write(path, export::aegis_plain(accounts).as_bytes())?,
        "uris" => write(path, export::uri_list(accounts).as_bytes())?,
        "html" => write(
            path,
            export::html(accounts, "Ninsho paper backup")
                .map_err(export_error)?
                .as_bytes(),
        )?,
        _ => {
            let qr = export::google_qr(accounts).map_err(export_error)?;
            let n = qr.images.len();
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "ninsho-google-export".into());
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            files.clear();
            for (i, png) in qr.images.iter().enumerate() {
                let file = dir.join(format!("{stem}-{}-of-{n}.png", i + 1));
                write(&file, png)?;
                files.push(file.display().to_string());
            }
            skipped = qr
                .skipped
                .into_iter()
                .map(|(i, why)| format!("{}: {why}", accounts[i].label()))
                .collect();
        }
    }
    Ok(ExportDone {
        files,
        exported: (accounts.len() - skipped.len()) as u32,
        skipped,
    })
}

/// Google Authenticator export QR codes to show one by one for a phone to scan. The UI asks
/// for confirmation first; these codes hold every secret.
#[tauri::command]
pub async fn google_qr_codes(state: State<'_, AppState>) -> Result<GoogleQrCodes> {
    let accounts = all_accounts(&state)?;
    if accounts.is_empty() {
        return Err(AppError::new(
            "export_empty",
            "There is no account to export.",
        ));
    }
    let qr = export::google_qr_svg(&accounts, 280).map_err(export_error)?;
    Ok(GoogleQrCodes {
        exported: (accounts.len() - qr.skipped.len()) as u32,
        svgs: qr.images,
        skipped: qr
            .skipped
            .into_iter()
            .map(|(i, why)| format!("{}: {why}", accounts[i].label()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ninsho_core::uri;
    use std::os::unix::fs::PermissionsExt;

    fn accounts() -> Vec<Account> {
        [
            "otpauth://totp/GitHub:mika?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
            "otpauth://totp/Steam:mika?secret=MFRGGZDFMZTWQ2LK&issuer=Steam&encoder=steam",
        ]
        .iter()
        .map(|u| uri::parse(u).unwrap())
        .collect()
    }

    #[test]
    fn encrypted_export_reads_back_only_with_its_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.json");
        let done = write("aegis", &path, &accounts(), Some("pässword")).unwrap();
        assert_eq!(done.exported, 2);
        assert_eq!(done.files, vec![path.display().to_string()]);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            formats::import(&bytes, None, Some("password")).unwrap_err(),
            FormatError::WrongPassword(FormatId::Aegis)
        );
        let back = formats::import(&bytes, None, Some("pässword")).unwrap();
        let labels: Vec<String> = back.accounts.iter().map(Account::label).collect();
        assert_eq!(labels, ["GitHub (mika)", "Steam (mika)"]);
    }

    #[test]
    fn google_export_numbers_its_images_and_lists_what_it_cannot_hold() {
        let dir = tempfile::tempdir().unwrap();
        let done = write(
            "google-qr",
            &dir.path().join("phone.png"),
            &accounts(),
            None,
        )
        .unwrap();
        let want = dir.path().join("phone-1-of-1.png");
        assert_eq!(done.files, vec![want.display().to_string()]);
        assert!(want.exists());
        assert_eq!(done.exported, 1);
        assert_eq!(done.skipped.len(), 1);
        assert!(
            done.skipped[0].starts_with("Steam (mika): "),
            "{:?}",
            done.skipped
        );
    }

    #[test]
    fn a_waiting_backup_is_taken_once_and_can_be_put_back() {
        let locked = LockedBackups::default();
        let token = locked.put(Locked {
            bytes: Zeroizing::new(b"{}".to_vec()),
            format: FormatId::Aegis,
            path: PathBuf::from("/tmp/x.json"),
            created: Instant::now(),
        });
        let backup = locked.take(&token).unwrap();
        assert!(locked.take(&token).is_none());
        locked.put_back(&token, backup);
        assert!(locked.take(&token).is_some());
        assert!(locked.take("no such token").is_none());
    }

    #[test]
    fn errors_read_as_sentences() {
        let e = format_error(&FormatError::WrongPassword(FormatId::Ente));
        assert_eq!(e.code, "wrong_password");
        assert_eq!(e.message, "Wrong password for this Ente Auth backup.");
    }
}
