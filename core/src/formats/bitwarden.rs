//! Bitwarden's unencrypted exports (JSON `items[].login.totp`, or CSV `login_totp`). A TOTP
//! field is an otpauth URI, Bitwarden's `steam://<base32>`, or a bare base32 key.

use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, uri_account};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered};
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
                out.push(|| label(name, "", i), field(totp, name));
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
        let (totp_col, name_col) = (col("login_totp"), col("name"));
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| FormatError::Damaged(ID, e.to_string()))?;
            let totp = totp_col.and_then(|c| record.get(c)).unwrap_or("").trim();
            if totp.is_empty() {
                continue;
            }
            let name = name_col.and_then(|c| record.get(c)).unwrap_or("");
            out.push(|| label(name, "", i), field(totp, name));
        }
        Ok(out.done())
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
