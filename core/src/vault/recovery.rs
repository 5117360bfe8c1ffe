//! The keychain alone rebuilds the vault.
//!
//! Every keychain item is a self-describing record (see `item`): owner, key, recovery codes and
//! the account's parameters. So when `vault.json` and its backup are missing or damaged, the
//! list is rebuilt from the items (order, groups and pins reset), and an item that no listed
//! account owns — an account added after a restored older `vault.json`, say — is never deleted
//! automatically: it is offered back ([`Vault::orphans`]: restore or delete).
//!
//! Each record names the folder its vault lives in (a hash of the folder's path). So a folder
//! whose `vault.json` was lost is rebuilt with exactly its own accounts, and a new folder
//! (another `NINSHO_DATA_DIR`, a second vault in the same keyring) starts empty instead of
//! adopting someone else's. A vault moved to another folder cannot be rebuilt there until its
//! items are rewritten, which every open does.
//!
//! Rebuilding needs a keychain that can be searched (the Secret Service can; where a store
//! cannot, there is nothing to rebuild from and the vault starts empty as before).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use sha2::{Digest, Sha256};

use uuid::Uuid;

use super::item::ItemAccount;
use super::{AccountMeta, Item, KeychainError, Metadata, SecretStore, Vault, VaultError};
use crate::otp::OtpParams;

/// The name given to an account whose item predates self-describing records.
const UNNAMED: &str = "Recovered account";

/// A keychain item of this vault that no listed account owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub id: Uuid,
    /// What the item says about its account (`None` for an item of an earlier version).
    pub account: Option<ItemAccount>,
}

impl Orphan {
    pub fn label(&self) -> String {
        self.account.as_ref().map_or_else(
            || UNNAMED.to_owned(),
            |a| match (&a.issuer, a.name.is_empty()) {
                (Some(issuer), false) => format!("{issuer} ({})", a.name),
                (Some(issuer), true) => issuer.clone(),
                (None, _) => a.name.clone(),
            },
        )
    }
}

/// The listing entry an item's own description gives.
fn meta_from(id: Uuid, account: Option<&ItemAccount>, order: u64) -> AccountMeta {
    let (issuer, name, params, created) = match account {
        Some(a) => (a.issuer.clone(), a.name.clone(), a.params, a.created),
        None => (
            None,
            UNNAMED.to_owned(),
            OtpParams::totp(
                crate::otp::Algorithm::Sha1,
                crate::otp::DEFAULT_DIGITS,
                crate::otp::DEFAULT_PERIOD,
            ),
            crate::otp::now(),
        ),
    };
    // The item names no sites: a rebuilt account is bound as a new one would be (the sites a
    // person added by hand are in the vault file, not in the keychain).
    let sites = crate::site::known::sites_of(issuer.as_deref());
    let mut meta = AccountMeta::new(id, issuer, name, &params, order, created);
    meta.domains = sites;
    meta
}

/// Items by vault id, then account id.
type ItemsByVault = BTreeMap<Uuid, BTreeMap<Uuid, Item>>;

/// Every decodable Ninsho item in the keychain, by vault id and account id; `None` where the
/// store cannot be searched.
fn items_by_vault(store: &dyn SecretStore) -> Result<Option<ItemsByVault>, KeychainError> {
    let Some(all) = store.get_all()? else {
        return Ok(None);
    };
    let mut vaults = ItemsByVault::new();
    for bytes in all {
        let Ok(item) = Item::decode(&bytes) else {
            continue;
        };
        let Some((vault, account)) = item.owner.split_once('/') else {
            continue;
        };
        let (Ok(vault), Ok(account)) = (Uuid::parse_str(vault), Uuid::parse_str(account)) else {
            continue;
        };
        vaults.entry(vault).or_default().insert(account, item);
    }
    Ok(Some(vaults))
}

/// The name of the folder `dir` in keychain records: a hash of its path (the path itself is
/// nobody's business in the keychain).
pub(super) fn folder_id(dir: &Path) -> String {
    let path = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let digest = Sha256::digest(path.to_string_lossy().as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The vault `dir` held, rebuilt from the keychain's items when its `vault.json` is gone:
/// its accounts listed oldest first. `None` when the keychain does not know the folder, holds
/// no item of its vault, or cannot be searched.
pub(super) fn rebuild(
    store: &dyn SecretStore,
    dir: &Path,
) -> Result<Option<Metadata>, KeychainError> {
    let folder = folder_id(dir);
    let Some(vaults) = items_by_vault(store)? else {
        return Ok(None);
    };
    // The vault whose items name this folder (several only if the folder held several vaults
    // over time: the one with the most items).
    let Some((vault_id, items)) = vaults
        .into_iter()
        .map(|(id, items)| {
            let mine: BTreeMap<Uuid, Item> = items
                .into_iter()
                .filter(|(_, item)| item.folder.as_deref() == Some(folder.as_str()))
                .collect();
            (id, mine)
        })
        .filter(|(_, items)| !items.is_empty())
        .max_by_key(|(_, items)| items.len())
    else {
        return Ok(None);
    };
    let mut entries: Vec<(Uuid, Option<ItemAccount>)> = items
        .into_iter()
        .map(|(id, item)| (id, item.account.clone()))
        .collect();
    // Oldest first; accounts added in the same second by name, so the order is stable.
    entries.sort_by_key(|(id, a)| {
        (
            a.as_ref().map_or(u64::MAX, |a| a.created),
            a.as_ref().map(|a| (a.issuer.clone(), a.name.clone())),
            *id,
        )
    });
    let meta = Metadata {
        vault_id,
        accounts: entries
            .iter()
            .enumerate()
            .map(|(order, (id, account))| meta_from(*id, account.as_ref(), order as u64))
            .collect(),
        ..Metadata::default()
    };
    Ok(Some(meta))
}

impl Vault {
    /// Keychain items of this vault that no listed, pending or deleted account owns.
    pub fn orphans(&mut self) -> Result<Vec<Orphan>, VaultError> {
        let Some(mut vaults) = items_by_vault(self.store.as_ref())? else {
            return Ok(Vec::new());
        };
        let Some(items) = vaults.remove(&self.meta.vault_id) else {
            return Ok(Vec::new());
        };
        let owned: HashSet<Uuid> = self
            .meta
            .accounts
            .iter()
            .chain(&self.meta.pending)
            .map(|a| a.id)
            .chain(self.meta.tombstones.iter().copied())
            .collect();
        Ok(items
            .into_iter()
            .filter(|(id, _)| !owned.contains(id))
            .map(|(id, item)| Orphan {
                id,
                account: item.account.clone(),
            })
            .collect())
    }

    /// Lists the orphans named by `ids` again (after the existing accounts); returns how many.
    pub fn restore_orphans(&mut self, ids: &[Uuid]) -> Result<usize, VaultError> {
        self.locked(|v| {
            let orphans: Vec<Orphan> = v
                .orphans()?
                .into_iter()
                .filter(|o| ids.contains(&o.id))
                .collect();
            if orphans.is_empty() {
                return Ok(0);
            }
            let order = v.next_order();
            v.update(|m| {
                for (i, o) in orphans.iter().enumerate() {
                    m.accounts
                        .push(meta_from(o.id, o.account.as_ref(), order + i as u64));
                }
                Ok(())
            })?;
            for o in &orphans {
                v.problems.remove(&o.id);
            }
            Ok(orphans.len())
        })
    }

    /// Removes an orphan's keychain item (its secret is gone for good).
    pub fn delete_orphan(&mut self, id: Uuid) -> Result<(), VaultError> {
        self.locked(|v| {
            if !v.orphans()?.iter().any(|o| o.id == id) {
                return Err(VaultError::NotFound(id.to_string()));
            }
            Ok(v.store.delete(&v.user(id))?)
        })
    }
}
