//! Aegis vault files (`aegis-export*.json`, `aegis-backup*.json`): plain, or encrypted with a
//! password slot (scrypt → AES-256-GCM wraps the master key; the content is AES-256-GCM under
//! the master key). Content versions 1–3; version 1–2 entries may carry an old string `group`.

use base64::Engine;
use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto};
use crate::otp::Account;

pub struct Aegis;

const ID: FormatId = Aegis::ID;

fn is_aegis(v: &Value) -> bool {
    v.get("header").is_some_and(Value::is_object)
        && v.get("db").is_some()
        && v.get("version").is_some()
}

impl Importer for Aegis {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_aegis) {
            2
        } else {
            0
        }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        let file = input
            .json()
            .filter(|v| is_aegis(v))
            .ok_or_else(|| FormatError::NotThisFormat(ID, "no Aegis header".into()))?;
        if u64_of(file, "version").unwrap_or(0) > 1 {
            return Err(FormatError::Unsupported(
                ID,
                "the vault file is from a newer Aegis".into(),
            ));
        }
        let header = &file["header"];
        let plain = header.get("slots").is_none_or(Value::is_null)
            && header.get("params").is_none_or(Value::is_null);
        let content = if plain {
            file["db"].clone()
        } else {
            let password = password.ok_or(FormatError::PasswordRequired(ID))?;
            decrypt(file, password)?
        };
        convert(&content)
    }
}

fn hex_field(v: &Value, key: &str) -> Result<Vec<u8>, FormatError> {
    super::common::hex(str_of(v, key))
        .ok_or_else(|| FormatError::Damaged(ID, format!("{key} is not hexadecimal")))
}

fn decrypt(file: &Value, password: &str) -> Result<Value, FormatError> {
    let header = &file["header"];
    let slots = header["slots"]
        .as_array()
        .ok_or_else(|| FormatError::Damaged(ID, "the key slots are missing".into()))?;
    let mut master = None;
    let mut any_password_slot = false;
    for slot in slots.iter().filter(|s| u64_of(s, "type") == Some(1)) {
        any_password_slot = true;
        let n = u64_of(slot, "n").unwrap_or(0);
        let (r, p) = (
            u64_of(slot, "r").unwrap_or(0),
            u64_of(slot, "p").unwrap_or(0),
        );
        if !n.is_power_of_two()
            || !(2..=1 << 22).contains(&n)
            || !(1..=64).contains(&r)
            || !(1..=64).contains(&p)
        {
            return Err(FormatError::Damaged(
                ID,
                "the key slot's scrypt parameters are invalid".into(),
            ));
        }
        let salt = hex_field(slot, "salt")?;
        let key = crypto::scrypt(
            password.as_bytes(),
            &salt,
            n.trailing_zeros() as u8,
            r as u32,
            p as u32,
        )
        .ok_or_else(|| FormatError::Damaged(ID, "the key slot cannot be derived".into()))?;
        let kp = &slot["key_params"];
        let mut wrapped = hex_field(slot, "key")?;
        wrapped.extend(hex_field(kp, "tag")?);
        if let Some(m) = crypto::aes_gcm_open(key.as_ref(), &hex_field(kp, "nonce")?, &wrapped, &[])
        {
            master = Some(m);
            break;
        }
    }
    if !any_password_slot {
        return Err(FormatError::Unsupported(
            ID,
            "the vault has no password slot (only biometric ones)".into(),
        ));
    }
    let master = master.ok_or(FormatError::WrongPassword(ID))?;
    let params = &header["params"];
    let mut db = base64::engine::general_purpose::STANDARD
        .decode(file["db"].as_str().unwrap_or_default())
        .map_err(|_| FormatError::Damaged(ID, "the encrypted content is not base64".into()))?;
    db.extend(hex_field(params, "tag")?);
    let plain =
        crypto::aes_gcm_open(&master, &hex_field(params, "nonce")?, &db, &[]).ok_or_else(|| {
            FormatError::Damaged(ID, "the content does not decrypt with the vault key".into())
        })?;
    serde_json::from_slice(&plain)
        .map_err(|e| FormatError::Damaged(ID, format!("the decrypted content is not JSON ({e})")))
}

fn convert(content: &Value) -> Result<Imported, FormatError> {
    if u64_of(content, "version").unwrap_or(1) > 3 {
        return Err(FormatError::Unsupported(
            ID,
            "the vault content is from a newer Aegis".into(),
        ));
    }
    let entries = content["entries"]
        .as_array()
        .ok_or_else(|| FormatError::Damaged(ID, "the entry list is missing".into()))?;
    let mut out = Collector::default();
    for (i, e) in entries.iter().enumerate() {
        let (issuer, name) = (str_of(e, "issuer"), str_of(e, "name"));
        out.push(|| label(issuer, name, i), entry(e, issuer, name));
    }
    Ok(out.done())
}

fn entry(e: &Value, issuer: &str, name: &str) -> Result<Account, String> {
    let kind = str_of(e, "type");
    if matches!(kind, "motp" | "yandex") {
        return Err(format!("{kind} codes are not supported yet"));
    }
    let info = &e["info"];
    let p = params(
        kind,
        str_of(info, "algo"),
        u64_of(info, "digits"),
        u64_of(info, "period"),
        u64_of(info, "counter"),
    )?;
    Ok(super::common::account(
        issuer,
        name,
        p,
        secret_b32(str_of(info, "secret"))?,
    ))
}
