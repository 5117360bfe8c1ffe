//! Text forms of accounts: `otpauth://` enrollment URIs and Google Authenticator exports.

pub mod migration;
mod otpauth;
pub(crate) mod percent;

pub use otpauth::{MAX_URI_BYTES, UriError, format, parse};
