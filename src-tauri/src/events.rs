//! The events Rust sends the window. Their names are an enum exported to TypeScript, so the
//! UI listens only to names that exist.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "kebab-case")]
pub enum AppEvent {
    /// The list of accounts changed (here or, seen on refresh, elsewhere). No payload.
    AccountsChanged,
    /// Files dropped on the window were scanned: a `ScanPreview`.
    DropPreview,
    /// A backup file was dropped on the window: a `BackupStep`.
    DropBackup,
    /// A followed folder was looked at (its state may have changed). No payload.
    FollowChanged,
    /// A merge with the sync folder ran, or sync was set up or left. No payload.
    SyncChanged,
    /// The weekly clock check found the clock wrong: a `ClockCheck`.
    ClockWrong,
    /// The quick-pick palette was opened (sent to the palette only). No payload.
    PickOpened,
    /// The tray menu's "Scan screen" was chosen: the window scans as its own button does.
    ScanRequested,
    /// A code went to a page through the browser bridge: a `BrowserFilled`.
    BrowserFilled,
}

impl AppEvent {
    pub fn name(self) -> &'static str {
        match self {
            AppEvent::AccountsChanged => "accounts-changed",
            AppEvent::DropPreview => "drop-preview",
            AppEvent::DropBackup => "drop-backup",
            AppEvent::FollowChanged => "follow-changed",
            AppEvent::SyncChanged => "sync-changed",
            AppEvent::ClockWrong => "clock-wrong",
            AppEvent::PickOpened => "pick-opened",
            AppEvent::ScanRequested => "scan-requested",
            AppEvent::BrowserFilled => "browser-filled",
        }
    }
}

/// Sends `event` to the window. A window that is gone has nobody to tell, so a failure is
/// not an error.
pub fn emit<R: Runtime, P: Serialize + Clone>(app: &AppHandle<R>, event: AppEvent, payload: P) {
    let _ = app.emit(event.name(), payload);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_what_serde_and_typescript_say() {
        for event in [
            AppEvent::AccountsChanged,
            AppEvent::DropPreview,
            AppEvent::DropBackup,
            AppEvent::FollowChanged,
            AppEvent::SyncChanged,
            AppEvent::ClockWrong,
            AppEvent::PickOpened,
            AppEvent::ScanRequested,
        ] {
            assert_eq!(
                serde_json::to_value(event).unwrap(),
                serde_json::Value::from(event.name())
            );
        }
    }
}
