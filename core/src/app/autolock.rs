//! When the app locks by itself: after some time without use, when the screen locks, when the
//! computer sleeps, when the window closes to the tray. Each is a switch in the settings; the
//! shell reports the events (D-Bus signals, the window closing) and asks here whether to lock.
//!
//! Use is what a person asks of Ninsho: the window, the palette, the tray, the browser. What
//! runs by itself (a sync merge, a followed folder, a tray menu rebuilt after a change) is not
//! use, or an app that syncs would never lock.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use super::settings::Settings;

/// Something that happened that may lock the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The screen locked (logind `Lock`, `LockedHint` true, a ScreenSaver `ActiveChanged(true)`).
    ScreenLocked,
    /// The computer is about to sleep (logind `PrepareForSleep(true)`).
    Sleep,
    /// The window was closed to the tray.
    WindowClosed,
}

impl Trigger {
    /// Whether `settings` ask for a lock on this trigger.
    pub fn locks(self, settings: &Settings) -> bool {
        match self {
            Trigger::ScreenLocked => settings.lock_on_screen_lock,
            Trigger::Sleep => settings.lock_on_sleep,
            Trigger::WindowClosed => settings.lock_on_close,
        }
    }
}

/// The time of the last use.
#[derive(Debug)]
pub struct Idle {
    last_use: Mutex<Instant>,
    /// For tests: the idle delay in seconds instead of the setting's minutes.
    seconds_override: Option<u64>,
}

impl Default for Idle {
    fn default() -> Self {
        Idle::new(None)
    }
}

impl Idle {
    pub fn new(seconds_override: Option<u64>) -> Self {
        Idle {
            last_use: Mutex::new(Instant::now()),
            seconds_override,
        }
    }

    /// From the environment: `NINSHO_AUTOLOCK_SECONDS` shortens the delay (tests).
    pub fn from_env() -> Self {
        Idle::new(
            std::env::var("NINSHO_AUTOLOCK_SECONDS")
                .ok()
                .and_then(|s| s.parse().ok())
                .filter(|s| *s > 0),
        )
    }

    /// A person used Ninsho now.
    pub fn touch(&self) {
        *self.last_use.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    fn delay(&self, settings: &Settings) -> Option<Duration> {
        match self.seconds_override {
            Some(s) => Some(Duration::from_secs(s)),
            None if settings.lock_idle_minutes == 0 => None,
            None => Some(Duration::from_secs(
                u64::from(settings.lock_idle_minutes) * 60,
            )),
        }
    }

    /// Whether the idle delay has passed at `now`.
    pub fn due(&self, settings: &Settings, now: Instant) -> bool {
        let last = *self.last_use.lock().unwrap_or_else(|p| p.into_inner());
        self.delay(settings)
            .is_some_and(|d| now.saturating_duration_since(last) >= d)
    }
}

/// Notices that the computer slept: the shell looks every second, and after a sleep the wall
/// clock is far ahead of its last look. Linux says so beforehand (logind's `PrepareForSleep`);
/// on Windows and macOS this is how Ninsho learns it — right after waking, before anyone can
/// use it. A clock set forward by as much also locks, which costs a password and loses nothing.
#[derive(Debug)]
pub struct WakeWatch {
    last: SystemTime,
}

impl WakeWatch {
    /// A gap longer than this between two looks a second apart is a sleep.
    pub const GAP: Duration = Duration::from_secs(20);

    pub fn new(now: SystemTime) -> Self {
        WakeWatch { last: now }
    }

    /// Whether the computer slept since the last look (a look at `now`).
    pub fn woke(&mut self, now: SystemTime) -> bool {
        let gap = now.duration_since(self.last).unwrap_or_default();
        self.last = now;
        gap > Self::GAP
    }
}

/// Turns a screen-locked state read every second (Windows, macOS) into one trigger when it
/// becomes locked, not one per second while it stays locked.
#[derive(Debug, Default)]
pub struct ScreenWatch {
    locked: bool,
}

impl ScreenWatch {
    /// Whether the screen has just locked, given whether it is locked now.
    pub fn just_locked(&mut self, locked_now: bool) -> bool {
        let just = locked_now && !self.locked;
        self.locked = locked_now;
        just
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_locks_after_the_delay_and_use_resets_it() {
        let settings = Settings::default();
        let idle = Idle::new(None);
        let start = Instant::now();
        assert!(!idle.due(&settings, start + Duration::from_secs(299)));
        assert!(idle.due(&settings, start + Duration::from_secs(301)));
        idle.touch();
        assert!(!idle.due(&settings, Instant::now() + Duration::from_secs(200)));
        let never = Settings {
            lock_idle_minutes: 0,
            ..Settings::default()
        };
        assert!(!idle.due(&never, start + Duration::from_secs(86_400 * 30)));
        let fast = Idle::new(Some(2));
        assert!(fast.due(&never, Instant::now() + Duration::from_secs(3)));
    }

    #[test]
    fn a_gap_in_the_wall_clock_is_a_sleep_and_a_second_is_not() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut watch = WakeWatch::new(start);
        assert!(!watch.woke(start + Duration::from_secs(1)));
        assert!(!watch.woke(start + Duration::from_secs(3)));
        // Eight hours asleep.
        assert!(watch.woke(start + Duration::from_secs(3 + 8 * 3600)));
        assert!(!watch.woke(start + Duration::from_secs(4 + 8 * 3600)));
        // A clock set back is no sleep.
        assert!(!watch.woke(start));
    }

    #[test]
    fn the_screen_locking_triggers_once_per_lock() {
        let mut watch = ScreenWatch::default();
        assert!(!watch.just_locked(false));
        assert!(watch.just_locked(true));
        assert!(!watch.just_locked(true), "still locked: no second trigger");
        assert!(!watch.just_locked(false));
        assert!(watch.just_locked(true), "locked again");
    }

    #[test]
    fn each_trigger_follows_its_switch() {
        let mut s = Settings::default();
        assert!(Trigger::ScreenLocked.locks(&s) && Trigger::Sleep.locks(&s));
        assert!(!Trigger::WindowClosed.locks(&s));
        s.lock_on_screen_lock = false;
        s.lock_on_close = true;
        assert!(!Trigger::ScreenLocked.locks(&s) && Trigger::WindowClosed.locks(&s));
    }
}
