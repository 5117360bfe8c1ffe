//! Code generation. totp-rs is used as the HMAC/truncation engine only; which parameters are
//! legal is decided in [`OtpParams::validate`] before it is ever called. mOTP and Yandex codes
//! are made here (MD5; SHA-256 and HMAC-SHA256), each from the key and the account's PIN.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use md5::Md5;
use serde::Serialize;
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Totp};
use zeroize::Zeroizing;

use super::{Account, Algorithm, OtpParams, OtpType, ParamError, Pin, Secret};

/// A code as shown to the user, with the window in which it is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Code {
    /// Digits (or Steam characters), no spaces.
    pub value: String,
    /// Unix seconds at which this code became current (time-based codes only).
    pub valid_from: Option<u64>,
    /// Unix seconds at which the next code takes over (time-based codes only).
    pub valid_until: Option<u64>,
}

impl Code {
    /// `123 456`, `1234 5678`, `123 4567`: the grouping people read codes in. Steam codes stay whole.
    pub fn grouped(&self) -> String {
        group_digits(&self.value)
    }
}

pub fn group_digits(value: &str) -> String {
    let n = value.chars().count();
    if n < 6 || !value.chars().all(|c| c.is_ascii_digit()) {
        return value.to_owned();
    }
    let split = if n == 8 { 4 } else { 3 };
    format!("{} {}", &value[..split], &value[split..])
}

/// A ready-to-use generator for one account. Holds a copy of the key (wiped on drop by
/// totp-rs' `zeroize` feature), so build it once per account and reuse it.
pub struct Generator {
    engine: Engine,
    params: OtpParams,
}

enum Engine {
    /// TOTP, HOTP and Steam.
    Hmac(Totp),
    /// The key in lower-case hex and the PIN, as mOTP hashes them.
    Motp {
        key_hex: Zeroizing<String>,
        pin: Pin,
    },
    /// SHA-256(PIN ‖ key), without a leading zero byte: the HMAC key of Yandex codes.
    Yandex { key: Zeroizing<Vec<u8>> },
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Generator {
    /// A generator for a kind that needs no PIN; an mOTP or Yandex account is refused
    /// ([`ParamError::PinRequired`]): use [`Generator::with_pin`] or [`Generator::of`].
    pub fn new(params: &OtpParams, secret: &Secret) -> Result<Self, ParamError> {
        Self::with_pin(params, secret, None)
    }

    /// The generator of `account`, its PIN included.
    pub fn of(account: &Account) -> Result<Self, ParamError> {
        Self::with_pin(&account.params, &account.secret, account.pin.as_ref())
    }

    /// A generator; `pin` is used by the kinds that need one and ignored by the others.
    pub fn with_pin(
        params: &OtpParams,
        secret: &Secret,
        pin: Option<&Pin>,
    ) -> Result<Self, ParamError> {
        params.validate()?;
        let pin_of = || pin.cloned().ok_or(ParamError::PinRequired(params.otp_type));
        let builder = match params.otp_type {
            OtpType::Motp => {
                let mut key_hex = Zeroizing::new(String::with_capacity(secret.len() * 2));
                for b in secret.as_bytes() {
                    key_hex.push(HEX[usize::from(b >> 4)] as char);
                    key_hex.push(HEX[usize::from(b & 15)] as char);
                }
                let engine = Engine::Motp {
                    key_hex,
                    pin: pin_of()?,
                };
                return Ok(Generator {
                    engine,
                    params: *params,
                });
            }
            OtpType::Yandex => {
                let pin = pin_of()?;
                let mut hasher = Sha256::new();
                hasher.update(pin.as_str().as_bytes());
                hasher.update(secret.as_bytes());
                let mut hash = hasher.finalize();
                let skip = usize::from(hash[0] == 0);
                let key = Zeroizing::new(hash[skip..].to_vec());
                zeroize::Zeroize::zeroize(hash.as_mut_slice());
                return Ok(Generator {
                    engine: Engine::Yandex { key },
                    params: *params,
                });
            }
            OtpType::Steam => Builder::new_steam(),
            OtpType::Totp | OtpType::Hotp => Builder::new()
                .with_algorithm(match params.algorithm {
                    Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
                    Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
                    Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
                })
                .with_digits(params.digits),
        };
        // HOTP(counter) is TOTP with a one-second step evaluated at t = counter.
        let step = match params.otp_type {
            OtpType::Hotp => 1,
            _ => u64::from(params.period),
        };
        let engine = builder
            .with_step_duration(step)
            .with_secret(secret.as_bytes())
            .build_noncompliant();
        Ok(Generator {
            engine: Engine::Hmac(engine),
            params: *params,
        })
    }

    pub fn params(&self) -> &OtpParams {
        &self.params
    }

    /// The code current at `unix_time`. For HOTP the time is ignored and the stored counter is used.
    pub fn code_at(&self, unix_time: u64) -> Code {
        match self.params.otp_type {
            OtpType::Hotp => self.hotp(self.params.counter),
            _ => {
                let period = u64::from(self.params.period);
                let valid_from = unix_time - unix_time % period;
                Code {
                    value: self.value_at(unix_time / period, unix_time),
                    valid_from: Some(valid_from),
                    valid_until: Some(valid_from.saturating_add(period)),
                }
            }
        }
    }

    /// The code of time step `step` (`unix_time` is what totp-rs divides itself).
    fn value_at(&self, step: u64, unix_time: u64) -> String {
        match &self.engine {
            Engine::Hmac(totp) => totp.generate(unix_time).to_string(),
            Engine::Motp { key_hex, pin } => motp(step, key_hex, pin),
            Engine::Yandex { key } => yandex(step, key),
        }
    }

    /// The code that follows the one current at `unix_time` (the next period, or counter + 1).
    pub fn next_code_at(&self, unix_time: u64) -> Code {
        match self.params.otp_type {
            OtpType::Hotp => self.hotp(self.params.counter.wrapping_add(1)),
            _ => self.code_at(unix_time.saturating_add(u64::from(self.params.period))),
        }
    }

    /// HOTP for an explicit counter value.
    pub fn hotp(&self, counter: u64) -> Code {
        Code {
            value: self.value_at(counter, counter),
            valid_from: None,
            valid_until: None,
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// mOTP: the first 6 hex digits of MD5 over the decimal step, the key in hex and the PIN.
fn motp(step: u64, key_hex: &str, pin: &Pin) -> String {
    let mut hasher = Md5::new();
    hasher.update(step.to_string().as_bytes());
    hasher.update(key_hex.as_bytes());
    hasher.update(pin.as_str().as_bytes());
    let hash = hasher.finalize();
    let mut out = String::with_capacity(usize::from(super::MOTP_DIGITS));
    for b in &hash[..usize::from(super::MOTP_DIGITS) / 2] {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// Yandex: HMAC-SHA256 of the step, dynamic truncation to 63 bits, then the remainder of
/// 26^8 written as 8 letters, the most significant first.
fn yandex(step: u64, key: &[u8]) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        // HMAC takes a key of any length; kept total all the same.
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let mut hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    hash[offset] &= 0x7f;
    let mut word = [0u8; 8];
    word.copy_from_slice(&hash[offset..offset + 8]);
    let digits = u32::from(super::YANDEX_DIGITS);
    let mut n = u64::from_be_bytes(word) % 26u64.pow(digits);
    let mut letters = [b'a'; 8];
    for slot in letters.iter_mut().rev() {
        *slot = b'a' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8_lossy(&letters).into_owned()
}

/// Current Unix time; a clock set before 1970 reads as 0 instead of panicking.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Secret {
        Secret::from_bytes(b"12345678901234567890").unwrap()
    }

    #[test]
    fn rfc6238_sha1_at_59() {
        let g = Generator::new(&OtpParams::totp(Algorithm::Sha1, 8, 30), &key()).unwrap();
        let code = g.code_at(59);
        assert_eq!(code.value, "94287082");
        assert_eq!((code.valid_from, code.valid_until), (Some(30), Some(60)));
        assert_eq!(g.next_code_at(59), g.code_at(60));
    }

    #[test]
    fn hotp_uses_counter_not_time() {
        let g = Generator::new(&OtpParams::hotp(Algorithm::Sha1, 6, 1), &key()).unwrap();
        assert_eq!(g.code_at(123_456).value, "287082");
        assert_eq!(g.next_code_at(0).value, "359152");
        assert_eq!(g.code_at(0).valid_until, None);
    }

    #[test]
    fn invalid_params_never_reach_the_engine() {
        for params in [
            OtpParams::totp(Algorithm::Sha1, 10, 30),
            OtpParams::totp(Algorithm::Sha1, 6, 0),
            OtpParams::totp(Algorithm::Sha1, 0, 30),
        ] {
            assert!(Generator::new(&params, &key()).is_err(), "{params:?}");
        }
    }

    #[test]
    fn far_future_time_does_not_overflow() {
        let g = Generator::new(&OtpParams::totp(Algorithm::Sha1, 6, 30), &key()).unwrap();
        let code = g.code_at(u64::MAX);
        assert_eq!(code.value.len(), 6);
        let _ = g.next_code_at(u64::MAX);
    }

    #[test]
    fn grouping() {
        assert_eq!(group_digits("123456"), "123 456");
        assert_eq!(group_digits("1234567"), "123 4567");
        assert_eq!(group_digits("12345678"), "1234 5678");
        assert_eq!(group_digits("FR8RV"), "FR8RV");
    }
}
