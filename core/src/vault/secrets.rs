//! The secrets the vault holds in memory: a cache of keychain items, by account.
//!
//! Every secret enters the cache through [`Vault::load_items`] (or an add that has just written
//! it), and an item is accepted only if it decodes and its owner is the account's own keychain
//! user: an item stored under another account's name is reported as damaged, never used for
//! the wrong account. Items stay cached until the vault is dropped (they wipe themselves) or
//! their account is no longer listed; nothing here writes the metadata file.
//!
//! One broken item stays one broken item: an account whose item is missing or damaged is
//! recorded as such ([`Vault::problem`]) and every other account keeps its secret. Only a
//! keychain that cannot be used at all fails a whole read.
//!
//! Items written by earlier versions (a key without its account's description) are rewritten
//! as self-describing records the first time they are read, so the keychain alone can rebuild
//! the list.

use serde::Serialize;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::item::ItemAccount;
use super::{AccountMeta, Item, Vault, VaultError};
use crate::otp::Account;

/// From this many accounts on, secrets are read with one keychain search.
const BULK_READ_FROM: usize = 8;

/// What is wrong with an account's keychain item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ItemProblem {
    /// No item: removed in a keyring manager, a keyring reset, a restore.
    Missing,
    /// An item that is not one Ninsho wrote for this account, or is unreadable.
    Damaged,
}

impl ItemProblem {
    /// What the person can do about it.
    pub fn advice(self) -> &'static str {
        match self {
            ItemProblem::Missing => {
                "its secret is missing from the keyring: delete the account or add it again"
            }
            ItemProblem::Damaged => {
                "its keyring item is damaged: delete the account or add it again"
            }
        }
    }
}

/// The description an item carries of its account.
pub(super) fn item_account(meta: &AccountMeta) -> ItemAccount {
    ItemAccount {
        issuer: meta.issuer.clone(),
        name: meta.name.clone(),
        params: meta.params(),
        created: meta.created,
    }
}

impl Vault {
    /// Loads the secrets of `ids` that are not cached yet, in one keychain batch. An account
    /// whose item is missing or damaged is recorded in `problems`; only a keychain error fails.
    fn load_items(&mut self, ids: &[Uuid]) -> Result<(), VaultError> {
        let mut missing: Vec<Uuid> = ids
            .iter()
            .copied()
            .filter(|id| !self.cache.contains_key(id))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        self.require_unlocked()?;
        let mut legacy = Vec::new();
        if missing.len() > BULK_READ_FROM {
            // One search for every item beats one lookup per account by about half.
            if let Some(all) = self.store.get_all()? {
                let prefix = format!("{}/", self.meta.vault_id);
                for bytes in all {
                    let Ok(item) = self.decode_item(&bytes) else {
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
                        if !item.is_current() || !self.in_current_form(&bytes) {
                            legacy.push(id);
                        }
                        self.problems.remove(&id);
                        self.cache.insert(id, item);
                    }
                }
                missing.retain(|id| !self.cache.contains_key(id));
            }
        }
        if !missing.is_empty() {
            let users: Vec<String> = missing.iter().map(|id| self.user(*id)).collect();
            let items = self.store.get_many(&users)?;
            for (id, bytes) in missing.into_iter().zip(items) {
                let Some(bytes) = bytes else {
                    self.problems.insert(id, ItemProblem::Missing);
                    continue;
                };
                match self
                    .decode_item(&bytes)
                    .ok()
                    .filter(|item| item.owner == self.user(id))
                {
                    Some(item) => {
                        if !item.is_current() || !self.in_current_form(&bytes) {
                            legacy.push(id);
                        }
                        self.problems.remove(&id);
                        self.cache.insert(id, item);
                    }
                    None => {
                        self.problems.insert(id, ItemProblem::Damaged);
                    }
                }
            }
        }
        for id in legacy {
            self.rewrite_item_as_now(id, true);
        }
        Ok(())
    }

    /// Writes account `id`'s cached item again with its account's current description (an
    /// item of an earlier version, or after an edit). Best effort: the vault file stays the
    /// authority, and a later read tries again.
    pub(super) fn rewrite_item(&mut self, id: Uuid) {
        self.rewrite_item_as_now(id, false);
    }

    /// [`Vault::rewrite_item`]; `always` also rewrites an item whose description is current
    /// (one read in the form the lock no longer asks for).
    fn rewrite_item_as_now(&mut self, id: Uuid, always: bool) {
        let Ok(meta) = self.get(id).cloned() else {
            return;
        };
        let user = self.user(id);
        let Some(item) = self.cache.get_mut(&id) else {
            return;
        };
        let account = Some(item_account(&meta));
        let folder = Some(self.folder.clone());
        if !always && item.account == account && item.folder == folder {
            return;
        }
        let mut updated = item.clone();
        updated.account = account;
        updated.folder = folder;
        if let Ok(encoded) = self.encode_item(&updated)
            && self.store.set(&user, &encoded).is_ok()
            && let Some(item) = self.cache.get_mut(&id)
        {
            *item = updated;
        }
    }

    /// Reads account `id`'s item into the cache if it is not there yet.
    pub(super) fn load_items_for(&mut self, id: Uuid) -> Result<(), VaultError> {
        self.load_items(&[id])
    }

    /// What is wrong with account `id`'s keychain item, as far as the last read knows.
    pub fn problem(&self, id: Uuid) -> Option<ItemProblem> {
        self.problems.get(&id).copied()
    }

    pub(super) fn item(&mut self, id: Uuid) -> Result<&Item, VaultError> {
        let label = self.get(id)?.label();
        self.load_items(&[id])?;
        match self.problems.get(&id) {
            Some(ItemProblem::Missing) => return Err(VaultError::SecretMissing { id, label }),
            Some(ItemProblem::Damaged) => return Err(VaultError::ItemDamaged { id, label }),
            None => {}
        }
        self.cache
            .get(&id)
            .ok_or_else(|| VaultError::NotFound(id.to_string()))
    }

    /// Reads every account's secret into memory (the keychain is asked once per account, all in
    /// one batch), so later codes need no keychain access. Accounts whose item is missing or
    /// damaged are recorded ([`Vault::problem`]); the others are read all the same.
    pub fn unlock_all(&mut self) -> Result<(), VaultError> {
        let ids: Vec<Uuid> = self.meta.accounts.iter().map(|a| a.id).collect();
        self.load_items(&ids)
    }

    /// The full account, secret included (for transfer and export).
    pub fn account(&mut self, id: Uuid) -> Result<Account, VaultError> {
        let meta = self.get(id)?.clone();
        let item = self.item(id)?;
        let (secret, pin) = (item.secret.clone(), item.pin.clone());
        let params = meta.params();
        Ok(Account {
            issuer: meta.issuer,
            name: meta.name,
            params,
            secret,
            pin,
        })
    }

    pub fn recovery_codes(&mut self, id: Uuid) -> Result<Vec<Zeroizing<String>>, VaultError> {
        Ok(self.item(id)?.recovery_codes.clone())
    }

    /// Replaces the PIN of an mOTP or Yandex account (kept in its keychain item with the key).
    pub fn set_pin(&mut self, id: Uuid, pin: Option<crate::otp::Pin>) -> Result<(), VaultError> {
        self.change_item(id, |item| item.pin = pin.clone())
    }

    /// Replaces an account's recovery codes (stored in its keychain item, next to the secret).
    pub fn set_recovery_codes(&mut self, id: Uuid, codes: &[String]) -> Result<(), VaultError> {
        self.change_item(id, |item| {
            item.recovery_codes = codes
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .map(|c| Zeroizing::new(c.to_owned()))
                .collect();
        })
    }

    /// Changes account `id`'s keychain item with `change` and writes it, with the account's
    /// current description and folder.
    fn change_item(&mut self, id: Uuid, change: impl Fn(&mut Item)) -> Result<(), VaultError> {
        self.locked(|v| {
            let meta = v.get(id)?.clone();
            let mut item = v.item(id)?.clone();
            change(&mut item);
            item.account = Some(item_account(&meta));
            item.folder = Some(v.folder.clone());
            let encoded = v.encode_item(&item)?;
            v.store.set(&v.user(id), &encoded)?;
            v.cache.insert(id, item);
            Ok(())
        })
    }
}
