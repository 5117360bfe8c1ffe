//! The sync folder's key in the keychain, and the keyed hashes the merge compares entries by.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::SyncError;
use super::merge::{Body, Keys};
use super::seal::SyncKey;
use crate::vault::SecretStore;

/// The keychain item of a sync folder: its key.
#[derive(Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub(super) struct KeyItem {
    kind: String,
    key: String,
}

pub(super) const KEY_KIND: &str = "ninsho-sync";

/// The keychain user of the key: per vault folder and sync folder, so two vaults of one
/// computer (a test vault, `NINSHO_DATA_DIR`) never share or remove each other's key. Not
/// `vault/account`, so the vault's recovery never takes it for an account.
pub(super) fn key_user(vault: &str, folder: Uuid) -> String {
    format!("sync/{vault}/{folder}")
}

pub(super) fn save_key(
    store: &dyn SecretStore,
    user: &str,
    key: &SyncKey,
) -> Result<(), SyncError> {
    let item = KeyItem {
        kind: KEY_KIND.into(),
        key: base64::engine::general_purpose::STANDARD.encode(key.as_bytes()),
    };
    let bytes = Zeroizing::new(serde_json::to_vec(&item).unwrap_or_default());
    Ok(store.set(user, &bytes)?)
}

pub(super) fn load_key(store: &dyn SecretStore, user: &str) -> Result<Option<SyncKey>, SyncError> {
    let Some(bytes) = store.get(user)? else {
        return Ok(None);
    };
    let Ok(item) = serde_json::from_slice::<KeyItem>(&bytes) else {
        return Ok(None);
    };
    if item.kind != KEY_KIND {
        return Ok(None);
    }
    let raw = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(&item.key)
            .unwrap_or_default(),
    );
    Ok(SyncKey::from_bytes(&raw))
}

/// The keyed hashes of [`merge`], keyed with a key derived from the sync key.
pub(super) struct SyncKeys(pub(super) Zeroizing<Vec<u8>>);

impl SyncKeys {
    pub(super) fn mac(&self, parts: &[&[u8]]) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        for part in parts {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Keys for SyncKeys {
    fn digest(&self, body: &Body) -> String {
        let json = Zeroizing::new(serde_json::to_vec(body).unwrap_or_default());
        self.mac(&[b"body", &json])
    }
    fn id(&self, body: &Body) -> String {
        self.mac(&[b"id", body.secret.as_bytes()])
    }
    fn copy_id(&self, body: &Body, local: Uuid) -> String {
        self.mac(&[b"copy", body.secret.as_bytes(), local.as_bytes()])
    }
}
