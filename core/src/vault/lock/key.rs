//! The keys of the encrypted mode: the vault key, how it is stored wrapped (by the password and
//! by the recovery key), and how a keychain item is sealed under it.
//!
//! - The **vault key** is 32 random bytes. It exists unwrapped only in this process's memory
//!   while the vault is unlocked, and is wiped when it is dropped.
//! - It is stored only **wrapped**, in `vault.json`: XChaCha20-Poly1305 under Argon2id of the
//!   password, and under a key derived from the recovery key (128 random bits, shown once). The
//!   vault id and the wrap's name are the associated data, so a wrap copied from another vault
//!   or swapped between the two slots does not open.
//! - A **sealed item** is one line of text, `ninsho-enc-v1:<owner>:<base64(nonce ‖ ciphertext)>`:
//!   the item's record (see `item`) under the vault key, with the owner (`<vault id>/<account
//!   id>`, which is also the keychain item's name and nothing secret) as associated data. An
//!   item moved under another account's name, or into another vault, does not open. The owner
//!   is in clear so that one keychain search can find a vault's items without any key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::LockError;
use crate::kdf::{Kdf, KdfError, random};
use crate::otp::Secret;

/// The prefix of a sealed keychain item.
pub const SEALED_PREFIX: &str = "ninsho-enc-v1:";
const NONCE: usize = 24;
/// Bytes of randomness in a recovery key: 128 bits, 26 base32 letters.
const RECOVERY_BYTES: usize = 16;

/// The vault key. Wiped on drop; `Debug` shows nothing of it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct VaultKey([u8; 32]);

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey(…)")
    }
}

/// The recovery key, as a person writes it down: 26 base32 letters in groups of four or five.
/// Wiped on drop; `Debug` shows nothing of it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct RecoveryKey([u8; RECOVERY_BYTES]);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

impl RecoveryKey {
    pub fn generate() -> Result<RecoveryKey, LockError> {
        Ok(RecoveryKey(random().map_err(kdf_error)?))
    }

    /// `ABCD-EFGH-…`: base32 without padding, in groups of four, easy to read aloud and type.
    pub fn display(&self) -> Zeroizing<String> {
        let letters = Secret::from_bytes(&self.0)
            .map(|s| s.to_base32())
            .unwrap_or_default();
        let mut out = Zeroizing::new(String::with_capacity(40));
        for (i, c) in letters.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// What a person typed: any case, any spaces or dashes, `0`/`1`/`8` read as `O`/`I`/`B`.
    pub fn parse(typed: &str) -> Result<RecoveryKey, LockError> {
        let letters: Zeroizing<String> = Zeroizing::new(
            typed
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| match c.to_ascii_uppercase() {
                    '0' => 'O',
                    '1' => 'I',
                    '8' => 'B',
                    c => c,
                })
                .collect(),
        );
        if letters.len() != 26 {
            return Err(LockError::RecoveryKeyMalformed);
        }
        let secret = Secret::from_base32(&letters).map_err(|_| LockError::RecoveryKeyMalformed)?;
        let key: [u8; RECOVERY_BYTES] = secret
            .as_bytes()
            .try_into()
            .map_err(|_| LockError::RecoveryKeyMalformed)?;
        Ok(RecoveryKey(key))
    }

    /// The key that wraps the vault key: the recovery key has 128 random bits, so one hash
    /// (not a slow KDF) is enough.
    fn wrapping_key(&self) -> Zeroizing<[u8; 32]> {
        let mut hash = Sha256::new();
        hash.update(b"ninsho-recovery-key/v1");
        hash.update(self.0);
        Zeroizing::new(hash.finalize().into())
    }
}

fn kdf_error(e: KdfError) -> LockError {
    match e {
        KdfError::NoRandomness => LockError::NoRandomness,
        e => LockError::Damaged(e.to_string()),
    }
}

/// The vault key as `vault.json` stores it: wrapped twice, nothing readable without the
/// password or the recovery key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKeys {
    /// Argon2id's parameters for the password.
    pub kdf: Kdf,
    /// Base64 of `nonce ‖ ciphertext` of the vault key under the password's key.
    pub by_password: String,
    /// Base64 of `nonce ‖ ciphertext` of the vault key under the recovery key.
    pub by_recovery: String,
}

fn wrap_aad(vault: Uuid, slot: &str) -> Vec<u8> {
    let mut aad = format!("ninsho-vault-key/{slot}/").into_bytes();
    aad.extend_from_slice(vault.as_bytes());
    aad
}

/// `text` under `key` with `aad`: base64 of it is what every wrap stores.
pub(crate) fn seal(key: &[u8; 32], aad: &[u8], text: &[u8]) -> Result<Vec<u8>, LockError> {
    let nonce = random::<NONCE>().map_err(kdf_error)?;
    let sealed = XChaCha20Poly1305::new(key.into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: text, aad })
        .map_err(|_| LockError::NoRandomness)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

pub(crate) fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < NONCE {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE);
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
        .ok()
        .map(Zeroizing::new)
}

fn unwrap(key: &[u8; 32], vault: Uuid, slot: &str, wrapped: &str) -> Option<VaultKey> {
    let sealed = B64.decode(wrapped).ok()?;
    let bytes = open(key, &wrap_aad(vault, slot), &sealed)?;
    let key: [u8; 32] = bytes.as_slice().try_into().ok()?;
    Some(VaultKey(key))
}

/// What marks the keychain item of a retired vault key (kept when the mode is turned off; see
/// `Vault::decode_item`).
const RETIRED_KIND: &str = "ninsho-retired-vault-key";

impl VaultKey {
    /// The key as the keychain item of a retired key holds it.
    pub fn retired_record(&self) -> Zeroizing<Vec<u8>> {
        let text = Zeroizing::new(format!(
            "{{\"kind\":\"{RETIRED_KIND}\",\"key\":\"{}\"}}",
            B64.encode(self.0)
        ));
        Zeroizing::new(text.as_bytes().to_vec())
    }

    /// A name for the key that says nothing of it: the start of a hash of it.
    pub fn tag(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(b"ninsho-vault-key-tag/v1");
        hash.update(self.0);
        hash.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A retired key from its keychain item.
    pub fn from_retired_record(bytes: &[u8]) -> Option<VaultKey> {
        #[derive(Deserialize)]
        struct Retired {
            kind: String,
            key: Zeroizing<String>,
        }
        let r: Retired = serde_json::from_slice(bytes).ok()?;
        if r.kind != RETIRED_KIND {
            return None;
        }
        let raw = Zeroizing::new(B64.decode(r.key.as_bytes()).ok()?);
        let key: [u8; 32] = raw.as_slice().try_into().ok()?;
        Some(VaultKey(key))
    }

    pub fn generate() -> Result<VaultKey, LockError> {
        Ok(VaultKey(random().map_err(kdf_error)?))
    }

    /// A key the platform's guard gave back (see `system_auth::guard`).
    pub(crate) fn from_released(bytes: Zeroizing<[u8; 32]>) -> VaultKey {
        VaultKey(*bytes)
    }

    /// The key itself, for the platform's guard only.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// This key wrapped by `password` (Argon2id, fresh salt) and by `recovery`.
    pub fn wrap(
        &self,
        vault: Uuid,
        password: &str,
        recovery: &RecoveryKey,
    ) -> Result<WrappedKeys, LockError> {
        let kdf = Kdf::new().map_err(kdf_error)?;
        let by_password = self.wrap_by_password(vault, &kdf, password)?;
        let by_recovery = B64.encode(seal(
            &recovery.wrapping_key(),
            &wrap_aad(vault, "recovery"),
            &self.0,
        )?);
        Ok(WrappedKeys {
            kdf,
            by_password,
            by_recovery,
        })
    }

    fn wrap_by_password(
        &self,
        vault: Uuid,
        kdf: &Kdf,
        password: &str,
    ) -> Result<String, LockError> {
        let key = kdf.derive(password).map_err(kdf_error)?;
        Ok(B64.encode(seal(&key, &wrap_aad(vault, "password"), &self.0)?))
    }

    /// `keys` with the password wrap replaced by one under `password` (fresh salt); the
    /// recovery wrap is kept.
    pub fn rewrap(
        &self,
        vault: Uuid,
        keys: &WrappedKeys,
        password: &str,
    ) -> Result<WrappedKeys, LockError> {
        let kdf = Kdf::new().map_err(kdf_error)?;
        let by_password = self.wrap_by_password(vault, &kdf, password)?;
        Ok(WrappedKeys {
            kdf,
            by_password,
            by_recovery: keys.by_recovery.clone(),
        })
    }

    /// Seals a keychain record for `owner` (see the module's doc for the layout).
    pub fn seal_item(&self, owner: &str, record: &[u8]) -> Result<Zeroizing<Vec<u8>>, LockError> {
        let sealed = seal(&self.0, owner.as_bytes(), record)?;
        let mut out = Zeroizing::new(Vec::with_capacity(
            SEALED_PREFIX.len() + owner.len() + 1 + sealed.len().div_ceil(3) * 4,
        ));
        out.extend_from_slice(SEALED_PREFIX.as_bytes());
        out.extend_from_slice(owner.as_bytes());
        out.push(b':');
        out.extend_from_slice(B64.encode(&sealed).as_bytes());
        Ok(out)
    }

    /// The record inside a sealed item, if this key sealed it for the owner it names.
    pub fn open_item(&self, bytes: &[u8]) -> Option<(String, Zeroizing<Vec<u8>>)> {
        let (owner, body) = sealed_parts(bytes)?;
        let sealed = B64.decode(body).ok()?;
        let record = open(&self.0, owner.as_bytes(), &sealed)?;
        Some((owner.to_owned(), record))
    }
}

/// Whether keychain data is a sealed item.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(SEALED_PREFIX.as_bytes())
}

/// The owner a sealed item names and its base64 body (nothing is checked but the shape).
pub fn sealed_parts(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let rest = bytes.strip_prefix(SEALED_PREFIX.as_bytes())?;
    let colon = rest.iter().position(|b| *b == b':')?;
    let owner = std::str::from_utf8(&rest[..colon]).ok()?;
    Some((owner, &rest[colon + 1..]))
}

impl WrappedKeys {
    /// The vault key, if `password` is the password.
    pub fn open_by_password(&self, vault: Uuid, password: &str) -> Result<VaultKey, LockError> {
        let key = self.kdf.derive(password).map_err(kdf_error)?;
        unwrap(&key, vault, "password", &self.by_password).ok_or(LockError::WrongPassword)
    }

    /// The vault key, if `recovery` is the recovery key.
    pub fn open_by_recovery(
        &self,
        vault: Uuid,
        recovery: &RecoveryKey,
    ) -> Result<VaultKey, LockError> {
        unwrap(
            &recovery.wrapping_key(),
            vault,
            "recovery",
            &self.by_recovery,
        )
        .ok_or(LockError::WrongRecoveryKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(keys: &mut WrappedKeys, key: &VaultKey, vault: Uuid, password: &str) {
        keys.kdf.memory_kib = 1024;
        keys.kdf.iterations = 1;
        keys.by_password = key.wrap_by_password(vault, &keys.kdf, password).unwrap();
    }

    #[test]
    fn the_password_and_the_recovery_key_open_the_same_key_and_nothing_else_does() {
        let vault = Uuid::new_v4();
        let key = VaultKey::generate().unwrap();
        let recovery = RecoveryKey::generate().unwrap();
        let mut keys = key.wrap(vault, "pw", &recovery).unwrap();
        fast(&mut keys, &key, vault, "correct horse");
        let opened = keys.open_by_password(vault, "correct horse").unwrap();
        assert_eq!(opened.0, key.0);
        assert_eq!(
            keys.open_by_password(vault, "correct horsE").unwrap_err(),
            LockError::WrongPassword
        );
        // Another vault's id: the same wrap does not open.
        assert_eq!(
            keys.open_by_password(Uuid::new_v4(), "correct horse")
                .unwrap_err(),
            LockError::WrongPassword
        );
        let typed = recovery.display().to_lowercase().replace('-', " ");
        let back = RecoveryKey::parse(&typed).unwrap();
        assert_eq!(keys.open_by_recovery(vault, &back).unwrap().0, key.0);
        let other = RecoveryKey::generate().unwrap();
        assert_eq!(
            keys.open_by_recovery(vault, &other).unwrap_err(),
            LockError::WrongRecoveryKey
        );
        // The slots cannot be swapped.
        let swapped = WrappedKeys {
            by_password: keys.by_recovery.clone(),
            by_recovery: keys.by_password.clone(),
            kdf: keys.kdf.clone(),
        };
        assert!(swapped.open_by_recovery(vault, &recovery).is_err());
        assert!(RecoveryKey::parse("not a key").is_err());
        assert!(RecoveryKey::parse("ABCD").is_err());
        assert_eq!(recovery.display().len(), 26 + 6);
        assert_eq!(
            format!("{recovery:?} {key:?}"),
            "RecoveryKey(…) VaultKey(…)"
        );
    }

    #[test]
    fn a_sealed_item_opens_only_under_its_owner_and_its_key() {
        let key = VaultKey::generate().unwrap();
        let record = br#"{"ninsho":2,"secret":"JBSWY3DPEHPK3PXP"}"#;
        let sealed = key.seal_item("v/a", record).unwrap();
        let text = std::str::from_utf8(&sealed).unwrap();
        assert!(text.starts_with("ninsho-enc-v1:v/a:"), "{text}");
        assert!(!text.contains("JBSWY3DP") && !text.contains('\n'));
        let (owner, opened) = key.open_item(&sealed).unwrap();
        assert_eq!((owner.as_str(), opened.as_slice()), ("v/a", &record[..]));
        // Renamed to another account: refused.
        let moved = text.replacen("v/a:", "v/b:", 1);
        assert!(key.open_item(moved.as_bytes()).is_none());
        assert!(VaultKey::generate().unwrap().open_item(&sealed).is_none());
        for cut in 0..sealed.len() {
            assert!(key.open_item(&sealed[..cut]).is_none());
        }
    }
}
