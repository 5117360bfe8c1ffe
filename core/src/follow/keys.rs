//! A followed folder's keychain item, and the fingerprints that recognise a backup's entries.
//!
//! The item holds the backup's password (when it has one) and a random key. The key makes
//! the fingerprints kept in `follow.json`: keyed hashes (HMAC-SHA-256) of an entry's secret and
//! labels, so `follow.json` can tell an entry seen before from a new one without holding
//! anything from which a secret could be guessed, even a short one.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::otp::{Account, OtpParams, OtpType};
use crate::vault::{AccountMeta, KeychainError, SecretStore};

/// The keychain user of folder `id`'s item. Not `vault/account`, so the vault's recovery
/// never takes it for an account.
pub fn user(id: Uuid) -> String {
    format!("follow/{id}")
}

/// Longest password kept (the item must stay under the keychain's item size on every system).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// What the keychain keeps for a followed folder.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct FolderKeys {
    /// Marks the item as this kind, never an account's.
    kind: String,
    /// 32 random bytes, hex.
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl std::fmt::Debug for FolderKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FolderKeys")
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

const KIND: &str = "ninsho-follow";

impl FolderKeys {
    /// New keys: a fresh random key and `password`. `None` if the system has no randomness.
    pub fn new(password: Option<&str>) -> Option<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).ok()?;
        let key = bytes.iter().map(|b| format!("{b:02x}")).collect();
        bytes.zeroize();
        Some(FolderKeys {
            kind: KIND.to_owned(),
            key,
            password: password.map(str::to_owned),
        })
    }

    pub fn load(store: &dyn SecretStore, id: Uuid) -> Result<Option<Self>, KeychainError> {
        let Some(bytes) = store.get(&user(id))? else {
            return Ok(None);
        };
        Ok(serde_json::from_slice::<FolderKeys>(&bytes)
            .ok()
            .filter(|k| k.kind == KIND && k.key.len() == 64))
    }

    pub fn save(&self, store: &dyn SecretStore, id: Uuid) -> Result<(), KeychainError> {
        let bytes = Zeroizing::new(serde_json::to_vec(self).unwrap_or_default());
        store.set(&user(id), &bytes)
    }

    fn mac(&self, parts: &[&[u8]]) -> Fingerprint {
        let key: Zeroizing<Vec<u8>> = Zeroizing::new(
            (0..self.key.len() / 2)
                .filter_map(|i| u8::from_str_radix(self.key.get(2 * i..2 * i + 2)?, 16).ok())
                .collect(),
        );
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
            return Fingerprint(String::new());
        };
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        let digest = mac.finalize().into_bytes();
        Fingerprint(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A whole backup file's content: a backup applied once is recognised under any name.
    pub fn content(&self, bytes: &[u8]) -> Fingerprint {
        self.mac(&[b"content", bytes])
    }

    /// The entry's secret alone.
    pub fn secret(&self, account: &Account) -> Fingerprint {
        self.mac(&[b"secret", account.secret.as_bytes()])
    }

    /// The secret with the labels: how an entry of a format without ids is recognised.
    pub fn matcher(&self, account: &Account) -> Fingerprint {
        self.mac(&[
            b"match",
            account.secret.as_bytes(),
            account.issuer.as_deref().unwrap_or("").as_bytes(),
            account.name.as_bytes(),
        ])
    }

    /// Everything about an entry that can change on the phone, except a HOTP counter (which
    /// only moves forward and is merged on its own).
    pub fn remote(&self, account: &Account) -> Fingerprint {
        self.mac(&[
            b"remote",
            account.secret.as_bytes(),
            labels_of(account).0.as_bytes(),
        ])
    }
}

/// What Ninsho shows of an account and a person can edit (issuer, name, parameters without
/// the counter), hashed: tells an account edited here from one as it was applied. Not keyed:
/// these are the labels `vault.json` lists anyway, and the list must not need the keychain.
pub fn labels(issuer: Option<&str>, name: &str, params: &OtpParams) -> Fingerprint {
    let mut p = *params;
    if p.otp_type == OtpType::Hotp {
        p.counter = 0;
    }
    let params = serde_json::to_vec(&p).unwrap_or_default();
    let mut hash = Sha256::new();
    for part in [issuer.unwrap_or("").as_bytes(), name.as_bytes(), &params] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    Fingerprint(
        hash.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

pub fn labels_of_meta(meta: &AccountMeta) -> Fingerprint {
    labels(meta.issuer.as_deref(), &meta.name, &meta.params())
}

pub fn labels_of(account: &Account) -> Fingerprint {
    labels(account.issuer.as_deref(), &account.name, &account.params)
}

/// An icon's kept form (`None`: no icon), hashed: tells an icon changed in the backup, or by
/// the person in Ninsho, from the one last applied. Not keyed: icons are not secret.
pub fn icon(field: Option<&str>) -> Fingerprint {
    let mut hash = Sha256::new();
    match field {
        Some(f) => {
            hash.update([1]);
            hash.update(f.as_bytes());
        }
        None => hash.update([0]),
    }
    Fingerprint(
        hash.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

/// A keyed hash, hex. Useless without the folder's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Secret};

    fn account(issuer: &str, name: &str, key: &[u8]) -> Account {
        Account::new(
            Some(issuer),
            name,
            OtpParams::totp(Algorithm::Sha1, 6, 30),
            Secret::from_bytes(key).unwrap(),
        )
    }

    #[test]
    fn fingerprints_depend_on_the_key_and_on_what_they_cover() {
        let (a, b) = (
            FolderKeys::new(None).unwrap(),
            FolderKeys::new(None).unwrap(),
        );
        let x = account("GitHub", "me", b"12345678901234567890");
        assert_ne!(a.secret(&x), b.secret(&x), "another folder's key");
        assert_eq!(a.secret(&x), a.secret(&x.clone()));
        let renamed = account("GitHub", "you", b"12345678901234567890");
        assert_eq!(a.secret(&x), a.secret(&renamed));
        assert_ne!(a.matcher(&x), a.matcher(&renamed));
        assert_ne!(a.remote(&x), a.remote(&renamed));
        let mut hotp = account("Bank", "me", b"12345678901234567890");
        hotp.params = OtpParams::hotp(Algorithm::Sha1, 6, 1);
        let mut later = hotp.clone();
        later.params.counter = 9;
        assert_eq!(
            a.remote(&hotp),
            a.remote(&later),
            "a counter is merged apart"
        );
        assert_eq!(labels_of(&hotp), labels_of(&later));
        // Length-prefixed parts.
        assert_ne!(
            labels(Some("ab"), "c", &x.params),
            labels(Some("a"), "bc", &x.params)
        );
        // Nothing of the secret in the fingerprint's text.
        assert!(!a.secret(&x).0.contains(x.secret.to_base32().as_str()));
    }

    #[test]
    fn the_item_round_trips_and_is_never_an_account_item() {
        let store = crate::vault::KeyringStore::mock();
        let id = Uuid::new_v4();
        let keys = FolderKeys::new(Some("hunter2")).unwrap();
        keys.save(&store, id).unwrap();
        let back = FolderKeys::load(&store, id).unwrap().unwrap();
        assert_eq!(back.password.as_deref(), Some("hunter2"));
        let x = account("GitHub", "me", b"12345678901234567890");
        assert_eq!(back.secret(&x), keys.secret(&x));
        assert!(!format!("{back:?}").contains("hunter2"));
        let raw = store.get(&user(id)).unwrap().unwrap();
        assert!(crate::vault::Item::decode(&raw).is_err());
    }
}
