//! The manual-entry form: the key a site shows under its QR code, typed in. Checked as it is
//! typed, field by field, so the form can point at what is wrong.

use serde::Deserialize;
use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error_code::ErrorCode;
use crate::otp::{
    Account, Algorithm, OtpParams, OtpType, ParamError, Pin, PinError, Secret, SecretError,
};

/// What the form holds. The secret is the one value that travels from the UI to Rust.
#[derive(Clone, Deserialize, Zeroize, ZeroizeOnDrop)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ManualEntry {
    pub issuer: String,
    pub name: String,
    pub secret: String,
    #[zeroize(skip)]
    pub kind: OtpType,
    #[zeroize(skip)]
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub counter: u64,
    /// The PIN of an mOTP or Yandex account (unused for the other kinds). Like the secret, it
    /// only ever travels from the UI to Rust.
    #[serde(default)]
    pub pin: String,
}

impl std::fmt::Debug for ManualEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualEntry")
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// The field a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ManualField {
    Secret,
    Digits,
    Period,
    Name,
    Pin,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ManualError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Params(#[from] ParamError),
    #[error("give the account an issuer or a name")]
    NameRequired,
    /// A key that cannot be this kind's: not hex for mOTP, not a Yandex key's length or
    /// checksum. Never quotes the key.
    #[error("{0}")]
    Key(String),
    #[error(transparent)]
    Pin(#[from] PinError),
}

impl ManualError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ManualError::Secret(SecretError::Empty) => ErrorCode::SecretEmpty,
            ManualError::Secret(SecretError::InvalidCharacter) => ErrorCode::SecretCharacter,
            ManualError::Secret(SecretError::InvalidLength(_)) => ErrorCode::SecretLength,
            ManualError::Secret(SecretError::TooLong) => ErrorCode::SecretTooLong,
            ManualError::Params(ParamError::PinRequired(_)) => ErrorCode::PinRequired,
            ManualError::Params(_) => ErrorCode::InvalidAccount,
            ManualError::NameRequired => ErrorCode::NameRequired,
            ManualError::Key(_) => ErrorCode::SecretChecksum,
            ManualError::Pin(PinError::Empty) => ErrorCode::PinRequired,
            ManualError::Pin(_) => ErrorCode::PinInvalid,
        }
    }

    pub fn field(&self) -> ManualField {
        match self {
            ManualError::Secret(_) => ManualField::Secret,
            ManualError::Params(ParamError::Period(_)) => ManualField::Period,
            ManualError::Params(ParamError::PinRequired(_)) => ManualField::Pin,
            ManualError::Params(_) => ManualField::Digits,
            ManualError::NameRequired => ManualField::Name,
            ManualError::Key(_) => ManualField::Secret,
            ManualError::Pin(_) => ManualField::Pin,
        }
    }
}

impl ManualEntry {
    /// The account the form describes. A Steam, mOTP or Yandex account ignores algorithm,
    /// digits and period; an mOTP key is typed in hex (as mOTP tokens show it), every other in
    /// base32; mOTP and Yandex need the PIN.
    pub fn account(&self) -> Result<Account, ManualError> {
        let secret = match self.kind {
            OtpType::Motp => motp_key(&self.secret)?,
            _ => Secret::from_base32(&Zeroizing::new(self.secret.clone()))?,
        };
        let (params, secret) = match self.kind {
            OtpType::Steam => (OtpParams::steam(), secret),
            OtpType::Motp => (OtpParams::motp(), secret),
            OtpType::Yandex => (
                OtpParams::yandex(),
                crate::otp::yandex_secret(&secret).map_err(ManualError::Key)?,
            ),
            OtpType::Hotp => (
                OtpParams::hotp(self.algorithm, self.digits, self.counter),
                secret,
            ),
            OtpType::Totp => (
                OtpParams::totp(self.algorithm, self.digits, self.period),
                secret,
            ),
        };
        params.validate()?;
        let pin = if self.kind.needs_pin() {
            Some(Pin::new(&self.pin)?)
        } else {
            None
        };
        let issuer = Some(self.issuer.trim()).filter(|s| !s.is_empty());
        if issuer.is_none() && self.name.trim().is_empty() {
            return Err(ManualError::NameRequired);
        }
        Ok(Account::new(issuer, &self.name, params, secret).with_pin(pin))
    }
}

/// An mOTP key as tokens show it: hexadecimal, spaces and dashes between groups allowed.
fn motp_key(text: &str) -> Result<Secret, ManualError> {
    let clean: Zeroizing<String> = Zeroizing::new(
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect(),
    );
    if clean.is_empty() {
        return Err(SecretError::Empty.into());
    }
    let bytes = Zeroizing::new(
        crate::formats::hex_bytes(&clean)
            .ok_or_else(|| ManualError::Key("an mOTP key is written in hexadecimal".into()))?,
    );
    Ok(Secret::from_bytes(&bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> ManualEntry {
        ManualEntry {
            issuer: " GitHub ".into(),
            name: "mika".into(),
            secret: "jbsw y3dp ehpk 3pxp".into(),
            kind: OtpType::Totp,
            algorithm: Algorithm::Sha256,
            digits: 8,
            period: 60,
            counter: 0,
            pin: String::new(),
        }
    }

    #[test]
    fn motp_and_yandex_take_their_key_and_a_pin() {
        let mut e = entry();
        e.kind = OtpType::Motp;
        e.secret = "e315 2afe e625 99c8".into();
        assert_eq!(e.account().unwrap_err().field(), ManualField::Pin);
        assert_eq!(e.account().unwrap_err().code(), ErrorCode::PinRequired);
        e.pin = "1234".into();
        let a = e.account().unwrap();
        assert_eq!(a.params, OtpParams::motp());
        assert_eq!(
            a.secret.as_bytes(),
            [0xe3, 0x15, 0x2a, 0xfe, 0xe6, 0x25, 0x99, 0xc8]
        );
        assert_eq!(a.pin.as_ref().map(Pin::as_str), Some("1234"));
        e.secret = "not hex".into();
        assert_eq!(e.account().unwrap_err().field(), ManualField::Secret);

        let mut e = entry();
        e.kind = OtpType::Yandex;
        e.secret = "LA2V6KMCGYMWWVEW64RNP3JA3IAAAAAAHTSG4HRZPI".into();
        e.pin = "7586".into();
        let a = e.account().unwrap();
        assert_eq!(a.params, OtpParams::yandex());
        assert_eq!(a.secret.len(), 16);
        e.secret = "AA2V6KMCGYMWWVEW64RNP3JA3IAAAAAAHTSG4HRZPI".into();
        assert_eq!(e.account().unwrap_err().code(), ErrorCode::SecretChecksum);
        // The PIN is never part of what the form's Debug shows.
        assert!(!format!("{e:?}").contains("7586"));
    }

    #[test]
    fn a_valid_form_gives_its_account() {
        let a = entry().account().unwrap();
        assert_eq!(a.issuer.as_deref(), Some("GitHub"));
        assert_eq!(a.params, OtpParams::totp(Algorithm::Sha256, 8, 60));
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut e = entry();
        e.secret = "JBSWY3DPEHPK3PX1".into();
        assert_eq!(e.account().unwrap_err().field(), ManualField::Secret);
        let mut e = entry();
        e.digits = 4;
        assert_eq!(e.account().unwrap_err().field(), ManualField::Digits);
        let mut e = entry();
        e.period = 0;
        assert_eq!(e.account().unwrap_err().field(), ManualField::Period);
        let mut e = entry();
        e.issuer = " ".into();
        e.name = "".into();
        assert_eq!(e.account().unwrap_err(), ManualError::NameRequired);
    }

    #[test]
    fn an_unknown_kind_or_algorithm_is_refused_not_defaulted() {
        let json = |kind: &str, algorithm: &str| {
            format!(
                r#"{{"issuer":"A","name":"a","secret":"JBSWY3DPEHPK3PXP","kind":"{kind}","algorithm":"{algorithm}","digits":6,"period":30,"counter":0}}"#
            )
        };
        assert!(serde_json::from_str::<ManualEntry>(&json("totp", "SHA1")).is_ok());
        assert!(serde_json::from_str::<ManualEntry>(&json("motp", "SHA1")).is_ok());
        assert!(serde_json::from_str::<ManualEntry>(&json("yaotp", "SHA1")).is_err());
        assert!(serde_json::from_str::<ManualEntry>(&json("totp", "MD5")).is_err());
    }

    #[test]
    fn debug_shows_no_secret() {
        assert!(!format!("{:?}", entry()).contains("jbsw"));
    }
}
