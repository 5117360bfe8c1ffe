//! TOTP Authenticator (com.authenticator.authservice2): the backup is base64 of AES-256-CBC
//! (zero IV) under SHA-256(password) — "TotpAuthenticator" when the person set none — of a
//! JSON object whose first key is the account list; the app's own preferences keep the same
//! list in the clear. Each key is base 16, 32 or 64; codes are SHA-1, 6 digits, 30 s.

use base64::Engine;
use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, secret_b64, secret_hex, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto, prefs};

pub struct TotpAuthenticator;

const ID: FormatId = TotpAuthenticator::ID;
const PREF: &str = "STATIC_TOTP_CODES_LIST";
/// What the app encrypts with when the person chose no backup password.
const DEFAULT_PASSWORD: &str = "TotpAuthenticator";

fn ciphertext(input: &Input) -> Option<Vec<u8>> {
    let text: String = input
        .text()?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if text.len() < 24
        || !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
    {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    (bytes.len() % 16 == 0).then_some(bytes)
}

fn convert(list: &Value) -> Imported {
    let mut out = Collector::default();
    for (i, item) in list.as_array().into_iter().flatten().enumerate() {
        // Items are objects, or objects serialised into strings.
        let obj: Value = match item {
            Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
            other => other.clone(),
        };
        let (issuer, name) = (str_of(&obj, "issuer"), str_of(&obj, "name"));
        out.push(
            || label(issuer, name, i),
            (|| {
                let key = str_of(&obj, "key");
                let secret = match u64_of(&obj, "base") {
                    Some(16) => secret_hex(key)?,
                    Some(32) => secret_b32(key)?,
                    Some(64) => secret_b64(key)?,
                    other => {
                        return Err(format!(
                            "keys in base {} are not supported",
                            other.unwrap_or(0)
                        ));
                    }
                };
                Ok(super::common::account(
                    issuer,
                    name,
                    params("totp", "SHA1", Some(6), Some(30), None)?,
                    secret,
                ))
            })(),
        );
    }
    out.done()
}

fn decrypt(ct: &[u8], password: &str) -> Option<Imported> {
    let plain = crypto::aes_cbc_open(crypto::sha256(password.as_bytes()).as_ref(), &[0u8; 16], ct)?;
    let obj: Value = serde_json::from_slice(&plain).ok()?;
    let first = obj.as_object()?.keys().next()?.clone();
    let list: Value = serde_json::from_str(&first).ok()?;
    list.is_array().then(|| convert(&list))
}

impl Importer for TotpAuthenticator {
    fn detect(&self, input: &Input) -> u8 {
        if input.text().is_some_and(|t| t.contains(PREF)) {
            2
        } else if ciphertext(input).is_some() {
            1
        } else {
            0
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        if let Some(text) = input.text().filter(|t| t.contains(PREF)) {
            let prefs = prefs::parse(text).ok_or_else(|| {
                FormatError::Damaged(ID, "the preferences file does not parse".into())
            })?;
            let list: Value = prefs::get(&prefs, PREF)
                .and_then(|l| serde_json::from_str(l).ok())
                .ok_or_else(|| FormatError::Damaged(ID, "the account list is not JSON".into()))?;
            return Ok(convert(&list));
        }
        let ct = ciphertext(input)
            .ok_or_else(|| FormatError::NotThisFormat(ID, "it is not a base64 backup".into()))?;
        match password {
            Some(pw) => decrypt(&ct, pw).ok_or(FormatError::WrongPassword(ID)),
            None => decrypt(&ct, DEFAULT_PASSWORD).ok_or(FormatError::PasswordRequired(ID)),
        }
    }
}
