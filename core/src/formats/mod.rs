//! Backups written by other authenticators, and the open formats Ninsho exports.
//!
//! Every importer goes through the same stages: **detect** (by content, never by file name),
//! **decrypt** (a password is asked for when needed; a wrong one is its own error), and
//! **convert** (every entry; an entry that cannot be used is reported with its reason and the
//! others still import). The preview and the commit are the vault's and the UI's business.
//!
//! One foreign format per file, each behind [`Importer`].

mod aegis;
mod andotp;
mod authy;
mod battlenet;
mod bitwarden;
mod common;
mod crypto;
mod duo;
mod ente;
pub mod export;
mod freeotp;
mod freeotp_plus;
mod google_auth;
mod javaser;
mod microsoft;
mod prefs;
mod proton;
mod sqlite;
mod steam;
mod stratum;
mod totp_authenticator;
mod twofas;
mod uris;

use thiserror::Error;
use zeroize::Zeroizing;

use crate::otp::Account;

pub use common::EntryError;

/// Largest backup file Ninsho reads (a few thousand accounts take well under a megabyte).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// The apps (and file shapes) Ninsho imports. The names are the CLI's `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatId {
    Aegis,
    #[serde(rename = "2fas")]
    TwoFas,
    AndOtp,
    AuthenticatorPlus,
    Authy,
    BattleNet,
    Bitwarden,
    Duo,
    Ente,
    FreeOtp,
    FreeOtpPlus,
    GoogleAuthenticator,
    MicrosoftAuthenticator,
    Uris,
    Proton,
    Steam,
    Stratum,
    TotpAuthenticator,
    WinAuth,
}

impl FormatId {
    pub const ALL: [FormatId; 19] = [
        FormatId::Aegis,
        FormatId::TwoFas,
        FormatId::AndOtp,
        FormatId::AuthenticatorPlus,
        FormatId::Authy,
        FormatId::BattleNet,
        FormatId::Bitwarden,
        FormatId::Duo,
        FormatId::Ente,
        FormatId::FreeOtp,
        FormatId::FreeOtpPlus,
        FormatId::GoogleAuthenticator,
        FormatId::MicrosoftAuthenticator,
        FormatId::Uris,
        FormatId::Proton,
        FormatId::Steam,
        FormatId::Stratum,
        FormatId::TotpAuthenticator,
        FormatId::WinAuth,
    ];

    /// The `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            FormatId::Aegis => "aegis",
            FormatId::TwoFas => "2fas",
            FormatId::AndOtp => "andotp",
            FormatId::AuthenticatorPlus => "authenticator-plus",
            FormatId::Authy => "authy",
            FormatId::BattleNet => "battle-net",
            FormatId::Bitwarden => "bitwarden",
            FormatId::Duo => "duo",
            FormatId::Ente => "ente",
            FormatId::FreeOtp => "freeotp",
            FormatId::FreeOtpPlus => "freeotp-plus",
            FormatId::GoogleAuthenticator => "google-authenticator",
            FormatId::MicrosoftAuthenticator => "microsoft-authenticator",
            FormatId::Uris => "uris",
            FormatId::Proton => "proton",
            FormatId::Steam => "steam",
            FormatId::Stratum => "stratum",
            FormatId::TotpAuthenticator => "totp-authenticator",
            FormatId::WinAuth => "winauth",
        }
    }

    /// The app's name as people know it.
    pub fn title(self) -> &'static str {
        match self {
            FormatId::Aegis => "Aegis",
            FormatId::TwoFas => "2FAS",
            FormatId::AndOtp => "andOTP",
            FormatId::AuthenticatorPlus => "Authenticator Plus",
            FormatId::Authy => "Authy",
            FormatId::BattleNet => "Battle.net Authenticator",
            FormatId::Bitwarden => "Bitwarden",
            FormatId::Duo => "Duo Mobile",
            FormatId::Ente => "Ente Auth",
            FormatId::FreeOtp => "FreeOTP",
            FormatId::FreeOtpPlus => "FreeOTP+",
            FormatId::GoogleAuthenticator => "Google Authenticator",
            FormatId::MicrosoftAuthenticator => "Microsoft Authenticator",
            FormatId::Uris => "otpauth URI list",
            FormatId::Proton => "Proton Authenticator",
            FormatId::Steam => "Steam",
            FormatId::Stratum => "Stratum (Authenticator Pro)",
            FormatId::TotpAuthenticator => "TOTP Authenticator",
            FormatId::WinAuth => "WinAuth",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        let n = name.trim().to_ascii_lowercase();
        FormatId::ALL.into_iter().find(|f| f.name() == n)
    }
}

impl std::fmt::Display for FormatId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    #[error(
        "this file is not a backup Ninsho recognizes; if you know which app wrote it, name it with --format"
    )]
    Unrecognized,
    #[error("this file does not look like a {0} backup: {1}")]
    NotThisFormat(FormatId, String),
    #[error("this {0} backup is encrypted: enter the password it was exported with")]
    PasswordRequired(FormatId),
    #[error("wrong password for this {0} backup")]
    WrongPassword(FormatId),
    #[error("this {0} backup is damaged or incomplete: {1}")]
    Damaged(FormatId, String),
    #[error("this {0} backup cannot be imported: {1}")]
    Unsupported(FormatId, String),
    #[error("the file is {0} bytes, larger than any authenticator backup Ninsho reads")]
    TooLarge(usize),
}

impl FormatError {
    pub fn code(&self) -> &'static str {
        match self {
            FormatError::Unrecognized => "format_unrecognized",
            FormatError::NotThisFormat(..) => "format_mismatch",
            FormatError::PasswordRequired(_) => "password_required",
            FormatError::WrongPassword(_) => "wrong_password",
            FormatError::Damaged(..) => "backup_damaged",
            FormatError::Unsupported(..) => "backup_unsupported",
            FormatError::TooLarge(_) => "backup_too_large",
        }
    }
}

/// A file's content, with its text and JSON forms worked out once for all detectors.
pub struct Input<'a> {
    pub bytes: &'a [u8],
    text: Option<&'a str>,
    json: Option<serde_json::Value>,
}

impl<'a> Input<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        let text = std::str::from_utf8(bytes)
            .ok()
            .map(|t| t.trim_start_matches('\u{feff}'));
        let json = text.and_then(|t| {
            let t = t.trim_start();
            (t.starts_with('{') || t.starts_with('['))
                .then(|| serde_json::from_str(t).ok())
                .flatten()
        });
        Input { bytes, text, json }
    }

    pub fn text(&self) -> Option<&'a str> {
        self.text
    }

    pub fn json(&self) -> Option<&serde_json::Value> {
        self.json.as_ref()
    }

    pub fn is_sqlite(&self) -> bool {
        self.bytes.starts_with(b"SQLite format 3\0")
    }
}

/// What an importer produced.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub accounts: Vec<Account>,
    pub errors: Vec<EntryError>,
}

/// One foreign format.
pub trait Importer: Sync {
    fn id(&self) -> FormatId;
    /// How sure this importer is that `input` is its format: 0 no, 1 plausible, 2 certain.
    /// Detection looks at content only.
    fn detect(&self, input: &Input) -> u8;
    /// Decrypts (when needed) and converts every entry.
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError>;
}

fn importers() -> [&'static dyn Importer; 19] {
    [
        &aegis::Aegis,
        &twofas::TwoFas,
        &andotp::AndOtp,
        &uris::AuthenticatorPlus,
        &authy::Authy,
        &battlenet::BattleNet,
        &bitwarden::Bitwarden,
        &duo::Duo,
        &ente::Ente,
        &freeotp::FreeOtp,
        &freeotp_plus::FreeOtpPlus,
        &google_auth::GoogleAuthenticator,
        &microsoft::MicrosoftAuthenticator,
        &uris::Uris,
        &proton::Proton,
        &steam::Steam,
        &stratum::Stratum,
        &totp_authenticator::TotpAuthenticator,
        &uris::WinAuth,
    ]
}

fn importer(id: FormatId) -> &'static dyn Importer {
    importers()
        .into_iter()
        .find(|i| i.id() == id)
        .unwrap_or(&uris::Uris)
}

/// The formats `bytes` may be, most likely first.
pub fn detect(bytes: &[u8]) -> Vec<FormatId> {
    let input = Input::new(bytes);
    let mut scored: Vec<(u8, FormatId)> = importers()
        .into_iter()
        .map(|i| (i.detect(&input), i.id()))
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().map(|(_, id)| id).collect()
}

/// The result of importing a file.
#[derive(Debug, Clone)]
pub struct Import {
    pub format: FormatId,
    pub accounts: Vec<Account>,
    pub errors: Vec<EntryError>,
}

/// Reads a backup: the format is detected from the content unless `format` names it.
pub fn import(
    bytes: &[u8],
    format: Option<FormatId>,
    password: Option<&str>,
) -> Result<Import, FormatError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge(bytes.len()));
    }
    let input = Input::new(bytes);
    let format = match format {
        Some(f) => f,
        None => *detect(bytes).first().ok_or(FormatError::Unrecognized)?,
    };
    let imported = importer(format).import(&input, password)?;
    Ok(Import {
        format,
        accounts: imported.accounts,
        errors: imported.errors,
    })
}

/// A password as the importers take it: wiped when dropped.
pub type Password = Zeroizing<String>;

#[cfg(test)]
mod tests;
