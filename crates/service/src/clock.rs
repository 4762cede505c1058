use std::sync::Mutex;

use colophon_domain::{Timestamp, truncate_to_micros};

/// Where "now" comes from. Injected so that tests move time instead of sleeping.
pub trait Clock: Send + Sync + 'static {
    /// The current time, UTC, to the microsecond.
    fn now(&self) -> Timestamp;
}

/// The real time, read from the operating system.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        truncate_to_micros(chrono::Utc::now().naive_utc())
    }
}

/// A clock that stands still until moved: for tests of scheduling and expiry.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Timestamp) -> Self {
        Self(Mutex::new(truncate_to_micros(start)))
    }

    /// Moves the clock to `to`, backwards if need be.
    pub fn set(&self, to: Timestamp) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = truncate_to_micros(to);
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
