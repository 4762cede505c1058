//! Running diesel on the blocking pool: reads (on a replica when one may serve), writes in
//! one transaction with their audit rows, events and cache announcements, and the calling-thread
//! variants for start-up and command-line work.

use std::sync::Arc;

use colophon_domain::Timestamp;
use colophon_store::{self as store, DbConnection};

use super::Colophon;
use crate::write::Changed;
use crate::{ServiceError, ServiceResult};

/// Marks a write as abandoned when dropped before [`Waiting::done`]: its future was cancelled.
#[derive(Default)]
struct Waiting(Arc<std::sync::atomic::AtomicBool>, bool);

impl Waiting {
    fn done(mut self) {
        self.1 = true;
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.1 {
            self.0.store(true, std::sync::atomic::Ordering::Release);
        }
    }
}

impl Colophon {
    /// Runs `f` with a pooled connection on the blocking pool; `now` is read once per call.
    ///
    /// The reads of a recording handle (anonymous answers the cache may keep) go to a streaming
    /// replica that has replayed every change this process knows of, when there is one; a
    /// replica failing under the read takes it out of the rotation and the read is made again
    /// on the primary.
    pub(crate) async fn db<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<T> + Clone + Send + 'static,
    {
        let replicas = self.reads.as_ref().and(self.inner.replicas.clone());
        let now = self.now();
        let service = self.clone();
        self.compute(move || {
            if let Some((index, mut conn)) = replicas.as_ref().and_then(|r| r.connection()) {
                match timed("replica", || f.clone()(&mut conn, now)) {
                    Err(ServiceError::Unavailable(cause)) => {
                        if let Some(replicas) = &replicas {
                            replicas.failed_read(index, &cause.to_string());
                        }
                    }
                    done => return done,
                }
            }
            let mut conn = service.primary()?;
            timed("primary", || f(&mut conn, now))
        })
        .await?
    }

    /// A connection to the primary, its wait counted for `/metrics`.
    fn primary(&self) -> ServiceResult<store::PooledConnection> {
        let started = std::time::Instant::now();
        let conn = self.inner.pool.get().map_err(ServiceError::unavailable);
        self.inner.metrics.pool_wait.observe(started.elapsed().as_secs_f64());
        conn
    }

    /// Like [`Colophon::db`], on the primary always (writes, and reads that must see them).
    pub(crate) async fn db_primary<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<T> + Send + 'static,
    {
        let now = self.now();
        let service = self.clone();
        self.compute(move || {
            let mut conn = service.primary()?;
            timed("primary", || f(&mut conn, now))
        })
        .await?
    }

    /// The pools' gauges, for `/metrics`.
    pub(crate) fn record_pool_gauges(&self) {
        let state = self.inner.pool.state();
        let gauges = &self.inner.metrics.pool_connections;
        gauges.with_label_values(&["primary", "open"]).set(i64::from(state.connections));
        gauges.with_label_values(&["primary", "idle"]).set(i64::from(state.idle_connections));
        gauges
            .with_label_values(&["primary", "in_use"])
            .set(i64::from(state.connections.saturating_sub(state.idle_connections)));
        if let Some(replicas) = &self.inner.replicas {
            replicas.record_pool_gauges();
        }
    }

    /// Runs CPU-heavy work (rendering Markdown, sanitizing HTML, hashing) on the blocking pool,
    /// never on an async worker, whose other requests would wait behind it.
    pub(crate) async fn compute<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        // In the caller's span, so that what `f` logs carries the request's id.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(f))
            .await
            .map_err(|e| ServiceError::internal_while("blocking task", e))
    }

    /// Like [`Colophon::db`], inside one write transaction: all of `f` is stored, or none. When
    /// the caller stops waiting (the request timed out, or its future was dropped), the
    /// transaction rolls back instead of committing: a client told "retry" finds nothing done.
    ///
    /// `f` names what it changed that readers can see in `changed`; once the transaction commits
    /// those keys are invalidated here at once and announced to every other process (in the same
    /// transaction, so the announcement exists exactly when the change does).
    pub(crate) async fn db_write<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, Timestamp, &mut Changed) -> ServiceResult<T> + Send + 'static,
    {
        let waiting = Waiting::default();
        let abandoned = waiting.0.clone();
        let freshness = self.inner.freshness.clone();
        let request_id = crate::audit::current_request_id();
        let gate = self.write_gate().clone();
        let replicas = self.inner.replicas.clone();
        let result = self
            .db_primary(move |conn, now| {
                let committed = store::write_transaction(&gate, conn, |conn| {
                    let keyed = store::begin_keyed_write(conn)?;
                    let mut changed = Changed::default();
                    let value = f(conn, now, &mut changed)?;
                    if abandoned.load(std::sync::atomic::Ordering::Acquire) {
                        return Err(ServiceError::unavailable("the request was abandoned before its write committed"));
                    }
                    changed.keys.sort_unstable();
                    changed.keys.dedup();
                    let queued = crate::webhooks::write_outbox(conn, &changed.events, &changed.keys, now)?;
                    let actor = changed.events.actor;
                    let entries: Vec<store::NewAuditEntry> = changed
                        .audits
                        .drain(..)
                        .map(|audit| store::NewAuditEntry {
                            author: actor.map(|a| a.id),
                            api_key: actor.and_then(|a| a.key),
                            action: audit.action.as_str().to_string(),
                            target: audit.target.to_string(),
                            request_id: request_id.clone(),
                            fields: audit.fields,
                        })
                        .collect();
                    store::insert_audit_entries(conn, &entries, now)?;
                    let announcement = match changed.everything {
                        true => freshness.announcement_of_everything(),
                        false => freshness.announcement(&changed.keys),
                    };
                    store::finish_keyed_write(conn, keyed, &announcement, "*", now)?;
                    Ok((value, changed, queued))
                });
                if committed.is_ok() {
                    // Before this process drops what the write made stale: replicas must have
                    // replayed it before they serve a read again.
                    crate::replicas::note_commit(replicas.as_deref(), conn);
                }
                committed
            })
            .await;
        waiting.done();
        match result {
            Ok((value, changed, queued)) => {
                self.inner.freshness.count(&changed.keys, "local");
                self.inner.freshness.invalidate(&changed.keys);
                if changed.everything {
                    self.inner.freshness.invalidate_all();
                }
                if queued {
                    self.inner.deliveries.notify_one();
                }
                Ok(value)
            }
            Err(error) => {
                // A refusal rolled back for sure; a failure at commit may not have (a connection
                // lost after COMMIT reached the server): a new epoch costs misses, not trust.
                if matches!(error, ServiceError::Unavailable(_) | ServiceError::Internal(_)) {
                    self.distrust_replicas();
                    self.inner.freshness.invalidate_all();
                }
                Err(error)
            }
        }
    }

    /// One write transaction on the calling thread (start-up and command-line work), announced
    /// as "anything may have changed": every process drops its cached answers, this one at once
    /// (and not a second time when it hears its own announcement).
    pub(crate) fn write_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let mut conn = self.inner.pool.get().map_err(ServiceError::unavailable)?;
        let now = self.now();
        let announcement = self.inner.freshness.announcement_of_everything();
        let result = store::write_transaction(&self.inner.gate, &mut conn, |conn| {
            let keyed = store::begin_keyed_write(conn)?;
            let value = f(conn, now)?;
            store::finish_keyed_write(conn, keyed, &announcement, "*", now)?;
            Ok(value)
        });
        self.distrust_replicas();
        self.inner.freshness.invalidate_all();
        result
    }

    /// A read on the calling thread, for work already on the blocking pool.
    pub(crate) fn db_blocking_read<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let mut conn = self.inner.pool.get().map_err(ServiceError::unavailable)?;
        f(&mut conn)
    }

    /// Blocking variant of [`Colophon::db`] for start-up and command-line work.
    pub(crate) fn db_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let mut conn = self.inner.pool.get().map_err(ServiceError::unavailable)?;
        let result = f(&mut conn, self.now());
        self.distrust_replicas();
        self.inner.freshness.invalidate_all();
        result
    }
}

/// Runs one use case's statements, and says at debug level how long they took and where: with
/// the use case's span around it (`#[instrument]` on each), a request's log names what ran.
fn timed<T>(on: &'static str, statements: impl FnOnce() -> ServiceResult<T>) -> ServiceResult<T> {
    let started = std::time::Instant::now();
    let result = statements();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::debug!(on, ms, ok = result.is_ok(), "statements");
    result
}
