//! One request from the browser, answered: the pairing checked, the page decided on
//! ([`crate::app::fill::decide`]), the rate limited, the person asked before an account's
//! first fill on a site, the code computed. The shell provides the vault and the person (its
//! native dialogs and notifications); every decision is here.

use std::sync::Mutex;

use super::limits::Limiter;
use super::pairing::{PairingError, Pairings};
use super::protocol::{Choice, CodeForField, Request, Response};
use crate::app::fill::{Candidate, Refusal, decide};
use crate::site::Page;
use crate::sync::VaultAccess;
use crate::vault::VaultError;

/// What only the shell can do: ask the person, and tell them.
pub trait Person {
    /// Asks whether to pair the browser that says it is `browser` and shows `code`.
    fn confirm_pairing(&self, browser: &str, code: &str) -> bool;
    /// Asks before the first time `account`'s code goes to a page of `site`.
    fn confirm_fill(&self, account: &str, site: &str) -> bool;
    /// Tells the person a code went to `site`.
    fn filled(&self, account: &str, site: &str);
    /// A code was asked for while the vault is locked: bring the unlock form up.
    fn unlock_requested(&self) {}
}

/// The bridge's memory between requests: the pairings and the rate.
pub struct Bridge {
    pairings: Pairings,
    limiter: Mutex<Limiter>,
}

/// A pairing code the extension shows: six digits, nothing else accepted.
fn pairing_code_ok(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

impl Bridge {
    pub fn new(pairings: Pairings) -> Self {
        Bridge {
            pairings,
            limiter: Mutex::new(Limiter::default()),
        }
    }

    pub fn pairings(&self) -> &Pairings {
        &self.pairings
    }

    /// Answers `request` from the extension the browser names `origin`.
    pub fn handle(
        &self,
        origin: &str,
        request: Request,
        vault: &impl VaultAccess,
        person: &impl Person,
        now_ms: u64,
    ) -> Response {
        let now = now_ms / 1000;
        let result = match request {
            Request::Hello { token } => self.hello(origin, token.as_deref(), now),
            Request::Pair { browser, code } => self.pair(origin, &browser, &code, person, now),
            Request::Fill {
                token,
                frame,
                top,
                account,
            } => self.fill(
                origin,
                &token,
                (&frame, &top),
                account.as_deref(),
                vault,
                person,
                now_ms,
            ),
        };
        result.unwrap_or_else(|e| Response::Error {
            message: e.to_string(),
        })
    }

    fn hello(&self, origin: &str, token: Option<&str>, now: u64) -> Result<Response, PairingError> {
        let paired = match token {
            Some(t) => self.pairings.check(origin, t, now)?.is_some(),
            None => false,
        };
        Ok(Response::Hello {
            paired,
            version: env!("CARGO_PKG_VERSION").into(),
        })
    }

    fn pair(
        &self,
        origin: &str,
        browser: &str,
        code: &str,
        person: &impl Person,
        now: u64,
    ) -> Result<Response, PairingError> {
        if !pairing_code_ok(code) || !person.confirm_pairing(browser, code) {
            return Ok(Response::PairingDeclined);
        }
        let (_, token) = self.pairings.pair(origin, browser, now)?;
        Ok(Response::Paired {
            token: token.to_string(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        origin: &str,
        token: &str,
        (frame, top): (&str, &str),
        chosen: Option<&str>,
        vault: &impl VaultAccess,
        person: &impl Person,
        now_ms: u64,
    ) -> Result<Response, PairingError> {
        if self.pairings.check(origin, token, now_ms / 1000)?.is_none() {
            return Ok(Response::NotPaired);
        }
        let Some((accounts, is_locked)) = vault.lend(|v| (v.accounts(), v.is_locked())) else {
            return Ok(locked("Ninsho's vault cannot be opened now"));
        };
        // Locked: nothing is decided, counted or asked; the person is shown the unlock form.
        if is_locked {
            person.unlock_requested();
            return Ok(locked(
                "Ninsho is locked: unlock it in its window (or its palette), then fill again",
            ));
        }
        let candidates = match decide(&accounts, frame, top) {
            Ok(c) => c,
            Err(refusal) => return Ok(Response::refused(refusal)),
        };
        let site = match Page::parse(frame) {
            Ok(p) => p.site,
            Err(e) => {
                return Ok(Response::refused(Refusal::Page {
                    reason: e.to_string(),
                }));
            }
        };
        let one: Candidate = match chosen {
            Some(id) => match candidates.iter().find(|c| c.id.to_string() == id) {
                Some(c) => c.clone(),
                // An account not among this page's: the same as asking with none chosen.
                None => return Ok(choose(&candidates)),
            },
            None if candidates.len() == 1 => candidates[0].clone(),
            None => return Ok(choose(&candidates)),
        };
        let limited = self
            .limiter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take(&site, now_ms);
        if let Err(retry_after) = limited {
            return Ok(Response::Limited { retry_after });
        }
        if !self.pairings.is_confirmed(one.id, &site)? {
            if !person.confirm_fill(&one.label, &site) {
                return Ok(Response::FillDeclined);
            }
            self.pairings.confirm(one.id, &site)?;
        }
        let code = vault.lend(|v| v.code(one.id, now_ms / 1000));
        match code {
            Some(Ok(code)) => {
                person.filled(&one.label, &site);
                Ok(Response::Code(CodeForField {
                    account: one.id.to_string(),
                    label: one.label,
                    code: code.value,
                    valid_until: code.valid_until,
                }))
            }
            Some(Err(e)) => Ok(vault_failed(&e)),
            None => Ok(locked("Ninsho's vault cannot be opened now")),
        }
    }
}

fn choose(candidates: &[Candidate]) -> Response {
    Response::Choose {
        accounts: candidates
            .iter()
            .map(|c| Choice {
                account: c.id.to_string(),
                label: c.label.clone(),
            })
            .collect(),
    }
}

fn locked(message: &str) -> Response {
    Response::Locked {
        message: message.into(),
    }
}

fn vault_failed(e: &VaultError) -> Response {
    match e.keychain_state() {
        Some(state) => Response::Locked {
            message: state.explanation(),
        },
        None => Response::Error {
            message: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests;
