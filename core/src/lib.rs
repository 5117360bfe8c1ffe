//! Ninsho's engine: everything that is not a window.
//!
//! Accounts come in as QR codes ([`scan`]), URIs ([`uri`]) or Google Authenticator exports
//! ([`uri::migration`]), and leave as codes ([`otp`]). Nothing here knows about a UI; every
//! action a person can take in the app is a call a test can make without one.

pub mod app;
pub mod bridge;
pub mod clock;
pub mod error_code;
pub mod follow;
pub mod formats;
pub mod icon;
pub mod kdf;
pub mod otp;
pub mod scan;
pub mod site;
pub mod sync;
pub mod system_auth;
pub mod uri;
pub mod vault;
pub mod watched;
pub mod zip_shape;
