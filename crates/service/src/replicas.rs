//! Streaming read replicas: anonymous reads (those the response cache may keep) go to a replica
//! that has replayed every change this process has heard of; everything else, and every read
//! when no replica is there yet, goes to the primary.
//!
//! "Heard of" is a WAL position: after each write of its own commits, and whenever a change
//! notification arrives from another process, the process reads the primary's current WAL
//! position (`pg_current_wal_lsn()`, at or past the commit) *before* it drops the cached answers
//! the change made stale. A read may use a replica only once that replica's
//! `pg_last_wal_replay_lsn()` is at or past it, so no answer cached under a fresh stamp can hold
//! bytes older than a change already applied to the cache.
//!
//! A monitor thread probes each replica's replay position and lag; a replica that cannot be
//! reached, is no replica, or lags more than the bound leaves the rotation until a probe finds
//! it well again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use colophon_store::{self as store, DatabaseTarget, DbConnection, Pool, PoolSettings, PooledConnection};

use crate::Metrics;

/// Where the replicas are and how much they may lag.
#[derive(Debug, Clone)]
pub struct ReplicaSettings {
    /// The replicas' addresses (`COLOPHON_REPLICA_URLS`).
    pub targets: Vec<DatabaseTarget>,
    /// A replica further behind than this many bytes of WAL leaves the rotation.
    pub max_lag_bytes: u64,
    /// How often each replica's position is probed.
    pub probe_every: Duration,
    /// Connections per replica.
    pub pool: PoolSettings,
}

impl Default for ReplicaSettings {
    fn default() -> Self {
        Self {
            targets: Vec::new(),
            max_lag_bytes: 16 * 1024 * 1024,
            probe_every: Duration::from_millis(100),
            pool: PoolSettings {
                max_size: 10,
                connection_timeout: Duration::from_millis(250),
                ..PoolSettings::default()
            },
        }
    }
}

struct Replica {
    name: String,
    pool: Pool,
    /// The monitor's own connection, so that busy readers never make a replica look down.
    probe: Pool,
    /// The last replay position read, as a number (see [`parse_lsn`]).
    replayed: AtomicU64,
    in_rotation: AtomicBool,
}

/// The replicas of a running service and the position a read from one must have reached.
pub(crate) struct Replicas {
    replicas: Vec<Replica>,
    required: AtomicU64,
    /// Set when a change's position could not be read: no replica is trusted until the monitor
    /// has read the primary's position again (and required it).
    blind: AtomicBool,
    /// Counts the changes whose position was unknown: the monitor clears `blind` only if none
    /// came while it read the primary's position.
    unknown: AtomicU64,
    next: AtomicUsize,
    max_lag_bytes: u64,
    stopped: AtomicBool,
    metrics: Arc<Metrics>,
    lag: Vec<AtomicI64>,
}

impl Replicas {
    /// Pools for each replica (connections are opened when first needed) and the monitor thread.
    pub fn start(settings: &ReplicaSettings, primary: Pool, metrics: Arc<Metrics>) -> Option<Arc<Self>> {
        if settings.targets.is_empty() {
            return None;
        }
        let replicas: Vec<Replica> = settings
            .targets
            .iter()
            .enumerate()
            .map(|(i, target)| Replica {
                name: format!("replica{}", i + 1),
                pool: store::lazy_pool(target, &settings.pool),
                probe: store::lazy_pool(target, &PoolSettings { max_size: 1, ..settings.pool.clone() }),
                replayed: AtomicU64::new(0),
                in_rotation: AtomicBool::new(false),
            })
            .collect();
        let lag = replicas.iter().map(|_| AtomicI64::new(-1)).collect();
        let replicas = Arc::new(Self {
            replicas,
            required: AtomicU64::new(0),
            blind: AtomicBool::new(false),
            unknown: AtomicU64::new(0),
            next: AtomicUsize::new(0),
            max_lag_bytes: settings.max_lag_bytes,
            stopped: AtomicBool::new(false),
            metrics,
            lag,
        });
        let monitor = replicas.clone();
        let every = settings.probe_every;
        let spawned =
            std::thread::Builder::new().name("colophon-replicas".into()).spawn(move || monitor.run(&primary, every));
        if let Err(error) = spawned {
            tracing::error!(%error, "the replica monitor could not start; every read goes to the primary");
        }
        Some(replicas)
    }

    /// No read may use a replica before it has replayed `lsn` (the primary's position at or
    /// after a change this process now knows of).
    pub fn require(&self, lsn: u64) {
        self.required.fetch_max(lsn, Ordering::AcqRel);
    }

    /// A change whose position is unknown: the primary only, until the monitor has read the
    /// primary's position (which is past the change) and required it.
    pub fn require_unknown(&self) {
        self.unknown.fetch_add(1, Ordering::AcqRel);
        self.blind.store(true, Ordering::Release);
    }

    /// A connection to a replica in rotation that has replayed every change heard of, or `None`
    /// (read the primary). A replica found behind is asked its position once more, on the
    /// connection just taken.
    pub fn connection(&self) -> Option<(usize, PooledConnection)> {
        if self.blind.load(Ordering::Acquire) {
            self.metrics.primary_fallbacks.with_label_values(&["behind"]).inc();
            self.metrics.reads.with_label_values(&["primary"]).inc();
            return None;
        }
        let required = self.required.load(Ordering::Acquire);
        let count = self.replicas.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut any_up = false;
        for i in 0..count {
            let index = (start + i) % count;
            let replica = &self.replicas[index];
            if !replica.in_rotation.load(Ordering::Acquire) {
                continue;
            }
            any_up = true;
            // Busy or gone: this read goes elsewhere; whether the replica stays in the rotation is
            // the monitor's call, on its own connection.
            let Ok(mut conn) = replica.pool.get() else { continue };
            if replica.replayed.load(Ordering::Acquire) < required {
                match store::replay_lsn(&mut conn) {
                    Ok(Some(lsn)) => replica.replayed.fetch_max(lsn, Ordering::AcqRel),
                    _ => continue,
                };
                if replica.replayed.load(Ordering::Acquire) < required {
                    continue;
                }
            }
            self.metrics.reads.with_label_values(&[&replica.name]).inc();
            return Some((index, conn));
        }
        let reason = if any_up { "behind" } else { "down" };
        self.metrics.primary_fallbacks.with_label_values(&[reason]).inc();
        self.metrics.reads.with_label_values(&["primary"]).inc();
        None
    }

    /// Counts a read that failed on a replica (it is made again on the primary).
    pub fn failed_read(&self, index: usize, why: &str) {
        if let Some(replica) = self.replicas.get(index) {
            tracing::debug!(replica = %replica.name, why, "a read failed on a replica; made again on the primary");
            self.metrics.primary_fallbacks.with_label_values(&["failed"]).inc();
        }
    }

    /// The replicas' pool gauges, for `/metrics`.
    pub fn record_pool_gauges(&self) {
        for replica in &self.replicas {
            let state = replica.pool.state();
            let gauges = &self.metrics.pool_connections;
            gauges.with_label_values(&[&replica.name, "open"]).set(i64::from(state.connections));
            gauges.with_label_values(&[&replica.name, "idle"]).set(i64::from(state.idle_connections));
            gauges
                .with_label_values(&[&replica.name, "in_use"])
                .set(i64::from(state.connections.saturating_sub(state.idle_connections)));
        }
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }

    fn run(&self, primary: &Pool, every: Duration) {
        while !self.stopped.load(Ordering::Relaxed) {
            let unknown = self.unknown.load(Ordering::Acquire);
            let head = primary.get().ok().and_then(|mut conn| store::current_wal_lsn(&mut conn).ok().flatten());
            if let (true, Some(head)) = (self.blind.load(Ordering::Acquire), head) {
                self.require(head);
                // Only if no change of unknown position came while the head was read.
                if self.unknown.load(Ordering::Acquire) == unknown {
                    self.blind.store(false, Ordering::Release);
                }
            }
            for (index, replica) in self.replicas.iter().enumerate() {
                let replayed =
                    replica.probe.get().ok().and_then(|mut conn| store::replay_lsn(&mut conn).ok().flatten());
                let lag = match (head, replayed) {
                    (Some(head), Some(replayed)) => Some(head.saturating_sub(replayed)),
                    _ => None,
                };
                match replayed {
                    Some(replayed) => {
                        replica.replayed.fetch_max(replayed, Ordering::AcqRel);
                    }
                    // A standby that comes back may open for reads below where it was: its
                    // position is learnt again.
                    None => replica.replayed.store(0, Ordering::Release),
                }
                let well = lag.is_some_and(|lag| lag <= self.max_lag_bytes);
                let lag_gauge = lag.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
                self.lag[index].store(lag_gauge, Ordering::Relaxed);
                self.metrics.replica_lag_bytes.with_label_values(&[&replica.name]).set(lag_gauge);
                let was = replica.in_rotation.swap(well, Ordering::AcqRel);
                if was != well {
                    self.metrics.replica_in_rotation.with_label_values(&[&replica.name]).set(i64::from(well));
                    match lag {
                        Some(lag) if well => tracing::info!(replica = %replica.name, lag, "replica in rotation"),
                        Some(lag) => tracing::warn!(replica = %replica.name, lag, "replica lags; out of rotation"),
                        None => {
                            tracing::warn!(replica = %replica.name, "replica unreachable or no replica; out of rotation");
                        }
                    }
                }
            }
            std::thread::sleep(every);
        }
    }
}

impl Drop for Replicas {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads the primary's position after a write committed on `conn`, when replicas are there.
pub(crate) fn note_commit(replicas: Option<&Replicas>, conn: &mut DbConnection) {
    if let Some(replicas) = replicas {
        match store::current_wal_lsn(conn) {
            Ok(Some(lsn)) => replicas.require(lsn),
            _ => replicas.require_unknown(),
        }
    }
}
