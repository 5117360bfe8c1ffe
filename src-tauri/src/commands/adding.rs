//! Adding accounts: scanning the screen, pasting, opening an image, the manual form, and
//! confirming (or discarding) what a preview shows.

use ninsho_core::app::add::{self, AddReport};
use ninsho_core::app::manual::ManualEntry;
use ninsho_core::otp::{self, Account, Generator, OtpType};
use ninsho_core::scan::pasted::{Held, Pasted};
use ninsho_core::site::Binding;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::Result;
use crate::changes::changed;
use crate::error::{AppError, ErrorCode};
use crate::preview;
use crate::state::AppState;
use crate::views::{ImportResult, ManualPreview, ScanPreview, Source};

/// The image files the open dialog offers.
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"];

#[tauri::command]
pub async fn scan_screen(state: State<'_, AppState>) -> Result<ScanPreview> {
    let contents = crate::capture::scan_screens()?;
    Ok(preview::preview(&state, contents, Source::Screen, None))
}

/// The error that says what the clipboard holds when nothing of it could be used.
fn held(held: Held) -> AppError {
    let error = AppError::new(held.code(), held.describe());
    match held.names().as_deref().or(held.detail()) {
        Some(detail) => error.with_detail(detail),
        None => error,
    }
}

/// Reads the clipboard as core decides (`scan::pasted`): files copied in a file manager are
/// opened exactly as a drop of them is (answered by the drop's event, so `None` here), an
/// image's QR codes or a text's login links become a preview; otherwise the error says what
/// the clipboard holds.
#[tauri::command]
pub async fn paste<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<ScanPreview>> {
    let (contents, source) = match crate::clipboard::pasted(&app).map_err(held)? {
        Pasted::Files(paths) => {
            crate::drop::dropped(&app, paths);
            return Ok(None);
        }
        Pasted::Image(contents) => (contents, Source::Clipboard),
        Pasted::Text(contents) => (contents, Source::Text),
    };
    Ok(Some(preview::preview(&state, contents, source, None)))
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
        .add_filter("Images", IMAGE_EXTENSIONS)
        .blocking_pick_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let contents = preview::scan_path(&path)?;
    Ok(Some(preview::preview(
        &state,
        contents,
        Source::File,
        Some(path),
    )))
}

/// Checks the manual-entry form as it is typed and shows the code it would produce (a
/// time-based one: a HOTP code is shown once, when it is first copied).
#[tauri::command]
pub async fn preview_manual(
    state: State<'_, AppState>,
    entry: ManualEntry,
) -> Result<ManualPreview> {
    let account = match entry.account() {
        Ok(account) => account,
        Err(e) => {
            return Ok(ManualPreview {
                field: Some(e.field()),
                error: Some(e.into()),
                code: None,
                duplicate_of: None,
            });
        }
    };
    let code = shown_code(&account, otp::now())?;
    let duplicate_of = state
        .with_vault(|v| Ok(v.find_duplicate(&account).ok().flatten()))
        .ok()
        .flatten()
        .map(|d| d.existing_label);
    Ok(ManualPreview {
        error: None,
        field: None,
        code,
        duplicate_of,
    })
}

/// The code the manual form shows for `account` at `now`: a time-based account's current
/// code; none for HOTP, whose code for the counter typed is the one its first copy gives.
fn shown_code(account: &Account, now: u64) -> Result<Option<String>> {
    let generator = Generator::of(account)
        .map_err(|e| AppError::new(ErrorCode::InvalidAccount, e.to_string()))?;
    Ok((account.params.otp_type != OtpType::Hotp).then(|| generator.code_at(now).value))
}

#[tauri::command]
pub async fn add_manual<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    entry: ManualEntry,
    force: bool,
) -> Result<ImportResult> {
    let account = entry.account()?;
    let result = import(&state, &[account], &[], &[], force)?;
    changed(&app);
    Ok(result)
}

/// Adds `accounts`, each bound to its `domains` and with its icon (see [`add::add_bound`]). When none could be
/// added and none was a duplicate, the first failure is the answer (the keychain is locked,
/// say), so the preview can stay open for a retry.
fn import(
    state: &AppState,
    accounts: &[Account],
    domains: &[Option<Vec<Binding>>],
    icons: &[Option<String>],
    force: bool,
) -> Result<ImportResult> {
    let mut report: AddReport =
        state.with_vault(|v| Ok(add::add_bound(v, accounts, domains, icons, force)?))?;
    let mut errors: Vec<AppError> = std::mem::take(&mut report.failed)
        .into_iter()
        .map(|(_, e)| e.into())
        .collect();
    if report.added.is_empty() && report.duplicates.is_empty() && !errors.is_empty() {
        return Err(errors.remove(0));
    }
    // Why each was skipped: a repeat of an earlier entry of this list, or already in Ninsho.
    let (mut repeated, mut skipped) = (Vec::new(), Vec::new());
    for (i, duplicate) in &report.duplicates {
        let Some(label) = accounts.get(*i).map(Account::label) else {
            continue;
        };
        if report.repeats_earlier(duplicate) {
            repeated.push(label);
        } else {
            skipped.push(label);
        }
    }
    Ok(ImportResult {
        added: report.added.len() as u32,
        skipped,
        repeated,
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
    let mut pending = state.imports.claim(&token)?;
    let chosen: Vec<usize> = (0..pending.accounts.len())
        .filter(|i| selected.contains(&(*i as u32)))
        .collect();
    let accounts: Vec<Account> = chosen
        .iter()
        .map(|i| pending.accounts[*i].clone())
        .collect();
    let domains: Vec<Option<Vec<Binding>>> = chosen
        .iter()
        .map(|i| pending.domains.get(*i).cloned().flatten())
        .collect();
    let icons: Vec<Option<String>> = chosen
        .iter()
        .map(|i| pending.icons.get(*i).cloned().flatten())
        .collect();
    let result = match import(&state, &accounts, &domains, &icons, force) {
        Ok(r) => r,
        Err(e) => {
            // Keep the preview so the person can retry after fixing the keychain.
            state.imports.put_back(&token, pending);
            return Err(e);
        }
    };
    // Only the file stays behind the token, so it can still be moved to the trash.
    if pending.source.is_some() {
        pending.accounts.clear();
        pending.domains.clear();
        pending.icons.clear();
        state.imports.put_back(&token, pending);
    }
    changed(&app);
    Ok(result)
}

#[tauri::command]
pub async fn discard_import(state: State<'_, AppState>, token: String) -> Result<()> {
    state.imports.take(&token);
    Ok(())
}

/// Moves the image a preview came from to the trash (it shows a secret).
#[tauri::command]
pub async fn trash_source(state: State<'_, AppState>, token: String) -> Result<()> {
    let path = state
        .imports
        .with(&token, |p| p.source.clone())
        .flatten()
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                "There is no file to move to the trash.",
            )
        })?;
    trash::delete(&path).map_err(|e| {
        AppError::new(
            ErrorCode::Trash,
            format!("{} could not be moved to the trash.", path.display()),
        )
        .with_detail(e.to_string())
    })?;
    state.imports.take(&token);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ninsho_core::otp::Algorithm;

    fn entry(kind: OtpType) -> ManualEntry {
        ManualEntry {
            issuer: "Example".into(),
            name: "mika".into(),
            // RFC 4226's key, "12345678901234567890".
            secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
            kind,
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
            counter: 0,
            pin: String::new(),
        }
    }

    #[test]
    fn the_manual_form_shows_a_totp_code_and_no_hotp_code() {
        let totp = entry(OtpType::Totp).account().unwrap();
        // RFC 6238's SHA-1 vector at T = 59 s: 94287082 (8 digits), 287082 in 6.
        assert_eq!(shown_code(&totp, 59).unwrap().as_deref(), Some("287082"));
        let hotp = entry(OtpType::Hotp).account().unwrap();
        assert_eq!(shown_code(&hotp, 59).unwrap(), None);
    }

    #[test]
    fn the_manual_form_shows_an_motp_code_made_with_the_pin() {
        let mut motp = entry(OtpType::Motp);
        motp.secret = "e3152afee62599c8".into();
        motp.pin = "1234".into();
        // Aegis's MOTPTest vector: t = 165892298 s, PIN 1234 -> e7d8b6.
        let account = motp.account().unwrap();
        assert_eq!(
            shown_code(&account, 165_892_298).unwrap().as_deref(),
            Some("e7d8b6")
        );
    }
}
