//! Backups written by other authenticators, and the open formats Ninsho exports.
//!
//! Every importer goes through the same stages: **detect** (by content, never by file name),
//! **decrypt** (a password is asked for when needed; a wrong one is its own error), and
//! **convert** (every entry; an entry that cannot be used is reported with its reason and the
//! others still import). The preview and the commit are the vault's and the UI's business.
//!
//! One foreign format per file, each behind [`Importer`].
//!
//! # Adding a format
//!
//! Write the importer (a unit struct implementing [`Importer`]) in its own file next to this one,
//! add its `mod` line here, and add one line to the `formats!` table: variant, `--format` name,
//! title and importer. Its place in the table is its place in detection, which breaks ties. The
//! importer names itself in errors with `Self::ID` (from `Registered`), never a `FormatId`
//! it spells out.

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

use crate::error_code::ErrorCode;
use crate::otp::Account;
use crate::site::Binding;

pub use common::EntryError;
pub(crate) use common::hex as hex_bytes;

/// Largest backup file Ninsho reads (a few thousand accounts take well under a megabyte).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Declares the import formats: one line each, `Variant = "name", "Title", module::Importer;`.
///
/// From the lines it builds [`FormatId`] (the variants, in this order), [`FormatId::ALL`],
/// [`FormatId::name`], [`FormatId::title`], the exhaustive `importer(id)` match, and each
/// importer's [`Registered::ID`]. An importer type can be listed only once (its `Registered`
/// impls would conflict), and a variant cannot exist without its importer.
macro_rules! formats {
    ($($variant:ident = $name:literal, $title:literal, $importer:path;)+) => {
        /// The apps (and file shapes) Ninsho imports. The names are the CLI's `--format` values.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FormatId {
            $(#[doc = $title] $variant,)+
        }

        const FORMAT_COUNT: usize = [$($name),+].len();

        impl FormatId {
            /// Every format, in detection order (ties between detectors go to the earlier one).
            pub const ALL: [FormatId; FORMAT_COUNT] = [$(FormatId::$variant),+];

            /// The `--format` name.
            pub fn name(self) -> &'static str {
                match self {
                    $(FormatId::$variant => $name,)+
                }
            }

            /// The app's name as people know it.
            pub fn title(self) -> &'static str {
                match self {
                    $(FormatId::$variant => $title,)+
                }
            }
        }

        fn importer(id: FormatId) -> &'static dyn Importer {
            match id {
                $(FormatId::$variant => &$importer,)+
            }
        }

        $(impl Registered for $importer {
            const ID: FormatId = FormatId::$variant;
        })+
    };
}

// The one place a format is added. The order is the detection order.
formats! {
    Aegis = "aegis", "Aegis", aegis::Aegis;
    TwoFas = "2fas", "2FAS", twofas::TwoFas;
    AndOtp = "andotp", "andOTP", andotp::AndOtp;
    AuthenticatorPlus = "authenticator-plus", "Authenticator Plus", uris::AuthenticatorPlus;
    Authy = "authy", "Authy", authy::Authy;
    BattleNet = "battle-net", "Battle.net Authenticator", battlenet::BattleNet;
    Bitwarden = "bitwarden", "Bitwarden", bitwarden::Bitwarden;
    Duo = "duo", "Duo Mobile", duo::Duo;
    Ente = "ente", "Ente Auth", ente::Ente;
    FreeOtp = "freeotp", "FreeOTP", freeotp::FreeOtp;
    FreeOtpPlus = "freeotp-plus", "FreeOTP+", freeotp_plus::FreeOtpPlus;
    GoogleAuthenticator = "google-authenticator", "Google Authenticator", google_auth::GoogleAuthenticator;
    MicrosoftAuthenticator = "microsoft-authenticator", "Microsoft Authenticator", microsoft::MicrosoftAuthenticator;
    Uris = "uris", "otpauth URI list", uris::Uris;
    Proton = "proton", "Proton Authenticator", proton::Proton;
    Steam = "steam", "Steam", steam::Steam;
    Stratum = "stratum", "Stratum (Authenticator Pro)", stratum::Stratum;
    TotpAuthenticator = "totp-authenticator", "TOTP Authenticator", totp_authenticator::TotpAuthenticator;
    WinAuth = "winauth", "WinAuth", uris::WinAuth;
}

impl FormatId {
    /// The format with this `--format` name (case and surrounding spaces do not matter).
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

/// Serialized as its `--format` name.
impl serde::Serialize for FormatId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A `--format` name that is none of [`FormatId::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown format {name:?}; the formats are {}", FormatId::ALL.map(FormatId::name).join(", "))]
pub struct UnknownFormat {
    pub name: String,
}

impl std::str::FromStr for FormatId {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FormatId::from_name(s).ok_or_else(|| UnknownFormat { name: s.to_owned() })
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
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            FormatError::Unrecognized => ErrorCode::FormatUnrecognized,
            FormatError::NotThisFormat(..) => ErrorCode::FormatMismatch,
            FormatError::PasswordRequired(_) => ErrorCode::PasswordRequired,
            FormatError::WrongPassword(_) => ErrorCode::WrongPassword,
            FormatError::Damaged(..) => ErrorCode::BackupDamaged,
            FormatError::Unsupported(..) => ErrorCode::BackupUnsupported,
            FormatError::TooLarge(_) => ErrorCode::BackupTooLarge,
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
    /// The source's own id of each account, where the format has one (see [`Import::id`]).
    pub ids: Vec<Option<String>>,
    /// The sites the source names for each account (see [`Import::sites`]).
    pub sites: Vec<Sites>,
    /// Each account's own icon, kept form (see [`Import::icon`]).
    pub icons: Vec<Option<String>>,
}

/// The sites a backup names for one of its accounts, as the file writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Sites {
    /// The format keeps none (most authenticators), or this entry has none.
    #[default]
    None,
    /// Addresses another app keeps with the login (Bitwarden's URIs): each binds the site it
    /// is on, beside a known issuer's sites, as a person would bind the site they log in to.
    Addresses(Vec<String>),
    /// What the account was bound to in the Ninsho that exported it (the `ninsho.sites` of its
    /// Aegis entry): the whole list as that person left it, an exact host kept exact, and
    /// nothing seeded again that they had unbound.
    Ninsho(Vec<String>),
}

impl Sites {
    /// The values as the file has them.
    pub fn raw(&self) -> &[String] {
        match self {
            Sites::None => &[],
            Sites::Addresses(v) | Sites::Ninsho(v) => v,
        }
    }

    /// What an account with these sites and `issuer` is bound to when it is added; `None`
    /// when the file names no site, so it is bound as any new account is (a known issuer's
    /// sites). A value that is no site (an IP address, an app's `androidapp://` link, a
    /// public suffix) is left out; the account is imported all the same.
    pub fn domains(&self, issuer: Option<&str>) -> Option<Vec<Binding>> {
        let found: Vec<Binding> = match self {
            Sites::None => return None,
            Sites::Addresses(v) => v
                .iter()
                .filter_map(|a| Binding::site_of(a))
                .chain(crate::site::known::sites_of(issuer))
                .collect(),
            Sites::Ninsho(v) => v.iter().filter_map(|b| Binding::parse(b).ok()).collect(),
        };
        Some(crate::site::binding::unique(found))
    }
}

/// One foreign format. Its [`FormatId`] comes from the `formats!` table.
pub trait Importer: Sync {
    /// How sure this importer is that `input` is its format: 0 no, 1 plausible, 2 certain.
    /// Detection looks at content only.
    fn detect(&self, input: &Input) -> u8;
    /// Decrypts (when needed) and converts every entry.
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError>;
}

/// The id the `formats!` table gives an importer type; importers name themselves in their
/// errors with it (`Self::ID`, or a module `const ID` taken from it).
trait Registered {
    const ID: FormatId;
}

/// The formats `bytes` may be, most likely first.
pub fn detect(bytes: &[u8]) -> Vec<FormatId> {
    let input = Input::new(bytes);
    let mut scored: Vec<(u8, FormatId)> = FormatId::ALL
        .into_iter()
        .map(|id| (importer(id).detect(&input), id))
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
    ids: Vec<Option<String>>,
    sites: Vec<Sites>,
    icons: Vec<Option<String>>,
    /// The content could be read only with the password: it was decrypted.
    pub encrypted: bool,
}

impl Import {
    /// The backup's own id of `accounts[index]` (Aegis's entry `uuid`), which stays the same
    /// from one backup to the next; `None` where the format has no ids.
    pub fn id(&self, index: usize) -> Option<&str> {
        self.ids.get(index).and_then(|id| id.as_deref())
    }

    /// The sites the backup names for `accounts[index]`, as the file writes them (addresses
    /// like `https://accounts.github.com/login`, or Ninsho's own bindings); empty where the
    /// format keeps none.
    pub fn sites(&self, index: usize) -> &[String] {
        self.sites.get(index).map_or(&[], Sites::raw)
    }

    /// What `accounts[index]` is bound to when it is added (see [`Sites::domains`]).
    pub fn domains(&self, index: usize) -> Option<Vec<Binding>> {
        let issuer = self.accounts.get(index)?.issuer.as_deref();
        self.sites.get(index)?.domains(issuer)
    }

    /// The icon the backup carries for `accounts[index]` (Aegis's `icon`), as Ninsho keeps
    /// icons (see [`crate::icon`]).
    pub fn icon(&self, index: usize) -> Option<&str> {
        self.icons.get(index).and_then(|i| i.as_deref())
    }

    /// [`Import::icon`] of every account, in order.
    pub fn all_icons(&self) -> Vec<Option<String>> {
        (0..self.accounts.len())
            .map(|i| self.icon(i).map(str::to_owned))
            .collect()
    }

    /// [`Import::domains`] of every account, in order, for [`crate::app::add::add_bound`].
    pub fn all_domains(&self) -> Vec<Option<Vec<Binding>>> {
        (0..self.accounts.len()).map(|i| self.domains(i)).collect()
    }
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
    let importer = importer(format);
    // Read without the password first: a file that reads so was not encrypted, whatever
    // password came with it (Aegis reads a file without key slots as plain). Only the
    // importer's content tells, never the caller: a folder whose backups are encrypted
    // refuses a plain one planted among them (see `follow`). A refusal costs no key
    // derivation: importers ask for the password before deriving anything.
    let (imported, encrypted) = match (importer.import(&input, None), password) {
        (Ok(imported), _) => (imported, false),
        (Err(e), None) => return Err(e),
        (Err(_), Some(password)) => (importer.import(&input, Some(password))?, true),
    };
    Ok(Import {
        format,
        accounts: imported.accounts,
        errors: imported.errors,
        ids: imported.ids,
        sites: imported.sites,
        icons: imported.icons,
        encrypted,
    })
}

/// A password as the importers take it: wiped when dropped.
pub type Password = Zeroizing<String>;

#[cfg(test)]
mod tests;
