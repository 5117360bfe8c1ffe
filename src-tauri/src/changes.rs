//! "After a change": the one thing every part of the shell does when the list of accounts
//! changed here (a command, a followed folder's new backup). The window and the tray hear
//! `accounts-changed` (the tray listens for it itself), and the change goes to the other
//! computers of a sync folder now.

use tauri::{AppHandle, Runtime};

use crate::events::{self, AppEvent};

/// Tells the window and the tray that the list of accounts changed, and syncs it soon.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    events::emit(app, AppEvent::AccountsChanged, ());
    crate::syncing::soon(app);
}
