//! Errors as the UI receives them: a stable [`ErrorCode`] it translates, an English
//! `message`, and an optional `detail` in the system's own words. Built from core's typed
//! errors; none of them carries secret data.
//!
//! The codes are one enum, exported to TypeScript as a union: the UI's English and Japanese
//! tables are typed by it, so a code without a translation fails the UI's type check.

use ninsho_core::app::export::ExportFailure;
use ninsho_core::app::manual::ManualError;
use ninsho_core::app::read::ReadError;
use ninsho_core::app::settings::SaveError;
use ninsho_core::clock::ClockError;
use ninsho_core::follow::FollowError;
use ninsho_core::formats::FormatError;
use ninsho_core::formats::export::ExportError;
use ninsho_core::otp::SecretError;
use ninsho_core::scan::{ImageError, ScanError};
use ninsho_core::sync::SyncError;
use ninsho_core::vault::{KeychainError, KeychainState, VaultError};
use serde::Serialize;
use ts_rs::TS;

/// Every error the backend reports to the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The keychain.
    KeychainMissing,
    KeychainLocked,
    KeychainDenied,
    KeychainTooLarge,
    KeychainFailed,
    // The vault.
    Io,
    SaveFailed,
    VaultDamaged,
    VaultNewer,
    VaultBusy,
    NoDataDir,
    NotFound,
    Duplicate,
    InvalidAccount,
    SecretMissing,
    ItemDamaged,
    ItemTooLarge,
    NotHotp,
    // Images and files.
    ImageFormat,
    ImageTooLarge,
    ImageDamaged,
    FileUnreadable,
    // The manual-entry form.
    SecretEmpty,
    SecretCharacter,
    SecretLength,
    SecretTooLong,
    NameRequired,
    // Backups of other apps.
    FormatUnrecognized,
    FormatMismatch,
    PasswordRequired,
    WrongPassword,
    BackupDamaged,
    BackupUnsupported,
    BackupTooLarge,
    // Exports.
    ExportEmpty,
    PasswordEmpty,
    ExportWrite,
    ExportFailed,
    /// A Google QR image file of the export is already there; nothing was written.
    ExportExists,
    Qr,
    // Followed backup folders.
    FollowNotAFolder,
    FollowNoBackup,
    FollowAlready,
    FollowUnknown,
    /// The account is not marked removed in a followed folder's backup (any more).
    FollowNotMarked,
    FollowState,
    FollowStateNewer,
    FollowPasswordTooLong,
    FollowFailed,
    // Sync with a folder.
    SyncFolder,
    SyncAlready,
    SyncAlreadySetUp,
    SyncNotSetUp,
    SyncOff,
    SyncWrongPassphrase,
    SyncPassphraseShort,
    SyncFolderGone,
    SyncKeyMissing,
    SyncFolderDamaged,
    SyncNewer,
    SyncState,
    SyncFailed,
    // The clock check.
    ClockInvalidServer,
    ClockUnreachable,
    ClockBadReply,
    // The desktop.
    Clipboard,
    ClipboardEmpty,
    ScreenCapture,
    ScreenCaptureWayland,
    Trash,
    PreviewExpired,
    SettingsSave,
    /// The person cancelled the native dialog that asks before a secret is shown. Not a
    /// failure: the UI says nothing.
    RevealDeclined,
    /// A request the backend could not take (Tauri's own answer to malformed arguments, which
    /// reaches the UI as plain text).
    InvalidRequest,
}

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
    fn sentence(code: ErrorCode, e: &impl std::fmt::Display) -> Self {
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
        let code = match state {
            // Only reached for a failing call, never for a usable keychain.
            KeychainState::Available | KeychainState::Missing { .. } => ErrorCode::KeychainMissing,
            KeychainState::Locked { .. } => ErrorCode::KeychainLocked,
            KeychainState::Denied { .. } => ErrorCode::KeychainDenied,
        };
        AppError {
            code,
            message: state.advice().to_owned(),
            detail: state.detail().map(str::to_owned),
        }
    }
}

impl From<KeychainError> for AppError {
    fn from(e: KeychainError) -> Self {
        match &e {
            KeychainError::Unavailable(state) | KeychainError::TimedOut(state) => state.into(),
            KeychainError::TooLarge { .. } => {
                AppError::new(ErrorCode::KeychainTooLarge, e.to_string())
            }
            KeychainError::Failed(_) => AppError::new(ErrorCode::KeychainFailed, e.to_string()),
        }
    }
}

impl From<VaultError> for AppError {
    fn from(e: VaultError) -> Self {
        let code = match &e {
            VaultError::Keychain(k) => return k.clone().into(),
            VaultError::Io { .. } => ErrorCode::Io,
            VaultError::SaveFailed { .. } => ErrorCode::SaveFailed,
            VaultError::Damaged { .. } => ErrorCode::VaultDamaged,
            VaultError::NewerVersion(_) => ErrorCode::VaultNewer,
            VaultError::Busy => ErrorCode::VaultBusy,
            VaultError::NotFound(_) => ErrorCode::NotFound,
            VaultError::Duplicate(_) => ErrorCode::Duplicate,
            VaultError::InvalidAccount(_) => ErrorCode::InvalidAccount,
            VaultError::SecretMissing { .. } => ErrorCode::SecretMissing,
            VaultError::ItemDamaged { .. } => ErrorCode::ItemDamaged,
            VaultError::Item(_) => ErrorCode::ItemTooLarge,
            VaultError::NotHotp { .. } => ErrorCode::NotHotp,
            VaultError::NoDataDir => ErrorCode::NoDataDir,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<ImageError> for AppError {
    fn from(e: ImageError) -> Self {
        let code = match &e {
            ImageError::UnknownFormat | ImageError::UnsupportedFormat(_) => ErrorCode::ImageFormat,
            ImageError::TooLarge { .. } => ErrorCode::ImageTooLarge,
            ImageError::Corrupt(_) | ImageError::Empty => ErrorCode::ImageDamaged,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<ScanError> for AppError {
    fn from(e: ScanError) -> Self {
        match e {
            ScanError::Image(image) => image.into(),
            ScanError::Read { .. } => AppError::new(ErrorCode::FileUnreadable, e.to_string()),
            ScanError::FileTooLarge { .. } => {
                AppError::new(ErrorCode::ImageTooLarge, e.to_string())
            }
        }
    }
}

impl From<&FormatError> for AppError {
    fn from(e: &FormatError) -> Self {
        let code = match e {
            FormatError::Unrecognized => ErrorCode::FormatUnrecognized,
            FormatError::NotThisFormat(..) => ErrorCode::FormatMismatch,
            FormatError::PasswordRequired(_) => ErrorCode::PasswordRequired,
            FormatError::WrongPassword(_) => ErrorCode::WrongPassword,
            FormatError::Damaged(..) => ErrorCode::BackupDamaged,
            FormatError::Unsupported(..) => ErrorCode::BackupUnsupported,
            FormatError::TooLarge(_) => ErrorCode::BackupTooLarge,
        };
        AppError::sentence(code, e)
    }
}

impl From<ReadError> for AppError {
    fn from(e: ReadError) -> Self {
        match &e {
            ReadError::TooLarge { .. } => AppError::sentence(ErrorCode::BackupTooLarge, &e),
            ReadError::Io { path, source } => AppError::new(
                ErrorCode::FileUnreadable,
                format!(
                    "{} cannot be read.",
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned()
                    )
                ),
            )
            .with_detail(source.to_string()),
        }
    }
}

impl From<ExportFailure> for AppError {
    fn from(e: ExportFailure) -> Self {
        let e = match e {
            ExportFailure::Vault(v) => return v.into(),
            other => other,
        };
        let code = match &e {
            ExportFailure::Empty => ErrorCode::ExportEmpty,
            ExportFailure::NoneReadable(_) => ErrorCode::SecretMissing,
            ExportFailure::Exists(path) => {
                return AppError::sentence(ErrorCode::ExportExists, &e).with_detail(
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    ),
                );
            }
            ExportFailure::Export(ExportError::EmptyPassword) => ErrorCode::PasswordEmpty,
            ExportFailure::Export(ExportError::Write { .. }) => ErrorCode::ExportWrite,
            ExportFailure::Export(ExportError::Qr(_)) => ErrorCode::Qr,
            ExportFailure::Export(ExportError::Random | ExportError::Crypto)
            | ExportFailure::Vault(_) => ErrorCode::ExportFailed,
        };
        AppError::sentence(code, &e)
    }
}

impl From<ManualError> for AppError {
    fn from(e: ManualError) -> Self {
        let code = match &e {
            ManualError::Secret(SecretError::Empty) => ErrorCode::SecretEmpty,
            ManualError::Secret(SecretError::InvalidCharacter(_)) => ErrorCode::SecretCharacter,
            ManualError::Secret(SecretError::InvalidLength(_)) => ErrorCode::SecretLength,
            ManualError::Secret(SecretError::TooLong) => ErrorCode::SecretTooLong,
            ManualError::Params(_) => ErrorCode::InvalidAccount,
            ManualError::NameRequired => ErrorCode::NameRequired,
        };
        AppError::sentence(code, &e)
    }
}

impl From<FollowError> for AppError {
    fn from(e: FollowError) -> Self {
        let e = match e {
            FollowError::Vault(v) => return v.into(),
            FollowError::Keychain(k) => return k.into(),
            other => other,
        };
        let code = match &e {
            FollowError::Vault(_) | FollowError::Keychain(_) => ErrorCode::FollowFailed,
            FollowError::NotAFolder(_) => ErrorCode::FollowNotAFolder,
            FollowError::NoBackup(_) => ErrorCode::FollowNoBackup,
            FollowError::PasswordRequired(_) => ErrorCode::PasswordRequired,
            FollowError::WrongPassword(_) => ErrorCode::WrongPassword,
            FollowError::PasswordTooLong => ErrorCode::FollowPasswordTooLong,
            FollowError::AlreadyFollowed(_) => ErrorCode::FollowAlready,
            FollowError::NotFollowed(_) | FollowError::Ambiguous(_) => ErrorCode::FollowUnknown,
            FollowError::NotMarked => ErrorCode::FollowNotMarked,
            FollowError::State { .. } | FollowError::StateDamaged { .. } => ErrorCode::FollowState,
            FollowError::StateNewer(_) => ErrorCode::FollowStateNewer,
            FollowError::Busy => ErrorCode::VaultBusy,
            FollowError::Random => ErrorCode::FollowFailed,
        };
        AppError::sentence(code, &e)
    }
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        let e = match e {
            SyncError::Vault(v) => return v.into(),
            SyncError::Keychain(k) => return k.into(),
            other => other,
        };
        let code = match &e {
            SyncError::Vault(_) | SyncError::Keychain(_) | SyncError::NoRandomness => {
                ErrorCode::SyncFailed
            }
            SyncError::NotAFolder(_) | SyncError::Folder { .. } => ErrorCode::SyncFolder,
            SyncError::AlreadySyncing(_) => ErrorCode::SyncAlready,
            SyncError::AlreadySetUp(_) => ErrorCode::SyncAlreadySetUp,
            SyncError::NotSetUp(_) => ErrorCode::SyncNotSetUp,
            SyncError::NotSyncing => ErrorCode::SyncOff,
            SyncError::WrongPassphrase | SyncError::PassphraseChanged => {
                ErrorCode::SyncWrongPassphrase
            }
            SyncError::PassphraseTooShort => ErrorCode::SyncPassphraseShort,
            SyncError::FolderGone(_) => ErrorCode::SyncFolderGone,
            SyncError::KeyMissing => ErrorCode::SyncKeyMissing,
            SyncError::FolderDamaged(_) => ErrorCode::SyncFolderDamaged,
            SyncError::FolderNewer(_) | SyncError::StateNewer(_) => ErrorCode::SyncNewer,
            SyncError::State { .. } | SyncError::StateDamaged { .. } => ErrorCode::SyncState,
            SyncError::Busy => ErrorCode::VaultBusy,
        };
        AppError::sentence(code, &e)
    }
}

impl From<ClockError> for AppError {
    fn from(e: ClockError) -> Self {
        let code = match &e {
            ClockError::InvalidServer(_) => ErrorCode::ClockInvalidServer,
            ClockError::Unreachable { .. } => ErrorCode::ClockUnreachable,
            ClockError::BadReply { .. } => ErrorCode::ClockBadReply,
        };
        let detail = match &e {
            ClockError::Unreachable { reason, .. } | ClockError::BadReply { reason, .. } => {
                Some(reason.clone())
            }
            ClockError::InvalidServer(_) => None,
        };
        let mut error = AppError::sentence(code, &e);
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
            let app = serde_json::to_value(AppError::from(e).code).unwrap();
            assert_eq!(app, serde_json::Value::from(code));
        }
    }
}
