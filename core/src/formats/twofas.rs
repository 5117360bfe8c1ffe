//! 2FAS backups (`.2fas`, schema 1–4): `services[]`, optionally encrypted as
//! `servicesEncrypted = b64(ciphertext+tag):b64(salt):b64(iv)` with PBKDF2-HMAC-SHA256
//! (10,000 rounds) and AES-256-GCM.

use base64::Engine;
use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto};

pub struct TwoFas;

const ID: FormatId = TwoFas::ID;

fn is_2fas(v: &Value) -> bool {
    v.get("schemaVersion").is_some()
        && (v.get("services").is_some() || v.get("servicesEncrypted").is_some())
}

impl Importer for TwoFas {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_2fas) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        let file = input
            .json()
            .filter(|v| is_2fas(v))
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no 2FAS services".into()))?;
        let schema = u64_of(file, "schemaVersion").unwrap_or(0);
        if schema > 4 {
            return Err(FormatError::Unsupported(
                ID,
                format!("schema {schema} is newer than Ninsho knows (4)"),
            ));
        }
        let encrypted = file
            .get("servicesEncrypted")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let services: Value = match encrypted {
            None => file["services"].clone(),
            Some(blob) => {
                let password = password.ok_or(FormatError::PasswordRequired(ID))?;
                let parts: Vec<&str> = blob.split(':').collect();
                let b64 = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).ok();
                let (Some(ct), Some(salt), Some(iv)) = (
                    parts.first().and_then(|s| b64(s)),
                    parts.get(1).and_then(|s| b64(s)),
                    parts.get(2).and_then(|s| b64(s)),
                ) else {
                    return Err(FormatError::Damaged(
                        ID,
                        "the encrypted services are not in ct:salt:iv form".into(),
                    ));
                };
                let key = crypto::pbkdf2_sha256(password.as_bytes(), &salt, 10_000);
                let plain = crypto::aes_gcm_open(key.as_ref(), &iv, &ct, &[])
                    .ok_or(FormatError::WrongPassword(ID))?;
                serde_json::from_slice(&plain).map_err(|e| {
                    FormatError::Damaged(ID, format!("the decrypted services are not JSON ({e})"))
                })?
            }
        };
        let services = services
            .as_array()
            .ok_or_else(|| FormatError::Damaged(ID, "the service list is missing".into()))?;
        let mut out = Collector::default();
        for (i, s) in services.iter().enumerate() {
            let otp = &s["otp"];
            // Schema 1 calls the issuer the service name; later schemas keep both.
            let issuer = Some(str_of(otp, "issuer"))
                .filter(|x| !x.is_empty())
                .unwrap_or(str_of(s, "name"));
            let name = str_of(otp, "account");
            out.push(
                || label(issuer, name, i),
                (|| {
                    // Before schema 3 there is no tokenType: everything was TOTP.
                    let kind = match str_of(otp, "tokenType") {
                        "" => "totp",
                        t => t,
                    };
                    let p = params(
                        kind,
                        str_of(otp, "algorithm"),
                        u64_of(otp, "digits"),
                        u64_of(otp, "period"),
                        u64_of(otp, "counter"),
                    )?;
                    Ok(super::common::account(
                        issuer,
                        name,
                        p,
                        secret_b32(str_of(s, "secret"))?,
                    ))
                })(),
            );
        }
        Ok(out.done())
    }
}
