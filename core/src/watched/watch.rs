//! Watching followed folders, so a backup that arrives while the app runs is applied without
//! a restart. The platform's file-change notifications (inotify, FSEvents,
//! ReadDirectoryChangesW) wake it: nothing polls.
//!
//! A sync engine writes a backup as a burst of events (a temporary file, writes, a rename);
//! they are debounced into one call. A folder that does not exist (a drive not mounted, a
//! folder the sync engine has not created yet) is watched through its nearest existing
//! parent, so its arrival is noticed too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

/// How long events are gathered before one call: a sync engine's rename follows its writes
/// within this.
pub const DEBOUNCE: Duration = Duration::from_millis(750);

/// Watches folders until dropped.
pub struct Watcher {
    _debouncer: Debouncer<RecommendedWatcher>,
    watched: Vec<PathBuf>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("watched", &self.watched)
            .finish()
    }
}

/// The folder to watch for `path`: itself, or its nearest existing parent.
fn watchable(path: &Path) -> Option<&Path> {
    path.ancestors().find(|p| p.is_dir())
}

/// The folders a watcher of `folders` would watch now. When this differs from
/// [`Watcher::watched`] (a folder went away or came back), a new watcher is needed.
pub fn targets(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in folders.iter().filter_map(|f| watchable(f)) {
        if !out.iter().any(|w| w == dir) {
            out.push(dir.to_path_buf());
        }
    }
    out
}

/// Whether `watcher` (if any) no longer watches what [`targets`] of `folders` says it should
/// (a folder went away or came back): then a new watcher must replace it.
pub fn moved(watcher: Option<&Watcher>, folders: &[PathBuf]) -> bool {
    let watched = watcher.map(|w| w.watched()).unwrap_or_default();
    targets(folders) != watched
}

impl Watcher {
    /// Calls `changed` (on the watcher's own thread) after files change in any of `folders`.
    /// Folders that cannot be watched are left out (returned in [`Watcher::watched`] as the
    /// ones that are).
    pub fn new(
        folders: &[PathBuf],
        changed: impl Fn() + Send + 'static,
    ) -> Result<Self, notify_debouncer_mini::notify::Error> {
        let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
            if result.is_ok_and(|events| !events.is_empty()) {
                changed();
            }
        })?;
        let mut watched = Vec::new();
        for folder in folders {
            let Some(dir) = watchable(folder) else {
                continue;
            };
            if watched.iter().any(|w: &PathBuf| w == dir) {
                continue;
            }
            if debouncer
                .watcher()
                .watch(dir, RecursiveMode::NonRecursive)
                .is_ok()
            {
                watched.push(dir.to_path_buf());
            }
        }
        Ok(Watcher {
            _debouncer: debouncer,
            watched,
        })
    }

    /// The folders actually watched.
    pub fn watched(&self) -> &[PathBuf] {
        &self.watched
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    #[test]
    fn a_new_file_wakes_it_and_a_missing_folder_is_watched_through_its_parent() {
        let dir = tempfile::tempdir().unwrap();
        let later = dir.path().join("not-yet");
        let (tx, rx) = mpsc::channel();
        let w = Watcher::new(&[dir.path().to_path_buf(), later.clone()], move || {
            let _ = tx.send(());
        })
        .unwrap();
        assert_eq!(w.watched(), [dir.path().to_path_buf()]);
        assert_eq!(
            targets(std::slice::from_ref(&later)),
            [dir.path().to_path_buf()]
        );
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "quiet at rest"
        );
        std::fs::write(dir.path().join("aegis-backup-20261201-101010.json"), b"{}").unwrap();
        assert!(rx.recv_timeout(Duration::from_secs(10)).is_ok());
        std::fs::create_dir(&later).unwrap();
        assert!(rx.recv_timeout(Duration::from_secs(10)).is_ok());
        // Once it exists, a new watcher would watch the folder itself.
        assert_eq!(targets(std::slice::from_ref(&later)), [later]);
    }
}
