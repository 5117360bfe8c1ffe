//! The commands the UI may call (and only these: see build.rs and capabilities/main.json),
//! grouped by what a person does. Each maps IPC arguments to a call into ninsho-core and the
//! answer back to a view; none decides anything core could. Commands that touch the
//! keychain, the clipboard, the screen or files are `async`, so they run off the main thread.

pub mod accounts;
pub mod adding;
pub mod backups;
pub mod following;
pub mod palette;
pub mod settings;
pub mod syncing;

use uuid::Uuid;

use crate::error::{AppError, ErrorCode};

pub type Result<T> = std::result::Result<T, AppError>;

/// An account id from the UI. Ids the UI sends are ones Rust gave it; anything else names no
/// account.
fn id(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| AppError::new(ErrorCode::NotFound, "No such account."))
}
