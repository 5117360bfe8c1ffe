//! Any bytes, to the importers of Android preferences files (XML): FreeOTP 1, FreeOTP+,
//! Authy, Battle.net, TOTP Authenticator.
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ninsho_core::formats::{self, FormatId};

fuzz_target!(|data: &[u8]| {
    for format in [
        FormatId::FreeOtp,
        FormatId::FreeOtpPlus,
        FormatId::Authy,
        FormatId::BattleNet,
        FormatId::TotpAuthenticator,
    ] {
        let _ = formats::import(data, Some(format), None);
    }
});
