//! The encryption of a sync folder: `folder.json` (how the key is derived from the passphrase)
//! and the sealed device files.
//!
//! The key is Argon2id of the passphrase with the folder's salt and parameters. Every device
//! file is XChaCha20-Poly1305 under that key with a random 24-byte nonce; the file's header
//! (format, version, device id) and the folder's id are the associated data, so a file cannot
//! be passed off as another device's, another folder's, or another version's. The parameters
//! come from a shared folder anyone with write access could change: they are bounded before
//! any memory is taken.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::SyncError;

pub const FOLDER_FORMAT: &str = "ninsho-sync-folder";
/// The version of `folder.json` and of the device files this Ninsho writes and reads.
pub const VERSION: u16 = 1;
const MAGIC: &[u8; 10] = b"NINSHOSYNC";
const HEADER: usize = MAGIC.len() + 2 + 16;
const NONCE: usize = 24;
/// What `folder.json`'s check decrypts to with the right passphrase.
const CHECK: &[u8] = b"ninsho-sync key check";

pub use crate::kdf::{Kdf, MAX_ITERATIONS, MEMORY_KIB};
/// Shortest passphrase accepted: the folder may sit on someone else's server.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// `folder.json`: readable by anyone with the folder, holds nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderFile {
    pub format: String,
    pub version: u16,
    /// Random; bound into every file, so files from another sync folder are refused.
    pub folder: Uuid,
    pub kdf: Kdf,
    /// `nonce || ciphertext` of a known text: tells a wrong passphrase on joining, before
    /// any device file exists.
    pub check: String,
}

/// The key of a sync folder. Wiped on drop; `Debug` shows nothing of it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SyncKey([u8; 32]);

impl std::fmt::Debug for SyncKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncKey(…)")
    }
}

fn random<const N: usize>() -> Result<[u8; N], SyncError> {
    crate::kdf::random().map_err(|_| SyncError::NoRandomness)
}

impl SyncKey {
    pub fn from_bytes(bytes: &[u8]) -> Option<SyncKey> {
        let key: [u8; 32] = bytes.try_into().ok()?;
        Some(SyncKey(key))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }

    /// A key for keyed hashes of account contents (`sync.json`'s digests, account ids), so
    /// that neither reveals anything of a secret.
    pub fn mac_key(&self) -> Zeroizing<Vec<u8>> {
        use hmac::{Hmac, Mac};
        let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0) else {
            return Zeroizing::new(Vec::new());
        };
        mac.update(b"ninsho-sync digests");
        Zeroizing::new(mac.finalize().into_bytes().to_vec())
    }
}

/// The folder's key for `passphrase` under `kdf` (bounded first: `folder.json` is shared).
fn derive(kdf: &Kdf, passphrase: &str) -> Result<SyncKey, SyncError> {
    let key = kdf.derive(passphrase).map_err(|e| match e {
        crate::kdf::KdfError::NoRandomness => SyncError::NoRandomness,
        e => SyncError::FolderDamaged(e.to_string()),
    })?;
    Ok(SyncKey(*key))
}

impl FolderFile {
    /// A new folder: fresh id and salt, the key derived from `passphrase`.
    pub fn create(passphrase: &str) -> Result<(FolderFile, SyncKey), SyncError> {
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(SyncError::PassphraseTooShort);
        }
        let kdf = Kdf::new().map_err(|_| SyncError::NoRandomness)?;
        let key = derive(&kdf, passphrase)?;
        let folder = Uuid::new_v4();
        let check = seal(&key, &check_aad(folder), CHECK)?;
        Ok((
            FolderFile {
                format: FOLDER_FORMAT.into(),
                version: VERSION,
                folder,
                kdf,
                check: B64.encode(check),
            },
            key,
        ))
    }

    pub fn parse(bytes: &[u8]) -> Result<FolderFile, SyncError> {
        #[derive(Deserialize)]
        struct Head {
            format: String,
            version: u16,
        }
        let head: Head = serde_json::from_slice(bytes)
            .map_err(|e| SyncError::FolderDamaged(format!("it is not Ninsho's ({e})")))?;
        if head.format != FOLDER_FORMAT {
            return Err(SyncError::FolderDamaged("it is not Ninsho's".into()));
        }
        if head.version > VERSION {
            return Err(SyncError::FolderNewer(head.version));
        }
        serde_json::from_slice(bytes).map_err(|e| SyncError::FolderDamaged(e.to_string()))
    }

    /// The key for `passphrase`, or [`SyncError::WrongPassphrase`].
    pub fn unlock(&self, passphrase: &str) -> Result<SyncKey, SyncError> {
        let key = derive(&self.kdf, passphrase)?;
        if self.verify(&key) {
            Ok(key)
        } else {
            Err(SyncError::WrongPassphrase)
        }
    }

    /// Whether `key` is this folder's (a key kept in the keychain after the folder was set up
    /// again with another passphrase is not).
    pub fn verify(&self, key: &SyncKey) -> bool {
        let Ok(sealed) = B64.decode(&self.check) else {
            return false;
        };
        open(key, &check_aad(self.folder), &sealed).is_ok_and(|text| text.as_slice() == CHECK)
    }
}

fn check_aad(folder: Uuid) -> Vec<u8> {
    let mut aad = b"ninsho-sync-folder/".to_vec();
    aad.extend_from_slice(folder.as_bytes());
    aad
}

fn seal(key: &SyncKey, aad: &[u8], text: &[u8]) -> Result<Vec<u8>, SyncError> {
    let nonce = random::<NONCE>()?;
    let sealed = key
        .cipher()
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: text, aad })
        .map_err(|_| SyncError::NoRandomness)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn open(key: &SyncKey, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ()> {
    if sealed.len() < NONCE {
        return Err(());
    }
    let (nonce, body) = sealed.split_at(NONCE);
    key.cipher()
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
        .map(Zeroizing::new)
        .map_err(|_| ())
}

fn header(device: Uuid) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&VERSION.to_be_bytes());
    h.extend_from_slice(device.as_bytes());
    h
}

fn aad(head: &[u8], folder: Uuid) -> Vec<u8> {
    let mut aad = head.to_vec();
    aad.extend_from_slice(folder.as_bytes());
    aad
}

/// A device file's bytes: header, nonce, ciphertext of `text`.
pub fn seal_device(
    key: &SyncKey,
    folder: Uuid,
    device: Uuid,
    text: &[u8],
) -> Result<Vec<u8>, SyncError> {
    let mut out = header(device);
    let sealed = seal(key, &aad(&out, folder), text)?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Why a device file could not be read. Each is skipped and tried again on the next merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Not a Ninsho sync file, or cut short (still arriving).
    NotOurs,
    /// Written by a newer Ninsho.
    Newer(u16),
    /// Does not decrypt: damaged, half-synced, or sealed with another passphrase.
    Undecryptable,
}

/// The device id in a device file's header and its decrypted text.
pub fn open_device(
    key: &SyncKey,
    folder: Uuid,
    bytes: &[u8],
) -> Result<(Uuid, Zeroizing<Vec<u8>>), OpenError> {
    if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
        return Err(OpenError::NotOurs);
    }
    let version = u16::from_be_bytes([bytes[MAGIC.len()], bytes[MAGIC.len() + 1]]);
    if version > VERSION {
        return Err(OpenError::Newer(version));
    }
    let device =
        Uuid::from_slice(&bytes[MAGIC.len() + 2..HEADER]).map_err(|_| OpenError::NotOurs)?;
    let (head, sealed) = bytes.split_at(HEADER);
    let text = open(key, &aad(head, folder), sealed).map_err(|_| OpenError::Undecryptable)?;
    Ok((device, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_passphrase_opens_the_folder_and_a_wrong_one_is_named() {
        let (folder, key) = FolderFile::create("correct horse battery").unwrap();
        let parsed = FolderFile::parse(&serde_json::to_vec(&folder).unwrap()).unwrap();
        assert_eq!(
            parsed.unlock("correct horse battery").unwrap().as_bytes(),
            key.as_bytes()
        );
        assert!(matches!(
            parsed.unlock("correct horse batterY"),
            Err(SyncError::WrongPassphrase)
        ));
        assert!(matches!(
            FolderFile::create("short"),
            Err(SyncError::PassphraseTooShort)
        ));
        assert_eq!(format!("{key:?}"), "SyncKey(…)");
    }

    #[test]
    fn a_device_file_is_bound_to_its_device_folder_and_version() {
        let (folder, key) = FolderFile::create("correct horse battery").unwrap();
        let device = Uuid::new_v4();
        let sealed = seal_device(&key, folder.folder, device, b"{\"hello\":1}").unwrap();
        let (who, text) = open_device(&key, folder.folder, &sealed).unwrap();
        assert_eq!((who, text.as_slice()), (device, &b"{\"hello\":1}"[..]));
        assert!(
            !sealed.windows(5).any(|w| w == b"hello"),
            "the text is not readable"
        );
        // Passed off as another device's file: refused.
        let mut moved = sealed.clone();
        moved[HEADER - 16..HEADER].copy_from_slice(Uuid::new_v4().as_bytes());
        assert_eq!(
            open_device(&key, folder.folder, &moved),
            Err(OpenError::Undecryptable)
        );
        // Another folder's file, or cut short while syncing: refused.
        assert_eq!(
            open_device(&key, Uuid::new_v4(), &sealed),
            Err(OpenError::Undecryptable)
        );
        assert_eq!(
            open_device(&key, folder.folder, &sealed[..sealed.len() - 1]),
            Err(OpenError::Undecryptable)
        );
        assert_eq!(
            open_device(&key, folder.folder, &sealed[..8]),
            Err(OpenError::NotOurs)
        );
        // A newer version is named as such.
        let mut newer = sealed.clone();
        newer[MAGIC.len() + 1] = 9;
        assert_eq!(
            open_device(&key, folder.folder, &newer),
            Err(OpenError::Newer(9))
        );
    }

    #[test]
    fn a_hostile_folder_file_cannot_make_the_key_derivation_take_gigabytes() {
        let (mut folder, _) = FolderFile::create("correct horse battery").unwrap();
        // 8 GiB and 10 passes: argon2 would allocate and fill that for minutes. Refused
        // before anything is allocated.
        folder.kdf.memory_kib = 8 * 1024 * 1024;
        folder.kdf.iterations = MAX_ITERATIONS;
        let err = folder.unlock("correct horse battery").unwrap_err();
        assert!(matches!(err, SyncError::FolderDamaged(_)), "{err}");
        assert!(
            err.to_string().contains("more than Ninsho ever sets"),
            "{err}"
        );
        folder.kdf.memory_kib = MEMORY_KIB;
        folder.kdf.iterations = u32::MAX;
        assert!(matches!(
            folder.unlock("x"),
            Err(SyncError::FolderDamaged(_))
        ));
        let newer = br#"{"format":"ninsho-sync-folder","version":7}"#;
        assert!(matches!(
            FolderFile::parse(newer),
            Err(SyncError::FolderNewer(7))
        ));
    }
}
