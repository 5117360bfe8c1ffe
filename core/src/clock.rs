//! The clock check: how far this computer's clock is from a time server's.
//!
//! A time-based code is computed from the clock; a clock more than a period off gives codes a
//! site refuses, and a person sees "code not accepted" with nothing to suggest why. So a
//! person can ask (and opt in to a weekly look): one SNTP request to a server they can change
//! (`pool.ntp.org` by default). It is the only network access Ninsho makes, and only then.
//! Nothing changes on this computer: Ninsho says how far off the clock is and, past
//! [`TOLERANCE_SECS`], how to turn on automatic time on this system.

use std::net::ToSocketAddrs;
use std::time::Duration;

use serde::Serialize;
use thiserror::Error;

use crate::error_code::ErrorCode;

/// The server asked unless the person chose another.
pub const DEFAULT_SERVER: &str = "pool.ntp.org";

/// Past this many seconds the clock is called wrong: sites accept a code from the period
/// before or after (30 s) at most, and a clock off by more than half a period already makes
/// about half the codes fail at some sites.
pub const TOLERANCE_SECS: f64 = 15.0;

/// How long the server may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// The system whose instructions to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum System {
    Linux,
    Macos,
    Windows,
}

impl System {
    /// The system Ninsho runs on.
    pub fn current() -> System {
        if cfg!(target_os = "macos") {
            System::Macos
        } else if cfg!(target_os = "windows") {
            System::Windows
        } else {
            System::Linux
        }
    }

    /// How to make the clock right again (English; the app has its own, translated).
    pub fn advice(self) -> &'static str {
        match self {
            System::Linux => {
                "Turn on automatic time: in a terminal, `timedatectl set-ntp true` (systemd-timesyncd; \
                 `timedatectl` then shows \"System clock synchronized: yes\"), or Settings → Date & \
                 Time → Automatic Date & Time."
            }
            System::Macos => {
                "Turn on automatic time: System Settings → General → Date & Time → \"Set time and \
                 date automatically\" (or, in a terminal, `sudo sntp -sS time.apple.com`)."
            }
            System::Windows => {
                "Turn on automatic time: Settings → Time & language → Date & time → \"Set time \
                 automatically\", then \"Sync now\" (or, as administrator, `w32tm /resync`)."
            }
        }
    }
}

/// What the server said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ClockCheck {
    pub server: String,
    /// How far this clock is behind the server, in milliseconds (negative: ahead).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub offset_ms: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub round_trip_ms: u64,
    /// Off by more than [`TOLERANCE_SECS`].
    pub wrong: bool,
    pub system: System,
}

impl ClockCheck {
    /// The check in words (English).
    pub fn describe(&self) -> String {
        let secs = self.offset_ms as f64 / 1000.0;
        let how = if secs.abs() < 0.05 {
            "right".to_owned()
        } else if secs > 0.0 {
            format!("{:.1} s behind", secs.abs())
        } else {
            format!("{:.1} s ahead", secs.abs())
        };
        if self.wrong {
            format!(
                "This computer's clock is {how} {}: codes will be refused. {}",
                self.server,
                self.system.advice()
            )
        } else {
            format!(
                "This computer's clock is {how} {} (within {TOLERANCE_SECS} s): codes are computed at the right time.",
                self.server
            )
        }
    }
}

#[derive(Debug, Error)]
pub enum ClockError {
    #[error("\"{0}\" is not a time server's name (a host name or address, optionally :port)")]
    InvalidServer(String),
    #[error("could not reach the time server {server} ({reason}); nothing was changed")]
    Unreachable { server: String, reason: String },
    #[error(
        "the time server {server} gave an answer that cannot be used ({reason}); try another server"
    )]
    BadReply { server: String, reason: String },
}

impl ClockError {
    /// The code the shells report this error by.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClockError::InvalidServer(_) => ErrorCode::ClockInvalidServer,
            ClockError::Unreachable { .. } => ErrorCode::ClockUnreachable,
            ClockError::BadReply { .. } => ErrorCode::ClockBadReply,
        }
    }
}

/// A moment as a UTC calendar date and time (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: u64,
    pub month: u64,
    pub day: u64,
    pub hour: u64,
    pub minute: u64,
    pub second: u64,
}

/// `unix_secs` as a UTC date and time, without a time zone database.
pub fn utc(unix_secs: u64) -> Utc {
    let (days, rest) = (unix_secs / 86_400, unix_secs % 86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    Utc {
        year: (yoe + era * 400 + i64::from(month <= 2)) as u64,
        month: month as u64,
        day: (doy - (153 * mp + 2) / 5 + 1) as u64,
        hour: rest / 3600,
        minute: rest % 3600 / 60,
        second: rest % 60,
    }
}

/// Checks that `server` names a host (and port), without looking it up.
pub fn valid_server(server: &str) -> Result<&str, ClockError> {
    let s = server.trim();
    let invalid = || ClockError::InvalidServer(server.to_owned());
    if s.is_empty() || s.len() > 253 + 6 || s.contains("://") {
        return Err(invalid());
    }
    let host = match s.rsplit_once(':') {
        // A bare IPv6 address has several colons; `[::1]:123` names a port.
        Some((h, port)) if !h.contains(':') || h.starts_with('[') => {
            port.parse::<u16>().map_err(|_| invalid())?;
            h.trim_start_matches('[').trim_end_matches(']')
        }
        _ => s,
    };
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    if ok { Ok(s) } else { Err(invalid()) }
}

/// Asks `server` (port 123 unless it names one) for the time.
pub fn check(server: &str, timeout: Duration) -> Result<ClockCheck, ClockError> {
    let server = valid_server(server)?;
    let unreachable = |reason: String| ClockError::Unreachable {
        server: server.to_owned(),
        reason,
    };
    // Resolved here, so a name that does not resolve is said plainly.
    let with_port = if server
        .rsplit_once(':')
        .is_some_and(|(h, _)| !h.contains(':') || h.starts_with('['))
    {
        server.to_owned()
    } else if server.contains(':') {
        format!("[{server}]:123")
    } else {
        format!("{server}:123")
    };
    let address = with_port
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .next()
        .ok_or_else(|| unreachable("the name has no address".into()))?;
    let bind: std::net::SocketAddr = if address.is_ipv6() {
        "[::]:0"
            .parse()
            .map_err(|_| unreachable("no IPv6".into()))?
    } else {
        "0.0.0.0:0"
            .parse()
            .map_err(|_| unreachable("no IPv4".into()))?
    };
    let client = rsntp::SntpClient::with_config(
        rsntp::Config::default().timeout(timeout).bind_address(bind),
    );
    let result = client.synchronize(address).map_err(|e| match e {
        rsntp::SynchronizationError::IOError(io) => unreachable(io.to_string()),
        rsntp::SynchronizationError::ProtocolError(p) => ClockError::BadReply {
            server: server.to_owned(),
            reason: p.to_string(),
        },
    })?;
    let offset = result.clock_offset().as_secs_f64();
    let round_trip = result.round_trip_delay().as_secs_f64().max(0.0);
    Ok(ClockCheck {
        server: server.to_owned(),
        offset_ms: (offset * 1000.0).round() as i64,
        round_trip_ms: (round_trip * 1000.0).round() as u64,
        wrong: offset.abs() > TOLERANCE_SECS,
        system: System::current(),
    })
}

/// A time server for tests: answers SNTP requests on 127.0.0.1 with its clock `offset`
/// seconds from this one's, until dropped. For the CLI's and the app's tests too (feature
/// `test-support`); it binds loopback only.
#[cfg(any(test, feature = "test-support"))]
pub mod test_server {
    use std::net::UdpSocket;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    /// Seconds from 1900 (NTP's epoch) to 1970.
    const NTP_UNIX: f64 = 2_208_988_800.0;

    pub struct TimeServer {
        pub port: u16,
        stop: Arc<AtomicBool>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    fn ntp(at: f64) -> [u8; 8] {
        let t = at + NTP_UNIX;
        let secs = t.floor() as u32;
        let frac = ((t - t.floor()) * 4_294_967_296.0) as u32;
        let mut out = [0u8; 8];
        out[..4].copy_from_slice(&secs.to_be_bytes());
        out[4..].copy_from_slice(&frac.to_be_bytes());
        out
    }

    fn now() -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }

    impl TimeServer {
        pub fn start(offset: f64) -> std::io::Result<TimeServer> {
            let socket = UdpSocket::bind("127.0.0.1:0")?;
            socket.set_read_timeout(Some(Duration::from_millis(100)))?;
            let port = socket.local_addr()?.port();
            let stop = Arc::new(AtomicBool::new(false));
            let flag = stop.clone();
            let thread = std::thread::spawn(move || {
                let mut buf = [0u8; 512];
                while !flag.load(Ordering::Relaxed) {
                    let Ok((n, from)) = socket.recv_from(&mut buf) else {
                        continue;
                    };
                    if n < 48 {
                        continue;
                    }
                    let mut reply = [0u8; 48];
                    reply[0] = 0b00_100_100; // no leap warning, version 4, server
                    reply[1] = 2; // stratum
                    reply[2] = 6;
                    reply[3] = 0xEC; // precision
                    reply[12..16].copy_from_slice(b"LOCL");
                    let t = now() + offset;
                    reply[16..24].copy_from_slice(&ntp(t - 10.0)); // reference
                    reply[24..32].copy_from_slice(&buf[40..48]); // originate = their transmit
                    reply[32..40].copy_from_slice(&ntp(t)); // receive
                    reply[40..48].copy_from_slice(&ntp(now() + offset)); // transmit
                    let _ = socket.send_to(&reply, from);
                }
            });
            Ok(TimeServer {
                port,
                stop,
                thread: Some(thread),
            })
        }

        pub fn address(&self) -> String {
            format!("127.0.0.1:{}", self.port)
        }
    }

    impl Drop for TimeServer {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::Relaxed);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_server::TimeServer;
    use super::*;

    #[test]
    fn measures_the_offset_a_server_answers_with() {
        for offset in [0.0, 42.5, -120.0] {
            let server = TimeServer::start(offset).unwrap();
            let c = check(&server.address(), TIMEOUT).unwrap();
            let got = c.offset_ms as f64 / 1000.0;
            assert!((got - offset).abs() < 0.5, "{offset}: {got}");
            assert_eq!(c.wrong, offset.abs() > TOLERANCE_SECS);
            if c.wrong {
                assert!(
                    c.describe().contains("Turn on automatic time"),
                    "{}",
                    c.describe()
                );
            } else {
                assert!(c.describe().contains("right time"), "{}", c.describe());
            }
        }
    }

    #[test]
    fn a_server_that_does_not_answer_is_unreachable_and_says_so() {
        // A port nobody answers on (bound, then left silent).
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let address = format!("127.0.0.1:{}", silent.local_addr().unwrap().port());
        let e = check(&address, Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, ClockError::Unreachable { .. }), "{e}");
        assert!(e.to_string().contains("could not reach the time server"));
    }

    #[test]
    fn server_names_are_checked_before_anything_is_sent() {
        for ok in [
            "pool.ntp.org",
            "time.example.org:123",
            "127.0.0.1:5000",
            "[::1]:123",
            "::1",
        ] {
            assert!(valid_server(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "  ",
            "http://pool.ntp.org",
            "pool.ntp.org:99999",
            "a b",
            "host:port",
        ] {
            assert!(
                matches!(valid_server(bad), Err(ClockError::InvalidServer(_))),
                "{bad}"
            );
        }
    }
}
