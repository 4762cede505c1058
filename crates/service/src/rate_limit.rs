//! Fixed-window rate limits, read from the injected clock (so tests move time instead of
//! sleeping). On PostgreSQL they are kept in the database (an unlogged table, one atomic upsert
//! per event), so that a limit holds across every server process; a SQLite site is one process
//! and counts in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use colophon_domain::Timestamp;
use colophon_store as store;

use crate::{Colophon, ServiceError, ServiceResult};

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

impl Colophon {
    /// Counts one event for `key`; 429 when the limit is reached (the refused event counts too
    /// when the count is shared: it was an attempt).
    pub(crate) async fn limit_check(&self, key: String, limit: Limit, now: Timestamp) -> ServiceResult<()> {
        let key = stored_key(&key);
        let refused = if self.shares_limits() {
            let window_secs = limit.window_secs;
            let (count, start) =
                self.db_primary(move |conn, _| Ok(store::count_rate_event(conn, &key, window_secs, now)?)).await?;
            (count > limit.max).then(|| seconds_left(start, limit.window_secs, now))
        } else {
            self.limiter().check(&key, limit, now).err()
        };
        match refused {
            Some(retry_after_secs) => {
                self.metrics().rate_limited();
                Err(ServiceError::RateLimited { retry_after_secs })
            }
            None => Ok(()),
        }
    }

    /// How many events `key` has in its current window (counting none), and the seconds until
    /// that window ends.
    pub(crate) async fn limit_count(&self, key: String, window_secs: i64, now: Timestamp) -> ServiceResult<(u32, u64)> {
        let key = stored_key(&key);
        if !self.shares_limits() {
            return Ok(self.limiter().count(&key, window_secs, now));
        }
        let window = self.db_primary(move |conn, _| Ok(store::rate_window(conn, &key, window_secs, now)?)).await?;
        Ok(window.map_or((0, 0), |(count, start)| (count, seconds_left(start, window_secs, now))))
    }

    /// Counts one event for `key` without refusing anything.
    pub(crate) async fn limit_record(&self, key: String, window_secs: i64, now: Timestamp) -> ServiceResult<()> {
        let key = stored_key(&key);
        if self.shares_limits() {
            self.db_primary(move |conn, _| Ok(store::count_rate_event(conn, &key, window_secs, now)?)).await?;
        } else {
            self.limiter().record(&key, window_secs, now);
        }
        Ok(())
    }

    /// Forgets `key`'s window.
    pub(crate) async fn limit_clear(&self, key: String) -> ServiceResult<()> {
        let key = stored_key(&key);
        if self.shares_limits() {
            self.db_primary(move |conn, _| Ok(store::clear_rate_window(conn, &key)?)).await
        } else {
            self.limiter().clear(&key);
            Ok(())
        }
    }

    /// Drops shared windows older than a day (every limit's window is shorter); any process may,
    /// and doing it twice drops nothing more.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn prune_rate_windows(&self) -> ServiceResult<usize> {
        if !self.shares_limits() {
            return Ok(0);
        }
        self.db_primary(|conn, now| Ok(store::prune_rate_windows(conn, now - chrono::Duration::days(1))?)).await
    }

    /// Whether limits are counted in the database, for every process at once.
    fn shares_limits(&self) -> bool {
        self.database().is_postgres()
    }
}

/// A key as it is counted under: its SHA-256, so that a key built from what a client sent (an
/// e-mail address of any length) costs a fixed 64 characters, in memory or in the table.
fn stored_key(key: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(key.as_bytes()))
}

/// Seconds until a window that started at `start` ends (at least 1).
fn seconds_left(start: Timestamp, window_secs: i64, now: Timestamp) -> u64 {
    (start + chrono::Duration::seconds(window_secs) - now).num_seconds().max(1).unsigned_abs()
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
