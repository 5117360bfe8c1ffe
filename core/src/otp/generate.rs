//! Code generation. totp-rs is used as the HMAC/truncation engine only; which parameters are
//! legal is decided in [`OtpParams::validate`] before it is ever called.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use totp_rs::{Builder, Totp};

use super::{Algorithm, OtpParams, OtpType, ParamError, Secret};

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
    engine: Totp,
    params: OtpParams,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Generator {
    pub fn new(params: &OtpParams, secret: &Secret) -> Result<Self, ParamError> {
        params.validate()?;
        let builder = match params.otp_type {
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
            OtpType::Totp | OtpType::Steam => u64::from(params.period),
        };
        let engine = builder
            .with_step_duration(step)
            .with_secret(secret.as_bytes())
            .build_noncompliant();
        Ok(Generator {
            engine,
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
            OtpType::Totp | OtpType::Steam => {
                let period = u64::from(self.params.period);
                let valid_from = unix_time - unix_time % period;
                Code {
                    value: self.engine.generate(unix_time).to_string(),
                    valid_from: Some(valid_from),
                    valid_until: Some(valid_from.saturating_add(period)),
                }
            }
        }
    }

    /// The code that follows the one current at `unix_time` (the next period, or counter + 1).
    pub fn next_code_at(&self, unix_time: u64) -> Code {
        match self.params.otp_type {
            OtpType::Hotp => self.hotp(self.params.counter.wrapping_add(1)),
            OtpType::Totp | OtpType::Steam => {
                self.code_at(unix_time.saturating_add(u64::from(self.params.period)))
            }
        }
    }

    /// HOTP for an explicit counter value.
    pub fn hotp(&self, counter: u64) -> Code {
        Code {
            value: self.engine.generate(counter).to_string(),
            valid_from: None,
            valid_until: None,
        }
    }
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
