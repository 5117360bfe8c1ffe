//! The PIN of an mOTP or Yandex account: typed by the person when the account is added, part
//! of what makes each code, so as secret as the key. It is kept only with the key (the
//! keychain item, a sync file's sealed body, an export the person asked for), held in a
//! buffer wiped on drop, and never shown: `Debug` is redacted and there is no `Display`.

use std::fmt;

use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Longest PIN accepted, in characters (Yandex PINs have 4 to 16 digits, mOTP's 4).
pub const MAX_PIN_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PinError {
    #[error("the PIN is empty")]
    Empty,
    #[error("the PIN is longer than {MAX_PIN_CHARS} characters")]
    TooLong,
    /// The character is never quoted: it is part of the PIN.
    #[error("the PIN has a character that cannot be typed")]
    Control,
}

#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Pin(String);

impl Pin {
    /// The PIN as typed, without surrounding whitespace.
    pub fn new(text: &str) -> Result<Self, PinError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PinError::Empty);
        }
        if text.chars().count() > MAX_PIN_CHARS {
            return Err(PinError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(PinError::Control);
        }
        Ok(Pin(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// Constant-time, as for [`super::Secret`].
impl PartialEq for Pin {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Pin {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_checked_and_never_shown() {
        let pin = Pin::new(" 5239 ").unwrap();
        assert_eq!(pin.as_str(), "5239");
        assert_eq!(format!("{pin:?}"), "Pin(<redacted>)");
        assert_eq!(pin, Pin::new("5239").unwrap());
        assert_ne!(pin, Pin::new("5230").unwrap());
        assert_eq!(Pin::new("  "), Err(PinError::Empty));
        assert_eq!(Pin::new("12\u{7}34"), Err(PinError::Control));
        assert_eq!(Pin::new(&"1".repeat(65)), Err(PinError::TooLong));
        assert!(Pin::new(&"1".repeat(64)).is_ok());
    }
}
