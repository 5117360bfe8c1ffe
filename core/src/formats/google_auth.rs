//! Google Authenticator's own database (`databases` from app versions up to 5.10; newer
//! versions export QR codes instead, which the scanner reads). Everything is SHA-1, 6 digits,
//! 30 s; `type` 1 is HOTP.
//!
//! The text of those QR codes saved to a file, one `otpauth-migration://offline?data=…` per
//! line (comments and blank lines between), is Google Authenticator's too: it is read as a URI
//! list (`uris.rs`), each line all of its accounts.

use super::common::{Collector, label, params, secret_b32};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, sqlite, uris};

pub struct GoogleAuthenticator;

const ID: FormatId = GoogleAuthenticator::ID;

impl Importer for GoogleAuthenticator {
    fn detect(&self, input: &Input) -> u8 {
        if !input.is_sqlite() && uris::is_migration_list(input) {
            return 2;
        }
        sqlite::detect(input, "accounts", &["email", "secret", "original_name"])
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        if let Some(text) = input
            .text()
            .filter(|_| !input.is_sqlite() && uris::is_migration_list(input))
        {
            return Ok(uris::read_list(text, |_| {}));
        }
        let rows = sqlite::rows(
            input.bytes,
            "accounts",
            &["email", "secret", "counter", "type", "issuer"],
        )
        .map_err(|e| e.for_format(ID))?;
        let mut out = Collector::default();
        for (i, r) in rows.iter().enumerate() {
            let email = r[0].as_str();
            // The name may be "Issuer:account"; the issuer column wins when set.
            let (prefix, name) = email.split_once(':').unwrap_or(("", email));
            let issuer = if r[4].trim().is_empty() {
                prefix
            } else {
                r[4].as_str()
            };
            out.push(
                || label(issuer, name, i),
                (|| {
                    let kind = if r[3] == "1" { "hotp" } else { "totp" };
                    let p = params(kind, "SHA1", Some(6), Some(30), r[2].parse().ok())?;
                    Ok(super::common::account(issuer, name, p, secret_b32(&r[1])?))
                })(),
            );
        }
        Ok(out.done())
    }
}
