//! One-time codes: the account model, its key, and code generation (TOTP, HOTP, Steam).

mod account;
mod generate;
mod secret;

pub(crate) use account::normalize_issuer;
pub use account::{
    Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, OtpParams, OtpType, ParamError,
    STEAM_DIGITS, STEAM_PERIOD, label, shown_name,
};
pub use generate::{Code, Generator, group_digits, now};
pub use secret::{MAX_SECRET_BYTES, Secret, SecretError};
