//! The shared key of an account, held only in buffers that are wiped on drop.
//!
//! Secrets arrive as base32 text (URIs, manual entry) or raw bytes (Google exports, backups).
//! Both paths end here so that every copy we make is exact-size and zeroized: `Vec`s that
//! grow can leave un-wiped copies behind, which is why decoding sizes its output up front.

use std::fmt;

use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Longest secret we accept, in bytes. SHA-512 keys are 64 bytes; anything far beyond that is
/// not a real enrollment and would only let hostile input make us allocate.
pub const MAX_SECRET_BYTES: usize = 1024;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretError {
    #[error("the secret is empty")]
    Empty,
    /// The character is never quoted: it is part of a secret, and errors reach logs, terminals
    /// and windows.
    #[error("the secret has a character that is not base32 (only A–Z and 2–7 can be in it)")]
    InvalidCharacter,
    #[error(
        "the secret has {0} base32 characters, a length no valid secret can have; part of it is probably missing"
    )]
    InvalidLength(usize),
    #[error("the secret is longer than {MAX_SECRET_BYTES} bytes")]
    TooLong,
}

/// Raw key bytes. `Debug` is redacted, there is no `Display`, and equality is constant-time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Box<[u8]>);

impl Secret {
    /// Takes raw key bytes (at least one).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SecretError> {
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        if bytes.len() > MAX_SECRET_BYTES {
            return Err(SecretError::TooLong);
        }
        Ok(Secret(bytes.into()))
    }

    /// Decodes base32 the lenient way people and sites write it: any case, spaces and dashes
    /// between groups, with or without `=` padding. Lengths that RFC 4648 cannot produce
    /// (1, 3 or 6 characters past a multiple of 8) mean the text was cut and are refused.
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let mut clean = Zeroizing::new(Vec::<u8>::with_capacity(text.len()));
        for c in text.chars() {
            if c.is_whitespace() || c == '-' {
                continue;
            }
            if c.is_ascii() {
                clean.push(c.to_ascii_uppercase() as u8);
            } else {
                return Err(SecretError::InvalidCharacter);
            }
        }
        while clean.last() == Some(&b'=') {
            clean.pop();
        }
        if clean.is_empty() {
            return Err(SecretError::Empty);
        }
        decode_base32(&clean).map(Secret)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Canonical RFC 4648 base32: upper case, no padding.
    pub fn to_base32(&self) -> Zeroizing<String> {
        let mut out = String::with_capacity(self.0.len().div_ceil(5) * 8);
        let mut buffer: u32 = 0;
        let mut bits = 0u32;
        for &byte in self.0.iter() {
            buffer = (buffer << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
        }
        buffer.zeroize();
        Zeroizing::new(out)
    }
}

fn decode_base32(chars: &[u8]) -> Result<Box<[u8]>, SecretError> {
    if chars
        .iter()
        .any(|c| !matches!(c, b'A'..=b'Z' | b'2'..=b'7'))
    {
        return Err(SecretError::InvalidCharacter);
    }
    if matches!(chars.len() % 8, 1 | 3 | 6) {
        return Err(SecretError::InvalidLength(chars.len()));
    }
    let out_len = chars.len() * 5 / 8;
    if out_len > MAX_SECRET_BYTES {
        return Err(SecretError::TooLong);
    }
    let mut out = vec![0u8; out_len].into_boxed_slice();
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    let mut at = 0;
    for &c in chars {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            // Checked above; kept total so a future edit cannot panic here.
            _ => 0,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            // The loop writes exactly `out_len` bytes: floor(5·n/8).
            out[at] = (buffer >> bits) as u8;
            at += 1;
        }
    }
    buffer.zeroize();
    Ok(out)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted, {} bytes>)", self.0.len())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        if self.0.len() != other.0.len() {
            return false;
        }
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc4648_examples() {
        // RFC 4648 §10 test vectors, without padding.
        for (plain, encoded) in [
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            let secret = Secret::from_bytes(plain.as_bytes()).unwrap();
            assert_eq!(secret.to_base32().as_str(), encoded);
            assert_eq!(
                Secret::from_base32(encoded).unwrap().as_bytes(),
                plain.as_bytes()
            );
        }
    }

    #[test]
    fn lenient_forms_decode_to_the_same_key() {
        let canonical = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        for form in [
            "jbsw y3dp ehpk 3pxp",
            "JBSW-Y3DP-EHPK-3PXP",
            "JBSWY3DPEHPK3PXP\n",
            "jBsWy3DpEhPk3PxP",
        ] {
            assert_eq!(Secret::from_base32(form).unwrap(), canonical, "{form}");
        }
        assert_eq!(
            Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======")
                .unwrap()
                .len(),
            21
        );
    }

    #[test]
    fn rejects_what_cannot_be_a_secret() {
        assert_eq!(Secret::from_base32(""), Err(SecretError::Empty));
        assert_eq!(Secret::from_base32("  -- "), Err(SecretError::Empty));
        assert_eq!(Secret::from_base32("===="), Err(SecretError::Empty));
        assert_eq!(
            Secret::from_base32("JBSWY3DPE"),
            Err(SecretError::InvalidLength(9))
        );
        assert_eq!(
            Secret::from_base32("JBSWY3DPEHPK3PX1"),
            Err(SecretError::InvalidCharacter)
        );
        assert_eq!(
            Secret::from_base32("JBSW=Y3DP"),
            Err(SecretError::InvalidCharacter)
        );
        assert_eq!(
            Secret::from_base32("JBSWY3DPÉ"),
            Err(SecretError::InvalidCharacter)
        );
        assert_eq!(Secret::from_bytes(&[]), Err(SecretError::Empty));
        assert_eq!(
            Secret::from_bytes(&[0; MAX_SECRET_BYTES + 1]),
            Err(SecretError::TooLong)
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = format!("{secret:?}");
        assert!(!shown.contains("JBSW"), "{shown}");
        assert!(!shown.contains("72"), "{shown}"); // 'H' = 0x48 = 72, the first key byte
        assert_eq!(shown, "Secret(<redacted, 10 bytes>)");
    }

    proptest! {
        #[test]
        fn base32_round_trip(bytes in proptest::collection::vec(any::<u8>(), 1..100)) {
            let secret = Secret::from_bytes(&bytes).unwrap();
            let text = secret.to_base32();
            let upper = Secret::from_base32(&text).unwrap();
            let lower = Secret::from_base32(&text.to_lowercase()).unwrap();
            prop_assert_eq!(upper.as_bytes(), &bytes[..]);
            prop_assert_eq!(lower.as_bytes(), &bytes[..]);
        }
    }
}
