//! What a cacheable request read: the keys of everything it showed, so that its answer is
//! dropped when any of them changes.

use std::sync::Arc;

use super::Colophon;
use crate::cache_keys::{CacheKey, Shows};
use crate::freshness::Stamp;
use crate::{ServiceError, ServiceResult};

/// The record of one cacheable request's reads: when they began, and the keys of what they showed.
#[derive(Debug)]
pub struct Reads {
    stamp: Stamp,
    keys: std::sync::Mutex<Vec<CacheKey>>,
}

impl Reads {
    /// The stamp and the slots of every key shown, or `None` when nothing was recorded (an
    /// answer that names nothing it shows cannot be invalidated, so it is not cached).
    pub fn finish(&self) -> Option<(Stamp, Vec<u32>)> {
        let keys = self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if keys.is_empty() {
            return None;
        }
        let mut slots: Vec<u32> = keys.iter().map(CacheKey::slot).collect();
        slots.sort_unstable();
        slots.dedup();
        Some((self.stamp, slots))
    }

    /// The keys recorded so far, as text (for `Surrogate-Key` and tests).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(ToString::to_string)
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

impl Colophon {
    /// A handle on the service for one anonymous request whose answer may be cached: the same
    /// service, recording the keys of everything it reads. `None` when nothing may be cached or
    /// served from the cache now (caching off or paused, a scheduled post just went live).
    pub fn recording(&self) -> Option<(Colophon, Arc<Reads>)> {
        let stamp = self.inner.freshness.begin(self.now())?;
        let reads = Arc::new(Reads { stamp, keys: Default::default() });
        Some((Self { inner: self.inner.clone(), reads: Some(reads.clone()) }, reads))
    }

    /// Whether an answer stamped `stamp` that showed the keys in `slots` may still be served.
    /// Call [`Colophon::recording`] first: it also says whether the cache may be used at all now.
    pub fn is_fresh(&self, stamp: Stamp, slots: &[u32]) -> bool {
        self.inner.freshness.is_fresh(stamp, slots)
    }

    /// Records what a read showed, when this handle records.
    pub(crate) fn saw<T: Shows + ?Sized>(&self, shown: &T) {
        if let Some(reads) = &self.reads {
            let mut keys = reads.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            shown.shows(&mut keys);
        }
    }

    /// Records what a lookup found, or, when it found nothing, the key whose change could make
    /// it find something (a GraphQL `null` is an answer that may be cached too).
    pub(crate) fn saw_found<T: Shows>(&self, found: ServiceResult<T>, missing: CacheKey) -> ServiceResult<T> {
        match &found {
            Ok(value) => self.saw(value),
            Err(ServiceError::NotFound(_)) => self.saw_key(missing),
            Err(_) => {}
        }
        found
    }

    /// Records one key a read depended on (a list's membership, a lookup that found nothing).
    pub(crate) fn saw_key(&self, key: CacheKey) {
        if let Some(reads) = &self.reads {
            reads.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(key);
        }
    }

    /// Drops every cached response (after a write that did not go through the service).
    pub fn invalidate_cache(&self) {
        self.distrust_replicas();
        self.inner.freshness.invalidate_all();
    }

    /// Something may have changed at an unknown WAL position: no replica serves until the
    /// primary's position has been read again (before the cache drops anything, see `replicas`).
    pub(super) fn distrust_replicas(&self) {
        if let Some(replicas) = &self.inner.replicas {
            replicas.require_unknown();
        }
    }
}
