//! andOTP backups: a JSON array, or the same encrypted — current format
//! `u32be iterations ‖ salt(12) ‖ nonce(12) ‖ ciphertext ‖ tag` with PBKDF2-HMAC-SHA1 and
//! AES-256-GCM; before 0.6.3, `nonce(12) ‖ ciphertext ‖ tag` under SHA-256(password), with
//! labels still written "Issuer:Name".

use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto};

pub struct AndOtp;

/// andOTP picks its PBKDF2-HMAC-SHA1 iteration count at random in this range for each backup.
const WRITTEN_MIN: u32 = 140_000;
const WRITTEN_MAX: u32 = 160_000;
/// Most iterations derived: 16× the most andOTP writes, a second or two. Past it, the count is
/// not spent (it is work a stranger's file would make Ninsho do before any check).
const MAX_ITERATIONS: u32 = 16 * WRITTEN_MAX;
/// Counts up to this are reported as refused; above it the four bytes are taken for an old
/// backup's random nonce (an old file falls in the refused window one time in 430).
const PLAUSIBLE_ITERATIONS: u32 = 10_000_000;

const ID: FormatId = AndOtp::ID;

fn is_andotp(v: &Value) -> bool {
    v.as_array().is_some_and(|a| {
        a.first().is_some_and(|e| {
            e.get("secret").is_some() && e.get("label").is_some() && e.get("type").is_some()
        })
    })
}

impl Importer for AndOtp {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_andotp) {
            return 2;
        }
        // Encrypted backups are opaque binary; a plausible size is all there is to go on.
        let binary =
            input.text().is_none() && input.bytes.len() >= 4 + 12 + 12 + 16 && !input.is_sqlite();
        if binary
            && !input.bytes.starts_with(b"PK")
            && !input.bytes.starts_with(&[0xAC, 0xED])
            && !input.bytes.starts_with(b"AUTHENTICATORPRO")
            && !input.bytes.starts_with(b"AuthenticatorPro")
        {
            1
        } else {
            0
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        if let Some(json) = input.json().filter(|v| is_andotp(v)) {
            return Ok(convert(json));
        }
        if input
            .text()
            .is_some_and(|t| t.trim_start().starts_with('['))
        {
            return Err(FormatError::Damaged(
                ID,
                "the JSON is not an andOTP account list".into(),
            ));
        }
        let password = password.ok_or(FormatError::PasswordRequired(ID))?;
        let b = input.bytes;
        if b.len() < 12 + 16 {
            return Err(FormatError::Damaged(ID, "the file is too short".into()));
        }
        // Current format first; its iteration count is part of the file.
        let mut refused = None;
        if b.len() >= 4 + 12 + 12 + 16 {
            let iterations = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            if (1..=MAX_ITERATIONS).contains(&iterations) {
                let key = crypto::pbkdf2_sha1(password.as_bytes(), &b[4..16], iterations);
                if let Some(plain) = crypto::aes_gcm_open(key.as_ref(), &b[16..28], &b[28..], &[]) {
                    return parse_plain(&plain, false);
                }
            } else if iterations <= PLAUSIBLE_ITERATIONS {
                refused = Some(iterations);
            }
        }
        // The old format has no count: its first four bytes are the nonce's, random.
        let key = crypto::sha256(password.as_bytes());
        match (
            crypto::aes_gcm_open(key.as_ref(), &b[..12], &b[12..], &[]),
            refused,
        ) {
            (Some(plain), _) => parse_plain(&plain, true),
            (None, Some(iterations)) => Err(FormatError::Unsupported(
                ID,
                crypto::refuse_kdf(
                    format!("{iterations} PBKDF2 rounds"),
                    format!(
                        "andOTP writes {WRITTEN_MIN} to {WRITTEN_MAX} (if this is a backup from \
                         before andOTP 0.6.3, the password is wrong)"
                    ),
                ),
            )),
            (None, None) => Err(FormatError::WrongPassword(ID)),
        }
    }
}

fn parse_plain(plain: &[u8], _old: bool) -> Result<Imported, FormatError> {
    let json: Value = serde_json::from_slice(plain)
        .map_err(|e| FormatError::Damaged(ID, format!("the decrypted data is not JSON ({e})")))?;
    if !json.is_array() {
        return Err(FormatError::Damaged(
            ID,
            "the decrypted data is not an account list".into(),
        ));
    }
    Ok(convert(&json))
}

fn convert(json: &Value) -> Imported {
    let mut out = Collector::default();
    for (i, e) in json.as_array().into_iter().flatten().enumerate() {
        // Before andOTP 0.6.3 there was no issuer field; labels read "Issuer - name".
        let (issuer, name) = match (str_of(e, "issuer"), str_of(e, "label")) {
            ("", label) => label.split_once(" - ").unwrap_or(("", label)),
            pair => pair,
        };
        out.push(
            || label(issuer, name, i),
            (|| {
                let p = params(
                    str_of(e, "type"),
                    str_of(e, "algorithm"),
                    u64_of(e, "digits"),
                    u64_of(e, "period"),
                    u64_of(e, "counter"),
                )?;
                // The secret is base32 with padding; `label` keeps whatever the app stored.
                Ok(super::common::account(
                    issuer,
                    name,
                    p,
                    secret_b32(str_of(e, "secret"))?,
                ))
            })(),
        );
    }
    out.done()
}
