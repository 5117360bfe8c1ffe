//! The Windows guard: a Windows Hello key of this user (`KeyCredentialManager`, one per
//! vault, its private half in the TPM where there is one) signs a fixed challenge, and only a
//! Hello gesture (face, fingerprint, PIN) makes it sign. The signature is deterministic
//! (RSA PKCS#1 v1.5), so its hash is a key that wraps the vault key; the wrap, useless without
//! the Hello key, is what `vault.json` keeps. KeePassXC and Bitwarden keep their quick-unlock
//! keys the same way. Type-checked here by the cross checks; never run on Linux CI.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use windows::Security::Credentials::{
    KeyCredential, KeyCredentialCreationOption, KeyCredentialManager, KeyCredentialRetrievalResult,
    KeyCredentialStatus,
};
use windows::Security::Cryptography::CryptographicBuffer;
use windows::core::{Array, HSTRING};
use zeroize::Zeroizing;

use super::SystemAuthError;
use crate::vault::lock::key::{open, seal};

/// The guard's name in `vault.json`.
pub(super) const NAME: &str = "windows-hello";

fn credential_name(vault: Uuid) -> HSTRING {
    HSTRING::from(format!("Ninsho vault {vault}"))
}

fn challenge(vault: Uuid) -> Vec<u8> {
    let mut c = b"ninsho-hello-challenge/v1/".to_vec();
    c.extend_from_slice(vault.as_bytes());
    c
}

fn aad(vault: Uuid) -> Vec<u8> {
    let mut a = b"ninsho-vault-key/windows-hello/".to_vec();
    a.extend_from_slice(vault.as_bytes());
    a
}

fn failed(e: windows::core::Error) -> SystemAuthError {
    SystemAuthError::NotReady(format!("Windows Hello did not answer ({e})"))
}

fn status(s: KeyCredentialStatus) -> SystemAuthError {
    match s {
        KeyCredentialStatus::UserCanceled | KeyCredentialStatus::UserPrefersPassword => {
            SystemAuthError::Refused
        }
        KeyCredentialStatus::NotFound => SystemAuthError::NotReady(
            "the Windows Hello key kept for system sign-in is gone: enter the password".into(),
        ),
        KeyCredentialStatus::SecurityDeviceLocked => SystemAuthError::NotReady(
            "Windows Hello is locked after too many attempts: enter the password".into(),
        ),
        _ => SystemAuthError::NotReady(
            "Windows Hello is not set up for this account (Settings → Accounts → Sign-in options)"
                .into(),
        ),
    }
}

/// The wrapping key: the hash of the Hello key's signature of the vault's challenge. The Hello
/// prompt shows here.
fn wrapping_key(
    credential: &KeyCredential,
    vault: Uuid,
) -> Result<Zeroizing<[u8; 32]>, SystemAuthError> {
    let buffer = CryptographicBuffer::CreateFromByteArray(&challenge(vault)).map_err(failed)?;
    let signed = credential
        .RequestSignAsync(&buffer)
        .and_then(|op| op.join())
        .map_err(failed)?;
    let outcome = signed.Status().map_err(failed)?;
    if outcome != KeyCredentialStatus::Success {
        return Err(status(outcome));
    }
    let mut signature = Array::<u8>::new();
    CryptographicBuffer::CopyToByteArray(&signed.Result().map_err(failed)?, &mut signature)
        .map_err(failed)?;
    let mut hash = Sha256::new();
    hash.update(b"ninsho-hello-wrap/v1");
    hash.update(signature.as_slice());
    Ok(Zeroizing::new(hash.finalize().into()))
}

/// The key of a create or open request, or why there is none.
fn credential(
    result: windows::core::Result<KeyCredentialRetrievalResult>,
) -> Result<KeyCredential, SystemAuthError> {
    let result = result.map_err(failed)?;
    let outcome = result.Status().map_err(failed)?;
    if outcome != KeyCredentialStatus::Success {
        return Err(status(outcome));
    }
    result.Credential().map_err(failed)
}

/// Creates this vault's Hello key (replacing an earlier one) and wraps `key` under it.
/// Returns the wrap, base64.
pub(super) fn keep(vault: Uuid, key: &[u8; 32]) -> Result<String, SystemAuthError> {
    let created = KeyCredentialManager::RequestCreateAsync(
        &credential_name(vault),
        KeyCredentialCreationOption::ReplaceExisting,
    )
    .and_then(|op| op.join());
    let credential = credential(created)?;
    let wrapping = wrapping_key(&credential, vault)?;
    let sealed = seal(&wrapping, &aad(vault), key).map_err(|_| {
        SystemAuthError::NotReady("this system gave Ninsho no random numbers".into())
    })?;
    Ok(B64.encode(sealed))
}

/// Opens the wrap `kept` with this vault's Hello key: the Hello prompt asks the person.
pub(super) fn release(vault: Uuid, kept: &str) -> Result<Zeroizing<[u8; 32]>, SystemAuthError> {
    let damaged = || SystemAuthError::NotReady("the key kept for system sign-in is damaged".into());
    let sealed = B64.decode(kept).map_err(|_| damaged())?;
    let opened = KeyCredentialManager::OpenAsync(&credential_name(vault)).and_then(|op| op.join());
    let credential = credential(opened)?;
    let wrapping = wrapping_key(&credential, vault)?;
    let bytes = open(&wrapping, &aad(vault), &sealed).ok_or_else(damaged)?;
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| damaged())?;
    Ok(Zeroizing::new(key))
}

pub(super) fn forget(vault: Uuid) {
    let _ = KeyCredentialManager::DeleteAsync(&credential_name(vault)).and_then(|op| op.join());
}
