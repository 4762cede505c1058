//! When may a cached response be served? Every response cached under a generation number is
//! good exactly as long as that generation is current. The generation moves on
//! - at once, when this process commits a write;
//! - within one poll interval, when another process (or anyone with psql) commits one: a
//!   watcher thread hears PostgreSQL's `colophon_changes` notifications or sees SQLite's
//!   `data_version` move;
//! - when the next scheduled post goes live (read from the injected clock on every lookup).
//!
//! While the watcher cannot see the database, nothing is served from the cache.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use colophon_domain::Timestamp;
use colophon_store::{ChangeListener, DatabaseTarget};

use crate::Clock;

const POLL: Duration = Duration::from_millis(5);
const RECONNECT: Duration = Duration::from_millis(250);
const NO_PUBLICATION: i64 = i64::MAX;

pub(crate) struct Freshness {
    enabled: bool,
    generation: AtomicU64,
    /// The generation `next_publication` was computed for; any other means unknown.
    computed_for: AtomicU64,
    /// Microseconds of the next scheduled publication, or `NO_PUBLICATION`.
    next_publication: AtomicI64,
    watching: AtomicBool,
    stopped: AtomicBool,
}

fn micros(ts: Timestamp) -> i64 {
    ts.and_utc().timestamp_micros()
}

impl Freshness {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            generation: AtomicU64::new(0),
            computed_for: AtomicU64::new(u64::MAX),
            next_publication: AtomicI64::new(NO_PUBLICATION),
            watching: AtomicBool::new(false),
            stopped: AtomicBool::new(!enabled),
        }
    }

    pub fn disabled() -> Arc<Self> {
        Arc::new(Self::new(false))
    }

    /// Starts the watcher thread; it ends when [`Freshness::stop`] is called.
    pub fn watch(target: DatabaseTarget, clock: Arc<dyn Clock>) -> Arc<Self> {
        let freshness = Arc::new(Self::new(true));
        let watched = freshness.clone();
        std::thread::Builder::new()
            .name("colophon-changes".into())
            .spawn(move || watched.run(&target, clock.as_ref()))
            .expect("spawn the change watcher");
        freshness
    }

    fn run(&self, target: &DatabaseTarget, clock: &dyn Clock) {
        while !self.stopped.load(Ordering::Relaxed) {
            let mut listener = match ChangeListener::open(target) {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "cache invalidation cannot reach the database; caching paused");
                    std::thread::sleep(RECONNECT);
                    continue;
                }
            };
            // Whatever happened while we were not listening: start a new generation.
            self.generation.fetch_add(1, Ordering::AcqRel);
            loop {
                if self.stopped.load(Ordering::Relaxed) {
                    return;
                }
                if let Err(error) = self.tick(&mut listener, clock) {
                    self.watching.store(false, Ordering::Release);
                    tracing::warn!(%error, "cache invalidation lost the database; caching paused");
                    break;
                }
                self.watching.store(true, Ordering::Release);
                std::thread::sleep(POLL);
            }
        }
    }

    fn tick(&self, listener: &mut ChangeListener, clock: &dyn Clock) -> colophon_store::StoreResult<()> {
        if listener.changed()? {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        let generation = self.generation.load(Ordering::Acquire);
        if self.computed_for.load(Ordering::Acquire) != generation {
            let next = listener.next_publication(clock.now())?.map_or(NO_PUBLICATION, micros);
            self.next_publication.store(next, Ordering::Release);
            self.computed_for.store(generation, Ordering::Release);
        }
        Ok(())
    }

    /// The generation a response computed now may be cached under, or `None` when nothing
    /// may be cached or served from the cache right now.
    pub fn epoch(&self, now: Timestamp) -> Option<u64> {
        if !self.enabled || !self.watching.load(Ordering::Acquire) {
            return None;
        }
        let generation = self.generation.load(Ordering::Acquire);
        if self.computed_for.load(Ordering::Acquire) != generation {
            return None;
        }
        if micros(now) >= self.next_publication.load(Ordering::Acquire) {
            // A scheduled post just went live: everything cached before shows the old world.
            self.generation.fetch_add(1, Ordering::AcqRel);
            return None;
        }
        Some(generation)
    }

    /// Called after this process commits a write.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }
}
