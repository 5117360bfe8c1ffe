//! The keychain as the vault's neighbours see it while the encrypted mode is on: the sync
//! folder's key and the followed folders' passwords are sealed under the vault key like every
//! account's item. Without it, a program reading the keychain would take the sync key and read
//! every secret from the sync folder, and the mode would protect nothing once sync is on.
//!
//! Writes are sealed while the lock asks for it; reads open sealed items and still take plain
//! ones (written before the mode was turned on, or by an interrupted rewrite), which are sealed
//! again as they are read. While locked, neither works: the caller gets a keychain failure
//! that says Ninsho is locked.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::key::{self, VaultKey};
use crate::vault::{KeychainError, KeychainState, SecretStore};

pub(crate) struct SealedStore {
    pub(super) inner: Arc<dyn SecretStore>,
    pub(super) key: Option<VaultKey>,
    /// Whether writes are sealed (not while the mode is being turned off).
    pub(super) seal: bool,
}

fn locked() -> KeychainError {
    KeychainError::Failed("Ninsho is locked: unlock it with its password first".into())
}

impl SecretStore for SealedStore {
    fn state(&self, probe_user: Option<&str>) -> KeychainState {
        self.inner.state(probe_user)
    }

    fn set(&self, user: &str, data: &[u8]) -> Result<(), KeychainError> {
        if !self.seal {
            return self.inner.set(user, data);
        }
        let key = self.key.as_ref().ok_or_else(locked)?;
        let sealed = key
            .seal_item(user, data)
            .map_err(|e| KeychainError::Failed(e.to_string()))?;
        self.inner.set(user, &sealed)
    }

    fn get(&self, user: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeychainError> {
        let Some(bytes) = self.inner.get(user)? else {
            return Ok(None);
        };
        if key::is_sealed(&bytes) {
            let key = self.key.as_ref().ok_or_else(locked)?;
            return match key.open_item(&bytes) {
                Some((owner, record)) if owner == user => Ok(Some(record)),
                _ => Err(KeychainError::Failed(
                    "this keychain item is not one Ninsho sealed for it (or is damaged)".into(),
                )),
            };
        }
        if self.seal && self.key.is_some() {
            // Written before the mode was on: sealed now (best effort; read again next time).
            let _ = self.set(user, &bytes);
        }
        Ok(Some(bytes))
    }

    fn delete(&self, user: &str) -> Result<(), KeychainError> {
        self.inner.delete(user)
    }

    fn list(&self, prefix: &str) -> Result<Option<Vec<String>>, KeychainError> {
        self.inner.list(prefix)
    }
}
