//! Any bytes after a Java serialization header, to the FreeOTP 2 importer (with a password,
//! so the master key is read).
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ninsho_core::formats::{self, FormatId};

fuzz_target!(|data: &[u8]| {
    let mut bytes = vec![0xAC, 0xED, 0x00, 0x05];
    bytes.extend_from_slice(data);
    let _ = formats::import(&bytes, Some(FormatId::FreeOtp), Some("password"));
    let _ = formats::import(data, Some(FormatId::FreeOtp), Some("password"));
});
