//! Any bytes as an SQLite database, to the three database importers (Google Authenticator,
//! Microsoft Authenticator, Stratum) and detection.
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ninsho_core::formats::{self, FormatId};

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend_from_slice(data);
    for input in [data, &bytes[..]] {
        let _ = formats::detect(input);
        for format in [
            FormatId::GoogleAuthenticator,
            FormatId::MicrosoftAuthenticator,
            FormatId::Stratum,
        ] {
            let _ = formats::import(input, Some(format), None);
        }
    }
});
