//! The one way these tests wait for something outside them (a window, the clipboard, the page,
//! another computer's file): ask again every 100 ms until the answer comes or the time is up,
//! then fail with what was waited for and what was seen last.

use std::time::{Duration, Instant};

use crate::Result;

/// How long a test waits for what a person would see at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// One look: what was waited for, or what is there instead (for the error, "" if nothing
/// useful).
pub enum Look<T> {
    Done(T),
    Not(String),
}

impl<T> Look<T> {
    /// `Done(value)` if `value` is there.
    pub fn of(value: Option<T>) -> Look<T> {
        value.map_or(Look::Not(String::new()), Look::Done)
    }
}

impl Look<()> {
    /// `Done` if `ok`.
    pub fn when(ok: bool) -> Look<()> {
        if ok {
            Look::Done(())
        } else {
            Look::Not(String::new())
        }
    }
}

/// Looks with `look` until it is done (its value is returned) or `timeout` has passed (then
/// the error names `what` and the last look). An error from `look` ends the wait at once.
pub async fn until<T>(
    what: &str,
    timeout: Duration,
    mut look: impl AsyncFnMut() -> Result<Look<T>>,
) -> Result<T> {
    let start = Instant::now();
    loop {
        let seen = match look().await? {
            Look::Done(value) => return Ok(value),
            Look::Not(seen) => seen,
        };
        if start.elapsed() > timeout {
            let seen = if seen.is_empty() {
                String::new()
            } else {
                format!("; seen: {seen}")
            };
            return Err(format!("{what}: not within {timeout:?}{seen}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
