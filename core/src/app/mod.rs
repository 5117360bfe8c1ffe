//! The application layer: every decision the two shells (`ninsho-cli` and the desktop app)
//! would otherwise each make for themselves, made once.
//!
//! The shells parse arguments or map IPC, draw windows and print; they call these functions
//! and never decide what a person gets. What lives here:
//!
//! - [`codes`]: the code a person asks for (current, next, or a HOTP account's next).
//! - [`add`]: adding found accounts, sorted into added / duplicates / failures.
//! - [`export`]: the export formats as one enum, and writing any of them.
//! - [`fill`]: the browser bridge's decision: which codes a page may have, or why none.
//! - [`keychain`]: the keychain's state as a code, with what to do about it.
//! - [`manual`]: the manual-entry form, checked field by field.
//! - [`read`]: reading a file that must not be larger than some bound.
//! - [`settings`]: the desktop app's settings and where they are kept.
//!
//! Nothing here knows a window or a terminal exists; everything is a call a test can make.

pub mod add;
pub mod autolock;
pub mod codes;
pub mod export;
pub mod fill;
pub mod icon;
pub mod keychain;
pub mod lock;
pub mod manual;
pub mod read;
pub mod settings;
pub mod text;
