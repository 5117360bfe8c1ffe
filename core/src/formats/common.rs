//! What every importer needs: turning loosely typed fields into accounts, and collecting the
//! entries that could not be used (with a reason) instead of failing the whole file.

use base64::Engine;
use serde_json::Value;

use crate::otp::{Account, Algorithm, OtpParams, Secret};

/// An entry of a backup that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryError {
    /// How the entry is named in the backup (issuer and name, or its position).
    pub entry: String,
    pub message: String,
}

/// Accounts and per-entry errors, gathered entry by entry.
#[derive(Default)]
pub struct Collector {
    pub accounts: Vec<Account>,
    pub errors: Vec<EntryError>,
    /// The source's own id of each account, in the same order (`None` where it has none).
    ids: Vec<Option<String>>,
    /// The sites the source names for each account, in the same order.
    sites: Vec<super::Sites>,
    /// Each account's own icon, kept form (see [`crate::icon`]), in the same order.
    icons: Vec<Option<String>>,
}

impl Collector {
    pub fn push(&mut self, entry: impl FnOnce() -> String, result: Result<Account, String>) {
        self.push_id(entry, "", result);
    }

    /// [`Collector::push`] for a format whose entries carry their own id (Aegis's `uuid`):
    /// a backup written again later names the same entry the same way. An empty id is none.
    pub fn push_id(
        &mut self,
        entry: impl FnOnce() -> String,
        id: &str,
        result: Result<Account, String>,
    ) {
        self.push_entry(entry, id, super::Sites::None, None, result);
    }

    /// [`Collector::push_id`] for a format that keeps sites (Bitwarden's URIs, Ninsho's own
    /// export) or an icon (Aegis) with its entries: they stay with the account they came with.
    pub fn push_entry(
        &mut self,
        entry: impl FnOnce() -> String,
        id: &str,
        sites: super::Sites,
        icon: Option<String>,
        result: Result<Account, String>,
    ) {
        match result {
            Ok(a) => {
                self.accounts.push(a);
                let id = id.trim();
                self.ids.push((!id.is_empty()).then(|| id.to_owned()));
                self.sites.push(sites);
                self.icons.push(icon);
            }
            Err(message) => self.errors.push(EntryError {
                entry: entry(),
                message,
            }),
        }
    }

    pub fn done(self) -> super::Imported {
        super::Imported {
            accounts: self.accounts,
            errors: self.errors,
            ids: self.ids,
            sites: self.sites,
            icons: self.icons,
        }
    }
}

/// Names an entry for an error message: "Issuer (name)", or its position.
pub fn label(issuer: &str, name: &str, index: usize) -> String {
    match (issuer.trim(), name.trim()) {
        ("", "") => format!("entry {}", index + 1),
        (i, "") => i.to_owned(),
        ("", n) => n.to_owned(),
        (i, n) => format!("{i} ({n})"),
    }
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A number that may be written as a number or as a string.
pub fn u64_of(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn secret_b32(text: &str) -> Result<Secret, String> {
    Secret::from_base32(text).map_err(|e| format!("the secret is unusable: {e}"))
}

pub fn secret_b64(text: &str) -> Result<Secret, String> {
    let bytes = zeroize::Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| "the secret is not valid base64".to_owned())?,
    );
    Secret::from_bytes(&bytes).map_err(|e| format!("the secret is unusable: {e}"))
}

pub fn secret_hex(text: &str) -> Result<Secret, String> {
    let bytes = zeroize::Zeroizing::new(
        hex(text).ok_or_else(|| "the secret is not valid hexadecimal".to_owned())?,
    );
    Secret::from_bytes(&bytes).map_err(|e| format!("the secret is unusable: {e}"))
}

/// A Java `byte[]` written as a JSON array of signed numbers.
pub fn secret_java_bytes(v: &Value) -> Result<Secret, String> {
    let items = v.as_array().ok_or("the secret is missing")?;
    let bytes: zeroize::Zeroizing<Vec<u8>> = zeroize::Zeroizing::new(
        items
            .iter()
            .map(|b| {
                b.as_i64()
                    .filter(|n| (-128..=255).contains(n))
                    .map(|n| n as u8)
            })
            .collect::<Option<Vec<u8>>>()
            .ok_or("the secret is not a byte array")?,
    );
    Secret::from_bytes(&bytes).map_err(|e| format!("the secret is unusable: {e}"))
}

pub fn hex(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(t.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn algorithm(name: &str) -> Result<Algorithm, String> {
    if name.trim().is_empty() {
        return Ok(Algorithm::Sha1);
    }
    let trimmed = name
        .trim()
        .trim_start_matches("Hmac")
        .trim_start_matches("HMAC");
    Algorithm::parse(trimmed).ok_or_else(|| format!("the algorithm {name} is not supported"))
}

/// Parameters from the fields most backups have, validated.
pub fn params(
    kind: &str,
    algo: &str,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
) -> Result<OtpParams, String> {
    let digits = u8::try_from(digits.unwrap_or(6)).map_err(|_| "too many digits".to_owned())?;
    let params = match kind.trim().to_ascii_lowercase().as_str() {
        "steam" => OtpParams::steam(),
        "hotp" => OtpParams::hotp(algorithm(algo)?, digits, counter.unwrap_or(0)),
        "totp" | "" => {
            let period = u32::try_from(period.unwrap_or(30))
                .map_err(|_| "the period is too long".to_owned())?;
            OtpParams::totp(algorithm(algo)?, digits, period)
        }
        other => return Err(format!("{other} codes are not supported")),
    };
    params.validate().map_err(|e| e.to_string())?;
    Ok(params)
}

pub fn account(issuer: &str, name: &str, params: OtpParams, secret: Secret) -> Account {
    Account::new(Some(issuer), name, params, secret)
}

/// Parses a line that should be an otpauth URI, for list-like formats.
pub fn uri_account(line: &str) -> Result<Account, String> {
    crate::uri::parse(line).map_err(|e| format!("not a usable otpauth URI: {e}"))
}
