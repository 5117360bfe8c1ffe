//! Secrets and codes the tests know independently of the app: the codes an otpauth URI gives,
//! the ways a secret can be spelled (to search IPC traffic for it), and QR images drawn from
//! text.

use std::path::Path;

/// The code an otpauth URI gives now, and in the neighbouring periods (a test may straddle a
/// period boundary between reading the screen and computing the reference).
pub fn reference_codes(uri: &str) -> Vec<String> {
    reference_codes_at(uri, ninsho_core::otp::now())
}

/// The code an otpauth URI gives at `now` (Unix seconds), and in the neighbouring periods: for
/// a field read by another program at a moment it reported.
pub fn reference_codes_at(uri: &str, now: u64) -> Vec<String> {
    let account = ninsho_core::uri::parse(uri).expect("reference URI");
    let generator =
        ninsho_core::otp::Generator::new(&account.params, &account.secret).expect("generator");
    let period = u64::from(account.params.period);
    [now.saturating_sub(period), now, now + period]
        .iter()
        .map(|t| generator.code_at(*t).value)
        .collect()
}

/// One way a secret can be written down.
pub enum Spelling {
    /// Compared without regard to case (base32, hex); held in upper case.
    AnyCase(String),
    /// Compared as is (base64).
    Exact(String),
}

impl Spelling {
    /// How the spelling is named in a failure message.
    pub fn name(&self) -> &'static str {
        match self {
            Spelling::AnyCase(t) if t.chars().all(|c| c.is_ascii_hexdigit()) => "hex or base32",
            Spelling::AnyCase(_) => "base32",
            Spelling::Exact(_) => "base64",
        }
    }
}

/// A secret (base32) as base32, hex, and base64 in both alphabets. The base64 spellings stop
/// at the last whole 3-byte group, so they are found at the start of a longer encoding too.
pub fn spellings(base32: &str) -> Vec<Spelling> {
    let secret = ninsho_core::otp::Secret::from_base32(base32).expect("a base32 secret");
    let bytes = secret.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    let whole = &bytes[..bytes.len() / 3 * 3];
    let standard = base64(whole, b"+/");
    let url_safe = base64(whole, b"-_");
    let mut out = vec![
        Spelling::AnyCase(base32.trim_end_matches('=').to_uppercase()),
        Spelling::AnyCase(hex),
        Spelling::Exact(standard.clone()),
    ];
    if url_safe != standard {
        out.push(Spelling::Exact(url_safe));
    }
    out
}

/// Base64 of `bytes` (a multiple of 3 long: no padding) with `extra` as the last two symbols.
fn base64(bytes: &[u8], extra: &[u8; 2]) -> String {
    let symbol = |v: u32| -> char {
        let v = (v & 63) as u8;
        match v {
            0..=25 => (b'A' + v) as char,
            26..=51 => (b'a' + v - 26) as char,
            52..=61 => (b'0' + v - 52) as char,
            62 => extra[0] as char,
            _ => extra[1] as char,
        }
    };
    bytes
        .chunks_exact(3)
        .flat_map(|c| {
            let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
            [symbol(n >> 18), symbol(n >> 12), symbol(n >> 6), symbol(n)]
        })
        .collect()
}

pub fn secret_of(uri: &str) -> String {
    ninsho_core::uri::parse(uri)
        .expect("URI")
        .secret
        .to_base32()
        .to_string()
}

/// Draws `text` as a QR code PNG (6-pixel modules).
pub fn qr_png(text: &str, path: &Path) {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("QR");
    let n = code.width() as u32;
    let colors = code.to_colors();
    let m = 6;
    let image = image::GrayImage::from_fn((n + 8) * m, (n + 8) * m, |x, y| {
        let (mx, my) = (x / m, y / m);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[((my - 4) * n + mx - 4) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    image.save(path).expect("save QR");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_looked_for_in_base32_hex_and_base64() {
        // "Hello!" then 0xDEADBEEF.
        let found: Vec<String> = spellings("JBSWY3DPEHPK3PXP")
            .into_iter()
            .map(|s| match s {
                Spelling::AnyCase(t) => format!("any:{t}"),
                Spelling::Exact(t) => format!("exact:{t}"),
            })
            .collect();
        assert_eq!(
            found,
            [
                "any:JBSWY3DPEHPK3PXP",
                "any:48656C6C6F21DEADBEEF",
                "exact:SGVsbG8h3q2+",
                "exact:SGVsbG8h3q2-",
            ]
        );
    }
}
