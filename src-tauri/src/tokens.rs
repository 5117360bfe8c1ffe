//! Things that wait in Rust behind an opaque token until the person decides: accounts found by
//! a scan (until confirmed), an encrypted backup (until its password is typed). The webview
//! holds only the token; what it names never leaves this process, and is dropped (and wiped,
//! for the secret-holding types) when taken, replaced or expired.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{AppError, ErrorCode};

pub struct TokenStore<T> {
    ttl: Duration,
    /// What the person is told when a token names nothing (any more), and what to do.
    gone: &'static str,
    items: Mutex<HashMap<String, (Instant, T)>>,
}

impl<T> TokenStore<T> {
    /// A store whose entries are forgotten `ttl` after they were put; `gone` is the message
    /// for a token that names nothing (any more).
    pub fn new(ttl: Duration, gone: &'static str) -> Self {
        TokenStore {
            ttl,
            gone,
            items: Mutex::new(HashMap::new()),
        }
    }

    fn items(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, T)>> {
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps `item` and returns its new token; expired entries are dropped on the way.
    pub fn put(&self, item: T) -> String {
        let token = uuid::Uuid::new_v4().to_string();
        let mut items = self.items();
        let ttl = self.ttl;
        items.retain(|_, (created, _)| created.elapsed() < ttl);
        items.insert(token.clone(), (Instant::now(), item));
        token
    }

    /// Removes and returns what `token` names, unless it expired.
    pub fn take(&self, token: &str) -> Option<T> {
        self.items()
            .remove(token)
            .filter(|(created, _)| created.elapsed() < self.ttl)
            .map(|(_, item)| item)
    }

    /// What `token` names, taken, or the error that tells the person to start again.
    pub fn claim(&self, token: &str) -> Result<T, AppError> {
        self.take(token)
            .ok_or_else(|| AppError::new(ErrorCode::PreviewExpired, self.gone))
    }

    /// Puts an item back under its token (an attempt failed and may be retried); its age
    /// starts again.
    pub fn put_back(&self, token: &str, item: T) {
        self.items()
            .insert(token.to_owned(), (Instant::now(), item));
    }

    /// Reads what `token` names without taking it.
    pub fn with<U>(&self, token: &str, f: impl FnOnce(&T) -> U) -> Option<U> {
        self.items()
            .get(token)
            .filter(|(created, _)| created.elapsed() < self.ttl)
            .map(|(_, item)| f(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_taken_once_and_can_be_put_back() {
        let store = TokenStore::new(Duration::from_secs(60), "gone");
        let token = store.put(7);
        assert_eq!(store.with(&token, |n| *n), Some(7));
        assert_eq!(store.take(&token), Some(7));
        assert_eq!(store.take(&token), None);
        store.put_back(&token, 8);
        assert_eq!(store.take(&token), Some(8));
        assert_eq!(store.take("no such token"), None);
    }

    #[test]
    fn expired_items_are_gone() {
        let store = TokenStore::new(Duration::ZERO, "This preview has expired.");
        let token = store.put("secret");
        assert_eq!(store.with(&token, |s| *s), None);
        let e = store.claim(&token).unwrap_err();
        assert_eq!(e.code, ErrorCode::PreviewExpired);
        assert_eq!(e.message, "This preview has expired.");
    }
}
