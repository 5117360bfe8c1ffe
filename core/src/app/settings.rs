//! The desktop app's settings (`settings.json` beside the vault): how it looks and how long a
//! copied code stays on the clipboard. Never a secret.
//!
//! Values arrive typed: an unknown theme or language from the UI is refused when it is
//! deserialized, never replaced by a default. A settings file that cannot be read (damaged,
//! or written by a newer Ninsho with values this one does not know) gives the defaults, so
//! the app always starts.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The settings file in the vault's folder.
pub const FILE: &str = "settings.json";

/// The longest clipboard clear delay offered: an hour.
pub const MAX_CLIPBOARD_CLEAR_SECONDS: u32 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    System,
    En,
    Ja,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Settings {
    pub theme: Theme,
    pub language: Language,
    /// 0: never clear.
    pub clipboard_clear_seconds: u32,
    pub show_next_code: bool,
    pub hide_codes: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            language: Language::System,
            clipboard_clear_seconds: 30,
            show_next_code: true,
            hide_codes: false,
        }
    }
}

#[derive(Debug, Error)]
#[error("cannot save the settings at {}: {source}", path.display())]
pub struct SaveError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl Settings {
    /// Keeps numbers inside what the UI offers.
    pub fn bounded(mut self) -> Self {
        self.clipboard_clear_seconds = self
            .clipboard_clear_seconds
            .min(MAX_CLIPBOARD_CLEAR_SECONDS);
        self
    }

    /// The settings saved in `dir`, or the defaults.
    pub fn load(dir: &Path) -> Settings {
        std::fs::read(dir.join(FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
            .map(Settings::bounded)
            .unwrap_or_default()
    }

    /// Saves the settings in `dir` (temp file, then rename: a crash leaves the old or the
    /// new file, never half of one) and returns what was saved.
    pub fn save(self, dir: &Path) -> Result<Settings, SaveError> {
        let settings = self.bounded();
        let path = dir.join(FILE);
        let text = serde_json::to_vec_pretty(&settings).map_err(|e| SaveError {
            path: path.clone(),
            source: e.into(),
        })?;
        std::fs::create_dir_all(dir)
            .and_then(|()| {
                let temp = dir.join(format!("{FILE}.tmp"));
                std::fs::write(&temp, &text)?;
                std::fs::rename(&temp, &path)
            })
            .map_err(|source| SaveError {
                path: path.clone(),
                source,
            })?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_load_back_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let saved = Settings {
            theme: Theme::Dark,
            language: Language::Ja,
            clipboard_clear_seconds: 99_999,
            show_next_code: false,
            hide_codes: true,
        }
        .save(dir.path())
        .unwrap();
        assert_eq!(saved.clipboard_clear_seconds, MAX_CLIPBOARD_CLEAR_SECONDS);
        assert_eq!(Settings::load(dir.path()), saved);
    }

    #[test]
    fn unknown_values_are_refused_and_a_bad_file_gives_defaults() {
        let json = r#"{"theme":"neon","language":"en","clipboard_clear_seconds":30,"show_next_code":true,"hide_codes":false}"#;
        assert!(serde_json::from_str::<Settings>(json).is_err());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), json).unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }
}
