//! What the two kinds of folder Ninsho watches have in common (a followed backup folder and a
//! sync folder): the watcher that wakes the shells when a file arrives, and the report types
//! of a look. Neither `follow` nor `sync` sits above the other; both sit above this.

pub mod report;
pub mod watch;
