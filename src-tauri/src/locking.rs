//! Locking from anywhere in the shell: the window's Ctrl+L and button, the tray's item.
//! Locking forgets the vault key and every secret read so far.

use ninsho_core::vault::LockStatus;

use crate::error::AppError;
use crate::state::AppState;

pub fn lock_now(state: &AppState) -> Result<LockStatus, AppError> {
    state.with_vault(|v| {
        v.lock();
        Ok(v.lock_status())
    })
}
