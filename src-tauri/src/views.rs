//! Everything that crosses the IPC boundary, and nothing else. TypeScript twins of these types
//! are generated into ui/src/lib/bindings by ts-rs (`cargo test -p ninsho` writes them).
//!
//! No type here has a field for a secret: scans and imports return previews and an opaque
//! token, codes are computed here and sent as text. The only exceptions are explicit user
//! actions to reveal something ([`TransferQr`], recovery codes).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use ninsho_core::vault::{AccountMeta, KeychainState};

/// Whether the keychain can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KeychainView {
    /// `available`, `keychain_missing`, `keychain_locked` or `keychain_denied`.
    pub state: String,
    /// What the person should do (English; the UI shows its own translation by `state`).
    pub advice: String,
    /// The system's own words, for the curious.
    pub detail: Option<String>,
}

impl From<&KeychainState> for KeychainView {
    fn from(state: &KeychainState) -> Self {
        let detail = match state {
            KeychainState::Available => None,
            KeychainState::Missing { detail }
            | KeychainState::Locked { detail }
            | KeychainState::Denied { detail } => Some(detail.clone()),
        };
        KeychainView {
            state: state.code().to_owned(),
            advice: state.advice().to_owned(),
            detail,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub keychain: KeychainView,
    pub vault_path: String,
    pub account_count: u32,
    /// Things the person should know about how the vault was opened (a damaged file set aside).
    pub notices: Vec<String>,
    /// Set when the vault could not be opened at all.
    pub vault_error: Option<crate::error::AppError>,
}

/// An account as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccountView {
    pub id: String,
    pub issuer: Option<String>,
    pub name: String,
    /// `totp`, `hotp` or `steam`.
    pub kind: String,
    pub digits: u8,
    /// Seconds per code (time-based codes).
    pub period: Option<u32>,
    pub pinned: bool,
    pub group: Option<String>,
    /// Icon key chosen by the person; `null`: match the issuer.
    pub icon: Option<String>,
}

impl From<&AccountMeta> for AccountView {
    fn from(a: &AccountMeta) -> Self {
        AccountView {
            id: a.id.to_string(),
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            kind: a.otp_type.as_str().to_owned(),
            digits: a.digits,
            period: a.params().period_opt(),
            pinned: a.pinned,
            group: a.group.clone(),
            icon: a.icon.clone(),
        }
    }
}

/// The codes of one account for the current period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CodeView {
    pub id: String,
    /// The code, no spaces. `null` for HOTP (produced on request).
    pub code: Option<String>,
    pub next: Option<String>,
    /// Unix milliseconds; the UI draws the countdown from these without asking again.
    #[ts(type = "number | null")]
    pub valid_from_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub valid_until_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CodesSnapshot {
    /// Rust's clock when the codes were computed (Unix milliseconds).
    #[ts(type = "number")]
    pub now_ms: u64,
    pub codes: Vec<CodeView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CopyResult {
    /// `123 456`: for the toast.
    pub grouped: String,
    /// Seconds until the clipboard is cleared (0: never).
    pub clear_after_seconds: u32,
}

/// One account found by a scan, paste or form, before it is added.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PreviewItem {
    pub index: u32,
    pub issuer: Option<String>,
    pub name: String,
    pub kind: String,
    pub digits: u8,
    pub period: Option<u32>,
    /// The existing account this one duplicates, if any.
    pub duplicate_of: Option<String>,
}

/// Something the person should know about what was scanned.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScanNote {
    /// `no_qr`, `not_login`, `broken_code`, `broken_export`, `rejected_entry`, `already_scanned`.
    pub code: String,
    pub message: String,
    /// For `not_login`: what the code is (`web_link`, `wifi`, `email`, `phone`, `sms`, `contact`,
    /// `location`, `calendar`, `text`).
    pub what: Option<String>,
    /// For `not_login` web links: the host; Wi-Fi: the network name.
    pub detail: Option<String>,
}

/// Progress of a Google Authenticator export that spans several QR codes.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BatchView {
    pub scanned: u32,
    pub total: u32,
    /// 1-based numbers of the codes still to scan.
    pub missing: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScanPreview {
    /// Confirms the import (`confirm_import`); `null` when nothing can be imported.
    pub token: Option<String>,
    /// `screen`, `clipboard`, `file`, `drop`, `text`, `manual` or `backup`.
    pub source: String,
    pub items: Vec<PreviewItem>,
    pub notes: Vec<ScanNote>,
    pub batches: Vec<BatchView>,
    /// The image or backup file read (for the offer to move it to the trash), if one was.
    pub file_name: Option<String>,
    /// QR codes found in the image(s); for a backup, the accounts it yielded.
    pub codes_found: u32,
    /// The app whose backup this is (imports only).
    pub format: Option<String>,
}

/// What opening a backup file gave: its preview, or the need for a password (then
/// `password_token` names the waiting file and `format` the app that wrote it).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupStep {
    pub preview: Option<ScanPreview>,
    pub password_token: Option<String>,
    pub format: Option<String>,
    pub file_name: String,
}

/// A finished export: the files written, how many accounts they hold, and the accounts the
/// format cannot hold (with the reason).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportDone {
    pub files: Vec<String>,
    pub exported: u32,
    pub skipped: Vec<String>,
}

/// Google Authenticator export QR codes to show one by one.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GoogleQrCodes {
    pub svgs: Vec<String>,
    pub exported: u32,
    pub skipped: Vec<String>,
}

/// The manual-entry form. The secret is the one value that travels UI → Rust.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ManualEntry {
    pub issuer: String,
    pub name: String,
    pub secret: String,
    pub kind: String,
    pub algorithm: String,
    pub digits: u8,
    pub period: u32,
    #[ts(type = "number")]
    pub counter: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ManualPreview {
    /// `null` when the entry is valid.
    pub error: Option<crate::error::AppError>,
    /// Which field the error is about: `secret`, `digits`, `period`, `counter`, `name`.
    pub field: Option<String>,
    /// The code the entry produces now (so the person can compare with the site).
    pub code: Option<String>,
    pub duplicate_of: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportResult {
    pub added: u32,
    /// Labels of the accounts skipped as duplicates.
    pub skipped: Vec<String>,
    pub errors: Vec<crate::error::AppError>,
}

/// An account as a QR code, for moving it to a phone. Shown only after a confirmation.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TransferQr {
    pub svg: String,
    pub label: String,
    pub hide_after_seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Settings {
    /// `system`, `light` or `dark`.
    pub theme: String,
    /// `system`, `en` or `ja`.
    pub language: String,
    /// 0: never clear.
    pub clipboard_clear_seconds: u32,
    pub show_next_code: bool,
    pub hide_codes: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: "system".into(),
            language: "system".into(),
            clipboard_clear_seconds: 30,
            show_next_code: true,
            hide_codes: false,
        }
    }
}

impl Settings {
    /// Keeps values inside what the UI offers.
    pub fn sanitized(mut self) -> Self {
        if !["system", "light", "dark"].contains(&self.theme.as_str()) {
            self.theme = "system".into();
        }
        if !["system", "en", "ja"].contains(&self.language.as_str()) {
            self.language = "system".into();
        }
        self.clipboard_clear_seconds = self.clipboard_clear_seconds.min(3600);
        self
    }
}
