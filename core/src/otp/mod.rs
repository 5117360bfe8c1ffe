//! One-time codes: the account model, its key, and code generation (TOTP, HOTP, Steam, mOTP,
//! Yandex).

mod account;
mod generate;
mod pin;
mod secret;

pub(crate) use account::normalize_issuer;
pub use account::{
    Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, MOTP_DIGITS, MOTP_PERIOD, OtpParams,
    OtpType, ParamError, STEAM_DIGITS, STEAM_PERIOD, YANDEX_DIGITS, YANDEX_SECRET_BYTES, label,
    shown_name, yandex_secret,
};
pub use generate::{Code, Generator, group_digits, now};
pub use pin::{MAX_PIN_CHARS, Pin, PinError};
pub use secret::{MAX_SECRET_BYTES, Secret, SecretError};
