//! Turning the encrypted mode on and off for the whole app: the vault's items (see
//! `vault::lock`) and its neighbours' (the sync key, the followed folders' passwords), which
//! would otherwise stay readable in the keychain and open everything the mode protects.
//!
//! Order matters for a kill at any moment. On: the vault first (its journal), then the
//! neighbours; a neighbour still plain is sealed the next time it is read. Off: the
//! neighbours first, while the vault key is there to open them, then the vault.

use crate::follow::Follows;
use crate::sync::Sync;
use crate::vault::lock::Enabled;
use crate::vault::{LockError, Vault, VaultError};

/// The keychain users of the vault's neighbours.
fn neighbours(vault: &Vault) -> Vec<String> {
    let mut users = Sync::open(vault)
        .and_then(|s| s.key_users())
        .unwrap_or_default();
    users.extend(
        Follows::open(vault)
            .and_then(|f| f.key_users())
            .unwrap_or_default(),
    );
    users
}

/// Encrypts every secret with `password`: the recovery key comes back, to be shown once.
pub fn enable(vault: &mut Vault, password: &str) -> Result<Enabled, VaultError> {
    let enabled = vault.enable_encryption(password)?;
    vault.reseal(&neighbours(vault), true)?;
    Ok(enabled)
}

/// Writes every secret unencrypted again (the vault must be unlocked).
pub fn disable(vault: &mut Vault) -> Result<(), VaultError> {
    if vault.lock_status().mode == "off" {
        return Err(LockError::Off.into());
    }
    vault.require_unlocked()?;
    vault.reseal(&neighbours(vault), false)?;
    vault.disable_encryption()?;
    Ok(())
}
