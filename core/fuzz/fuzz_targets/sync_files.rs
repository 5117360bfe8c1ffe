//! Any bytes as a sync folder's `folder.json`, and as a sealed device file opened with a known
//! key (the bytes also sealed with it, so the decrypted JSON is reached too): what anyone who
//! can write to the folder, or who holds the key, can put there.
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ninsho_core::sync::seal::{self, FolderFile, SyncKey};
use uuid::Uuid;

fuzz_target!(|data: &[u8]| {
    let _ = FolderFile::parse(data);
    let Some(key) = SyncKey::from_bytes(&[7; 32]) else {
        return;
    };
    let folder = Uuid::from_u128(1);
    let _ = seal::open_device(&key, folder, data);
    if let Ok(sealed) = seal::seal_device(&key, folder, Uuid::from_u128(2), data) {
        let _ = seal::open_device(&key, folder, &sealed);
    }
});
