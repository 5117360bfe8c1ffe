//! Errors as the UI receives them: a stable [`ErrorCode`] it translates, an English
//! `message`, and an optional `detail` in the system's own words. Built from core's typed
//! errors; none of them carries secret data.
//!
//! The codes are core's [`ErrorCode`], each core error naming its own; this module only
//! shapes the messages.

use ninsho_core::app::export::ExportFailure;
use ninsho_core::app::icon::IconFileError;
use ninsho_core::app::manual::ManualError;
use ninsho_core::app::read::ReadError;
use ninsho_core::app::settings::SaveError;
use ninsho_core::clock::ClockError;
pub use ninsho_core::error_code::ErrorCode;
use ninsho_core::follow::FollowError;
use ninsho_core::formats::FormatError;
use ninsho_core::scan::{ImageError, ScanError};
use ninsho_core::site::BindingError;
use ninsho_core::sync::SyncError;
use ninsho_core::system_auth::SystemAuthError;
use ninsho_core::vault::{KeychainError, KeychainState, VaultError};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    pub detail: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// A core error's text as a sentence: capitalized, with a full stop.
    pub(crate) fn sentence(code: ErrorCode, e: &impl std::fmt::Display) -> Self {
        AppError::new(code, capitalized(&e.to_string()))
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut s: String = first.to_uppercase().chain(chars).collect();
            if !s.ends_with('.') {
                s.push('.');
            }
            s
        }
        None => String::new(),
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&KeychainState> for AppError {
    fn from(state: &KeychainState) -> Self {
        AppError {
            code: state.error_code(),
            message: state.advice().to_owned(),
            detail: state.detail().map(str::to_owned),
        }
    }
}

impl From<KeychainError> for AppError {
    fn from(e: KeychainError) -> Self {
        match e.state() {
            Some(state) => state.into(),
            None => AppError::new(e.code(), e.to_string()),
        }
    }
}

impl From<VaultError> for AppError {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::Keychain(k) => k.into(),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

impl From<SystemAuthError> for AppError {
    fn from(e: SystemAuthError) -> Self {
        let error = AppError::new(e.code(), e.to_string());
        match e.detail() {
            Some(detail) => error.with_detail(detail),
            None => error,
        }
    }
}

impl From<IconFileError> for AppError {
    fn from(e: IconFileError) -> Self {
        match e {
            IconFileError::Read(e) => e.into(),
            IconFileError::Vault(e) => e.into(),
            IconFileError::Icon { ref source, .. } => {
                AppError::new(e.code(), e.to_string()).with_detail(source.to_string())
            }
            IconFileError::Pack { ref source, .. } => {
                AppError::new(e.code(), e.to_string()).with_detail(source.to_string())
            }
            IconFileError::Pasted(ref source) => {
                AppError::new(e.code(), e.to_string()).with_detail(source.to_string())
            }
            IconFileError::Installed(_) | IconFileError::NothingToPaste => {
                AppError::new(e.code(), e.to_string())
            }
        }
    }
}

impl From<ImageError> for AppError {
    fn from(e: ImageError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<ScanError> for AppError {
    fn from(e: ScanError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<&FormatError> for AppError {
    fn from(e: &FormatError) -> Self {
        AppError::sentence(e.code(), e)
    }
}

impl From<ReadError> for AppError {
    fn from(e: ReadError) -> Self {
        match &e {
            // The file's name, and the system's words apart: the folder may be long.
            ReadError::Io { path, source } => {
                AppError::new(e.code(), format!("{} cannot be read.", file_name(path)))
                    .with_detail(source.to_string())
            }
            ReadError::TooLarge { .. } | ReadError::NotAFile { .. } => {
                AppError::sentence(e.code(), &e)
            }
        }
    }
}

impl From<ExportFailure> for AppError {
    fn from(e: ExportFailure) -> Self {
        match e {
            ExportFailure::Vault(v) => v.into(),
            ExportFailure::Exists(ref path) => {
                AppError::sentence(e.code(), &e).with_detail(file_name(path))
            }
            other => AppError::sentence(other.code(), &other),
        }
    }
}

impl From<ManualError> for AppError {
    fn from(e: ManualError) -> Self {
        AppError::sentence(e.code(), &e)
    }
}

impl From<FollowError> for AppError {
    fn from(e: FollowError) -> Self {
        match e {
            FollowError::Vault(v) => v.into(),
            FollowError::Keychain(k) => k.into(),
            other => AppError::sentence(other.code(), &other),
        }
    }
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Vault(v) => v.into(),
            SyncError::Keychain(k) => k.into(),
            other => AppError::sentence(other.code(), &other),
        }
    }
}

impl From<ninsho_core::bridge::PairingError> for AppError {
    fn from(e: ninsho_core::bridge::PairingError) -> Self {
        AppError::sentence(e.code(), &e)
    }
}

impl From<BindingError> for AppError {
    fn from(e: BindingError) -> Self {
        AppError::sentence(e.code(), &e).with_detail(e.input().to_owned())
    }
}

impl From<ClockError> for AppError {
    fn from(e: ClockError) -> Self {
        let detail = match &e {
            ClockError::Unreachable { reason, .. } | ClockError::BadReply { reason, .. } => {
                Some(reason.clone())
            }
            ClockError::InvalidServer(_) => None,
        };
        let mut error = AppError::sentence(e.code(), &e);
        error.detail = detail;
        error
    }
}

impl From<SaveError> for AppError {
    fn from(e: SaveError) -> Self {
        AppError::new(
            ErrorCode::SettingsSave,
            format!("Cannot save the settings at {}.", e.path.display()),
        )
        .with_detail(e.source.to_string())
    }
}

/// A path's last part, for a message (the whole path when it has none).
fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ninsho_core::formats::FormatId;

    #[test]
    fn format_errors_read_as_sentences() {
        let e = AppError::from(&FormatError::WrongPassword(FormatId::Ente));
        assert_eq!(e.code, ErrorCode::WrongPassword);
        assert_eq!(e.message, "Wrong password for this Ente Auth backup.");
    }

    #[test]
    fn an_existing_export_file_is_named() {
        let e = AppError::from(ExportFailure::Exists("/home/mika/phone-2-of-2.png".into()));
        assert_eq!(e.code, ErrorCode::ExportExists);
        assert_eq!(e.detail.as_deref(), Some("phone-2-of-2.png"));
        assert!(
            e.message
                .starts_with("/home/mika/phone-2-of-2.png already exists")
        );
    }

    #[test]
    fn codes_serialize_as_the_ui_spells_them() {
        assert_eq!(
            serde_json::to_value(ErrorCode::ScreenCaptureWayland).unwrap(),
            serde_json::Value::from("screen_capture_wayland")
        );
        let locked = KeychainState::Locked {
            detail: "collection is locked".into(),
        };
        let e = AppError::from(&locked);
        assert_eq!(e.code, ErrorCode::KeychainLocked);
        assert_eq!(e.detail.as_deref(), Some("collection is locked"));
    }

    #[test]
    fn a_sync_problem_in_the_status_names_the_same_code_as_the_error() {
        use std::path::PathBuf;
        for e in [
            SyncError::FolderGone(PathBuf::from("/mnt/share")),
            SyncError::KeyMissing,
            SyncError::PassphraseChanged,
            SyncError::WrongPassphrase,
            SyncError::FolderDamaged("x".into()),
            SyncError::FolderNewer(2),
            SyncError::NotSyncing,
            SyncError::NotSetUp(PathBuf::from("/x")),
            SyncError::NoRandomness,
        ] {
            let code = e.code();
            assert_eq!(AppError::from(e).code, code);
        }
    }
}
