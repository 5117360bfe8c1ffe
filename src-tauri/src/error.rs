//! Errors as the UI receives them: a stable `code` it translates, an English `message`, and
//! an optional `detail` in the system's own words. Built from core's typed errors; none of
//! them carries secret data.

use ninsho_core::scan::{ImageError, ScanError};
use ninsho_core::vault::{KeychainError, VaultError};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError {
            code: code.to_owned(),
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<KeychainError> for AppError {
    fn from(e: KeychainError) -> Self {
        match &e {
            KeychainError::Unavailable(state) => {
                let view = crate::views::KeychainView::from(state);
                AppError {
                    code: view.state,
                    message: view.advice,
                    detail: view.detail,
                }
            }
            KeychainError::TooLarge { .. } => AppError::new("keychain_too_large", e.to_string()),
            KeychainError::Failed(_) => AppError::new("keychain_failed", e.to_string()),
        }
    }
}

impl From<VaultError> for AppError {
    fn from(e: VaultError) -> Self {
        let code = match &e {
            VaultError::Keychain(k) => return k.clone().into(),
            VaultError::Io { .. } => "io",
            VaultError::SaveFailed { .. } => "save_failed",
            VaultError::Damaged { .. } => "vault_damaged",
            VaultError::NewerVersion(_) => "vault_newer",
            VaultError::Busy => "vault_busy",
            VaultError::NotFound(_) => "not_found",
            VaultError::Duplicate(_) => "duplicate",
            VaultError::InvalidAccount(_) => "invalid_account",
            VaultError::SecretMissing { .. } => "secret_missing",
            VaultError::ItemDamaged { .. } => "item_damaged",
            VaultError::Item(_) => "item_too_large",
            VaultError::NotHotp { .. } => "not_hotp",
            VaultError::NoDataDir => "no_data_dir",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<ImageError> for AppError {
    fn from(e: ImageError) -> Self {
        let code = match &e {
            ImageError::UnknownFormat | ImageError::UnsupportedFormat(_) => "image_format",
            ImageError::TooLarge { .. } => "image_too_large",
            ImageError::Corrupt(_) | ImageError::Empty => "image_damaged",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<ScanError> for AppError {
    fn from(e: ScanError) -> Self {
        match e {
            ScanError::Image(image) => image.into(),
            ScanError::Read { .. } => AppError::new("file_unreadable", e.to_string()),
            ScanError::FileTooLarge { .. } => AppError::new("image_too_large", e.to_string()),
        }
    }
}
