//! The commands the UI may call (and only these: see [`list`]),
//! grouped by what a person does. Each maps IPC arguments to a call into ninsho-core and the
//! answer back to a view; none decides anything core could. Commands that touch the
//! keychain, the clipboard, the screen or files are `async`, so they run off the main thread.

pub mod accounts;
pub mod adding;
pub mod backups;
pub mod browsers;
pub mod following;
pub mod icons;
pub mod locking;
pub mod palette;
pub mod settings;
pub mod syncing;

/// The one list of commands: `app_commands!(generate_handler)` in lib.rs registers them, and
/// build.rs includes the same file to give each an `allow-*` permission and to grant them all
/// as the app's `default` permission, which capabilities/main.json names. The palette's
/// capability (capabilities/pick.json) grants its few by name, on purpose. Adding a command is
/// its function and its line here (and its typed call in ui/src/lib/ipc.ts, which
/// `surface.rs` checks against this list).
#[macro_use]
mod list;

use crate::error::AppError;

pub type Result<T> = std::result::Result<T, AppError>;
