//! Any bytes, to every JSON importer (Aegis, 2FAS, andOTP, Bitwarden, Duo, Ente, FreeOTP+,
//! Proton, Steam, Stratum), and to detection.
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ninsho_core::formats::{self, FormatId};

fuzz_target!(|data: &[u8]| {
    let _ = formats::detect(data);
    for format in [
        FormatId::Aegis,
        FormatId::TwoFas,
        FormatId::AndOtp,
        FormatId::Bitwarden,
        FormatId::Duo,
        FormatId::Ente,
        FormatId::FreeOtpPlus,
        FormatId::Proton,
        FormatId::Steam,
        FormatId::Stratum,
        FormatId::Uris,
    ] {
        let _ = formats::import(data, Some(format), None);
    }
});
