//! An otpauth URI, any text: the parser returns an account or an error.
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ninsho_core::uri::parse(text);
    }
});
