//! The journal: how an add or a delete, which changes both the metadata file and the keychain,
//! survives being interrupted.
//!
//! No single write changes both stores, so the metadata file records what is under way
//! ([`Metadata::pending`](super::Metadata::pending) and
//! [`Metadata::tombstones`](super::Metadata::tombstones)) and the effects are ordered so that
//! a crash at any point loses nothing and leaves no secret behind once the vault is opened
//! again:
//!
//! - add: the account is first recorded as *pending* (no secret), then its keychain item is
//!   written, then the account is listed. On open, a pending account whose item exists is
//!   completed and one whose item does not is dropped. An add settles only its own pending
//!   entries (never those an earlier interrupted add left), and a keychain write that timed
//!   out has an unknown outcome: its entry stays pending for reconciliation to settle.
//! - delete: the account leaves the list and becomes a *tombstone* first, then its keychain
//!   item is removed; tombstones are cleared on the next open.
//!
//! "On open" is [`Vault::reconcile`]. Keychain items that no listed or pending account owns are
//! never deleted here: they are offered back (see `recovery`). Every step here runs with the
//! vault's lock held.

use uuid::Uuid;

use super::{AccountMeta, KeychainError, NewAccount, Vault, VaultError, account_index};

/// What reconciling on open did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub completed_adds: usize,
    pub dropped_adds: usize,
    pub cleared_tombstones: usize,
    /// Items of this vault no account owns, left in place and offered back.
    pub orphans: usize,
}

/// What the journaled part of an add did: the accounts whose keychain items were written (and
/// which are now listed), and the keychain error that stopped the writes, if one did (no item
/// after it was written).
pub(super) struct Added {
    pub written: Vec<Uuid>,
    pub failure: Option<KeychainError>,
}

impl Vault {
    /// Whether an add or a delete was interrupted.
    pub(super) fn needs_reconcile(&self) -> bool {
        !self.meta.pending.is_empty() || !self.meta.tombstones.is_empty()
    }

    /// Adds `new` through the journal: pending, then the keychain items, then listed. The
    /// caller holds the lock and has re-read the file.
    pub(super) fn add_journaled(&mut self, new: &[NewAccount]) -> Result<Added, VaultError> {
        // 1. Journal: the accounts are pending (no secret in the file).
        self.update(|m| {
            m.pending.extend(new.iter().map(|n| n.meta.clone()));
            Ok(())
        })?;
        // 2. Keychain items.
        let mut written = Vec::new();
        let mut unknown = None;
        let mut failure = None;
        for n in new {
            match self.store.set(&self.user(n.meta.id), &n.encoded) {
                Ok(()) => written.push(n.meta.id),
                Err(e) => {
                    if matches!(e, KeychainError::TimedOut(_)) {
                        unknown = Some(n.meta.id);
                    }
                    failure = Some(e);
                    break;
                }
            }
        }
        // 3. List what was written; drop this add's other entries from the journal, except
        //    one whose write timed out (it may have happened: reconciliation settles it).
        let ours: Vec<Uuid> = new.iter().map(|n| n.meta.id).collect();
        self.update(|m| {
            let (done, rest): (Vec<AccountMeta>, Vec<AccountMeta>) = std::mem::take(&mut m.pending)
                .into_iter()
                .partition(|p| written.contains(&p.id));
            m.accounts.extend(done);
            m.pending = rest
                .into_iter()
                .filter(|p| !ours.contains(&p.id) || unknown == Some(p.id))
                .collect();
            Ok(())
        })?;
        Ok(Added { written, failure })
    }

    /// Deletes account `id` through the journal: unlisted and a tombstone, then its keychain
    /// item removed. Returns whether the item is gone already. The caller holds the lock (until
    /// this returns) and has re-read the file.
    pub(super) fn delete_journaled(&mut self, id: Uuid) -> Result<bool, VaultError> {
        self.update(|m| {
            let at = account_index(m, id)?;
            m.accounts.remove(at);
            m.tombstones.push(id);
            Ok(())
        })?;
        self.cache.remove(&id);
        Ok(self.store.delete(&self.user(id)).is_ok())
    }

    /// Finishes interrupted adds and deletes, and counts keychain items no account owns.
    pub fn reconcile(&mut self) -> Result<Reconciled, VaultError> {
        self.locked(|v| v.reconcile_locked())
    }

    /// [`Vault::reconcile`] with the lock held.
    fn reconcile_locked(&mut self) -> Result<Reconciled, VaultError> {
        let mut report = Reconciled::default();
        let pending = self.meta.pending.clone();
        let users: Vec<String> = pending.iter().map(|p| self.user(p.id)).collect();
        let present = self.store.get_many(&users)?;
        let mut cleared = Vec::new();
        for id in self.meta.tombstones.clone() {
            self.store.delete(&self.user(id))?;
            cleared.push(id);
        }
        let listed = self.store.list(&format!("{}/", self.meta.vault_id))?;
        if !pending.is_empty() || !cleared.is_empty() {
            self.update(|m| {
                for (p, item) in pending.iter().zip(&present) {
                    m.pending.retain(|x| x.id != p.id);
                    if item.is_some() {
                        m.accounts.push(p.clone());
                        report.completed_adds += 1;
                    } else {
                        report.dropped_adds += 1;
                    }
                }
                m.tombstones.retain(|t| !cleared.contains(t));
                report.cleared_tombstones = cleared.len();
                Ok(())
            })?;
        }
        if let Some(users) = listed {
            let owned: std::collections::HashSet<String> = self
                .meta
                .accounts
                .iter()
                .chain(&self.meta.pending)
                .map(|a| self.user(a.id))
                .collect();
            report.orphans = users.iter().filter(|u| !owned.contains(*u)).count();
        }
        Ok(report)
    }
}
