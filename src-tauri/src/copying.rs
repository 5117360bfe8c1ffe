//! Copying an account's code: the one way the window, the palette and the tray put a code on
//! the clipboard (with the clipboard's auto-clear, see `clipboard`).

use ninsho_core::app::codes;
use ninsho_core::otp::{self, group_digits};
use tauri::{AppHandle, Runtime};
use zeroize::Zeroizing;

use crate::clipboard;
use crate::error::AppError;
use crate::state::AppState;
use crate::syncing;
use crate::views::CopyResult;

/// The code a person gets for account `id` (a HOTP account's next, its counter saved first),
/// on the clipboard: for the window, the palette and the tray alike.
pub fn copy_account<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    id: uuid::Uuid,
    next: bool,
) -> Result<CopyResult, AppError> {
    let (code, hotp) = state.with_vault(|v| {
        let code = codes::code_to_use(v, id, next, otp::now())?;
        let _ = v.mark_used(id);
        let hotp = v.get(id).is_ok_and(|m| m.otp_type == otp::OtpType::Hotp);
        Ok((code, hotp))
    })?;
    if hotp {
        // Its counter moved: the other computers must never show this code again.
        syncing::soon(app);
    }
    copy(app, Zeroizing::new(code.value))
}

/// Puts `value` on the clipboard (cleared after the configured delay); the code as shown.
fn copy<R: Runtime>(app: &AppHandle<R>, value: Zeroizing<String>) -> Result<CopyResult, AppError> {
    let clear_after_seconds = clipboard::copy(app, &value)?;
    Ok(CopyResult {
        grouped: group_digits(&value),
        clear_after_seconds,
    })
}
