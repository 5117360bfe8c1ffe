//! Percent-encoding as otpauth URIs use it. Paths and queries differ on `+`: a literal plus in
//! the label, a space in a query value (form encoding). Invalid UTF-8 becomes U+FFFD rather
//! than failing the whole QR code.

use zeroize::Zeroizing;

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` once. A `%` not followed by two hex digits is kept literally.
pub(crate) fn decode(text: &str, plus_is_space: bool) -> Zeroizing<String> {
    let bytes = text.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex_value),
                bytes.get(i + 2).copied().and_then(hex_value),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    Zeroizing::new(String::from_utf8_lossy(&out).into_owned())
}

/// Encodes everything but RFC 3986 unreserved characters (and `@`, which every app leaves
/// readable in account names).
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_once_and_keeps_broken_escapes() {
        assert_eq!(decode("a%2540b", false).as_str(), "a%40b");
        assert_eq!(decode("a+b%20c", false).as_str(), "a+b c");
        assert_eq!(decode("a+b%20c", true).as_str(), "a b c");
        assert_eq!(decode("100%", false).as_str(), "100%");
        assert_eq!(decode("%G1%4", false).as_str(), "%G1%4");
        assert_eq!(decode("%e6%97%a5", false).as_str(), "日");
        assert_eq!(decode("%FF", false).as_str(), "\u{FFFD}");
    }

    #[test]
    fn encode_round_trips() {
        for s in ["Big Corp:alice+work@x.com", "日本", "100%", "a/b?c#d&e=f"] {
            assert_eq!(decode(&encode(s), false).as_str(), s);
            assert_eq!(decode(&encode(s), true).as_str(), s);
        }
    }
}
