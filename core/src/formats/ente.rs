//! Ente Auth: the plain export is an otpauth URI list (with Ente's own `codeDisplay`
//! parameter); the encrypted export is JSON `{version, kdfParams{memLimit, opsLimit, salt},
//! encryptedData, encryptionNonce}` — Argon2id (libsodium's crypto_pwhash: memLimit in bytes,
//! opsLimit iterations, one lane) and libsodium's XChaCha20-Poly1305 secret stream, whose
//! 24-byte header Ente calls the nonce. The plaintext is the same URI list.
//!
//! Ente seals the export with its "blob" encryption: the whole list pushed as one message of
//! the stream, never split into chunks. Its readers take that message whatever tag it carries,
//! and some of its clients write it with TAG_MESSAGE rather than TAG_FINAL; both are read. A
//! message that does not verify is a wrong password; one that verifies but is tagged push or
//! rekey is no export Ente writes, and is called damaged.

use base64::Engine;
use serde_json::Value;

use super::common::{Collector, str_of, u64_of, uri_account};
use super::crypto::{self, StreamTag};
use super::{FormatError, FormatId, Imported, Importer, Input, Registered};

pub struct Ente;

/// libsodium's smallest memory limit (crypto_pwhash_MEMLIMIT_MIN), in bytes.
const MIN_MEMORY: u64 = 8192;
/// Ente derives the export key with libsodium's "sensitive" strength: its apps start at 1 GiB
/// of memory and 4 passes (crypto_pwhash_MEMLIMIT/OPSLIMIT_SENSITIVE), its web and desktop
/// apps at 256 MiB and 16 passes; where that fails (a low-memory device) they halve the memory
/// and double the passes, keeping memory × passes the same. So 1 GiB is the most memory an
/// Ente export asks for, and the most Ninsho allocates for one.
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
        check_kdf(mem, ops)?;
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
        open(key.as_ref(), &header, &data)
    }
}

/// Refuses key derivation parameters no Ente export has, before anything is allocated: below
/// libsodium's minimum, or more memory or work than Ente ever asks for.
fn check_kdf(mem: u64, ops: u64) -> Result<(), FormatError> {
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
    Ok(())
}

/// Opens the sealed list with the derived key: one message of the secret stream, tagged
/// final or message (see the module's notes).
fn open(key: &[u8], header: &[u8], data: &[u8]) -> Result<Imported, FormatError> {
    if data.len() < 17 {
        return Err(FormatError::Damaged(
            ID,
            "the encrypted data is shorter than its tag".into(),
        ));
    }
    let (plain, tag) =
        crypto::secretstream_open_one(key, header, data).ok_or(FormatError::WrongPassword(ID))?;
    match tag {
        StreamTag::Final | StreamTag::Message => {}
        StreamTag::Push | StreamTag::Rekey => {
            return Err(FormatError::Damaged(
                ID,
                format!(
                    "the encrypted data opens with this password but is tagged {}, which Ente \
                     never writes (its export is one message, tagged message or final)",
                    if tag == StreamTag::Push {
                        "push"
                    } else {
                        "rekey"
                    }
                ),
            ));
        }
    }
    let text = std::str::from_utf8(&plain)
        .map_err(|_| FormatError::Damaged(ID, "the decrypted data is not text".into()))?;
    Ok(list(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::import;
    use crate::otp::{Account, Algorithm, OtpParams, Secret};

    /// The exports in tests/fixtures/backups/ente, written by libsodium (make.py there).
    fn fixture(name: &str) -> Vec<u8> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backups/ente");
        std::fs::read(dir.join(name)).unwrap()
    }

    fn expected() -> serde_json::Value {
        serde_json::from_slice(&fixture("expected.json")).unwrap()
    }

    /// The four accounts every fixture holds, every field spelled out.
    fn accounts() -> Vec<Account> {
        let secret = |s| Secret::from_base32(s).unwrap();
        vec![
            Account::new(
                Some("Codeberg"),
                "mika@example.org",
                OtpParams::totp(Algorithm::Sha1, 6, 30),
                secret("KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ"),
            ),
            Account::new(
                Some("VPN"),
                "ops",
                OtpParams::hotp(Algorithm::Sha512, 8, 12),
                secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            ),
            Account::new(
                Some("Steam"),
                "gaben",
                OtpParams::steam(),
                secret("MFRGGZDFMZTWQ2LK"),
            ),
            Account::new(
                Some("Bank of Tests"),
                "mika",
                OtpParams::totp(Algorithm::Sha256, 7, 60),
                secret("JBSWY3DPEHPK3PXP"),
            ),
        ]
    }

    #[test]
    fn exports_ending_in_a_final_or_a_plain_message_read_alike() {
        let password = expected()["password"].as_str().unwrap().to_owned();
        for name in ["ente-16m-final.json", "ente-16m-message.json"] {
            let bytes = fixture(name);
            assert_eq!(
                import(&bytes, None, None).unwrap_err(),
                FormatError::PasswordRequired(ID),
                "{name}"
            );
            let got = import(&bytes, None, Some(&password)).unwrap();
            assert_eq!(got.format, ID, "{name}");
            assert!(got.encrypted);
            assert!(got.errors.is_empty(), "{name}: {:?}", got.errors);
            assert_eq!(got.accounts, accounts(), "{name}");
            assert_eq!(
                import(&bytes, None, Some("pässword ente")).unwrap_err(),
                FormatError::WrongPassword(ID),
                "{name}"
            );
        }
    }

    #[test]
    fn a_message_tagged_push_opens_but_is_damaged() {
        let password = expected()["password"].as_str().unwrap().to_owned();
        let bytes = fixture("ente-16m-push.json");
        let err = import(&bytes, None, Some(&password)).unwrap_err();
        let FormatError::Damaged(ID, message) = &err else {
            panic!("{err:?}")
        };
        assert!(message.contains("tagged push"), "{message}");
        // With a wrong password it is the password, not the shape.
        assert_eq!(
            import(&bytes, None, Some("nope")).unwrap_err(),
            FormatError::WrongPassword(ID)
        );
    }

    /// Ente's two starting levels (1 GiB × 4 passes on phones, 256 MiB × 16 on the web and
    /// desktop) pass the bounds; the sealed list opens with the key libsodium derived (kept in
    /// expected.json: deriving it here would cost seconds and a gigabyte per file).
    #[test]
    fn both_of_entes_key_derivation_levels_are_accepted() {
        let doc = expected();
        let mut seen = 0;
        for (name, case) in doc["files"].as_object().unwrap() {
            let Some(key) = case["key_hex"].as_str() else {
                continue;
            };
            let file: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
            let kdf = &file["kdfParams"];
            let (mem, ops) = (
                u64_of(kdf, "memLimit").unwrap(),
                u64_of(kdf, "opsLimit").unwrap(),
            );
            assert!(
                [(1 << 30, 4), (256 << 20, 16)].contains(&(mem, ops)),
                "{name}"
            );
            check_kdf(mem, ops).unwrap_or_else(|e| panic!("{name}: {e}"));
            let b64 = |k: &str| {
                base64::engine::general_purpose::STANDARD
                    .decode(str_of(&file, k))
                    .unwrap()
            };
            let key = crate::formats::common::hex(key).unwrap();
            let got = open(&key, &b64("encryptionNonce"), &b64("encryptedData")).unwrap();
            assert_eq!(got.accounts, accounts(), "{name}");
            assert_eq!(
                open(&[0; 32], &b64("encryptionNonce"), &b64("encryptedData")).unwrap_err(),
                FormatError::WrongPassword(ID)
            );
            // Without the password nothing is derived.
            assert_eq!(
                import(&fixture(name), None, None).unwrap_err(),
                FormatError::PasswordRequired(ID)
            );
            seen += 1;
        }
        assert_eq!(seen, 4);
    }

    #[test]
    fn derivations_ente_never_asks_for_are_refused_before_deriving() {
        const MIB: u64 = 1 << 20;
        // Ente's levels and its fallbacks on low memory (half the memory, twice the passes).
        for (mem, ops) in [
            (1024 * MIB, 4),
            (512 * MIB, 8),
            (256 * MIB, 16),
            (64 * MIB, 64),
        ] {
            assert_eq!(check_kdf(mem, ops), Ok(()), "{mem} × {ops}");
        }
        assert_eq!(check_kdf(16 * MIB, 2), Ok(()));
        for (mem, ops) in [(2048 * MIB, 2), (1024 * MIB, 17), (256 * MIB, 65)] {
            assert!(
                matches!(check_kdf(mem, ops), Err(FormatError::Unsupported(ID, _))),
                "{mem} × {ops}"
            );
        }
        for (mem, ops) in [(4096, 4), (16 * MIB, 0), (16 * MIB, 1 << 33)] {
            assert!(
                matches!(check_kdf(mem, ops), Err(FormatError::Damaged(ID, _))),
                "{mem} × {ops}"
            );
        }
    }
}
