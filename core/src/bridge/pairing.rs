//! The browsers paired with Ninsho, and the fills a person confirmed: `browsers.json` beside
//! the vault. A pairing is the extension's origin (the browser names it, a page cannot) and a
//! random token the extension keeps; the file holds only the token's SHA-256, so reading it
//! pairs nothing. Revoking a pairing drops it; the extension must pair again.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::vault::beside::Beside;

pub const FILE: &str = "browsers.json";
const LOCK: &str = "browsers.lock";
const FORMAT: &str = "ninsho-browsers";
const LOCK_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Error)]
pub enum PairingError {
    #[error("the paired browsers ({path}) cannot be read or written: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the paired browsers file ({0}) is damaged; removing it unpairs every browser")]
    Damaged(String),
    #[error("another Ninsho is busy with the paired browsers; try again")]
    Busy,
    #[error("this computer gave no randomness for a pairing token")]
    NoRandomness,
}

/// A paired browser profile, as settings list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paired {
    pub id: Uuid,
    /// What the extension said it runs in ("Chromium", "Firefox"), as the person confirmed it.
    pub browser: String,
    /// The extension, as the browser names it to the host (`chrome-extension://…/`).
    pub origin: String,
    /// Unix seconds.
    pub paired: u64,
    pub last_used: Option<u64>,
    token_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Confirmed {
    account: Uuid,
    site: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    format: String,
    #[serde(default)]
    paired: Vec<Paired>,
    #[serde(default)]
    confirmed: Vec<Confirmed>,
}

/// `browsers.json`, locked while read and written (the app and the CLI may both use it).
pub struct Pairings(Beside);

fn digest(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl PairingError {
    pub fn code(&self) -> crate::error_code::ErrorCode {
        crate::error_code::ErrorCode::BridgeState
    }
}

impl Pairings {
    pub fn open(dir: &Path) -> Result<Self, PairingError> {
        Beside::open(dir, FILE, LOCK, LOCK_WAIT)
            .map(Pairings)
            .map_err(|(path, source)| PairingError::Io {
                path: path.display().to_string(),
                source,
            })
    }

    fn io(&self, source: std::io::Error) -> PairingError {
        PairingError::Io {
            path: self.0.path().display().to_string(),
            source,
        }
    }

    /// Runs `f` on the state under the lock, and saves it when `f` says it changed.
    fn with<T>(&self, f: impl FnOnce(&mut State) -> (T, bool)) -> Result<T, PairingError> {
        let guard = self.0.lock().map_err(|_| PairingError::Busy)?;
        let mut state = match self.0.read(&guard).map_err(|e| self.io(e))? {
            None => State {
                format: FORMAT.into(),
                ..State::default()
            },
            Some(bytes) => serde_json::from_slice::<State>(&bytes)
                .ok()
                .filter(|s| s.format == FORMAT)
                .ok_or_else(|| PairingError::Damaged(self.0.path().display().to_string()))?,
        };
        let (out, changed) = f(&mut state);
        if changed {
            let bytes = serde_json::to_vec_pretty(&state).unwrap_or_default();
            self.0.write(&guard, &bytes).map_err(|e| self.io(e))?;
        }
        Ok(out)
    }

    pub fn list(&self) -> Result<Vec<Paired>, PairingError> {
        self.with(|s| (s.paired.clone(), false))
    }

    /// Pairs the extension at `origin` (confirmed by the person): its token, given once.
    pub fn pair(
        &self,
        origin: &str,
        browser: &str,
        now: u64,
    ) -> Result<(Paired, Zeroizing<String>), PairingError> {
        let mut raw = Zeroizing::new([0u8; 32]);
        getrandom::fill(raw.as_mut()).map_err(|_| PairingError::NoRandomness)?;
        let token =
            Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw.as_ref()));
        let paired = Paired {
            id: Uuid::new_v4(),
            browser: crate::app::text::visible(browser)
                .chars()
                .take(64)
                .collect(),
            origin: origin.to_owned(),
            paired: now,
            last_used: None,
            token_sha256: digest(&token),
        };
        let kept = paired.clone();
        self.with(move |s| {
            s.paired.push(kept);
            ((), true)
        })?;
        Ok((paired, token))
    }

    /// The pairing `token` belongs to, if it was given to the extension at `origin` and not
    /// revoked; its last use is recorded.
    pub fn check(
        &self,
        origin: &str,
        token: &str,
        now: u64,
    ) -> Result<Option<Paired>, PairingError> {
        let d = digest(token);
        self.with(|s| {
            let found = s
                .paired
                .iter_mut()
                .find(|p| same(&p.token_sha256, &d) && p.origin == origin);
            match found {
                Some(p) => {
                    p.last_used = Some(now);
                    (Some(p.clone()), true)
                }
                None => (None, false),
            }
        })
    }

    /// Unpairs a browser: its token no longer works. `false` when it was not paired.
    pub fn revoke(&self, id: Uuid) -> Result<bool, PairingError> {
        self.with(|s| {
            let before = s.paired.len();
            s.paired.retain(|p| p.id != id);
            let gone = s.paired.len() != before;
            (gone, gone)
        })
    }

    /// Whether the person already allowed `account`'s code on `site`.
    pub fn is_confirmed(&self, account: Uuid, site: &str) -> Result<bool, PairingError> {
        self.with(|s| {
            (
                s.confirmed
                    .iter()
                    .any(|c| c.account == account && c.site == site),
                false,
            )
        })
    }

    /// Remembers that the person allowed `account`'s code on `site`.
    pub fn confirm(&self, account: Uuid, site: &str) -> Result<(), PairingError> {
        self.with(|s| {
            let c = Confirmed {
                account,
                site: site.to_owned(),
            };
            if s.confirmed.contains(&c) {
                ((), false)
            } else {
                s.confirmed.push(c);
                ((), true)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXT: &str = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

    #[test]
    fn a_pairing_token_works_for_its_extension_only_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let p = Pairings::open(dir.path()).unwrap();
        let (paired, token) = p.pair(EXT, "Chromium", 100).unwrap();
        assert_eq!(token.len(), 43);
        assert!(p.check(EXT, &token, 200).unwrap().is_some());
        assert!(
            p.check("chrome-extension://other/", &token, 200)
                .unwrap()
                .is_none()
        );
        assert!(p.check(EXT, "guess", 200).unwrap().is_none());
        let listed = p.list().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].last_used, Some(200));
        // The file names the browser, never the token.
        let file = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(file.contains("Chromium") && !file.contains(token.as_str()));
        assert!(p.revoke(paired.id).unwrap());
        assert!(!p.revoke(paired.id).unwrap());
        assert!(p.check(EXT, &token, 300).unwrap().is_none());
    }

    #[test]
    fn confirmed_fills_are_remembered_per_account_and_site() {
        let dir = tempfile::tempdir().unwrap();
        let p = Pairings::open(dir.path()).unwrap();
        let a = Uuid::new_v4();
        assert!(!p.is_confirmed(a, "github.com").unwrap());
        p.confirm(a, "github.com").unwrap();
        assert!(p.is_confirmed(a, "github.com").unwrap());
        assert!(!p.is_confirmed(a, "gitlab.com").unwrap());
        assert!(!p.is_confirmed(Uuid::new_v4(), "github.com").unwrap());
    }

    #[test]
    fn a_damaged_file_is_said_and_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap();
        let p = Pairings::open(dir.path()).unwrap();
        assert!(matches!(p.list(), Err(PairingError::Damaged(_))));
        assert_eq!(std::fs::read(dir.path().join(FILE)).unwrap(), b"{not json");
    }
}
