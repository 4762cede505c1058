//! When may a cached response be served? A response is stamped when its read begins, with the
//! sequence number of invalidations so far, and it records the cache keys of what it shows. It is
//! fresh while none of its keys has been invalidated after its stamp. Keys are invalidated
//! - at once, when this process commits a write (with the keys that write changed);
//! - within one poll interval, when another process commits one: a watcher thread hears
//!   PostgreSQL's `colophon_changes` notifications or reads SQLite's announcements;
//!
//! and everything is dropped (a new epoch) when something changed that no announcement describes:
//! a write behind Colophon's back, a watcher that lost the database or stalled (it may have missed
//! announcements), or a scheduled post going live (read from the injected clock on every lookup).
//! While the watcher cannot see the database, nothing is served from the cache.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use colophon_domain::Timestamp;
use colophon_store::{ChangeListener, DatabaseTarget};

use crate::Clock;
use crate::cache_keys::{CacheKey, SLOTS};

const POLL: Duration = Duration::from_millis(5);
const RECONNECT: Duration = Duration::from_millis(250);
const PRUNE_EVERY: Duration = Duration::from_secs(60);
const NO_PUBLICATION: i64 = i64::MAX;

/// When a read began, as far as the cache is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    sequence: u64,
    epoch: u64,
}

pub(crate) struct Freshness {
    enabled: bool,
    /// This process, in announcements (its own are applied at commit, not again when heard).
    origin: u64,
    /// Counts invalidations; a read's stamp holds its value when the read began.
    sequence: AtomicU64,
    /// Per slot: the sequence number of the latest invalidation of a key in that slot.
    slots: Box<[AtomicU64]>,
    /// Moves when everything must go.
    epoch: AtomicU64,
    /// Moves when the schedule of publications may have changed.
    schedule: AtomicU64,
    /// The schedule version `next_publication` was computed for; any other means unknown.
    computed_for: AtomicU64,
    /// Microseconds of the next scheduled publication, or `NO_PUBLICATION`.
    next_publication: AtomicI64,
    watching: AtomicBool,
    stopped: AtomicBool,
    metrics: Option<Arc<crate::Metrics>>,
    replicas: Option<Arc<crate::replicas::Replicas>>,
}

fn micros(ts: Timestamp) -> i64 {
    ts.and_utc().timestamp_micros()
}

impl Freshness {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            origin: rand::random::<u64>() >> 1,
            sequence: AtomicU64::new(0),
            slots: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
            epoch: AtomicU64::new(0),
            schedule: AtomicU64::new(0),
            computed_for: AtomicU64::new(u64::MAX),
            next_publication: AtomicI64::new(NO_PUBLICATION),
            watching: AtomicBool::new(false),
            stopped: AtomicBool::new(!enabled),
            metrics: None,
            replicas: None,
        }
    }

    pub fn disabled() -> Arc<Self> {
        Arc::new(Self::new(false))
    }

    /// Starts the watcher thread; it ends when [`Freshness::stop`] is called.
    #[allow(clippy::expect_used, reason = "at start-up: a process that cannot start a thread cannot serve")]
    pub fn watch(
        target: DatabaseTarget,
        clock: Arc<dyn Clock>,
        metrics: Arc<crate::Metrics>,
        replicas: Option<Arc<crate::replicas::Replicas>>,
    ) -> Arc<Self> {
        let freshness = Arc::new(Self { metrics: Some(metrics), replicas, ..Self::new(true) });
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
            // Whatever happened while we were not listening: start a new epoch, after replicas
            // have been told to reach the primary's position now (past all of it).
            if let Some(replicas) = &self.replicas {
                match listener.current_wal_lsn() {
                    Ok(Some(lsn)) => replicas.require(lsn),
                    _ => replicas.require_unknown(),
                }
            }
            self.invalidate_all();
            let mut last_poll = Instant::now();
            let mut last_prune = Instant::now();
            loop {
                if self.stopped.load(Ordering::Relaxed) {
                    return;
                }
                if last_poll.elapsed() > Duration::from_secs(colophon_store::ANNOUNCEMENTS_KEPT_SECONDS as u64 / 2) {
                    // Stalled long enough to have missed pruned announcements.
                    self.invalidate_all();
                }
                if let Err(error) = self.tick(&mut listener, clock) {
                    self.watching.store(false, Ordering::Release);
                    tracing::warn!(%error, "cache invalidation lost the database; caching paused");
                    break;
                }
                last_poll = Instant::now();
                if last_prune.elapsed() > PRUNE_EVERY {
                    last_prune = Instant::now();
                    if let Err(error) = listener.prune(clock.now()) {
                        tracing::debug!(%error, "pruning old cache announcements failed; retried later");
                    }
                }
                self.watching.store(true, Ordering::Release);
                std::thread::sleep(POLL);
            }
        }
    }

    fn tick(&self, listener: &mut ChangeListener, clock: &dyn Clock) -> colophon_store::StoreResult<()> {
        let heard = listener.poll()?;
        if let Some(replicas) = &self.replicas {
            if heard.everything || !heard.announcements.is_empty() {
                // The primary's position now is past every change just heard of: replicas must
                // reach it before they serve reads again, and that is set before the cached
                // answers go (see `replicas`).
                match listener.current_wal_lsn() {
                    Ok(Some(lsn)) => replicas.require(lsn),
                    _ => replicas.require_unknown(),
                }
            }
        }
        if heard.everything {
            self.invalidate_all();
        }
        for announcement in &heard.announcements {
            self.hear(announcement);
        }
        let schedule = self.schedule.load(Ordering::Acquire);
        if self.computed_for.load(Ordering::Acquire) != schedule {
            let next = listener.next_publication(clock.now())?.map_or(NO_PUBLICATION, micros);
            self.next_publication.store(next, Ordering::Release);
            self.computed_for.store(schedule, Ordering::Release);
        }
        Ok(())
    }

    /// Applies another process's announcement: `origin key key …`, or `*` for everything.
    fn hear(&self, announcement: &str) {
        let mut words = announcement.split(' ');
        let Some(origin) = words.next() else { return };
        if origin == "*" {
            self.invalidate_all();
            return;
        }
        if origin.parse::<u64>().ok() == Some(self.origin) {
            return;
        }
        let mut keys = Vec::new();
        for word in words {
            if word == "*" {
                self.invalidate_all();
                return;
            }
            match word.parse::<CacheKey>() {
                Ok(key) => keys.push(key),
                Err(()) => {
                    tracing::warn!(word, "unknown cache key announced; dropping every cached response");
                    self.invalidate_all();
                    return;
                }
            }
        }
        self.count(&keys, "remote");
        self.invalidate(&keys);
    }

    /// Counts invalidated keys by kind for `/metrics`.
    pub fn count(&self, keys: &[CacheKey], origin: &str) {
        if let Some(metrics) = &self.metrics {
            for key in keys {
                metrics.invalidations.with_label_values(&[key.kind(), origin]).inc();
            }
        }
    }

    /// What this process announces for a write that changed `keys` (empty: nothing readers see).
    pub fn announcement(&self, keys: &[CacheKey]) -> String {
        if keys.is_empty() {
            return String::new();
        }
        let mut text = self.origin.to_string();
        for key in keys {
            text.push(' ');
            text.push_str(&key.to_string());
        }
        text
    }

    /// What this process announces for a write no key describes.
    pub fn announcement_of_everything(&self) -> String {
        format!("{} *", self.origin)
    }

    /// The stamp of a read that begins now, or `None` when nothing may be cached or served from
    /// the cache right now.
    pub fn begin(&self, now: Timestamp) -> Option<Stamp> {
        if !self.enabled || !self.watching.load(Ordering::Acquire) {
            return None;
        }
        let stamp =
            Stamp { sequence: self.sequence.load(Ordering::Acquire), epoch: self.epoch.load(Ordering::Acquire) };
        if self.computed_for.load(Ordering::Acquire) != self.schedule.load(Ordering::Acquire) {
            return None;
        }
        if micros(now) >= self.next_publication.load(Ordering::Acquire) {
            // A scheduled post just went live: everything cached before shows the old world.
            self.invalidate_all();
            return None;
        }
        Some(stamp)
    }

    /// Whether a response stamped `stamp` that shows the keys in `slots` is still true.
    pub fn is_fresh(&self, stamp: Stamp, slots: &[u32]) -> bool {
        self.epoch.load(Ordering::Acquire) == stamp.epoch
            && slots.iter().all(|&slot| self.slots[slot as usize].load(Ordering::Acquire) <= stamp.sequence)
    }

    /// Called after a write that changed `keys` committed.
    pub fn invalidate(&self, keys: &[CacheKey]) {
        if keys.is_empty() {
            return;
        }
        let sequence = self.sequence.fetch_add(1, Ordering::AcqRel) + 1;
        for key in keys {
            self.slots[key.slot() as usize].fetch_max(sequence, Ordering::AcqRel);
        }
        if keys.iter().any(|k| matches!(k, CacheKey::Posts)) {
            self.schedule.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Drops every cached response.
    pub fn invalidate_all(&self) {
        if let Some(metrics) = &self.metrics {
            metrics.invalidations_all.inc();
        }
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.schedule.fetch_add(1, Ordering::AcqRel);
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use colophon_domain::PostId;

    fn open() -> Freshness {
        let freshness = Freshness::new(true);
        freshness.watching.store(true, Ordering::Release);
        freshness.computed_for.store(0, Ordering::Release);
        freshness
    }

    fn now() -> Timestamp {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
    }

    #[test]
    fn only_the_keys_a_write_changed_go_stale() {
        let f = open();
        let stamp = f.begin(now()).unwrap();
        let (post, other) = (CacheKey::Post(PostId(1)), CacheKey::Post(PostId(2)));
        f.invalidate(std::slice::from_ref(&post));
        assert!(!f.is_fresh(stamp, &[post.slot()]));
        assert!(f.is_fresh(stamp, &[other.slot()]));
        // A read that began after the write is fresh.
        let later = f.begin(now()).unwrap();
        assert!(f.is_fresh(later, &[post.slot(), other.slot()]));
        f.invalidate_all();
        assert!(!f.is_fresh(later, &[other.slot()]));
    }

    #[test]
    fn announcements_of_others_apply_and_our_own_are_skipped() {
        let f = open();
        let stamp = f.begin(now()).unwrap();
        let key = CacheKey::Comments(PostId(9));
        f.hear(&f.announcement(std::slice::from_ref(&key)));
        assert!(f.is_fresh(stamp, &[key.slot()]), "our own announcement was applied at commit");
        f.hear(&format!("12345 {key}"));
        assert!(!f.is_fresh(stamp, &[key.slot()]));
        let stamp = f.begin(now()).unwrap();
        f.hear("777 not-a-key");
        assert!(!f.is_fresh(stamp, &[CacheKey::Authors.slot()]), "an unknown key drops everything");
        assert_eq!(f.announcement(&[]), "");
    }
}
