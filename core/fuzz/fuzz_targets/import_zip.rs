//! Any bytes as a ZIP archive, to the Authenticator Plus importer (without and with a
//! password) and detection.
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ninsho_core::formats::{self, FormatId};

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend_from_slice(data);
    for input in [data, &bytes[..]] {
        let _ = formats::detect(input);
        let _ = formats::import(input, Some(FormatId::AuthenticatorPlus), None);
        let _ = formats::import(input, Some(FormatId::AuthenticatorPlus), Some("password"));
    }
});
