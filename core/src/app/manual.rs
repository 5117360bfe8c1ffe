//! The manual-entry form: the key a site shows under its QR code, typed in. Checked as it is
//! typed, field by field, so the form can point at what is wrong.

use serde::Deserialize;
use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error_code::ErrorCode;
use crate::otp::{Account, Algorithm, OtpParams, OtpType, ParamError, Secret, SecretError};

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
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ManualError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Params(#[from] ParamError),
    #[error("give the account an issuer or a name")]
    NameRequired,
}

impl ManualError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ManualError::Secret(SecretError::Empty) => ErrorCode::SecretEmpty,
            ManualError::Secret(SecretError::InvalidCharacter) => ErrorCode::SecretCharacter,
            ManualError::Secret(SecretError::InvalidLength(_)) => ErrorCode::SecretLength,
            ManualError::Secret(SecretError::TooLong) => ErrorCode::SecretTooLong,
            ManualError::Params(_) => ErrorCode::InvalidAccount,
            ManualError::NameRequired => ErrorCode::NameRequired,
        }
    }

    pub fn field(&self) -> ManualField {
        match self {
            ManualError::Secret(_) => ManualField::Secret,
            ManualError::Params(ParamError::Period(_)) => ManualField::Period,
            ManualError::Params(_) => ManualField::Digits,
            ManualError::NameRequired => ManualField::Name,
        }
    }
}

impl ManualEntry {
    /// The account the form describes. A Steam account ignores algorithm, digits and period.
    pub fn account(&self) -> Result<Account, ManualError> {
        let secret = Secret::from_base32(&Zeroizing::new(self.secret.clone()))?;
        let params = match self.kind {
            OtpType::Steam => OtpParams::steam(),
            OtpType::Hotp => OtpParams::hotp(self.algorithm, self.digits, self.counter),
            OtpType::Totp => OtpParams::totp(self.algorithm, self.digits, self.period),
        };
        params.validate()?;
        let issuer = Some(self.issuer.trim()).filter(|s| !s.is_empty());
        if issuer.is_none() && self.name.trim().is_empty() {
            return Err(ManualError::NameRequired);
        }
        Ok(Account::new(issuer, &self.name, params, secret))
    }
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
        }
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
        assert!(serde_json::from_str::<ManualEntry>(&json("motp", "SHA1")).is_err());
        assert!(serde_json::from_str::<ManualEntry>(&json("totp", "MD5")).is_err());
    }

    #[test]
    fn debug_shows_no_secret() {
        assert!(!format!("{:?}", entry()).contains("jbsw"));
    }
}
