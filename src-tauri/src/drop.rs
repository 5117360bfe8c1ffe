//! Files dropped on the window: one backup file of another app is imported; images are
//! scanned. Runs on its own thread (reading and scanning take a while) and answers with an
//! event, since nobody invoked it.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

use crate::commands::backups;
use crate::events::{self, AppEvent};
use crate::preview;
use crate::state::AppState;
use crate::views::{BackupStep, ScanNote, Source};

/// At most this many dropped images are scanned at once.
const MAX_DROPPED_IMAGES: usize = 20;

/// Handles a drop of `paths` on the window.
pub fn dropped<R: Runtime>(app: &AppHandle<R>, paths: Vec<PathBuf>) {
    let app = app.clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        if let [path] = paths.as_slice()
            && backups::is_backup(path)
        {
            let step = backups::open(&state, path.clone()).unwrap_or_else(|e| BackupStep {
                preview: Some(preview::failed(&state, Source::Backup, e)),
                password_token: None,
                format: None,
                file_name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.display().to_string()),
            });
            events::emit(&app, AppEvent::DropBackup, step);
            return;
        }
        let mut contents = Vec::new();
        let mut errors = Vec::new();
        for path in paths.iter().take(MAX_DROPPED_IMAGES) {
            match preview::scan_path(path) {
                Ok(c) => contents.extend(c),
                Err(e) => errors.push(e),
            }
        }
        let file = (paths.len() == 1).then(|| paths[0].clone());
        let mut preview = preview::preview(&state, contents, Source::Drop, file);
        for e in errors {
            preview.notes.insert(0, ScanNote::unreadable(e));
        }
        events::emit(&app, AppEvent::DropPreview, preview);
    });
}
