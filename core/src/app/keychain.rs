//! The keychain's state as the shells show it: a stable code, what to do about it, and the
//! system's own words. One explanation, for the terminal and the window alike.

use serde::Serialize;

use crate::vault::KeychainState;

/// Whether the keychain can be used, as a code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum KeychainStatus {
    Available,
    KeychainMissing,
    KeychainLocked,
    KeychainDenied,
}

impl KeychainStatus {
    /// The code, as `status` prints it and the UI receives it.
    pub fn code(self) -> &'static str {
        match self {
            KeychainStatus::Available => "available",
            KeychainStatus::KeychainMissing => "keychain_missing",
            KeychainStatus::KeychainLocked => "keychain_locked",
            KeychainStatus::KeychainDenied => "keychain_denied",
        }
    }
}

impl KeychainState {
    pub fn status(&self) -> KeychainStatus {
        match self {
            KeychainState::Available => KeychainStatus::Available,
            KeychainState::Missing { .. } => KeychainStatus::KeychainMissing,
            KeychainState::Locked { .. } => KeychainStatus::KeychainLocked,
            KeychainState::Denied { .. } => KeychainStatus::KeychainDenied,
        }
    }

    /// The keychain's own words about why it cannot be used (never secret data).
    pub fn detail(&self) -> Option<&str> {
        match self {
            KeychainState::Available => None,
            KeychainState::Missing { detail }
            | KeychainState::Locked { detail }
            | KeychainState::Denied { detail } => Some(detail),
        }
    }

    /// What to do, followed by the keychain's words in parentheses: one line for a terminal.
    pub fn explanation(&self) -> String {
        match self.detail() {
            Some(detail) if !detail.is_empty() => format!("{} ({detail})", self.advice()),
            _ => self.advice().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_serialized_status_and_the_state() {
        let states = [
            KeychainState::Available,
            KeychainState::Missing {
                detail: "no bus".into(),
            },
            KeychainState::Locked {
                detail: String::new(),
            },
            KeychainState::Denied { detail: "x".into() },
        ];
        for state in &states {
            let status = state.status();
            assert_eq!(status.code(), state.code());
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(state.code())
            );
        }
        assert!(states[1].explanation().ends_with(" (no bus)"));
        assert_eq!(states[2].explanation(), states[2].advice());
        assert_eq!(states[0].detail(), None);
    }
}
