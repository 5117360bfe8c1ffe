//! Adding accounts that a scan, a paste, a form or a backup found, and what became of each.

use uuid::Uuid;

use crate::otp::Account;
use crate::site::Binding;
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

    /// Whether duplicate `d` repeats an account this same call added (an earlier entry of the
    /// list, as when a Google export's QR codes hold one secret twice) rather than one the
    /// vault already had.
    pub fn repeats_earlier(&self, d: &Duplicate) -> bool {
        self.added.iter().any(|(_, id)| *id == d.existing)
    }

    /// The keychain state behind a failure, when the keychain is why accounts were not added.
    pub fn keychain_state(&self) -> Option<&KeychainState> {
        self.failed.iter().find_map(|(_, e)| e.keychain_state())
    }
}

/// Adds `accounts` (duplicates are refused unless `force`) and reports on each.
pub fn add(vault: &mut Vault, accounts: &[Account], force: bool) -> Result<AddReport, VaultError> {
    add_bound(vault, accounts, &[], &[], force)
}

/// [`add`] of a backup's accounts, each bound to the sites the backup named for it:
/// `domains[i]` for `accounts[i]` ([`crate::formats::Import::all_domains`]); `None` binds as
/// [`add`] does. `icons[i]` is the icon it came with ([`crate::formats::Import::all_icons`]).
pub fn add_bound(
    vault: &mut Vault,
    accounts: &[Account],
    domains: &[Option<Vec<Binding>>],
    icons: &[Option<String>],
    force: bool,
) -> Result<AddReport, VaultError> {
    Ok(AddReport::new(
        vault.add_many_bound(accounts, domains, icons, force)?,
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::formats;
    use crate::uri;
    use crate::vault::KeyringStore;

    #[test]
    fn a_backups_accounts_are_bound_to_the_sites_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::open(dir.path(), Arc::new(KeyringStore::mock())).unwrap();
        let item = |name: &str, totp: &str, uris: serde_json::Value| serde_json::json!({ "type": 1, "name": name, "login": { "uris": uris, "totp": totp } });
        let backup = serde_json::json!({
            "encrypted": false,
            "items": [
                item(
                    "Shop",
                    "otpauth://totp/Shop:mika?secret=JBSWY3DPEHPK3PXP&issuer=Shop",
                    serde_json::json!([
                        { "uri": "https://accounts.shop.example.co.uk/login" },
                        { "uri": "androidapp://uk.co.example.shop" },
                    ]),
                ),
                item(
                    "GitHub",
                    "otpauth://totp/GitHub:mika?secret=MFRGGZDFMZTWQ2LK&issuer=GitHub",
                    serde_json::json!([{ "uri": "https://github.example.com" }]),
                ),
                item(
                    "GitLab",
                    "otpauth://totp/GitLab:mika?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab",
                    serde_json::Value::Null,
                ),
            ],
        });
        let import = formats::import(backup.to_string().as_bytes(), None, None).unwrap();
        let report = add_bound(
            &mut vault,
            &import.accounts,
            &import.all_domains(),
            &import.all_icons(),
            false,
        )
        .unwrap();
        assert_eq!(report.added.len(), 3);
        let bound = |i: usize| -> Vec<String> {
            let id = report.added[i].1;
            let meta = &vault.accounts().into_iter().find(|m| m.id == id).unwrap();
            meta.domains.iter().map(ToString::to_string).collect()
        };
        assert_eq!(bound(0), ["example.co.uk"]);
        assert_eq!(bound(1), ["example.com", "github.com"]);
        assert_eq!(
            bound(2),
            ["gitlab.com"],
            "no sites in the file: as any new account"
        );
    }

    #[test]
    fn a_repeat_within_the_list_is_told_from_an_account_already_there() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::open(dir.path(), Arc::new(KeyringStore::mock())).unwrap();
        let a = uri::parse("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A").unwrap();
        let b = uri::parse("otpauth://totp/B:b?secret=MFRGGZDFMZTWQ2LK&issuer=B").unwrap();
        let mut b_again = b.clone();
        b_again.name = "b, scanned twice".into();
        vault.add(&a, false).unwrap();
        let report = add(&mut vault, &[a.clone(), b, b_again], false).unwrap();
        assert_eq!(report.added.len(), 1);
        let why: Vec<(usize, bool)> = report
            .duplicates
            .iter()
            .map(|(i, d)| (*i, report.repeats_earlier(d)))
            .collect();
        assert_eq!(why, [(0, false), (2, true)]);
    }

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
