//! Aegis vault files (`aegis-export*.json`, `aegis-backup*.json`): plain, or encrypted with a
//! password slot (scrypt → AES-256-GCM wraps the master key; the content is AES-256-GCM under
//! the master key). Content versions 1–3; version 1–2 entries may carry an old string `group`.
//! An entry Ninsho exported also carries `ninsho.sites`, the sites the account was bound to
//! (Aegis ignores a key it does not know).

use base64::Engine;
use serde_json::Value;

use super::common::{Collector, label, params, secret_b32, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, Sites, crypto};
use crate::otp::{Account, OtpParams, Pin};

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

/// The scrypt parameters Aegis writes in every password slot: N = 2^15, r = 8, p = 1, which
/// take 128·N·r = 32 MiB of memory and N·r·p = 2^18 block mixes of work.
const AEGIS_N: u64 = 1 << 15;
const AEGIS_R: u64 = 8;
const AEGIS_MEMORY: u64 = 128 * AEGIS_N * AEGIS_R;
/// Most memory a slot may ask for: 8× what Aegis writes. Aegis has used the same parameters
/// since its first vault format; a slot asking for gigabytes is made to exhaust memory.
const MAX_SCRYPT_MEMORY: u64 = 8 * AEGIS_MEMORY;
/// Most work (N·r·p) a slot may ask for: 16× Aegis's, a few seconds at most.
const MAX_SCRYPT_WORK: u64 = 16 * AEGIS_N * AEGIS_R;
/// Most password slots tried: Aegis writes one, or two with a separate backup password; each
/// costs a key derivation.
const MAX_PASSWORD_SLOTS: usize = 4;

/// A password slot's scrypt parameters (log2 N, r, p), refused when they are invalid or ask
/// for far more than Aegis writes.
fn scrypt_params(slot: &Value) -> Result<(u8, u32, u32), FormatError> {
    let n = u64_of(slot, "n").unwrap_or(0);
    let (r, p) = (
        u64_of(slot, "r").unwrap_or(0),
        u64_of(slot, "p").unwrap_or(0),
    );
    if !n.is_power_of_two() || n < 2 || r == 0 || p == 0 || r > u64::from(u32::MAX) || p > 0xFFFF {
        return Err(FormatError::Damaged(
            ID,
            "the key slot's scrypt parameters are invalid".into(),
        ));
    }
    let memory = n.saturating_mul(r).saturating_mul(128);
    if memory > MAX_SCRYPT_MEMORY {
        return Err(FormatError::Unsupported(
            ID,
            crypto::refuse_kdf(
                format!(
                    "{} MiB of memory (scrypt N={n}, r={r})",
                    crypto::mib(memory)
                ),
                format!("Aegis writes {} MiB", crypto::mib(AEGIS_MEMORY)),
            ),
        ));
    }
    let work = n.saturating_mul(r).saturating_mul(p);
    if work > MAX_SCRYPT_WORK {
        return Err(FormatError::Unsupported(
            ID,
            crypto::refuse_kdf(
                format!(
                    "{}× the work Aegis uses (scrypt N={n}, r={r}, p={p})",
                    work / (AEGIS_N * AEGIS_R)
                ),
                format!("Aegis writes N={AEGIS_N}, r={AEGIS_R}, p=1"),
            ),
        ));
    }
    Ok((n.trailing_zeros() as u8, r as u32, p as u32))
}

fn decrypt(file: &Value, password: &str) -> Result<Value, FormatError> {
    let header = &file["header"];
    let slots = header["slots"]
        .as_array()
        .ok_or_else(|| FormatError::Damaged(ID, "the key slots are missing".into()))?;
    // Every password slot's parameters are checked before any key is derived.
    let password_slots: Vec<&Value> = slots
        .iter()
        .filter(|s| u64_of(s, "type") == Some(1))
        .collect();
    if password_slots.is_empty() {
        return Err(FormatError::Unsupported(
            ID,
            "the vault has no password slot (only biometric ones)".into(),
        ));
    }
    if password_slots.len() > MAX_PASSWORD_SLOTS {
        return Err(FormatError::Unsupported(
            ID,
            format!(
                "the vault has {} password slots, each a key derivation to try; Aegis writes at \
                 most two (the password and a backup password); refusing",
                password_slots.len()
            ),
        ));
    }
    let mut derivations = Vec::with_capacity(password_slots.len());
    for slot in &password_slots {
        derivations.push(scrypt_params(slot)?);
    }
    let mut master = None;
    for (slot, (log_n, r, p)) in password_slots.into_iter().zip(derivations) {
        let salt = hex_field(slot, "salt")?;
        let key = crypto::scrypt(password.as_bytes(), &salt, log_n, r, p)
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
        out.push_entry(
            || label(issuer, name, i),
            str_of(e, "uuid"),
            ninsho_sites(e),
            icon(e),
            entry(e, issuer, name),
        );
    }
    Ok(out.done())
}

/// The entry's own icon (`icon`, base64, of type `icon_mime`; an Aegis of vault version 1
/// wrote no type), drawn as Ninsho keeps icons. An icon that cannot be one (damaged, too
/// large, an SVG that runs or loads anything) is left out; the account is imported all the
/// same.
fn icon(e: &Value) -> Option<String> {
    let text = e["icon"].as_str()?;
    if text.len() > crate::icon::MAX_SOURCE_BYTES.div_ceil(3) * 4 + 4 {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    let mime = e["icon_mime"].as_str();
    crate::icon::AccountIcon::from_source(&bytes, mime)
        .ok()
        .map(|i| i.to_field())
}

/// The sites Ninsho's export wrote into the entry (`ninsho.sites`, see
/// [`super::export::NINSHO_KEY`]); none in a file Aegis wrote.
fn ninsho_sites(e: &Value) -> Sites {
    match e[super::export::NINSHO_KEY]["sites"].as_array() {
        Some(sites) => Sites::Ninsho(
            sites
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        None => Sites::None,
    }
}

fn entry(e: &Value, issuer: &str, name: &str) -> Result<Account, String> {
    let kind = str_of(e, "type");
    let info = &e["info"];
    if matches!(kind, "motp" | "yandex") {
        // Fixed parameters (MD5 or HMAC-SHA256, 6 hex digits or 8 letters); the PIN is part
        // of the entry.
        let pin = Pin::new(str_of(info, "pin"))
            .map_err(|e| format!("the entry's PIN cannot be used: {e}"))?;
        let secret = secret_b32(str_of(info, "secret"))?;
        let (params, secret) = if kind == "motp" {
            (OtpParams::motp(), secret)
        } else {
            (OtpParams::yandex(), crate::otp::yandex_secret(&secret)?)
        };
        return Ok(super::common::account(issuer, name, params, secret).with_pin(Some(pin)));
    }
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
