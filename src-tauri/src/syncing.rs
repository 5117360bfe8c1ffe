//! Sync with a folder while the app runs: a merge once after start, after every change made in
//! the app, and whenever the platform reports a change in the folder's `ninsho-sync` (another
//! computer's file arrived). Nothing polls: a folder nobody writes to costs nothing.
//!
//! Merges run on their own thread, one at a time; a request that arrives during one is
//! folded into one more merge after it. A merge that changed the list tells the window and
//! the tray (`accounts-changed`, without asking for another merge); every merge tells the
//! settings page (`sync-changed`).
//!
//! The merge thread's state ([`Merges`]) is this module's own, managed by the app beside
//! `AppState`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use ninsho_core::sync::Sync;
use ninsho_core::watched::watch::{self, Watcher};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::{self, AppEvent};
use crate::state::AppState;

/// The merge thread's state: running, and asked again while running; the folder's watcher.
/// Managed by the app (`app.manage`), read only here.
#[derive(Default)]
pub struct Merges {
    running: AtomicBool,
    again: AtomicBool,
    watcher: Mutex<Option<Watcher>>,
}

/// Merges once and starts watching the folder.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    soon(app);
    let app = app.clone();
    std::thread::spawn(move || rearm(&app));
}

/// Asks for a merge (after a change made here, or a change in the folder).
pub fn soon<R: Runtime>(app: &AppHandle<R>) {
    let merges = app.state::<Merges>();
    merges.again.store(true, Ordering::SeqCst);
    if merges.running.swap(true, Ordering::SeqCst) {
        return; // the running merge sees `again` and merges once more
    }
    let app = app.clone();
    std::thread::spawn(move || {
        let merges = app.state::<Merges>();
        loop {
            merges.again.store(false, Ordering::SeqCst);
            merge(&app);
            if merges.again.load(Ordering::SeqCst) {
                continue;
            }
            merges.running.store(false, Ordering::SeqCst);
            // A request that came just before `running` was cleared returned at once: take it.
            if merges.again.load(Ordering::SeqCst) && !merges.running.swap(true, Ordering::SeqCst) {
                continue;
            }
            break;
        }
    });
}

fn merge<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    // The folder is read, and this device's file written, without the vault's lock: a slow or
    // hanging share never keeps the codes from the window. Failures are what `sync_status`
    // shows; nothing more to say here.
    let Some(report) = Sync::merge_if_on(&*state) else {
        return;
    };
    if report.as_ref().is_ok_and(|r| r.changed()) {
        events::emit(app, AppEvent::AccountsChanged, ());
    }
    rearm_if_moved(app);
    told(app);
}

fn watched<R: Runtime>(app: &AppHandle<R>) -> Option<std::path::PathBuf> {
    let state = app.state::<AppState>();
    // Opened under the vault's lock, read after it (`sync.json` is never waited for while
    // the vault is held: a merge holding it waits for the vault).
    let sync = state
        .with_vault_quiet(|v| Ok(Sync::open(v).ok()))
        .ok()
        .flatten()?;
    sync.watched().ok().flatten()
}

/// Watches the folder synced now (after sync was set up, joined or left).
pub fn rearm<R: Runtime>(app: &AppHandle<R>) {
    let path = watched(app);
    let merges = app.state::<Merges>();
    let mut slot = merges.watcher.lock().unwrap_or_else(|p| p.into_inner());
    let Some(path) = path else {
        *slot = None;
        return;
    };
    let handle = app.clone();
    *slot = Watcher::new(&[path], move || soon(&handle)).ok();
}

/// A folder that went away is watched through its parent; one that came back is watched
/// itself again.
fn rearm_if_moved<R: Runtime>(app: &AppHandle<R>) {
    let paths: Vec<_> = watched(app).into_iter().collect();
    let merges = app.state::<Merges>();
    let moved = watch::moved(
        merges
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

/// Tells the settings page that sync's state may have changed.
pub fn told<R: Runtime>(app: &AppHandle<R>) {
    events::emit(app, AppEvent::SyncChanged, ());
}
