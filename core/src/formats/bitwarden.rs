//! Bitwarden's unencrypted exports (JSON `items[].login.totp`, or CSV `login_totp`), of a
//! personal vault (with `folders`) or an organisation's (with `collections`, its items carrying
//! `organizationId` and `collectionIds`). A TOTP field is an otpauth URI, Bitwarden's
//! `steam://<base32>`, or a bare base32 key. What the field does not name comes from the login:
//! the item's name is the issuer and the login's username the account name (a bare key names
//! neither; a Steam key is issued by Steam, and named by the username). The login's URIs (JSON `login.uris[].uri`, CSV
//! `login_uri`, several joined by commas) are the sites the account is used on.

use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, uri_account};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, Sites};
use crate::otp::{Account, OtpParams};

pub struct Bitwarden;

const ID: FormatId = Bitwarden::ID;

/// Items, beside what every export has: whether it is encrypted, a personal vault's folders,
/// or an organisation's collections.
fn is_json(v: &Value) -> bool {
    v.get("items").is_some_and(Value::is_array)
        && ["encrypted", "folders", "collections"]
            .iter()
            .any(|k| v.get(k).is_some())
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
                let username = str_of(&item["login"], "username");
                let uris = item["login"]["uris"].as_array().into_iter().flatten();
                let sites = addresses(uris.filter(|u| is_address(u)).map(|u| str_of(u, "uri")));
                out.push_entry(
                    || label(name, username, i),
                    "",
                    sites,
                    None,
                    field(totp, name, username),
                );
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
        let (totp_col, name_col, uri_col, user_col) = (
            col("login_totp"),
            col("name"),
            col("login_uri"),
            col("login_username"),
        );
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| FormatError::Damaged(ID, e.to_string()))?;
            let totp = totp_col.and_then(|c| record.get(c)).unwrap_or("").trim();
            if totp.is_empty() {
                continue;
            }
            let cell = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("");
            let (name, username) = (cell(name_col), cell(user_col));
            let sites = addresses(cell(uri_col).split(','));
            out.push_entry(
                || label(name, username, i),
                "",
                sites,
                None,
                field(totp, name, username),
            );
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

/// The account a login's TOTP field gives; the item's name and the login's username fill in
/// what the field does not name.
fn field(totp: &str, item_name: &str, username: &str) -> Result<Account, String> {
    let (item_name, username) = (item_name.trim(), username.trim());
    let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
    if lower.starts_with("steam://") {
        // Issuer "Steam", as the shared conformance vectors (Aegis's importer) have it; the
        // login's username, when it has one, is the name.
        let name = if username.is_empty() {
            "Steam account"
        } else {
            username
        };
        return Ok(Account::new(
            Some("Steam"),
            name,
            OtpParams::steam(),
            secret_b32(&totp[8..])?,
        ));
    }
    if lower.starts_with("otpauth:") {
        let mut account = uri_account(totp)?;
        if account.issuer.is_none() && !item_name.is_empty() {
            account.issuer = Some(item_name.to_owned());
        }
        if account.name.is_empty() {
            account.name = username.to_owned();
        }
        return Ok(account);
    }
    // A bare key: Bitwarden's default TOTP.
    Ok(super::common::account(
        item_name,
        username,
        params("totp", "SHA1", Some(6), Some(30), None)?,
        secret_b32(totp)?,
    ))
}
