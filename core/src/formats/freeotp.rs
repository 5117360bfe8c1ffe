//! FreeOTP: version 1 keeps tokens as JSON strings in `shared_prefs/tokens.xml` (secret as a
//! signed byte array); version 2 writes a Java-serialised map whose `masterKey` entry is
//! wrapped with PBKDF2 (HMAC-SHA1 or -SHA512) and AES-GCM, and each token's key is AES-GCM
//! under that master key (the GCM nonce sits in DER-encoded parameters; the AAD is the key's
//! algorithm name).

use std::collections::HashMap;

use serde_json::Value;

use super::common::{Collector, label, params, secret_java_bytes, str_of, u64_of};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto, javaser, prefs};
use crate::otp::Secret;

pub struct FreeOtp;

/// The PBKDF2 iteration count FreeOTP 2 writes for its master key (every version seen).
const WRITTEN_ITERATIONS: u64 = 100_000;
/// Most iterations derived: 16× FreeOTP's, a second or two with HMAC-SHA512.
const MAX_ITERATIONS: u64 = 16 * WRITTEN_ITERATIONS;

const ID: FormatId = FreeOtp::ID;

/// A token's JSON (version 1, FreeOTP+): issuerExt, label, type, algo, digits, period, counter.
pub fn token(t: &Value, secret: Secret) -> Result<crate::otp::Account, String> {
    let issuer = str_of(t, "issuerExt");
    let name = str_of(t, "label");
    let kind = match str_of(t, "type").to_ascii_lowercase().as_str() {
        // FreeOTP has no Steam type; Steam accounts are TOTP with issuer "Steam".
        "totp" if issuer == "Steam" => "steam".to_owned(),
        other => other.to_owned(),
    };
    let p = params(
        &kind,
        str_of(t, "algo"),
        u64_of(t, "digits"),
        u64_of(t, "period"),
        u64_of(t, "counter"),
    )?;
    Ok(super::common::account(issuer, name, p, secret))
}

/// The tokens of a version-1 preferences file (shared with FreeOTP+'s internal file).
pub fn from_prefs(text: &str) -> Option<Imported> {
    let prefs = prefs::parse(text)?;
    let mut out = Collector::default();
    let mut found = false;
    for (i, p) in prefs
        .iter()
        .filter(|p| p.kind == "string" && p.name != "tokenOrder")
        .enumerate()
    {
        let Ok(t) = serde_json::from_str::<Value>(&p.value) else {
            continue;
        };
        if t.get("secret").is_none() {
            continue;
        }
        found = true;
        out.push(
            || label(str_of(&t, "issuerExt"), str_of(&t, "label"), i),
            secret_java_bytes(&t["secret"]).and_then(|s| token(&t, s)),
        );
    }
    found.then(|| out.done())
}

fn der_nonce(params: &[u8]) -> Option<&[u8]> {
    // SEQUENCE { OCTET STRING nonce, INTEGER tag length } (or a bare OCTET STRING).
    let (tag, body) = der(params)?;
    match tag {
        0x04 => Some(body),
        0x30 => {
            let (inner, _) = der(body)?;
            (inner == 0x04).then(|| der(body).map(|(_, b)| b)).flatten()
        }
        _ => None,
    }
}

fn der(b: &[u8]) -> Option<(u8, &[u8])> {
    let tag = *b.first()?;
    let len = *b.get(1)? as usize;
    if len >= 0x80 {
        return None; // nonces are short
    }
    Some((tag, b.get(2..2 + len)?))
}

fn java_bytes(v: &Value) -> Option<Vec<u8>> {
    v.as_array()?
        .iter()
        .map(|b| {
            b.as_i64()
                .filter(|n| (-128..=255).contains(n))
                .map(|n| n as u8)
        })
        .collect()
}

/// AES-GCM as FreeOTP stores it: `{mCipher, mCipherText[], mParameters[], mToken}`.
fn open(key: &[u8], sealed: &Value) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    if str_of(sealed, "mCipher") != "AES/GCM/NoPadding" {
        return None;
    }
    let ct = java_bytes(&sealed["mCipherText"])?;
    let params = java_bytes(&sealed["mParameters"])?;
    crypto::aes_gcm_open(
        key,
        der_nonce(&params)?,
        &ct,
        str_of(sealed, "mToken").as_bytes(),
    )
}

impl Importer for FreeOtp {
    fn detect(&self, input: &Input) -> u8 {
        if input.bytes.starts_with(&[0xAC, 0xED, 0x00, 0x05]) {
            return 2;
        }
        let v1 = input.text().is_some_and(|t| {
            t.contains("<map>") && t.contains("issuerExt") && t.contains("&quot;secret&quot;")
        });
        if v1 { 2 } else { 0 }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        if !input.bytes.starts_with(&[0xAC, 0xED]) {
            let text = input.text().ok_or_else(|| {
                FormatError::NotThisFormat(
                    ID,
                    "it is neither tokens.xml nor a FreeOTP 2 backup".into(),
                )
            })?;
            return from_prefs(text)
                .ok_or_else(|| FormatError::NotThisFormat(ID, "no FreeOTP tokens".into()));
        }
        let map =
            javaser::hashmap_of_strings(input.bytes).map_err(|e| FormatError::Damaged(ID, e))?;
        // Tokens are matched to their keys by name: a table, so a store of many tokens is
        // read in linear time (the map's size is bounded by `javaser`).
        let mut by_key: HashMap<&str, &str> = HashMap::with_capacity(map.len());
        for (k, v) in &map {
            by_key.entry(k).or_insert(v);
        }
        let get = |k: &str| by_key.get(k).copied();
        let master: Value = get("masterKey")
            .and_then(|m| serde_json::from_str(m).ok())
            .ok_or_else(|| FormatError::Damaged(ID, "the master key is missing".into()))?;
        let password = password.ok_or(FormatError::PasswordRequired(ID))?;
        let salt = java_bytes(&master["mSalt"])
            .ok_or_else(|| FormatError::Damaged(ID, "the salt is missing".into()))?;
        let iterations = match u64_of(&master, "mIterations") {
            Some(i @ 1..=MAX_ITERATIONS) => i as u32,
            Some(i) if i > MAX_ITERATIONS => {
                return Err(FormatError::Unsupported(
                    ID,
                    crypto::refuse_kdf(
                        format!("{i} PBKDF2 rounds"),
                        format!("FreeOTP writes {WRITTEN_ITERATIONS}"),
                    ),
                ));
            }
            _ => {
                return Err(FormatError::Damaged(
                    ID,
                    "the iteration count is invalid".into(),
                ));
            }
        };
        let key = match str_of(&master, "mAlgorithm") {
            "PBKDF2withHmacSHA1" => crypto::pbkdf2_sha1(password.as_bytes(), &salt, iterations),
            "PBKDF2withHmacSHA512" => crypto::pbkdf2_sha512(password.as_bytes(), &salt, iterations),
            other => {
                return Err(FormatError::Unsupported(
                    ID,
                    format!("key derivation {other}"),
                ));
            }
        };
        let master_key =
            open(key.as_ref(), &master["mEncryptedKey"]).ok_or(FormatError::WrongPassword(ID))?;
        let mut out = Collector::default();
        for (i, (k, v)) in map
            .iter()
            .filter(|(k, _)| !k.ends_with("-token") && &**k != "masterKey")
            .enumerate()
        {
            let token_json: Option<Value> =
                get(&format!("{k}-token")).and_then(|t| serde_json::from_str(t).ok());
            let Some(t) = token_json else { continue };
            out.push(
                || label(str_of(&t, "issuerExt"), str_of(&t, "label"), i),
                (|| {
                    let sealed: Value =
                        serde_json::from_str(v).map_err(|_| "the key entry is not JSON")?;
                    let key_json: Value = serde_json::from_str(str_of(&sealed, "key"))
                        .map_err(|_| "the key entry is not JSON")?;
                    let secret = open(&master_key, &key_json).ok_or("the key does not decrypt")?;
                    token(&t, Secret::from_bytes(&secret).map_err(|e| e.to_string())?)
                })(),
            );
        }
        Ok(out.done())
    }
}
