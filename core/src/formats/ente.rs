//! Ente Auth: the plain export is an otpauth URI list (with Ente's own `codeDisplay`
//! parameter); the encrypted export is JSON `{version, kdfParams{memLimit, opsLimit, salt},
//! encryptedData, encryptionNonce}` — Argon2id (libsodium's crypto_pwhash: memLimit in bytes,
//! opsLimit iterations, one lane) and libsodium's XChaCha20-Poly1305 secret stream, whose
//! 24-byte header Ente calls the nonce. The plaintext is the same URI list.

use base64::Engine;
use serde_json::Value;

use super::common::{Collector, str_of, u64_of, uri_account};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered, crypto};

pub struct Ente;

/// libsodium's smallest memory limit (crypto_pwhash_MEMLIMIT_MIN), in bytes.
const MIN_MEMORY: u64 = 8192;
/// Ente derives the export key with libsodium's "sensitive" level: 1 GiB of memory and 4
/// passes (crypto_pwhash_MEMLIMIT/OPSLIMIT_SENSITIVE). Where that fails (a low-memory phone)
/// it halves the memory and doubles the passes, keeping memory × passes the same; so 1 GiB is
/// the most memory an Ente export asks for, and the most Ninsho allocates for one.
const MAX_MEMORY: u64 = 1 << 30;
const ENTE_OPS: u64 = 4;
/// Memory × passes of every Ente export (bytes × passes).
const ENTE_WORK: u64 = MAX_MEMORY * ENTE_OPS;
/// Most work derived: 4× Ente's (tens of seconds at most): a low-memory export with many
/// passes still reads, an export asking for hours of Argon2 does not.
const MAX_WORK: u64 = 4 * ENTE_WORK;

const ID: FormatId = Ente::ID;

fn is_encrypted(v: &Value) -> bool {
    v.get("kdfParams").is_some()
        && v.get("encryptedData").is_some()
        && v.get("encryptionNonce").is_some()
}

fn list(text: &str) -> Imported {
    let mut out = Collector::default();
    for (i, line) in text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        out.push(|| format!("line {}", i + 1), uri_account(line));
    }
    out.done()
}

impl Importer for Ente {
    fn detect(&self, input: &Input) -> u8 {
        if input.json().is_some_and(is_encrypted) {
            return 3;
        }
        let ente_list = input.text().is_some_and(|t| {
            t.lines().any(|l| l.contains("codeDisplay="))
                && t.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .all(|l| l.to_ascii_lowercase().starts_with("otpauth://"))
        });
        if ente_list { 3 } else { 0 }
    }
    fn import(&self, input: &Input, password: Option<&str>) -> Result<Imported, FormatError> {
        let Some(file) = input.json().filter(|v| is_encrypted(v)) else {
            let text = input.text().ok_or_else(|| {
                FormatError::NotThisFormat(ID, "it is neither text nor an encrypted export".into())
            })?;
            return Ok(list(text));
        };
        if u64_of(file, "version") != Some(1) {
            return Err(FormatError::Unsupported(
                ID,
                "only version 1 of the encrypted export is known".into(),
            ));
        }
        let password = password.ok_or(FormatError::PasswordRequired(ID))?;
        let kdf = &file["kdfParams"];
        let b64 = |s: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .ok()
        };
        let (Some(salt), Some(data), Some(header)) = (
            b64(str_of(kdf, "salt")),
            b64(str_of(file, "encryptedData")),
            b64(str_of(file, "encryptionNonce")),
        ) else {
            return Err(FormatError::Damaged(ID, "a field is not base64".into()));
        };
        let mem = u64_of(kdf, "memLimit").unwrap_or(0);
        let ops = u64_of(kdf, "opsLimit").unwrap_or(0);
        if mem < MIN_MEMORY || ops == 0 || ops > u64::from(u32::MAX) {
            return Err(FormatError::Damaged(
                ID,
                "the key derivation parameters are out of range".into(),
            ));
        }
        if mem > MAX_MEMORY {
            return Err(FormatError::Unsupported(
                ID,
                crypto::refuse_kdf(
                    format!("{} MiB of memory (Argon2id)", crypto::mib(mem)),
                    format!("Ente writes {} MiB at most", crypto::mib(MAX_MEMORY)),
                ),
            ));
        }
        if mem.saturating_mul(ops) > MAX_WORK {
            return Err(FormatError::Unsupported(
                ID,
                crypto::refuse_kdf(
                    format!(
                        "{ops} Argon2id passes over {} MiB ({}× the work Ente uses)",
                        crypto::mib(mem),
                        mem.saturating_mul(ops) / ENTE_WORK
                    ),
                    format!(
                        "Ente writes {} passes over {} MiB, or the same work with less memory",
                        ENTE_OPS,
                        crypto::mib(MAX_MEMORY)
                    ),
                ),
            ));
        }
        let key = crypto::argon2id(
            password.as_bytes(),
            &salt,
            ops as u32,
            (mem / 1024) as u32,
            1,
        )
        .ok_or_else(|| {
            FormatError::Damaged(ID, "the key cannot be derived with these parameters".into())
        })?;
        if data.len() < 17 {
            return Err(FormatError::Damaged(
                ID,
                "the encrypted data is shorter than its tag".into(),
            ));
        }
        // Ente's clients push the whole export as one final message, whatever its size.
        let plain =
            crypto::secretstream_open(key.as_ref(), &header, &data, data.len().max(17) - 17)
                .ok_or(FormatError::WrongPassword(ID))?;
        let text = std::str::from_utf8(&plain)
            .map_err(|_| FormatError::Damaged(ID, "the decrypted data is not text".into()))?;
        Ok(list(text))
    }
}
