//! The one account model every path produces: URIs, Google exports, backups and manual entry.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Pin, Secret};

/// How the moving factor advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum OtpType {
    /// RFC 6238: time-based.
    Totp,
    /// RFC 4226: counter-based; the counter moves each time a code is shown.
    Hotp,
    /// Steam Guard: TOTP with HMAC-SHA1, 30 s, rendered as 5 characters.
    Steam,
    /// Mobile-OTP: the first 6 hex digits of MD5(10-second count, key in hex, PIN); needs a PIN.
    Motp,
    /// Yandex.Key: HMAC-SHA256 under SHA-256(PIN, key) every 30 s, rendered as 8 letters;
    /// needs a PIN.
    Yandex,
}

impl OtpType {
    pub fn as_str(self) -> &'static str {
        match self {
            OtpType::Totp => "totp",
            OtpType::Hotp => "hotp",
            OtpType::Steam => "steam",
            OtpType::Motp => "motp",
            OtpType::Yandex => "yandex",
        }
    }

    /// Whether codes of this kind need the account's PIN as well as its key.
    pub fn needs_pin(self) -> bool {
        matches!(self, OtpType::Motp | OtpType::Yandex)
    }

    /// The name a person knows the kind by, for messages.
    pub fn title(self) -> &'static str {
        match self {
            OtpType::Totp => "TOTP",
            OtpType::Hotp => "HOTP",
            OtpType::Steam => "Steam",
            OtpType::Motp => "mOTP",
            OtpType::Yandex => "Yandex",
        }
    }
}

impl fmt::Display for OtpType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Algorithm {
    #[serde(rename = "SHA1")]
    Sha1,
    #[serde(rename = "SHA256")]
    Sha256,
    #[serde(rename = "SHA512")]
    Sha512,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Accepts the spellings found in the wild: any case, with or without a dash (`sha-256`).
    pub fn parse(text: &str) -> Option<Self> {
        let compact: String = text
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match compact.as_str() {
            "SHA1" => Some(Algorithm::Sha1),
            "SHA256" => Some(Algorithm::Sha256),
            "SHA512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const STEAM_DIGITS: u8 = 5;
pub const STEAM_PERIOD: u32 = 30;
pub const DEFAULT_PERIOD: u32 = 30;
pub const DEFAULT_DIGITS: u8 = 6;
pub const MOTP_DIGITS: u8 = 6;
pub const MOTP_PERIOD: u32 = 10;
pub const YANDEX_DIGITS: u8 = 8;
/// The key Yandex codes are made from; a 26-byte form carries a checksum after it.
pub const YANDEX_SECRET_BYTES: usize = 16;

/// Everything needed to compute a code except the key. This is what may be stored and shown
/// anywhere; the key never travels with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OtpParams {
    #[serde(rename = "type")]
    pub otp_type: OtpType,
    pub algorithm: Algorithm,
    /// 6–8 for TOTP/HOTP, 5 characters for Steam, 6 hex digits for mOTP, 8 letters for
    /// Yandex.
    pub digits: u8,
    /// Seconds per code; meaningful for TOTP and Steam (always 30) only.
    pub period: u32,
    /// Next HOTP moving factor; meaningful for HOTP only.
    pub counter: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ParamError {
    #[error("{0} digits is not supported: a code has 6, 7 or 8 digits")]
    Digits(u8),
    #[error("a period of {0} seconds is not valid: it must be at least 1 second")]
    Period(u32),
    #[error(
        "a Steam code is always {STEAM_DIGITS} characters from HMAC-SHA1 every {STEAM_PERIOD} seconds"
    )]
    Steam,
    #[error("an mOTP code is always {MOTP_DIGITS} hex digits every {MOTP_PERIOD} seconds")]
    Motp,
    #[error("a Yandex code is always {YANDEX_DIGITS} letters from HMAC-SHA256 every 30 seconds")]
    Yandex,
    /// An mOTP or Yandex account without its PIN.
    #[error("this {} account needs its PIN", .0.title())]
    PinRequired(OtpType),
}

impl OtpParams {
    pub fn totp(algorithm: Algorithm, digits: u8, period: u32) -> Self {
        OtpParams {
            otp_type: OtpType::Totp,
            algorithm,
            digits,
            period,
            counter: 0,
        }
    }

    pub fn hotp(algorithm: Algorithm, digits: u8, counter: u64) -> Self {
        OtpParams {
            otp_type: OtpType::Hotp,
            algorithm,
            digits,
            period: DEFAULT_PERIOD,
            counter,
        }
    }

    pub fn steam() -> Self {
        OtpParams {
            otp_type: OtpType::Steam,
            algorithm: Algorithm::Sha1,
            digits: STEAM_DIGITS,
            period: STEAM_PERIOD,
            counter: 0,
        }
    }

    /// mOTP: MD5 always (`algorithm` is not used and kept SHA1), 6 hex digits, 10 s.
    pub fn motp() -> Self {
        OtpParams {
            otp_type: OtpType::Motp,
            algorithm: Algorithm::Sha1,
            digits: MOTP_DIGITS,
            period: MOTP_PERIOD,
            counter: 0,
        }
    }

    /// Yandex.Key: HMAC-SHA256, 8 letters, 30 s.
    pub fn yandex() -> Self {
        OtpParams {
            otp_type: OtpType::Yandex,
            algorithm: Algorithm::Sha256,
            digits: YANDEX_DIGITS,
            period: DEFAULT_PERIOD,
            counter: 0,
        }
    }

    /// The fixed parameters of a kind that has them (Steam, mOTP, Yandex).
    pub fn fixed(kind: OtpType) -> Option<Self> {
        match kind {
            OtpType::Steam => Some(Self::steam()),
            OtpType::Motp => Some(Self::motp()),
            OtpType::Yandex => Some(Self::yandex()),
            OtpType::Totp | OtpType::Hotp => None,
        }
    }

    /// The checks the generator relies on: totp-rs' unchecked builder panics on ≥ 10 digits and
    /// divides by a zero period, so nothing reaches it without passing here first.
    pub fn validate(&self) -> Result<(), ParamError> {
        match self.otp_type {
            OtpType::Steam => {
                if self.algorithm != Algorithm::Sha1
                    || self.digits != STEAM_DIGITS
                    || self.period != STEAM_PERIOD
                {
                    return Err(ParamError::Steam);
                }
            }
            OtpType::Motp => {
                if *self != Self::motp() {
                    return Err(ParamError::Motp);
                }
            }
            OtpType::Yandex => {
                if *self != Self::yandex() {
                    return Err(ParamError::Yandex);
                }
            }
            OtpType::Totp | OtpType::Hotp => {
                if !(6..=8).contains(&self.digits) {
                    return Err(ParamError::Digits(self.digits));
                }
                if self.otp_type == OtpType::Totp && self.period == 0 {
                    return Err(ParamError::Period(self.period));
                }
            }
        }
        Ok(())
    }

    /// `Some(period)` for time-based codes.
    pub fn period_opt(&self) -> Option<u32> {
        (self.otp_type != OtpType::Hotp).then_some(self.period)
    }

    /// `Some(counter)` for HOTP.
    pub fn counter_opt(&self) -> Option<u64> {
        (self.otp_type == OtpType::Hotp).then_some(self.counter)
    }
}

/// An account as read from an enrollment QR code, an export or a form.
///
/// `Debug` shows the key only as its length (see [`Secret`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The service, e.g. "GitHub". `None` when the source names none.
    pub issuer: Option<String>,
    /// The account at that service, e.g. an e-mail address. May be empty.
    pub name: String,
    pub params: OtpParams,
    pub secret: Secret,
    /// The PIN an mOTP or Yandex account's codes need; `None` for every other kind.
    pub pin: Option<Pin>,
}

impl Account {
    /// Builds an account with labels normalized the way every importer does it: surrounding
    /// whitespace trimmed and an empty issuer treated as none.
    pub fn new(issuer: Option<&str>, name: &str, params: OtpParams, secret: Secret) -> Self {
        Account {
            issuer: normalize_issuer(issuer),
            name: name.trim().to_owned(),
            params,
            secret,
            pin: None,
        }
    }

    /// The account with `pin` (for the kinds that need one; see [`OtpType::needs_pin`]).
    pub fn with_pin(mut self, pin: Option<Pin>) -> Self {
        self.pin = pin;
        self
    }

    /// How a person recognises the account: see [`label`].
    pub fn label(&self) -> String {
        label(self.issuer.as_deref(), &self.name)
    }
}

/// A Yandex key as apps store it: its 16 bytes, or 26 whose last 12 bits are a checksum of the
/// rest (what the Yandex.Key app shows), checked and cut to the 16 the codes use.
pub fn yandex_secret(secret: &Secret) -> Result<Secret, String> {
    const FULL: usize = 26;
    let bytes = secret.as_bytes();
    match bytes.len() {
        YANDEX_SECRET_BYTES => Ok(secret.clone()),
        FULL if yandex_checksum(bytes) => Secret::from_bytes(&bytes[..YANDEX_SECRET_BYTES])
            .map_err(|e| format!("the secret is unusable: {e}")),
        FULL => Err("the Yandex secret's checksum does not match: part of it is mistyped".into()),
        n => Err(format!(
            "a Yandex secret has {YANDEX_SECRET_BYTES} or {FULL} bytes, not {n}"
        )),
    }
}

/// Whether the last 12 bits of `bytes` are the remainder of the bits before them divided by
/// the polynomial 0x18F3 (bit by bit, most significant first).
fn yandex_checksum(bytes: &[u8]) -> bool {
    const POLY: u16 = 0x18F3;
    let n = bytes.len();
    if n < 2 {
        return false;
    }
    let want = (u16::from(bytes[n - 2] & 0x0F) << 8) | u16::from(bytes[n - 1]);
    let bits = n * 8 - 12;
    let mut rem: u16 = 0;
    for i in 0..bits {
        let bit = (bytes[i / 8] >> (7 - i % 8)) & 1;
        rem = (rem << 1) | u16::from(bit);
        if rem & 0x1000 != 0 {
            rem ^= POLY;
        }
    }
    rem == want
}

pub(crate) fn normalize_issuer(issuer: Option<&str>) -> Option<String> {
    issuer
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// "Issuer (name)", "Issuer" or "name", the name without a leading "Issuer:" that repeats
/// the issuer: the one label the window, the tray, the palette, the dialogs and the CLI show.
///
/// Shown as it may be shown ([`crate::app::text::visible`]): a label comes from a QR code or a
/// backup, anyone's words, and must not act on a terminal or reorder itself.
pub fn label(issuer: Option<&str>, name: &str) -> String {
    let name = shown_name(issuer, name);
    let label = match issuer.filter(|i| !i.is_empty()) {
        Some(issuer) if !name.is_empty() => format!("{issuer} ({name})"),
        Some(issuer) => issuer.to_owned(),
        None => name.to_owned(),
    };
    crate::app::text::visible(&label)
}

/// The name as a list shows it: without a leading "Issuer:" that repeats the issuer (Google
/// Authenticator exports and some sites write the label's issuer prefix into the name, so the
/// list would say "Fastmail" above "Fastmail:victor@example.org"). Case and the spaces around
/// the colon do not matter. The stored name is unchanged, so exports stay exact; a name that is
/// nothing but the prefix is shown whole.
pub fn shown_name<'a>(issuer: Option<&str>, name: &'a str) -> &'a str {
    let Some(issuer) = issuer.map(str::trim).filter(|i| !i.is_empty()) else {
        return name;
    };
    let trimmed = name.trim_start();
    let Some(head) = trimmed.get(..issuer.len()) else {
        return name;
    };
    if !head.eq_ignore_ascii_case(issuer) && head.to_lowercase() != issuer.to_lowercase() {
        return name;
    }
    match trimmed[issuer.len()..].trim_start().strip_prefix(':') {
        Some(rest) if !rest.trim().is_empty() => rest.trim(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_label_names_the_issuer_and_the_shown_name() {
        for (issuer, name, label_) in [
            (Some("GitHub"), "GitHub:mika", "GitHub (mika)"),
            (Some("GitHub"), "mika", "GitHub (mika)"),
            (Some("GitHub"), "", "GitHub"),
            (Some(""), "mika", "mika"),
            (None, "mika@example.org", "mika@example.org"),
            // A name that is only the prefix is shown whole (see `shown_name`).
            (Some("Fastmail"), "Fastmail:", "Fastmail (Fastmail:)"),
            // Control and bidi characters are shown, not obeyed.
            (Some("Evil\x1b[2K\r"), "me", "Evil\u{241b}[2K\u{240d} (me)"),
        ] {
            assert_eq!(label(issuer, name), label_, "{issuer:?} {name:?}");
        }
    }

    #[test]
    fn a_name_that_repeats_its_issuer_is_shown_without_it() {
        let cases = [
            (
                Some("Fastmail"),
                "Fastmail:victor.r@corp.example.org",
                "victor.r@corp.example.org",
            ),
            (Some("Fastmail"), "fastmail : victor", "victor"),
            (Some("Straße"), "STRASSE:x", "STRASSE:x"), // not the same text: left alone
            (Some("Ünï"), "ünï:x", "x"),
            (Some("GitHub"), "GitHubber:me", "GitHubber:me"),
            (Some("GitHub"), "GitHub:", "GitHub:"),
            (Some("GitHub"), "me", "me"),
            (None, "GitHub:me", "GitHub:me"),
            (Some("É"), "e:me", "e:me"),
        ];
        for (issuer, name, shown) in cases {
            assert_eq!(shown_name(issuer, name), shown, "{issuer:?} {name:?}");
        }
    }

    #[test]
    fn validation_rejects_what_would_panic_or_mislead() {
        assert_eq!(
            OtpParams::totp(Algorithm::Sha1, 10, 30).validate(),
            Err(ParamError::Digits(10))
        );
        assert_eq!(
            OtpParams::totp(Algorithm::Sha1, 5, 30).validate(),
            Err(ParamError::Digits(5))
        );
        assert_eq!(
            OtpParams::totp(Algorithm::Sha1, 6, 0).validate(),
            Err(ParamError::Period(0))
        );
        assert_eq!(
            OtpParams::hotp(Algorithm::Sha512, 9, 0).validate(),
            Err(ParamError::Digits(9))
        );
        let mut steam = OtpParams::steam();
        steam.digits = 6;
        assert_eq!(steam.validate(), Err(ParamError::Steam));
        for ok in [
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            OtpParams::totp(Algorithm::Sha256, 7, 1),
            OtpParams::hotp(Algorithm::Sha512, 8, u64::MAX),
            OtpParams::steam(),
        ] {
            assert_eq!(ok.validate(), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn the_fixed_kinds_take_only_their_parameters() {
        assert_eq!(OtpParams::motp().validate(), Ok(()));
        assert_eq!(OtpParams::yandex().validate(), Ok(()));
        let mut m = OtpParams::motp();
        m.period = 30;
        assert_eq!(m.validate(), Err(ParamError::Motp));
        let mut y = OtpParams::yandex();
        y.algorithm = Algorithm::Sha1;
        assert_eq!(y.validate(), Err(ParamError::Yandex));
        assert_eq!(
            ParamError::PinRequired(OtpType::Motp).to_string(),
            "this mOTP account needs its PIN"
        );
    }

    #[test]
    fn yandex_secrets_have_16_bytes_or_26_with_a_checksum() {
        // The 26-byte secrets of Aegis's YandexInfoTest: one valid, one with its first
        // character changed.
        let full = Secret::from_base32("LA2V6KMCGYMWWVEW64RNP3JA3IAAAAAAHTSG4HRZPI").unwrap();
        let short = Secret::from_base32("LA2V6KMCGYMWWVEW64RNP3JA3I").unwrap();
        assert_eq!(yandex_secret(&full).unwrap(), short);
        assert_eq!(yandex_secret(&short).unwrap(), short);
        let bad = Secret::from_base32("AA2V6KMCGYMWWVEW64RNP3JA3IAAAAAAHTSG4HRZPI").unwrap();
        assert!(yandex_secret(&bad).unwrap_err().contains("checksum"));
        let odd = Secret::from_bytes(&[1; 20]).unwrap();
        assert!(yandex_secret(&odd).unwrap_err().contains("not 20"));
    }

    #[test]
    fn algorithm_spellings() {
        assert_eq!(Algorithm::parse("sha-256"), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::parse("Sha512"), Some(Algorithm::Sha512));
        assert_eq!(Algorithm::parse("SHA1"), Some(Algorithm::Sha1));
        assert_eq!(Algorithm::parse("MD5"), None);
        assert_eq!(Algorithm::parse(""), None);
    }

    #[test]
    fn labels_are_normalized() {
        let secret = Secret::from_bytes(b"k").unwrap();
        let a = Account::new(Some("  "), " alice ", OtpParams::steam(), secret);
        assert_eq!(a.issuer, None);
        assert_eq!(a.name, "alice");
        assert_eq!(a.label(), "alice");
    }
}
