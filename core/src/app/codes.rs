//! The code a person asks for, the same from the terminal and the window.

use uuid::Uuid;

use crate::otp::{Account, Code, Generator, OtpType, ParamError};
use crate::vault::{Vault, VaultError};

/// The code of account `id` to give a person at `time`: the current one, or with `next` the
/// one of the following period. A HOTP account always gives its next code and advances its
/// counter (saved before the code is returned, so no code is shown twice).
pub fn code_to_use(vault: &mut Vault, id: Uuid, next: bool, time: u64) -> Result<Code, VaultError> {
    let params = vault.get(id)?.params();
    match params.otp_type {
        OtpType::Hotp => vault.hotp_next(id),
        _ if next => vault.code(id, time.saturating_add(u64::from(params.period))),
        _ => vault.code(id, time),
    }
}

/// The code of an account that is not in the vault (an otpauth:// URI given on its own):
/// the current one, or with `next` the following one (a HOTP account's counter + 1).
pub fn code_of(account: &Account, next: bool, time: u64) -> Result<Code, ParamError> {
    let generator = Generator::of(account)?;
    Ok(if next {
        generator.next_code_at(time)
    } else {
        generator.code_at(time)
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::otp::{Generator, now};
    use crate::uri;
    use crate::vault::KeyringStore;

    #[test]
    fn next_is_the_following_period_and_hotp_advances() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::open(dir.path(), Arc::new(KeyringStore::mock())).unwrap();
        let totp =
            uri::parse("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A&period=60").unwrap();
        let hotp =
            uri::parse("otpauth://hotp/B:b?secret=MFRGGZDFMZTWQ2LK&issuer=B&counter=5").unwrap();
        let t = vault.add(&totp, false).unwrap();
        let h = vault.add(&hotp, false).unwrap();
        let time = 1_700_000_000;
        let generator = Generator::new(&totp.params, &totp.secret).unwrap();
        assert_eq!(
            code_to_use(&mut vault, t, false, time).unwrap(),
            generator.code_at(time)
        );
        assert_eq!(
            code_to_use(&mut vault, t, true, time).unwrap(),
            generator.code_at(time + 60)
        );
        let hotp_gen = Generator::new(&hotp.params, &hotp.secret).unwrap();
        assert_eq!(
            code_to_use(&mut vault, h, false, now()).unwrap(),
            hotp_gen.hotp(5)
        );
        assert_eq!(
            code_to_use(&mut vault, h, true, now()).unwrap(),
            hotp_gen.hotp(6)
        );
        assert_eq!(vault.get(h).unwrap().counter, Some(7));
    }
}
