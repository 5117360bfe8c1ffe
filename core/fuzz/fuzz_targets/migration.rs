//! A Google Authenticator export URI (`otpauth-migration://offline?data=…`), any text
//! after the prefix or whole: the decoder returns an export or an error, in bounded memory.
//! Nothing may panic, hang or allocate without bound, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ninsho_core::uri::migration::parse(text);
        let uri = format!("otpauth-migration://offline?data={text}");
        let _ = ninsho_core::uri::migration::parse(&uri);
    }
});
