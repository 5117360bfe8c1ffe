//! Microsoft Authenticator's database (`PhoneFactor`): `account_type` 0 is a third-party TOTP
//! account (base32 key, 6 digits), 1 a Microsoft personal account (base64 key, 8 digits); other
//! types (work accounts with push) have no code to import.

use super::common::{Collector, label, params, secret_b32, secret_b64};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, sqlite};

pub struct MicrosoftAuthenticator;

const ID: FormatId = MicrosoftAuthenticator::ID;

impl Importer for MicrosoftAuthenticator {
    fn detect(&self, input: &Input) -> u8 {
        sqlite::detect(input, "accounts", &["oath_secret_key", "account_type"])
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let rows = sqlite::rows(
            input.bytes,
            "accounts",
            &["name", "username", "oath_secret_key", "account_type"],
        )
        .map_err(|e| e.for_format(ID))?;
        let mut out = Collector::default();
        for (i, r) in rows.iter().enumerate() {
            let (issuer, name) = (r[0].as_str(), r[1].as_str());
            out.push(
                || label(issuer, name, i),
                (|| match r[3].as_str() {
                    "0" => Ok(super::common::account(
                        issuer,
                        name,
                        params("totp", "SHA1", Some(6), Some(30), None)?,
                        secret_b32(&r[2])?,
                    )),
                    "1" => Ok(super::common::account(
                        issuer,
                        name,
                        params("totp", "SHA1", Some(8), Some(30), None)?,
                        secret_b64(&r[2])?,
                    )),
                    other => Err(format!("account type {other} has no code to import")),
                })(),
            );
        }
        Ok(out.done())
    }
}
