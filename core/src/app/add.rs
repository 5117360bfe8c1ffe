//! Adding accounts that a scan, a paste, a form or a backup found, and what became of each.

use uuid::Uuid;

use crate::otp::Account;
use crate::vault::{Duplicate, KeychainState, Vault, VaultError};

/// What adding a list of accounts did, by the account's position in that list.
#[derive(Debug, Default)]
pub struct AddReport {
    pub added: Vec<(usize, Uuid)>,
    /// Accounts not added because the vault (or the list, earlier) already has them.
    pub duplicates: Vec<(usize, Duplicate)>,
    /// Accounts that could not be added, with the reason.
    pub failed: Vec<(usize, VaultError)>,
}

impl AddReport {
    /// Sorts the per-account results of [`Vault::add_many`].
    pub fn new(results: Vec<Result<Uuid, VaultError>>) -> Self {
        let mut report = AddReport::default();
        for (i, result) in results.into_iter().enumerate() {
            match result {
                Ok(id) => report.added.push((i, id)),
                Err(VaultError::Duplicate(d)) => report.duplicates.push((i, d)),
                Err(e) => report.failed.push((i, e)),
            }
        }
        report
    }

    /// The keychain state behind a failure, when the keychain is why accounts were not added.
    pub fn keychain_state(&self) -> Option<&KeychainState> {
        self.failed.iter().find_map(|(_, e)| e.keychain_state())
    }
}

/// Adds `accounts` (duplicates are refused unless `force`) and reports on each.
pub fn add(vault: &mut Vault, accounts: &[Account], force: bool) -> Result<AddReport, VaultError> {
    Ok(AddReport::new(vault.add_many(accounts, force)?))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::uri;
    use crate::vault::KeyringStore;

    #[test]
    fn sorts_results_by_what_happened() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::open(dir.path(), Arc::new(KeyringStore::mock())).unwrap();
        let a = uri::parse("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A").unwrap();
        let b = uri::parse("otpauth://totp/B:b?secret=MFRGGZDFMZTWQ2LK&issuer=B").unwrap();
        let mut bad = b.clone();
        bad.name = "other".into();
        bad.params.digits = 3;
        vault.add(&a, false).unwrap();
        let report = add(&mut vault, &[a.clone(), b, bad], false).unwrap();
        assert_eq!(report.added.len(), 1);
        assert_eq!(report.added[0].0, 1);
        assert_eq!(report.duplicates.len(), 1);
        assert_eq!(report.duplicates[0].0, 0);
        assert!(report.duplicates[0].1.same_secret);
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].0, 2);
        assert!(matches!(report.failed[0].1, VaultError::InvalidAccount(_)));
        assert!(report.keychain_state().is_none());
    }
}
