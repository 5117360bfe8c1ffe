//! Duo Mobile's `duokit/accounts.json`: third-party accounts carry `otpGenerator.otpSecret`
//! (base32) and, for HOTP, a counter. Duo stores no issuer.

use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered};

pub struct Duo;

const ID: FormatId = Duo::ID;

fn is_duo(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|a| a.iter().any(|e| e.get("otpGenerator").is_some()))
}

impl Importer for Duo {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_duo) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let list = input
            .json()
            .filter(|v| is_duo(v))
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no Duo accounts".into()))?;
        let mut out = Collector::default();
        for (i, a) in list.as_array().into_iter().flatten().enumerate() {
            let generator = &a["otpGenerator"];
            if generator.is_null() {
                continue; // Duo Push accounts have no code to import
            }
            let name = str_of(a, "name");
            out.push(
                || label("", name, i),
                (|| {
                    let counter = u64_of(generator, "counter");
                    let kind = if counter.is_some() { "hotp" } else { "totp" };
                    let p = params(kind, "SHA1", Some(6), Some(30), counter)?;
                    Ok(super::common::account(
                        "",
                        name,
                        p,
                        secret_b32(str_of(generator, "otpSecret"))?,
                    ))
                })(),
            );
        }
        Ok(out.done())
    }
}
