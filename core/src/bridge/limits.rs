//! How many codes the bridge gives: a few a minute per site, a few dozen an hour in all. A
//! person fills one code per login; an extension that asks more often (a bug, or one that was
//! taken over) is slowed to what a person does, and said so.

use std::collections::{HashMap, VecDeque};

/// Codes a minute for one site.
pub const PER_SITE_MINUTE: usize = 5;
/// Codes an hour, all sites together.
pub const PER_HOUR: usize = 30;

/// The codes given lately, by site; time is passed in (milliseconds), so tests need no clock.
#[derive(Debug, Default)]
pub struct Limiter {
    by_site: HashMap<String, VecDeque<u64>>,
    all: VecDeque<u64>,
}

impl Limiter {
    /// Takes one code for `site` at `now_ms`, or says in how many seconds one can be had.
    pub fn take(&mut self, site: &str, now_ms: u64) -> Result<(), u64> {
        const MINUTE: u64 = 60_000;
        const HOUR: u64 = 3_600_000;
        let forget = |q: &mut VecDeque<u64>, window: u64| {
            while q
                .front()
                .is_some_and(|t| now_ms.saturating_sub(*t) >= window)
            {
                q.pop_front();
            }
        };
        forget(&mut self.all, HOUR);
        let site_q = self.by_site.entry(site.to_owned()).or_default();
        forget(site_q, MINUTE);
        let wait = |q: &VecDeque<u64>, window: u64| {
            q.front()
                .map_or(0, |t| (t + window).saturating_sub(now_ms).div_ceil(1000))
        };
        if site_q.len() >= PER_SITE_MINUTE {
            return Err(wait(site_q, MINUTE));
        }
        if self.all.len() >= PER_HOUR {
            return Err(wait(&self.all, HOUR));
        }
        site_q.push_back(now_ms);
        self.all.push_back(now_ms);
        self.by_site.retain(|_, q| !q.is_empty());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_a_minute_per_site_then_a_wait_that_says_how_long() {
        let mut l = Limiter::default();
        for i in 0..5 {
            l.take("github.com", 1_000 + i * 1_000).unwrap();
        }
        assert_eq!(l.take("github.com", 10_000), Err(51));
        // Another site is not slowed by this one.
        l.take("x.com", 10_000).unwrap();
        // A minute after the first, one more.
        l.take("github.com", 61_000).unwrap();
        assert!(l.take("github.com", 61_500).is_err());
    }

    #[test]
    fn thirty_an_hour_in_all() {
        let mut l = Limiter::default();
        for i in 0..30u64 {
            l.take(&format!("site{i}.com"), i * 60_000).unwrap();
        }
        let wait = l.take("another.com", 30 * 60_000).unwrap_err();
        assert_eq!(wait, 30 * 60);
        l.take("another.com", 3_600_000).unwrap();
    }
}
