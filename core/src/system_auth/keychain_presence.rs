//! The macOS guard: the vault key in a Keychain item of the data protection keychain whose
//! access control asks for user presence (Touch ID, or the account password) each time it is
//! read, and which never leaves this Mac (`WhenUnlockedThisDeviceOnly`: no iCloud, no backup).
//! Type-checked here by the cross checks; never run on Linux CI.
//!
//! The data protection keychain takes only apps signed with a keychain access group: an
//! unsigned build gets `errSecMissingEntitlement` (-34018), which is reported as "not
//! available", and the vault key is then only held in memory, as on Linux.

use security_framework::access_control::{ProtectionMode, SecAccessControl};
use security_framework::passwords::{
    delete_generic_password_options, generic_password, set_generic_password_options,
};
use security_framework::passwords_options::{AccessControlOptions, PasswordOptions};
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use super::SystemAuthError;

/// The guard's name in `vault.json`.
pub(super) const NAME: &str = "macos-keychain";
/// The Keychain service of the kept keys (the account is the vault id).
const SERVICE: &str = "io.ninsho.Ninsho.system-unlock";
/// The user cancelled the sheet, or failed it.
const ERR_USER_CANCELED: i32 = -128;
const ERR_AUTH_FAILED: i32 = -25293;
const ERR_NOT_FOUND: i32 = -25300;

fn options(vault: Uuid) -> PasswordOptions {
    let mut options = PasswordOptions::new_generic_password(SERVICE, &vault.to_string());
    options.use_protected_keychain();
    options
}

fn refused(e: security_framework::base::Error) -> SystemAuthError {
    match e.code() {
        ERR_USER_CANCELED | ERR_AUTH_FAILED => SystemAuthError::Refused,
        ERR_NOT_FOUND => SystemAuthError::NotReady(
            "the key kept for system sign-in is gone from the Keychain: enter the password".into(),
        ),
        code => SystemAuthError::NotReady(format!(
            "the Keychain refused ({code}: {})",
            e.message().unwrap_or_default()
        )),
    }
}

pub(super) fn keep(vault: Uuid, key: &[u8; 32]) -> Result<(), SystemAuthError> {
    let access = SecAccessControl::create_with_protection(
        Some(ProtectionMode::AccessibleWhenUnlockedThisDeviceOnly),
        AccessControlOptions::USER_PRESENCE.bits(),
    )
    .map_err(refused)?;
    // An item with access control cannot be updated in place without asking: replace it.
    let _ = delete_generic_password_options(options(vault));
    let mut add = options(vault);
    add.set_access_control(access);
    add.set_label("Ninsho: the vault key for system sign-in");
    set_generic_password_options(key, add).map_err(refused)
}

/// Reads the key back: the system's sheet asks the person first.
pub(super) fn release(vault: Uuid) -> Result<Zeroizing<[u8; 32]>, SystemAuthError> {
    let mut bytes = generic_password(options(vault)).map_err(refused)?;
    let key: Result<[u8; 32], _> = bytes.as_slice().try_into();
    bytes.zeroize();
    key.map(Zeroizing::new)
        .map_err(|_| SystemAuthError::NotReady("the key kept for system sign-in is damaged".into()))
}

pub(super) fn forget(vault: Uuid) {
    let _ = delete_generic_password_options(options(vault));
}
