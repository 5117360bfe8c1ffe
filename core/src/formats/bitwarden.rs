//! Bitwarden's unencrypted exports (JSON `items[].login.totp`, or CSV `login_totp`). A TOTP
//! field is an otpauth URI, Bitwarden's `steam://<base32>`, or a bare base32 key. The login's
//! URIs (JSON `login.uris[].uri`, CSV `login_uri`, several joined by commas) are the sites
//! the account is used on.

use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, uri_account};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, Sites};
use crate::otp::{Account, OtpParams};

pub struct Bitwarden;

const ID: FormatId = Bitwarden::ID;

fn is_json(v: &Value) -> bool {
    v.get("items").is_some_and(Value::is_array) && v.get("encrypted").is_some()
}

fn is_csv(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|h| h.split(',').any(|c| c.trim() == "login_totp"))
}

impl Importer for Bitwarden {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_json) || input.text().is_some_and(is_csv) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, _: Option<&str>) -> Result<Imported, FormatError> {
        let mut out = Collector::default();
        if let Some(json) = input.json().filter(|v| is_json(v)) {
            if json["encrypted"].as_bool() == Some(true) {
                return Err(FormatError::Unsupported(
                    ID,
                    "encrypted Bitwarden exports cannot be read; export unencrypted JSON or CSV"
                        .into(),
                ));
            }
            for (i, item) in json["items"].as_array().into_iter().flatten().enumerate() {
                let totp = item["login"]["totp"].as_str().unwrap_or("").trim();
                if totp.is_empty() {
                    continue; // a login without two-factor code
                }
                let name = str_of(item, "name");
                let uris = item["login"]["uris"].as_array().into_iter().flatten();
                let sites = addresses(uris.filter(|u| is_address(u)).map(|u| str_of(u, "uri")));
                out.push_entry(|| label(name, "", i), "", sites, field(totp, name));
            }
            return Ok(out.done());
        }
        let text = input
            .text()
            .filter(|t| is_csv(t))
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no Bitwarden items".into()))?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| FormatError::Damaged(ID, e.to_string()))?
            .clone();
        let col = |name: &str| headers.iter().position(|h| h.trim() == name);
        let (totp_col, name_col, uri_col) = (col("login_totp"), col("name"), col("login_uri"));
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| FormatError::Damaged(ID, e.to_string()))?;
            let totp = totp_col.and_then(|c| record.get(c)).unwrap_or("").trim();
            if totp.is_empty() {
                continue;
            }
            let name = name_col.and_then(|c| record.get(c)).unwrap_or("");
            let uris = uri_col.and_then(|c| record.get(c)).unwrap_or("");
            let sites = addresses(uris.split(','));
            out.push_entry(|| label(name, "", i), "", sites, field(totp, name));
        }
        Ok(out.done())
    }
}

/// Bitwarden's URI match detections that name no address.
const REGEX_MATCH: u64 = 4;
const NEVER_MATCH: u64 = 5;

/// Whether a JSON login URI names an address: one whose match is a regular expression is a
/// pattern, and one set never to match is no site of the login.
fn is_address(uri: &Value) -> bool {
    !matches!(uri["match"].as_u64(), Some(REGEX_MATCH | NEVER_MATCH))
}

/// A login's URIs as the file has them (empty ones dropped).
fn addresses<'a>(uris: impl Iterator<Item = &'a str>) -> Sites {
    let uris: Vec<String> = uris
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect();
    if uris.is_empty() {
        Sites::None
    } else {
        Sites::Addresses(uris)
    }
}

fn field(totp: &str, item_name: &str) -> Result<Account, String> {
    let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
    if lower.starts_with("steam://") {
        let secret = secret_b32(&totp[8..])?;
        return Ok(Account::new(
            Some("Steam"),
            "Steam account",
            OtpParams::steam(),
            secret,
        ));
    }
    if lower.starts_with("otpauth:") {
        return uri_account(totp);
    }
    // A bare key: Bitwarden's default TOTP, named after the login.
    Ok(super::common::account(
        item_name,
        "",
        params("totp", "SHA1", Some(6), Some(30), None)?,
        secret_b32(totp)?,
    ))
}
