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

/// A language Ninsho speaks: what the window, the tray and the native dialogs are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    En,
    Ja,
}

impl Language {
    /// The language to show: the setting, or for `System` the environment's locale (the first
    /// of LC_ALL, LC_MESSAGES, LANG that is set, as the C library reads them). Resolved here
    /// once for every part of the app, so the tray, the dialogs and the window never speak
    /// different languages (a webview's `navigator.languages` need not match the locale).
    pub fn resolve(self, env: impl Fn(&str) -> Option<String>) -> Lang {
        match self {
            Language::En => Lang::En,
            Language::Ja => Lang::Ja,
            Language::System => {
                let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .into_iter()
                    .filter_map(&env)
                    .find(|v| !v.is_empty())
                    .unwrap_or_default();
                if locale.to_ascii_lowercase().starts_with("ja") {
                    Lang::Ja
                } else {
                    Lang::En
                }
            }
        }
    }
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
    /// The time server the clock check asks (see `clock`).
    #[serde(default = "default_clock_server")]
    pub clock_server: String,
    /// Check the clock once a week, on start (off unless the person turns it on: it is a
    /// network request).
    #[serde(default)]
    pub clock_weekly: bool,
    /// The system-wide shortcut that opens the quick-pick palette ("" for none: on Wayland the
    /// desktop's own shortcut settings run `ninsho --pick` instead).
    #[serde(default = "default_pick_shortcut")]
    pub pick_shortcut: String,
    /// Closing the window leaves Ninsho in the tray (where the desktop shows one; else closing
    /// quits).
    #[serde(default = "yes")]
    pub close_to_tray: bool,
    /// Start Ninsho at login, hidden in the tray.
    #[serde(default)]
    pub start_at_login: bool,
    /// With the secrets encrypted by a password: lock after this many minutes without use
    /// (0: never). Use is anything asked of the window, the palette, the tray or the browser.
    #[serde(default = "default_lock_idle_minutes")]
    pub lock_idle_minutes: u32,
    /// Lock when the screen locks (logind, the ScreenSaver services).
    #[serde(default = "yes")]
    pub lock_on_screen_lock: bool,
    /// Lock when the computer goes to sleep.
    #[serde(default = "yes")]
    pub lock_on_sleep: bool,
    /// Lock when the window is closed to the tray.
    #[serde(default)]
    pub lock_on_close: bool,
    /// Keep the windows out of screenshots, screen sharing and recordings where the system
    /// allows it (Windows, macOS; X11 and Wayland have no such request).
    #[serde(default = "yes")]
    pub protect_windows: bool,
    /// When the clock was last checked (Unix seconds); kept by Rust, whatever the UI sends.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub clock_checked_at: Option<u64>,
}

/// The quick-pick palette's shortcut unless the person chose another.
pub const DEFAULT_PICK_SHORTCUT: &str = "Ctrl+Alt+K";

fn default_pick_shortcut() -> String {
    DEFAULT_PICK_SHORTCUT.to_owned()
}

fn yes() -> bool {
    true
}

/// The idle lock's default: five minutes, as most anchors that lock do.
pub const DEFAULT_LOCK_IDLE_MINUTES: u32 = 5;
/// The longest idle delay offered: a day.
pub const MAX_LOCK_IDLE_MINUTES: u32 = 24 * 60;

fn default_lock_idle_minutes() -> u32 {
    DEFAULT_LOCK_IDLE_MINUTES
}

fn default_clock_server() -> String {
    crate::clock::DEFAULT_SERVER.to_owned()
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            language: Language::System,
            clipboard_clear_seconds: 30,
            show_next_code: true,
            hide_codes: false,
            clock_server: default_clock_server(),
            clock_weekly: false,
            pick_shortcut: default_pick_shortcut(),
            close_to_tray: true,
            start_at_login: false,
            lock_idle_minutes: DEFAULT_LOCK_IDLE_MINUTES,
            lock_on_screen_lock: true,
            lock_on_sleep: true,
            lock_on_close: false,
            protect_windows: true,
            clock_checked_at: None,
        }
    }
}

/// How often the opt-in clock check runs.
pub const CLOCK_CHECK_EVERY_SECS: u64 = 7 * 24 * 3600;

#[derive(Debug, Error)]
#[error("cannot save the settings at {}: {source}", path.display())]
pub struct SaveError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl Settings {
    /// Keeps numbers inside what the UI offers, and a time server that is a server's name.
    pub fn bounded(mut self) -> Self {
        self.clipboard_clear_seconds = self
            .clipboard_clear_seconds
            .min(MAX_CLIPBOARD_CLEAR_SECONDS);
        self.pick_shortcut = self.pick_shortcut.trim().chars().take(64).collect();
        self.lock_idle_minutes = self.lock_idle_minutes.min(MAX_LOCK_IDLE_MINUTES);
        self.clock_server = crate::clock::valid_server(&self.clock_server)
            .map(str::to_owned)
            .unwrap_or_else(|_| default_clock_server());
        self
    }

    /// Whether the weekly clock check is due at `now`.
    pub fn clock_check_due(&self, now: u64) -> bool {
        self.clock_weekly
            && self
                .clock_checked_at
                .is_none_or(|t| now.saturating_sub(t) >= CLOCK_CHECK_EVERY_SECS)
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
                // A new file of a random name, made exclusively: never through a link planted
                // under a fixed one.
                let mut temp = tempfile::NamedTempFile::new_in(dir)?;
                std::io::Write::write_all(&mut temp, &text)?;
                temp.persist(&path).map(|_| ()).map_err(|e| e.error)
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
            clock_server: "http://nope".into(),
            clock_weekly: true,
            pick_shortcut: " Super+Space ".into(),
            close_to_tray: false,
            start_at_login: true,
            lock_idle_minutes: 1_000_000,
            lock_on_screen_lock: false,
            lock_on_sleep: true,
            lock_on_close: true,
            protect_windows: false,
            clock_checked_at: Some(5),
        }
        .save(dir.path())
        .unwrap();
        assert_eq!(saved.clipboard_clear_seconds, MAX_CLIPBOARD_CLEAR_SECONDS);
        assert_eq!(saved.clock_server, crate::clock::DEFAULT_SERVER);
        assert_eq!(saved.pick_shortcut, "Super+Space");
        assert_eq!(saved.lock_idle_minutes, MAX_LOCK_IDLE_MINUTES);
        assert!(saved.clock_check_due(5 + CLOCK_CHECK_EVERY_SECS));
        assert!(!saved.clock_check_due(5 + CLOCK_CHECK_EVERY_SECS - 1));
        assert_eq!(Settings::load(dir.path()), saved);
    }

    #[test]
    fn a_file_from_before_the_clock_check_keeps_its_values() {
        let dir = tempfile::tempdir().unwrap();
        let old = r#"{"theme":"dark","language":"ja","clipboard_clear_seconds":45,"show_next_code":true,"hide_codes":false}"#;
        std::fs::write(dir.path().join(FILE), old).unwrap();
        let s = Settings::load(dir.path());
        assert_eq!((s.theme, s.clipboard_clear_seconds), (Theme::Dark, 45));
        assert_eq!(s.clock_server, crate::clock::DEFAULT_SERVER);
        assert!(!s.clock_weekly && !s.clock_check_due(u64::MAX));
        assert_eq!(s.pick_shortcut, DEFAULT_PICK_SHORTCUT);
        assert!(s.close_to_tray && !s.start_at_login);
        // The lock's triggers: five minutes idle, the screen and sleep on, closing off.
        assert_eq!(s.lock_idle_minutes, DEFAULT_LOCK_IDLE_MINUTES);
        assert!(s.lock_on_screen_lock && s.lock_on_sleep && !s.lock_on_close);
        assert!(
            s.protect_windows,
            "kept out of screen captures unless turned off"
        );
    }

    #[test]
    fn unknown_values_are_refused_and_a_bad_file_gives_defaults() {
        let json = r#"{"theme":"neon","language":"en","clipboard_clear_seconds":30,"show_next_code":true,"hide_codes":false}"#;
        assert!(serde_json::from_str::<Settings>(json).is_err());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), json).unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_language_follows_the_setting_then_the_locale() {
        let ja = env(&[("LANG", "ja_JP.UTF-8")]);
        assert_eq!(
            Language::Ja.resolve(env(&[("LANG", "en_US.UTF-8")])),
            Lang::Ja
        );
        assert_eq!(Language::En.resolve(&ja), Lang::En);
        assert_eq!(Language::System.resolve(&ja), Lang::Ja);
        let all = env(&[("LC_ALL", "en_GB.UTF-8"), ("LANG", "ja_JP.UTF-8")]);
        assert_eq!(Language::System.resolve(all), Lang::En);
        let messages = env(&[("LC_ALL", ""), ("LC_MESSAGES", "ja_JP"), ("LANG", "C")]);
        assert_eq!(Language::System.resolve(messages), Lang::Ja);
        assert_eq!(Language::System.resolve(env(&[])), Lang::En);
    }
}
