//! Followed backup folders while the app runs: looked at once after start, then whenever the
//! platform reports a change in one of them (see `ninsho_core::watched::watch`). Nothing polls:
//! a folder nobody writes to costs nothing.
//!
//! A look that changed the list tells the window (`accounts-changed`); every look tells the
//! settings page (`follow-changed`), which shows each folder's state.

use std::path::PathBuf;

use ninsho_core::follow::Follows;
use ninsho_core::watched::watch::{self, Watcher};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::{self, AppEvent};
use crate::state::AppState;

/// Looks at every followed folder once, off the main thread, and starts watching them.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        look_all(&app);
        rearm(&app);
    });
}

fn followed_paths(state: &AppState) -> Vec<PathBuf> {
    state
        .with_vault_quiet(|v| Ok(Follows::open(v).and_then(|f| f.paths()).unwrap_or_default()))
        .unwrap_or_default()
}

/// Watches the folders followed now (after one was added or removed).
pub fn rearm<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let paths = followed_paths(&state);
    let mut slot = state.watcher.lock().unwrap_or_else(|p| p.into_inner());
    if paths.is_empty() {
        *slot = None;
        return;
    }
    let handle = app.clone();
    *slot = Watcher::new(&paths, move || {
        look_all(&handle);
        rearm_if_moved(&handle);
    })
    .ok();
}

/// A folder that went away is watched through its parent, and one that came back must be
/// watched itself: when what should be watched changed, a new watcher replaces the old one
/// (from another thread: this runs on the old watcher's own).
fn rearm_if_moved<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let paths = followed_paths(&state);
    let moved = watch::moved(
        state
            .watcher
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref(),
        &paths,
    );
    if moved {
        let app = app.clone();
        std::thread::spawn(move || rearm(&app));
    }
}

/// Looks at every followed folder and tells the window what changed.
fn look_all<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let reports = state.with_vault_quiet(|v| {
        Ok(Follows::open(v)
            .and_then(|f| f.check(v, None, false))
            .unwrap_or_default())
    });
    let Ok(reports) = reports else { return };
    if reports.is_empty() {
        return;
    }
    if reports.iter().any(|r| r.changed()) {
        crate::changes::changed(app);
    }
    told(app);
}

/// Tells the settings page that the followed folders' states may have changed.
pub fn told<R: Runtime>(app: &AppHandle<R>) {
    events::emit(app, AppEvent::FollowChanged, ());
}
