//! One-time codes from the vault's accounts.
//!
//! TOTP codes are computed from the cached secrets and change nothing. A HOTP code changes the
//! vault: the incremented counter is saved before the code is returned, so no code is ever
//! shown twice, and if the secret cannot be read (a locked keychain) or the save fails, the
//! counter does not advance and no code is shown.

use uuid::Uuid;

use super::{ItemProblem, Vault, VaultError};
use crate::otp::{Code, Generator, OtpType, now};

/// An account's codes at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCodes {
    pub id: Uuid,
    /// `None` for HOTP: its code is produced on request ([`Vault::hotp_next`]).
    pub current: Option<Code>,
    pub next: Option<Code>,
    /// Why the account has no code: its keychain item is missing or damaged.
    pub problem: Option<ItemProblem>,
}

impl Vault {
    /// The next HOTP code. The advanced counter is saved before the code is returned.
    pub fn hotp_next(&mut self, id: Uuid) -> Result<Code, VaultError> {
        // Not `modify`: the secret is read from the keychain between the reload and the save,
        // so that a locked keychain advances nothing.
        self.locked(|v| {
            let meta = v.get(id)?.clone();
            if meta.otp_type != OtpType::Hotp {
                return Err(VaultError::NotHotp {
                    label: meta.label(),
                });
            }
            let generator = Generator::new(&meta.params(), &v.item(id)?.secret)?;
            let counter = meta.counter.unwrap_or(0);
            v.update_account(id, |a| {
                a.counter = Some(counter.wrapping_add(1));
                a.last_used = Some(now());
                Ok(())
            })?;
            // The item's copy of the counter follows, for a rebuild (best effort, after the
            // save: a rebuilt counter may lag by one code, never run ahead of the file).
            v.rewrite_item(id);
            Ok(generator.hotp(counter))
        })
    }

    /// Codes of every account at `time`. Secrets are read from the keychain once and kept.
    pub fn codes(&mut self, time: u64) -> Result<Vec<AccountCodes>, VaultError> {
        self.unlock_all()?;
        let mut out = Vec::with_capacity(self.meta.accounts.len());
        for a in self.accounts() {
            let Some(item) = self.cache.get(&a.id) else {
                out.push(AccountCodes {
                    id: a.id,
                    current: None,
                    next: None,
                    problem: Some(self.problem(a.id).unwrap_or(ItemProblem::Missing)),
                });
                continue;
            };
            let generator = Generator::with_pin(&a.params(), &item.secret, item.pin.as_ref())?;
            let (current, next) = match a.otp_type {
                OtpType::Hotp => (None, None),
                _ => (
                    Some(generator.code_at(time)),
                    Some(generator.next_code_at(time)),
                ),
            };
            out.push(AccountCodes {
                id: a.id,
                current,
                next,
                problem: None,
            });
        }
        Ok(out)
    }

    /// The code of one account at `time` (HOTP: the code of the stored counter, not advanced).
    pub fn code(&mut self, id: Uuid, time: u64) -> Result<Code, VaultError> {
        let params = self.get(id)?.params();
        let item = self.item(id)?;
        let generator = Generator::with_pin(&params, &item.secret, item.pin.as_ref())?;
        Ok(generator.code_at(time))
    }
}
