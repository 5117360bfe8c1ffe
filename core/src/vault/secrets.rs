//! The secrets the vault holds in memory: a cache of keychain items, by account.
//!
//! Every secret enters the cache through [`Vault::load_items`] (or an add that has just written
//! it), and an item is accepted only if it decodes and its owner is the account's own keychain
//! user: an item stored under another account's name is reported as damaged, never used for
//! the wrong account. Items stay cached until the vault is dropped (they wipe themselves) or
//! their account is no longer listed; nothing here writes the metadata file.

use uuid::Uuid;
use zeroize::Zeroizing;

use super::{AccountMeta, Item, Vault, VaultError};
use crate::otp::Account;

/// From this many accounts on, secrets are read with one keychain search.
const BULK_READ_FROM: usize = 8;

impl Vault {
    /// Loads the secrets of `ids` that are not cached yet, in one keychain batch.
    fn load_items(&mut self, ids: &[Uuid]) -> Result<(), VaultError> {
        let mut missing: Vec<Uuid> = ids
            .iter()
            .copied()
            .filter(|id| !self.cache.contains_key(id))
            .collect();
        if missing.len() > BULK_READ_FROM {
            // One search for every item beats one lookup per account by about half.
            if let Some(all) = self.store.get_all()? {
                let prefix = format!("{}/", self.meta.vault_id);
                for bytes in all {
                    let Ok(item) = Item::decode(&bytes) else {
                        continue;
                    };
                    let Some(id) = item
                        .owner
                        .strip_prefix(&prefix)
                        .and_then(|a| Uuid::parse_str(a).ok())
                    else {
                        continue;
                    };
                    if missing.contains(&id) {
                        self.cache.insert(id, item);
                    }
                }
                missing.retain(|id| !self.cache.contains_key(id));
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let users: Vec<String> = missing.iter().map(|id| self.user(*id)).collect();
        let items = self.store.get_many(&users)?;
        for (id, bytes) in missing.into_iter().zip(items) {
            let label = || {
                self.meta
                    .accounts
                    .iter()
                    .find(|a| a.id == id)
                    .map(AccountMeta::label)
                    .unwrap_or_default()
            };
            let bytes = bytes.ok_or_else(|| VaultError::SecretMissing { id, label: label() })?;
            let item = Item::decode(&bytes)
                .ok()
                .filter(|item| item.owner == self.user(id))
                .ok_or_else(|| VaultError::ItemDamaged { id, label: label() })?;
            self.cache.insert(id, item);
        }
        Ok(())
    }

    pub(super) fn item(&mut self, id: Uuid) -> Result<&Item, VaultError> {
        self.get(id)?;
        self.load_items(&[id])?;
        self.cache
            .get(&id)
            .ok_or_else(|| VaultError::NotFound(id.to_string()))
    }

    /// Reads every account's secret into memory (the keychain is asked once per account, all in
    /// one batch), so later codes need no keychain access.
    pub fn unlock_all(&mut self) -> Result<(), VaultError> {
        let ids: Vec<Uuid> = self.meta.accounts.iter().map(|a| a.id).collect();
        self.load_items(&ids)
    }

    /// The full account, secret included (for transfer and export).
    pub fn account(&mut self, id: Uuid) -> Result<Account, VaultError> {
        let meta = self.get(id)?.clone();
        let secret = self.item(id)?.secret.clone();
        let params = meta.params();
        Ok(Account {
            issuer: meta.issuer,
            name: meta.name,
            params,
            secret,
        })
    }

    pub fn recovery_codes(&mut self, id: Uuid) -> Result<Vec<Zeroizing<String>>, VaultError> {
        Ok(self.item(id)?.recovery_codes.clone())
    }

    /// Replaces an account's recovery codes (stored in its keychain item, next to the secret).
    pub fn set_recovery_codes(&mut self, id: Uuid, codes: &[String]) -> Result<(), VaultError> {
        self.locked(|v| {
            let mut item = v.item(id)?.clone();
            item.recovery_codes = codes
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .map(|c| Zeroizing::new(c.to_owned()))
                .collect();
            let encoded = item.encode()?;
            v.store.set(&v.user(id), &encoded)?;
            v.cache.insert(id, item);
            Ok(())
        })
    }
}
