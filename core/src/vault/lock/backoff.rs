//! Growing delays after wrong passwords, never a wipe.
//!
//! A person who mistypes gets three free tries; from then on each next try waits twice as
//! long as the one before (1 s, 2 s, 4 s … up to 5 minutes). The count is kept in `vault.json`,
//! so the CLI and the app share it and a restart does not reset it. Someone who can write
//! that file can reset it, but they can also copy the file and guess offline: the delay is
//! against guessing at the desk; Argon2id is against guessing offline.

/// Wrong attempts allowed before any delay.
pub const FREE_ATTEMPTS: u32 = 3;
/// The longest wait.
pub const MAX_DELAY_SECONDS: u64 = 300;

/// The delay owed after `failures` wrong attempts.
pub fn delay(failures: u32) -> u64 {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(16);
    (1u64 << doublings).min(MAX_DELAY_SECONDS)
}

/// Seconds left to wait at `now`, or `None` if an attempt may be made. A last failure in the
/// future (a clock set back) counts from now, so it cannot lock the person out for long.
pub fn wait(failures: u32, last_failure: Option<u64>, now: u64) -> Option<u64> {
    let last = last_failure?.min(now);
    let until = last.saturating_add(delay(failures));
    (until > now).then(|| until - now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let delays: Vec<u64> = (0..14).map(delay).collect();
        assert_eq!(
            delays,
            [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
        );
        assert_eq!(delay(u32::MAX), 300);
        assert_eq!(wait(2, Some(100), 100), None);
        assert_eq!(wait(5, Some(100), 101), Some(3));
        assert_eq!(wait(5, Some(100), 104), None);
        // A last failure "in the future" waits from now, no longer.
        assert_eq!(wait(5, Some(u64::MAX), 1000), Some(4));
        assert_eq!(wait(9, None, 1000), None);
    }
}
