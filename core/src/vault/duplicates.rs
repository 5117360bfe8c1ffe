//! When an account counts as already in the vault.

use uuid::Uuid;

use super::{Vault, VaultError};
use crate::otp::Account;

/// Why an account counts as already present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub existing: Uuid,
    pub existing_label: String,
    pub same_secret: bool,
}

impl std::fmt::Display for Duplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.same_secret {
            write!(f, "{} already has this secret", self.existing_label)
        } else {
            write!(f, "an account named {} already exists", self.existing_label)
        }
    }
}

impl Vault {
    /// An existing account that `account` would duplicate: same secret, or same issuer and name.
    pub fn find_duplicate(&mut self, account: &Account) -> Result<Option<Duplicate>, VaultError> {
        self.unlock_all()?;
        let issuer = account.issuer.as_deref().unwrap_or("").to_lowercase();
        let name = account.name.to_lowercase();
        for a in &self.meta.accounts {
            if self
                .cache
                .get(&a.id)
                .is_some_and(|item| item.secret == account.secret)
            {
                return Ok(Some(Duplicate {
                    existing: a.id,
                    existing_label: a.label(),
                    same_secret: true,
                }));
            }
        }
        Ok(self
            .meta
            .accounts
            .iter()
            .find(|a| {
                a.issuer.as_deref().unwrap_or("").to_lowercase() == issuer
                    && a.name.to_lowercase() == name
            })
            .map(|a| Duplicate {
                existing: a.id,
                existing_label: a.label(),
                same_secret: false,
            }))
    }
}
