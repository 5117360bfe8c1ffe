//! The OS keychain behind one small trait.
//!
//! Every account's secret lives in its own keychain item (service `ninsho`, user
//! `<vault id>/<account id>`), reached through keyring-core with the platform stores keyring 4
//! uses: Secret Service on Linux and the BSDs, Keychain on macOS, Credential Manager on
//! Windows. Tests use keyring-core's mock store through the same code.
//!
//! Keychains fail in ways a person can fix — no Secret Service running, a locked collection,
//! a refused prompt — so every failure is classified into a [`KeychainState`] with a message
//! that says what to do. Calls run on a helper thread with a deadline: a keychain that waits
//! on a prompt nobody can see must not freeze the app or the CLI. They run one after another,
//! in the order asked, so a call that gave up and lands late never undoes a later one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use serde::Serialize;
use thiserror::Error;
use zeroize::Zeroizing;

use super::call_queue::{CallFailed, CallQueue};
use crate::error_code::ErrorCode;

/// Keychain service name of every Ninsho item.
pub const SERVICE: &str = "ninsho";

/// How long one keychain call may take before we call the keychain unresponsive. A visible
/// unlock prompt gets this long to be answered. `NINSHO_KEYCHAIN_TIMEOUT_MS` overrides it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Whether the keychain can be used, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum KeychainState {
    Available,
    /// No keychain service to talk to (no Secret Service provider, no D-Bus session).
    Missing {
        detail: String,
    },
    /// The keychain is locked, or unlocking it did not happen in time.
    Locked {
        detail: String,
    },
    /// The keychain refused access to Ninsho.
    Denied {
        detail: String,
    },
}

impl KeychainState {
    pub fn is_available(&self) -> bool {
        matches!(self, KeychainState::Available)
    }

    /// What a person should do about it.
    pub fn advice(&self) -> &'static str {
        match self {
            KeychainState::Available => "The keychain is ready.",
            KeychainState::Missing { .. } => {
                if cfg!(target_os = "macos") {
                    "The macOS Keychain is not reachable. Log in to a desktop session and try again."
                } else if cfg!(windows) {
                    "The Windows Credential Manager is not reachable. Log in to a desktop session and try again."
                } else {
                    "No keyring service is running. Start or unlock your keyring: GNOME Keyring, KWallet or \
                     KeePassXC's Secret Service integration, then try again."
                }
            }
            KeychainState::Locked { .. } => {
                "The keyring is locked. Unlock it (GNOME Keyring, KWallet or KeePassXC's Secret Service \
                 integration; on macOS, the login keychain) and try again."
            }
            KeychainState::Denied { .. } => {
                "The keychain refused access to Ninsho. Allow Ninsho in your keychain's settings and try again."
            }
        }
    }

    /// The error code of a call that failed in this state (never asked of a usable keychain).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            KeychainState::Available | KeychainState::Missing { .. } => ErrorCode::KeychainMissing,
            KeychainState::Locked { .. } => ErrorCode::KeychainLocked,
            KeychainState::Denied { .. } => ErrorCode::KeychainDenied,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            KeychainState::Available => "available",
            KeychainState::Missing { .. } => "keychain_missing",
            KeychainState::Locked { .. } => "keychain_locked",
            KeychainState::Denied { .. } => "keychain_denied",
        }
    }
}

/// A keychain call that failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeychainError {
    /// The keychain cannot be used at all right now.
    #[error("{}", .0.advice())]
    Unavailable(KeychainState),
    /// The item is too large for the platform keychain.
    #[error(
        "this account's data ({size} bytes) is larger than the keychain accepts ({limit} bytes)"
    )]
    TooLarge { size: usize, limit: usize },
    /// Something else went wrong; the detail never includes secret data.
    #[error("the keychain reported an error: {0}")]
    Failed(String),
    /// The keychain did not answer in time: whether the call took effect is unknown.
    #[error("{}", .0.advice())]
    TimedOut(KeychainState),
}

impl KeychainError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            KeychainError::Unavailable(state) | KeychainError::TimedOut(state) => {
                state.error_code()
            }
            KeychainError::TooLarge { .. } => ErrorCode::KeychainTooLarge,
            KeychainError::Failed(_) => ErrorCode::KeychainFailed,
        }
    }

    /// The state this error implies, if it says the keychain is unusable.
    pub fn state(&self) -> Option<&KeychainState> {
        match self {
            KeychainError::Unavailable(state) | KeychainError::TimedOut(state) => Some(state),
            _ => None,
        }
    }
}

/// Where secrets live. One item per (vault, account); a missing item reads as `None`.
pub trait SecretStore: Send + Sync {
    /// Probes the keychain. `probe_user` names an item to read (an existing account) so that a
    /// locked collection is noticed; with `None` a short-lived probe item is written and removed.
    fn state(&self, probe_user: Option<&str>) -> KeychainState;
    fn set(&self, user: &str, data: &[u8]) -> Result<(), KeychainError>;
    fn get(&self, user: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeychainError>;
    /// Removes an item; an item that does not exist is not an error.
    fn delete(&self, user: &str) -> Result<(), KeychainError>;
    /// Reads many items in one go (one deadline for the whole batch).
    fn get_many(&self, users: &[String]) -> Result<Vec<Option<Zeroizing<Vec<u8>>>>, KeychainError> {
        users.iter().map(|u| self.get(u)).collect()
    }
    /// Users of every Ninsho item whose user starts with `prefix`, where the store can search;
    /// `None` where it cannot.
    fn list(&self, prefix: &str) -> Result<Option<Vec<String>>, KeychainError>;
    /// The data of every Ninsho item, read with one search instead of one lookup per item,
    /// where the store can search; `None` where it cannot.
    fn get_all(&self) -> Result<Option<Vec<Zeroizing<Vec<u8>>>>, KeychainError> {
        Ok(None)
    }
}

/// Largest item Windows' Credential Manager stores (`CRED_MAX_CREDENTIAL_BLOB_SIZE`). Applied
/// everywhere so that a vault written on one system moves to another.
pub const MAX_ITEM_BYTES: usize = 2560;

/// The keyring-core implementation, for the platform store or the mock store alike.
pub struct KeyringStore {
    store: Mutex<Result<Arc<CredentialStore>, KeychainState>>,
    build: Box<dyn Fn() -> Result<Arc<CredentialStore>, KeyringError> + Send + Sync>,
    timeout: Duration,
    calls: CallQueue,
}

impl KeyringStore {
    /// The platform keychain. Building the store does not fail: an unusable keychain is a
    /// state ([`SecretStore::state`]) that is looked at again on every call, so starting the
    /// keyring later and retrying works without restarting Ninsho.
    pub fn platform() -> Self {
        Self::with_builder(Box::new(platform_store))
    }

    /// keyring-core's in-memory mock store (unit tests).
    pub fn mock() -> Self {
        let store: Result<Arc<CredentialStore>, KeyringError> =
            keyring_core::mock::Store::new().map(|s| s as Arc<CredentialStore>);
        let store = Mutex::new(store.map_err(|e| classify(&e).unwrap_or_else(|| missing(&e))));
        KeyringStore {
            store,
            build: Box::new(|| Err(KeyringError::NoDefaultStore)),
            timeout: timeout(),
            calls: CallQueue::default(),
        }
    }

    fn with_builder(
        build: Box<dyn Fn() -> Result<Arc<CredentialStore>, KeyringError> + Send + Sync>,
    ) -> Self {
        let first = build().map_err(|e| classify(&e).unwrap_or_else(|| missing(&e)));
        KeyringStore {
            store: Mutex::new(first),
            build,
            timeout: timeout(),
            calls: CallQueue::default(),
        }
    }

    /// The underlying keyring-core store (tests use it to inject errors into mock items).
    pub fn credential_store(&self) -> Option<Arc<CredentialStore>> {
        self.current().ok()
    }

    fn current(&self) -> Result<Arc<CredentialStore>, KeychainError> {
        let mut slot = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_err() {
            // Try again: the keyring may have been started since.
            if let Ok(store) = (self.build)() {
                *slot = Ok(store);
            }
        }
        slot.clone().map_err(KeychainError::Unavailable)
    }

    fn forget_store(&self, state: &KeychainState) {
        if matches!(state, KeychainState::Missing { .. }) {
            let mut slot = self.store.lock().unwrap_or_else(|p| p.into_inner());
            *slot = Err(state.clone());
        }
    }

    /// Runs `op` on the keychain thread, after every call asked before it (see
    /// `call_queue`), and waits at most the timeout for it.
    fn run<T: Send + 'static>(
        &self,
        op: impl FnOnce(Arc<CredentialStore>) -> Result<T, KeychainError> + Send + 'static,
        scale: usize,
    ) -> Result<T, KeychainError> {
        let store = self.current()?;
        // A batch gets 20 ms more per item after the first; a single call gets the timeout itself.
        let deadline = self.timeout + Duration::from_millis(20) * scale.saturating_sub(1) as u32;
        match self.calls.call(deadline, move || op(store)) {
            Ok(result) => {
                if let Err(KeychainError::Unavailable(state)) = &result {
                    self.forget_store(state);
                }
                result
            }
            Err(CallFailed::TimedOut) => Err(KeychainError::TimedOut(KeychainState::Locked {
                detail: format!(
                    "the keychain did not answer within {} s (it may be waiting for an unlock prompt)",
                    deadline.as_secs()
                ),
            })),
            Err(CallFailed::NoThread(detail)) => Err(KeychainError::Failed(detail)),
        }
    }
}

fn timeout() -> Duration {
    std::env::var("NINSHO_KEYCHAIN_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_TIMEOUT)
}

#[allow(unreachable_code)]
fn platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    #[cfg(target_os = "macos")]
    return apple_native_keyring_store::keychain::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(target_os = "windows")]
    return windows_native_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    return zbus_secret_service_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>);
    Err(KeyringError::NotSupportedByStore(
        "this operating system has no supported keychain".into(),
    ))
}

fn entry(store: &Arc<CredentialStore>, user: &str) -> Result<Entry, KeychainError> {
    store.build(SERVICE, user, None).map_err(|e| to_error(&e))
}

/// Describes a keyring error without ever including the bytes some variants carry.
fn describe(e: &KeyringError) -> String {
    match e {
        KeyringError::PlatformFailure(inner) | KeyringError::NoStorageAccess(inner) => {
            inner.to_string()
        }
        KeyringError::NoEntry => "no such item".into(),
        KeyringError::BadEncoding(_) => "an item is not valid text".into(),
        KeyringError::BadDataFormat(_, inner) => {
            format!("an item has an unexpected format: {inner}")
        }
        KeyringError::BadStoreFormat(s) => format!("the store has an unexpected format: {s}"),
        KeyringError::TooLong(attr, limit) => format!("{attr} is longer than {limit}"),
        KeyringError::Invalid(attr, why) => format!("{attr} {why}"),
        KeyringError::Ambiguous(entries) => format!("{} items match one account", entries.len()),
        KeyringError::NoDefaultStore => "no keychain store is set up".into(),
        KeyringError::NotSupportedByStore(what) => what.clone(),
        _ => "unexpected keychain error".into(),
    }
}

fn missing(e: &KeyringError) -> KeychainState {
    KeychainState::Missing {
        detail: describe(e),
    }
}

/// The keychain state an error implies, when it is about access rather than one item.
fn classify(e: &KeyringError) -> Option<KeychainState> {
    let detail = describe(e);
    let lower = detail.to_lowercase();
    match e {
        KeyringError::NoDefaultStore | KeyringError::NotSupportedByStore(_) => {
            Some(KeychainState::Missing { detail })
        }
        KeyringError::PlatformFailure(_) => {
            let unreachable = [
                "serviceunknown",
                "service unknown",
                "not provided by any .service",
                "no such file",
                "connection refused",
                "not found",
                "unavailable",
                "no secret service",
                "address",
                "dbus",
                "d-bus",
                "connection",
            ];
            unreachable
                .iter()
                .any(|m| lower.contains(m))
                .then_some(KeychainState::Missing { detail })
        }
        KeyringError::NoStorageAccess(_) => {
            let denied = [
                "denied",
                "not allowed",
                "canceled",
                "cancelled",
                "authorization",
                "permission",
            ];
            if denied.iter().any(|m| lower.contains(m)) {
                Some(KeychainState::Denied { detail })
            } else {
                Some(KeychainState::Locked { detail })
            }
        }
        _ => None,
    }
}

fn to_error(e: &KeyringError) -> KeychainError {
    match e {
        KeyringError::TooLong(_, limit) => KeychainError::TooLarge {
            size: 0,
            limit: *limit as usize,
        },
        _ => match classify(e) {
            Some(state) => KeychainError::Unavailable(state),
            None => KeychainError::Failed(describe(e)),
        },
    }
}

fn get_item(
    store: &Arc<CredentialStore>,
    user: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, KeychainError> {
    match entry(store, user)?.get_secret() {
        Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
        Err(KeyringError::NoEntry) => Ok(None),
        Err(e) => Err(to_error(&e)),
    }
}

impl SecretStore for KeyringStore {
    fn state(&self, probe_user: Option<&str>) -> KeychainState {
        let probe = probe_user.map(str::to_owned);
        let result = self.run(
            move |store| match probe {
                Some(user) => get_item(&store, &user).map(|_| ()),
                None => {
                    let user = format!("probe/{}", uuid::Uuid::new_v4());
                    let e = entry(&store, &user)?;
                    e.set_secret(b"probe").map_err(|e| to_error(&e))?;
                    match e.delete_credential() {
                        Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
                        Err(e) => Err(to_error(&e)),
                    }
                }
            },
            1,
        );
        match result {
            Ok(()) => KeychainState::Available,
            Err(KeychainError::Unavailable(state)) => state,
            Err(other) => KeychainState::Denied {
                detail: other.to_string(),
            },
        }
    }

    fn set(&self, user: &str, data: &[u8]) -> Result<(), KeychainError> {
        if data.len() > MAX_ITEM_BYTES {
            return Err(KeychainError::TooLarge {
                size: data.len(),
                limit: MAX_ITEM_BYTES,
            });
        }
        let user = user.to_owned();
        let data = Zeroizing::new(data.to_vec());
        self.run(
            move |store| {
                entry(&store, &user)?
                    .set_secret(&data)
                    .map_err(|e| to_error(&e))
            },
            1,
        )
    }

    fn get(&self, user: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeychainError> {
        let user = user.to_owned();
        self.run(move |store| get_item(&store, &user), 1)
    }

    fn delete(&self, user: &str) -> Result<(), KeychainError> {
        let user = user.to_owned();
        self.run(
            move |store| match entry(&store, &user)?.delete_credential() {
                Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
                Err(e) => Err(to_error(&e)),
            },
            1,
        )
    }

    fn get_many(&self, users: &[String]) -> Result<Vec<Option<Zeroizing<Vec<u8>>>>, KeychainError> {
        let users = users.to_vec();
        let n = users.len();
        self.run(
            move |store| users.iter().map(|u| get_item(&store, u)).collect(),
            n,
        )
    }

    fn get_all(&self) -> Result<Option<Vec<Zeroizing<Vec<u8>>>>, KeychainError> {
        self.run(
            |store| {
                let spec = HashMap::from([("service", SERVICE)]);
                match store.search(&spec) {
                    // An item removed between the search and the read is not an error.
                    Ok(entries) => entries
                        .iter()
                        .filter_map(|e| match e.get_secret() {
                            Ok(secret) => Some(Ok(Zeroizing::new(secret))),
                            Err(KeyringError::NoEntry) => None,
                            Err(e) => Some(Err(to_error(&e))),
                        })
                        .collect::<Result<Vec<_>, _>>()
                        .map(Some),
                    Err(KeyringError::NotSupportedByStore(_)) => Ok(None),
                    Err(e) => Err(to_error(&e)),
                }
            },
            1000,
        )
    }

    fn list(&self, prefix: &str) -> Result<Option<Vec<String>>, KeychainError> {
        let prefix = prefix.to_owned();
        self.run(
            move |store| {
                let spec = HashMap::from([("service", SERVICE)]);
                match store.search(&spec) {
                    Ok(entries) => Ok(Some(
                        entries
                            .iter()
                            .filter_map(|e| match e.get_specifiers() {
                                Some((service, user)) if service == SERVICE => Some(user),
                                Some(_) => None,
                                // Stores that return bare items: read the user attribute.
                                None => e.get_attributes().ok().and_then(|a| {
                                    (a.get("service").map(String::as_str) == Some(SERVICE))
                                        .then(|| {
                                            a.get("username").or_else(|| a.get("user")).cloned()
                                        })
                                        .flatten()
                                }),
                            })
                            .filter(|user| user.starts_with(&prefix))
                            .collect(),
                    )),
                    Err(KeyringError::NotSupportedByStore(_)) => Ok(None),
                    Err(e) => Err(to_error(&e)),
                }
            },
            1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_round_trip_and_missing_items() {
        let store = KeyringStore::mock();
        assert_eq!(store.state(None), KeychainState::Available);
        assert_eq!(store.get("v/a").unwrap(), None);
        store.set("v/a", b"\x00\x01secret").unwrap();
        store.set("v/b", b"other").unwrap();
        store.set("w/c", b"elsewhere").unwrap();
        assert_eq!(
            store.get("v/a").unwrap().as_deref().map(Vec::as_slice),
            Some(&b"\x00\x01secret"[..])
        );
        let mut listed = store.list("v/").unwrap().unwrap();
        listed.sort();
        assert_eq!(listed, ["v/a", "v/b"]);
        store.delete("v/a").unwrap();
        store.delete("v/a").unwrap(); // twice is fine
        assert_eq!(store.get("v/a").unwrap(), None);
    }

    #[test]
    fn oversized_items_are_refused_before_the_keychain() {
        let store = KeyringStore::mock();
        let err = store.set("v/a", &[0; MAX_ITEM_BYTES + 1]).unwrap_err();
        assert_eq!(
            err,
            KeychainError::TooLarge {
                size: MAX_ITEM_BYTES + 1,
                limit: MAX_ITEM_BYTES
            }
        );
    }

    #[test]
    fn access_errors_become_states() {
        let boxed = |s: &str| -> keyring_core::error::PlatformError { s.to_string().into() };
        assert!(matches!(
            classify(&KeyringError::NoStorageAccess(boxed(
                "SS error: prompt dismissed"
            ))),
            Some(KeychainState::Locked { .. })
        ));
        assert!(matches!(
            classify(&KeyringError::PlatformFailure(boxed(
                "org.freedesktop.DBus.Error.ServiceUnknown: The name is not provided by any .service files"
            ))),
            Some(KeychainState::Missing { .. })
        ));
        assert!(matches!(
            classify(&KeyringError::NoStorageAccess(boxed(
                "User canceled the operation"
            ))),
            Some(KeychainState::Denied { .. })
        ));
        assert!(matches!(
            classify(&KeyringError::NoDefaultStore),
            Some(KeychainState::Missing { .. })
        ));
        assert_eq!(classify(&KeyringError::NoEntry), None);
    }

    #[test]
    fn errors_never_carry_item_bytes() {
        let secret = b"JBSWY3DPEHPK3PXP".to_vec();
        for e in [
            KeyringError::BadEncoding(secret.clone()),
            KeyringError::BadDataFormat(secret, "x".into()),
        ] {
            let shown = to_error(&e).to_string();
            assert!(
                !shown.contains("JBSW") && !shown.contains("74, 66"),
                "{shown}"
            );
        }
    }
}
