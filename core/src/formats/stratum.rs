//! Stratum (formerly Authenticator Pro): JSON `Authenticators[]`; encrypted as
//! `"AUTHENTICATORPRO" ‖ salt(16) ‖ iv(12) ‖ ciphertext+tag` (Argon2id t=3, 64 MiB, p=4;
//! AES-256-GCM) or, in older versions, `"AuthenticatorPro" ‖ salt(20) ‖ iv(16) ‖ ciphertext`
//! (PBKDF2-HMAC-SHA1 64,000 rounds; AES-256-CBC); or the app's own SQLite database.
//! Types: 1 HOTP, 2 TOTP, 3 mOTP (hex key), 4 Steam, 5 Yandex, the last two kinds with their
//! `Pin` (in the JSON; the database's rows are read without it, so such entries say so);
//! algorithms 0 SHA-1, 1 SHA-256, 2 SHA-512.

use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, secret_hex, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto, sqlite};
use crate::otp::{Account, OtpParams, Pin};

pub struct Stratum;

const ID: FormatId = Stratum::ID;
const HEADER: &[u8] = b"AUTHENTICATORPRO";
const HEADER_LEGACY: &[u8] = b"AuthenticatorPro";

fn is_json(v: &Value) -> bool {
    v.get("Authenticators").is_some_and(Value::is_array)
}

#[allow(clippy::too_many_arguments)] // one per column of Stratum's table, in its order
fn entry(
    kind: u64,
    issuer: &str,
    name: &str,
    secret: &str,
    algo: u64,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
    pin: Option<&str>,
) -> Result<Account, String> {
    if matches!(kind, 3 | 5) {
        let pin = Pin::new(pin.unwrap_or_default())
            .map_err(|e| format!("the entry's PIN cannot be used: {e}"))?;
        let (params, secret) = if kind == 3 {
            (OtpParams::motp(), secret_hex(secret)?)
        } else {
            let secret = secret_b32(secret)?;
            (OtpParams::yandex(), crate::otp::yandex_secret(&secret)?)
        };
        return Ok(super::common::account(issuer, name, params, secret).with_pin(Some(pin)));
    }
    let kind = match kind {
        1 => "hotp",
        2 => "totp",
        4 => "steam",
        other => return Err(format!("code type {other} is not supported")),
    };
    let algo = match algo {
        0 => "SHA1",
        1 => "SHA256",
        2 => "SHA512",
        other => return Err(format!("algorithm {other} is not supported")),
    };
    Ok(super::common::account(
        issuer,
        name,
        params(kind, algo, digits, period, counter)?,
        secret_b32(secret)?,
    ))
}

fn from_json(json: &Value) -> Imported {
    let mut out = Collector::default();
    for (i, a) in json["Authenticators"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let (issuer, name) = (str_of(a, "Issuer"), str_of(a, "Username"));
        out.push(
            || label(issuer, name, i),
            entry(
                u64_of(a, "Type").unwrap_or(0),
                issuer,
                name,
                str_of(a, "Secret"),
                u64_of(a, "Algorithm").unwrap_or(0),
                u64_of(a, "Digits"),
                u64_of(a, "Period"),
                u64_of(a, "Counter"),
                a.get("Pin").and_then(Value::as_str),
            ),
        );
    }
    out.done()
}

fn parse_plain(plain: &[u8]) -> Result<Imported, FormatError> {
    let json: Value = serde_json::from_slice(plain)
        .map_err(|e| FormatError::Damaged(ID, format!("the decrypted data is not JSON ({e})")))?;
    if !is_json(&json) {
        return Err(FormatError::Damaged(
            ID,
            "the decrypted data holds no authenticators".into(),
        ));
    }
    Ok(from_json(&json))
}

impl Importer for Stratum {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_json)
            || input.bytes.starts_with(HEADER)
            || input.bytes.starts_with(HEADER_LEGACY)
            || (input.is_sqlite()
                && sqlite::has_columns(input.bytes, "authenticator", &["secret", "issuer", "type"]))
        {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        if let Some(json) = input.json().filter(|v| is_json(v)) {
            return Ok(from_json(json));
        }
        let b = input.bytes;
        if input.is_sqlite() {
            let rows = sqlite::rows(
                b,
                "authenticator",
                &[
                    "type",
                    "issuer",
                    "username",
                    "secret",
                    "algorithm",
                    "digits",
                    "period",
                    "counter",
                ],
            )
            .map_err(|e| e.for_format(ID))?;
            let mut out = Collector::default();
            for (i, r) in rows.iter().enumerate() {
                let n = |k: usize| r[k].parse::<u64>().ok();
                out.push(
                    || label(&r[1], &r[2], i),
                    entry(
                        n(0).unwrap_or(0),
                        &r[1],
                        &r[2],
                        &r[3],
                        n(4).unwrap_or(0),
                        n(5),
                        n(6),
                        n(7),
                        None,
                    ),
                );
            }
            return Ok(out.done());
        }
        if b.starts_with(HEADER) {
            let password = password.ok_or(FormatError::PasswordRequired(ID))?;
            if b.len() < 16 + 16 + 12 + 16 {
                return Err(FormatError::Damaged(ID, "the file is too short".into()));
            }
            let key = crypto::argon2id(password.as_bytes(), &b[16..32], 3, 64 * 1024, 4)
                .ok_or_else(|| FormatError::Damaged(ID, "the key cannot be derived".into()))?;
            let plain = crypto::aes_gcm_open(key.as_ref(), &b[32..44], &b[44..], &[])
                .ok_or(FormatError::WrongPassword(ID))?;
            return parse_plain(&plain);
        }
        if b.starts_with(HEADER_LEGACY) {
            let password = password.ok_or(FormatError::PasswordRequired(ID))?;
            if b.len() < 16 + 20 + 16 + 16 {
                return Err(FormatError::Damaged(ID, "the file is too short".into()));
            }
            let key = crypto::pbkdf2_sha1(password.as_bytes(), &b[16..36], 64_000);
            let plain = crypto::aes_cbc_open(key.as_ref(), &b[36..52], &b[52..])
                .ok_or(FormatError::WrongPassword(ID))?;
            return parse_plain(&plain);
        }
        Err(FormatError::NotThisFormat(ID, "no Stratum header".into()))
    }
}
