//! Authy's token store (Android `shared_prefs`, key
//! `com.authy.storage.tokens.authenticator.key`): a JSON list with either the secret in the
//! clear or encrypted per token with PBKDF2-HMAC-SHA1(password, salt string, 1000) and
//! AES-256-CBC under a zero IV. Authy keeps no algorithm or period: SHA-1, 30 s.

use base64::Engine;
use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto, prefs};

pub struct Authy;

const ID: FormatId = Authy::ID;
const KEY: &str = "com.authy.storage.tokens.authenticator.key";
/// Most tokens of an encrypted list: each one is a PBKDF2 derivation (1,000 rounds) of its
/// own, so a file of hundreds of thousands of tiny tokens would be minutes of work. Ten
/// thousand is far more accounts than anyone keeps, and a fraction of a second.
const MAX_ENCRYPTED_TOKENS: usize = 10_000;

impl Importer for Authy {
    fn detect(&self, input: &Input) -> u8 {
        if input.text().is_some_and(|t| t.contains(KEY)) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        let prefs = input
            .text()
            .and_then(prefs::parse)
            .ok_or_else(|| FormatError::NotThisFormat(ID, "it is not a preferences file".into()))?;
        let list = prefs::get(&prefs, KEY)
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no Authy token list".into()))?;
        let tokens: Value = serde_json::from_str(list)
            .map_err(|e| FormatError::Damaged(ID, format!("the token list is not JSON ({e})")))?;
        let tokens = tokens
            .as_array()
            .ok_or_else(|| FormatError::Damaged(ID, "the token list is not a list".into()))?;
        let encrypted = tokens.iter().any(|t| t.get("encryptedSecret").is_some());
        if encrypted && tokens.len() > MAX_ENCRYPTED_TOKENS {
            return Err(FormatError::Unsupported(
                ID,
                format!(
                    "the list has {} encrypted tokens, each a key derivation of its own; Ninsho \
                     reads at most {MAX_ENCRYPTED_TOKENS}",
                    tokens.len()
                ),
            ));
        }
        if encrypted && password.is_none() {
            return Err(FormatError::PasswordRequired(ID));
        }
        // A wrong password fails every token the same way; say so once instead of per token.
        if let (true, Some(pw), Some(first)) = (
            encrypted,
            password,
            tokens.iter().find(|t| t.get("encryptedSecret").is_some()),
        ) && decrypt(first, pw).is_none()
        {
            return Err(FormatError::WrongPassword(ID));
        }
        let mut out = Collector::default();
        for (i, t) in tokens.iter().enumerate() {
            let issuer = str_of(t, "originalIssuer");
            // "Issuer: name" is how Authy shows it; the account is the part after the issuer.
            let shown = str_of(t, "name");
            let name = match shown.split_once(':') {
                Some((prefix, rest))
                    if !issuer.is_empty() && prefix.trim().eq_ignore_ascii_case(issuer) =>
                {
                    rest.trim()
                }
                _ => shown.trim(),
            };
            out.push(
                || label(issuer, name, i),
                (|| {
                    let secret_text = match t.get("decryptedSecret").and_then(Value::as_str) {
                        Some(s) => zeroize::Zeroizing::new(s.to_owned()),
                        None => {
                            let pw = password.unwrap_or_default();
                            decrypt(t, pw).ok_or("the secret does not decrypt")?
                        }
                    };
                    let p = params("totp", "SHA1", u64_of(t, "digits"), Some(30), None)?;
                    Ok(super::common::account(
                        issuer,
                        name,
                        p,
                        secret_b32(&secret_text)?,
                    ))
                })(),
            );
        }
        Ok(out.done())
    }
}

fn decrypt(token: &Value, password: &str) -> Option<zeroize::Zeroizing<String>> {
    let ct = base64::engine::general_purpose::STANDARD
        .decode(str_of(token, "encryptedSecret"))
        .ok()?;
    let key = crypto::pbkdf2_sha1(password.as_bytes(), str_of(token, "salt").as_bytes(), 1000);
    let plain = crypto::aes_cbc_open(key.as_ref(), &[0u8; 16], &ct)?;
    let text = std::str::from_utf8(&plain).ok()?;
    crate::otp::Secret::from_base32(text).ok()?;
    Some(zeroize::Zeroizing::new(text.to_owned()))
}
