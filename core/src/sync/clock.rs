//! Version stamps: a hybrid logical clock (wall-clock milliseconds and a counter) plus the id
//! of the device that made the change.
//!
//! Wall-clock time alone would let a device whose clock runs slow lose every edit it makes
//! after seeing a newer one; a plain counter would order edits made hours apart on two
//! devices by chance. The hybrid clock is never behind anything this device has seen, and
//! otherwise follows the wall clock, so "newest" means what a person expects. Ties cannot
//! happen: two devices never share an id.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// When a version was made and by which device. Ordered by (time, counter, device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// Unix milliseconds (or later, when another device's clock was ahead).
    pub ms: u64,
    /// Orders changes within one millisecond.
    pub n: u32,
    pub device: Uuid,
}

impl Stamp {
    /// Older than every real stamp.
    pub const ZERO: Stamp = Stamp {
        ms: 0,
        n: 0,
        device: Uuid::nil(),
    };
}

/// This device's clock: the newest (time, counter) it has issued or seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Hlc {
    pub ms: u64,
    pub n: u32,
}

impl Hlc {
    /// Moves the clock past a stamp seen in another device's file.
    pub fn observe(&mut self, seen: &Stamp) {
        if (seen.ms, seen.n) > (self.ms, self.n) {
            self.ms = seen.ms;
            self.n = seen.n;
        }
    }

    /// A new stamp for a change made now on `device`: later than everything issued or seen.
    pub fn tick(&mut self, now_ms: u64, device: Uuid) -> Stamp {
        if now_ms > self.ms {
            self.ms = now_ms;
            self.n = 0;
        } else {
            self.n = self.n.saturating_add(1);
            if self.n == u32::MAX && self.ms < u64::MAX {
                // Four billion changes in one millisecond: move to the next one. Never past
                // the end: a wrap to 0 would make every later change here lose (stamps that far
                // ahead are refused when read, see `sync::read_files`).
                self.ms += 1;
                self.n = 0;
            }
        }
        Stamp {
            ms: self.ms,
            n: self.n,
            device,
        }
    }
}

/// The wall clock in Unix milliseconds.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_is_after_everything_seen_even_with_a_slow_wall_clock() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let mut clock = Hlc::default();
        let first = clock.tick(1_000, a);
        let seen = Stamp {
            ms: 5_000,
            n: 3,
            device: b,
        };
        clock.observe(&seen);
        // This device's wall clock says 2 000 ms: its next change is still after the one seen.
        let next = clock.tick(2_000, a);
        assert!(next > seen && seen > first);
        assert_eq!((next.ms, next.n), (5_000, 4));
        // Once the wall clock passes, it is followed again.
        assert_eq!(clock.tick(9_000, a).ms, 9_000);
        // Equal times are ordered by the device.
        let mut other = Hlc::default();
        assert!(
            other.tick(9_000, b)
                > Stamp {
                    ms: 9_000,
                    n: 0,
                    device: a
                }
        );
    }

    #[test]
    fn the_clock_never_wraps_at_its_end() {
        let mut clock = Hlc::default();
        clock.observe(&Stamp {
            ms: u64::MAX,
            n: u32::MAX - 1,
            device: Uuid::from_u128(9),
        });
        let s = clock.tick(1_000, Uuid::from_u128(1));
        assert_eq!(s.ms, u64::MAX, "no wrap to 0");
        let again = clock.tick(1_000, Uuid::from_u128(1));
        assert!(again.ms == u64::MAX && again.n == u32::MAX);
    }
}
