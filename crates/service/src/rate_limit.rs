//! Fixed-window rate limits kept in memory, read from the injected clock (so tests move time
//! instead of sleeping). Per process: behind several servers each counts on its own.

use std::collections::HashMap;
use std::sync::Mutex;

use colophon_domain::Timestamp;

/// At most `max` events per `window_secs` seconds per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Events allowed in one window.
    pub max: u32,
    /// The window's length, in seconds.
    pub window_secs: i64,
}

impl Limit {
    /// `max` events a minute.
    pub const fn per_minute(max: u32) -> Self {
        Self { max, window_secs: 60 }
    }
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Timestamp, u32)>>,
}

/// Above this many keys, expired windows are swept on the next check.
const SWEEP_AT: usize = 10_000;

impl RateLimiter {
    /// Counts one event for `key`; `Err(seconds)` when the limit is reached, with the time
    /// until the window ends.
    pub fn check(&self, key: &str, limit: Limit, now: Timestamp) -> Result<(), u64> {
        let window = chrono::Duration::seconds(limit.window_secs);
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| *start + window > now);
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if entry.0 + window <= now {
            *entry = (now, 0);
        }
        if entry.1 >= limit.max {
            let left = (entry.0 + window - now).num_seconds().max(1);
            return Err(left as u64);
        }
        entry.1 += 1;
        Ok(())
    }

    /// How many events `key` has in its current window (without counting one), and the seconds
    /// until that window ends.
    pub fn count(&self, key: &str, window_secs: i64, now: Timestamp) -> (u32, u64) {
        let window = chrono::Duration::seconds(window_secs);
        let windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match windows.get(key) {
            Some((start, count)) if *start + window > now => {
                (*count, (*start + window - now).num_seconds().max(1) as u64)
            }
            _ => (0, 0),
        }
    }

    /// Counts one event for `key` without refusing anything.
    pub fn record(&self, key: &str, window_secs: i64, now: Timestamp) {
        let window = chrono::Duration::seconds(window_secs);
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| *start + window > now);
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if entry.0 + window <= now {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    /// Forgets `key`'s window.
    pub fn clear(&self, key: &str) {
        self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_until_the_window_ends() {
        let limiter = RateLimiter::default();
        let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let limit = Limit::per_minute(2);
        assert!(limiter.check("a", limit, start).is_ok());
        assert!(limiter.check("a", limit, start).is_ok());
        assert_eq!(limiter.check("a", limit, start + chrono::Duration::seconds(20)), Err(40));
        assert!(limiter.check("b", limit, start).is_ok(), "keys are independent");
        assert!(limiter.check("a", limit, start + chrono::Duration::seconds(60)).is_ok(), "a new window");
    }
}
