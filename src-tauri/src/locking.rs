//! Locking from the shell: Ctrl+L and the settings' button, the tray's item, and the triggers
//! core's `autolock` weighs: no use for a while, the screen locking, the computer sleeping,
//! the window closing to the tray. Locking forgets the vault key and every secret read so
//! far; the window, the tray and the palette follow through `accounts-changed`.
//!
//! On Linux the screen and sleep come from D-Bus: logind on the system bus (`PrepareForSleep`
//! on the manager; `Lock` and `LockedHint` on this process's session) and the
//! `ActiveChanged` signal of the freedesktop, GNOME, MATE, Cinnamon and Xfce screen savers on the
//! session bus. Each bus is watched from its own thread; a bus that is not there is skipped.
//! Windows and macOS are asked every second whether the screen is locked (the input desktop
//! cannot be opened; the session says `CGSSessionScreenIsLocked`), and a sleep shows as a gap
//! in the wall clock right after waking (core's `WakeWatch`; everywhere, Linux included). Those
//! two platforms' checks are type-checked here, never run.

use std::time::{Duration, Instant, SystemTime};

use ninsho_core::app::autolock::{ScreenWatch, Trigger, WakeWatch};
use ninsho_core::vault::LockStatus;
use tauri::{AppHandle, Manager, Runtime};

use crate::error::AppError;
use crate::events::{self, AppEvent};
use crate::state::AppState;

/// Locks now, whatever asked.
pub fn lock_now(state: &AppState) -> Result<LockStatus, AppError> {
    state.with_vault_quiet(|v| {
        v.lock();
        Ok(v.lock_status())
    })
}

/// Locks if the vault is encrypted and open now; says so to every surface.
fn lock_if_open<R: Runtime>(app: &AppHandle<R>, why: &str) {
    let state = app.state::<AppState>();
    let open = state
        .with_vault_quiet(|v| Ok(v.lock_status().mode != "off" && !v.is_locked()))
        .unwrap_or(false);
    if open && lock_now(&state).is_ok() {
        eprintln!("Ninsho: locked ({why})");
        events::emit(app, AppEvent::AccountsChanged, ());
    }
}

/// `trigger` happened: lock if the settings ask for it.
pub fn on_trigger<R: Runtime>(app: &AppHandle<R>, trigger: Trigger) {
    let settings = app.state::<AppState>().settings();
    if trigger.locks(&settings) {
        lock_if_open(app, &format!("{trigger:?}"));
    }
}

/// After an unlock: what arrived while locked (a sync file, a followed backup) is applied now.
pub fn after_unlock<R: Runtime>(app: &AppHandle<R>) {
    crate::syncing::soon(app);
    crate::following::start(app);
}

/// Starts the idle check and the D-Bus watchers.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    std::thread::spawn(move || {
        let mut wake = WakeWatch::new(SystemTime::now());
        let mut screen = ScreenWatch::default();
        loop {
            std::thread::sleep(Duration::from_secs(1));
            if wake.woke(SystemTime::now()) {
                on_trigger(&handle, Trigger::Sleep);
            }
            if screen.just_locked(screen_locked()) {
                on_trigger(&handle, Trigger::ScreenLocked);
            }
            let state = handle.state::<AppState>();
            if state.idle.due(&state.settings(), Instant::now()) {
                lock_if_open(&handle, "idle");
                // Counted again from now: an app left idle (locked, or with the mode off)
                // does not re-read the vault every second from here on.
                state.idle.touch();
            }
        }
    });
    #[cfg(target_os = "linux")]
    linux::watch(app);
}

/// Whether the screen is locked now, where the system answers a poll (Linux tells by signals).
fn screen_locked() -> bool {
    #[cfg(windows)]
    {
        windows::screen_locked()
    }
    #[cfg(target_os = "macos")]
    {
        macos::screen_locked()
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    {
        false
    }
}

#[cfg(windows)]
mod windows {
    use windows_sys::Win32::System::StationsAndDesktops::{
        CloseDesktop, DESKTOP_SWITCHDESKTOP, OpenInputDesktop,
    };

    /// While the workstation is locked, the input desktop is the secure one, which a user's
    /// process cannot open.
    pub(super) fn screen_locked() -> bool {
        // SAFETY: plain Win32 calls; a desktop that opened is closed at once.
        unsafe {
            let desktop = OpenInputDesktop(0, 0, DESKTOP_SWITCHDESKTOP);
            if desktop.is_null() {
                return true;
            }
            CloseDesktop(desktop);
            false
        }
    }
}

#[cfg(target_os = "macos")]
mod macos {
    use objc2_core_foundation::{CFBoolean, CFString, CFType};
    use objc2_core_graphics::CGSessionCopyCurrentDictionary;

    /// The login session's dictionary says whether its screen is locked.
    pub(super) fn screen_locked() -> bool {
        let Some(session) = CGSessionCopyCurrentDictionary() else {
            return false;
        };
        let key = CFString::from_static_str("CGSSessionScreenIsLocked");
        // SAFETY: the key is a live CFString; the value, if any, is owned by the dictionary,
        // which outlives this borrow.
        let value = unsafe { session.value((&*key as *const CFString).cast()) };
        let Some(value) = (unsafe { value.cast::<CFType>().as_ref() }) else {
            return false;
        };
        value.downcast_ref::<CFBoolean>().is_some_and(|b| b.value())
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use ninsho_core::app::autolock::Trigger;
    use tauri::{AppHandle, Runtime};
    use zbus::blocking::{Connection, MessageIterator};
    use zbus::{MatchRule, message::Type};

    /// The screen savers whose `ActiveChanged(bool)` says the screen locked.
    const SCREEN_SAVERS: [&str; 5] = [
        "org.freedesktop.ScreenSaver",
        "org.gnome.ScreenSaver",
        "org.mate.ScreenSaver",
        "org.cinnamon.ScreenSaver",
        "org.xfce.ScreenSaver",
    ];

    pub fn watch<R: Runtime>(app: &AppHandle<R>) {
        let a = app.clone();
        std::thread::spawn(move || {
            if let Ok(bus) = Connection::system() {
                system(&a, &bus);
            }
        });
        let a = app.clone();
        std::thread::spawn(move || {
            if let Ok(bus) = Connection::session() {
                session(&a, &bus);
            }
        });
    }

    fn signals(bus: &Connection, rules: Vec<MatchRule<'static>>) -> Vec<MessageIterator> {
        rules
            .into_iter()
            .filter_map(|r| MessageIterator::for_match_rule(r, bus, Some(64)).ok())
            .collect()
    }

    /// This process's logind session: `$XDG_SESSION_ID`, else the session of our PID.
    fn own_session(bus: &Connection) -> Option<zbus::zvariant::OwnedObjectPath> {
        let manager = zbus::blocking::Proxy::new(
            bus,
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager",
        )
        .ok()?;
        if let Ok(id) = std::env::var("XDG_SESSION_ID")
            && let Ok(path) = manager.call("GetSession", &(id.as_str(),))
        {
            return Some(path);
        }
        manager.call("GetSessionByPID", &(std::process::id(),)).ok()
    }

    fn system<R: Runtime>(app: &AppHandle<R>, bus: &Connection) {
        let session = own_session(bus);
        let mut rules = Vec::new();
        if let Ok(r) = MatchRule::builder()
            .msg_type(Type::Signal)
            .interface("org.freedesktop.login1.Manager")
            .and_then(|b| b.member("PrepareForSleep"))
        {
            rules.push(r.build());
        }
        if let Some(path) = &session {
            for (interface, member) in [
                ("org.freedesktop.login1.Session", "Lock"),
                ("org.freedesktop.DBus.Properties", "PropertiesChanged"),
            ] {
                if let Ok(r) = MatchRule::builder()
                    .msg_type(Type::Signal)
                    .path(path.to_string())
                    .and_then(|b| b.interface(interface))
                    .and_then(|b| b.member(member))
                {
                    rules.push(r.build());
                }
            }
        }
        listen(app, bus, signals(bus, rules), |msg| {
            let header = msg.header();
            match header.member().map(|m| m.as_str()) {
                Some("PrepareForSleep") => msg
                    .body()
                    .deserialize::<bool>()
                    .ok()
                    .filter(|going| *going)
                    .map(|_| Trigger::Sleep),
                Some("Lock") => Some(Trigger::ScreenLocked),
                Some("PropertiesChanged") => {
                    let (_, changed, _): (
                        String,
                        std::collections::HashMap<String, zbus::zvariant::OwnedValue>,
                        Vec<String>,
                    ) = msg.body().deserialize().ok()?;
                    let hint = changed.get("LockedHint")?;
                    bool::try_from(hint).ok().filter(|l| *l)?;
                    Some(Trigger::ScreenLocked)
                }
                _ => None,
            }
        });
    }

    fn session<R: Runtime>(app: &AppHandle<R>, bus: &Connection) {
        let rules = SCREEN_SAVERS
            .iter()
            .filter_map(|interface| {
                MatchRule::builder()
                    .msg_type(Type::Signal)
                    .interface(*interface)
                    .and_then(|b| b.member("ActiveChanged"))
                    .ok()
                    .map(|b| b.build())
            })
            .collect();
        listen(app, bus, signals(bus, rules), |msg| {
            msg.body()
                .deserialize::<bool>()
                .ok()
                .filter(|active| *active)
                .map(|_| Trigger::ScreenLocked)
        });
    }

    /// Reads every iterator (one thread each) and hands what `read` makes of a signal on. Each
    /// thread keeps the connection: an iterator alone does not keep it open.
    fn listen<R: Runtime>(
        app: &AppHandle<R>,
        bus: &Connection,
        iterators: Vec<MessageIterator>,
        read: fn(&zbus::Message) -> Option<Trigger>,
    ) {
        for iterator in iterators {
            let app = app.clone();
            let bus = bus.clone();
            std::thread::spawn(move || {
                let _bus = bus;
                for msg in iterator.flatten() {
                    if let Some(trigger) = read(&msg) {
                        super::on_trigger(&app, trigger);
                    }
                }
            });
        }
    }
}
