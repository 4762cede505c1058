use std::sync::Arc;

use colophon_domain::Timestamp;
use colophon_store::{self as store, DatabaseTarget, DbConnection, Pool, PoolSettings, QueryCounter};

use crate::auth::{AuthSettings, TokenKeys};
use crate::cache_keys::{CacheKey, Shows};
use crate::comments::CommentSettings;
use crate::freshness::Freshness;
use crate::freshness::Stamp;
use crate::rate_limit::RateLimiter;
use crate::write::Target;
use crate::{Clock, CursorCodec, ServiceError, ServiceResult};

/// What the service needs besides the database.
pub struct ColophonConfig {
    /// Server secret (≥ 32 bytes): signs tokens and page cursors.
    pub secret: Vec<u8>,
    /// Token lifetimes and sign-in limits.
    pub auth: AuthSettings,
    /// Comment limits and spam thresholds.
    pub comments: CommentSettings,
    /// Whether responses may be cached (see `freshness`); on by default.
    pub cache: bool,
    /// Webhook delivery.
    pub webhooks: crate::WebhookSettings,
    /// Days the audit log keeps an entry.
    pub audit_retention_days: u32,
    /// Where the frontend shows posts and pages.
    pub urls: crate::SiteUrls,
    /// Addresses per sitemap before `/sitemap.xml` becomes an index (sitemaps.org: 50,000).
    pub sitemap_size: i64,
    /// The language full-text search stems words in (a PostgreSQL text search configuration:
    /// `english`, `german`, `simple`…; SQLite stems English only).
    pub search_language: String,
    /// The media library's storage, URL and size limit.
    pub media: crate::MediaSettings,
    /// Streaming read replicas for anonymous reads (PostgreSQL only); none by default.
    pub replicas: crate::ReplicaSettings,
    /// A direct connection to the primary for `LISTEN` and migrations, when `DATABASE_URL` goes
    /// through a pooler (PgBouncer in transaction mode passes neither); `DATABASE_URL` by default.
    pub listen: Option<DatabaseTarget>,
    /// How many revisions each post keeps (the newest); at least 1.
    pub revisions_kept: u32,
}

impl ColophonConfig {
    /// The default settings around `secret`, with caching on.
    pub fn new(secret: Vec<u8>) -> Self {
        Self {
            secret,
            auth: AuthSettings::default(),
            comments: CommentSettings::default(),
            cache: true,
            webhooks: crate::WebhookSettings::default(),
            audit_retention_days: 365,
            search_language: "english".into(),
            #[allow(clippy::expect_used, reason = "a constant URL that parses")]
            urls: crate::SiteUrls::api("http://127.0.0.1:8080").expect("the default URLs parse"),
            sitemap_size: 50_000,
            media: crate::MediaSettings::without_storage("http://127.0.0.1:8080"),
            replicas: crate::ReplicaSettings::default(),
            listen: None,
            revisions_kept: colophon_domain::REVISIONS_KEPT,
        }
    }
}

impl std::fmt::Debug for ColophonConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColophonConfig")
            .field("secret", &"[redacted]")
            .field("auth", &self.auth)
            .field("comments", &self.comments)
            .field("webhooks", &self.webhooks)
            .field("media", &self.media)
            .field("revisions_kept", &self.revisions_kept)
            .finish()
    }
}

/// The service layer: cheap to clone, shared by every REST handler and GraphQL resolver. A clone
/// made by [`Colophon::recording`] also records the cache keys of what it reads.
#[derive(Clone)]
pub struct Colophon {
    inner: Arc<Inner>,
    reads: Option<Arc<Reads>>,
}

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

/// What a write transaction changed that readers can see: the keys it invalidates once it
/// commits, and the events it sends to webhooks (written in the same transaction).
#[derive(Debug, Default)]
pub(crate) struct Changed {
    keys: Vec<CacheKey>,
    events: crate::webhooks::Events,
    audits: Vec<crate::write::Audit>,
}

impl Changed {
    /// Takes what a write did: its audit rows, and the keys its targets make stale.
    pub(crate) fn done<T>(&mut self, written: crate::write::Written<T>) -> T {
        for audit in &written.audits {
            self.keys.extend(audit.target.stale_keys(audit.action));
        }
        self.audits.extend(written.audits);
        written.value
    }

    /// Names who made the change, for the events' `actor`.
    pub fn by(&mut self, actor: colophon_domain::Actor) {
        self.events.actor = Some(actor);
    }

    /// Sends `kind` about `target` with `data` (what an anonymous reader would see) once the
    /// transaction commits.
    pub fn emit(&mut self, kind: colophon_domain::EventKind, target: &Target, data: serde_json::Value) {
        self.events.outgoing.push(crate::webhooks::Outgoing { kind, object_key: target.to_string(), data, due: None });
    }

    /// Like [`Changed::emit`], delivered no sooner than `due`.
    pub fn emit_at(
        &mut self,
        kind: colophon_domain::EventKind,
        target: &Target,
        data: serde_json::Value,
        due: Timestamp,
    ) {
        let object_key = target.to_string();
        self.events.outgoing.push(crate::webhooks::Outgoing { kind, object_key, data, due: Some(due) });
    }

    /// Withdraws the deliveries of `kind` about `target` not yet due.
    pub fn withdraw(&mut self, kind: colophon_domain::EventKind, target: &Target) {
        self.events.withdrawn.push((kind, target.to_string()));
    }

    pub fn add(&mut self, key: CacheKey) {
        self.keys.push(key);
    }

    pub fn extend(&mut self, keys: impl IntoIterator<Item = CacheKey>) {
        self.keys.extend(keys);
    }
}

struct Inner {
    pool: Pool,
    clock: Arc<dyn Clock>,
    cursors: CursorCodec,
    tokens: TokenKeys,
    limiter: RateLimiter,
    auth: AuthSettings,
    comments: CommentSettings,
    verifications: std::sync::atomic::AtomicU64,
    freshness: Arc<Freshness>,
    target: DatabaseTarget,
    webhooks: crate::WebhookSettings,
    audit_retention_days: u32,
    /// Wakes this process's deliverer when a write here queued deliveries.
    deliveries: Arc<tokio::sync::Notify>,
    /// This process's writers take turns at SQLite's write lock.
    gate: store::WriteGate,
    urls: Arc<crate::SiteUrls>,
    sitemap_size: i64,
    search_language: String,
    media: crate::media::Media,
    revisions_kept: u32,
    previews: crate::posts::PreviewKeys,
    metrics: Arc<crate::Metrics>,
    replicas: Option<Arc<crate::replicas::Replicas>>,
}

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

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(replicas) = &self.replicas {
            replicas.stop();
        }
        self.freshness.stop();
    }
}

impl Colophon {
    /// Connects (failing at once with the backend's own message), runs pending migrations
    /// and builds the pool.
    pub fn open(
        target: &DatabaseTarget,
        pool: &PoolSettings,
        clock: Arc<dyn Clock>,
        config: ColophonConfig,
        counter: Option<QueryCounter>,
    ) -> ServiceResult<Self> {
        if pool.pgbouncer && config.listen.is_none() {
            // LISTEN through PgBouncer in transaction mode hears nothing, and the migrations'
            // session lock could be released on another server connection.
            return Err(ServiceError::internal(
                "COLOPHON_DB_PGBOUNCER=on needs COLOPHON_LISTEN_URL: a direct address of the primary for LISTEN and migrations",
            ));
        }
        let direct = config.listen.clone().unwrap_or_else(|| target.clone());
        let mut conn = store::connect(&direct).map_err(ServiceError::from)?;
        let applied = store::run_migrations(&mut conn).map_err(|e| ServiceError::Internal(std::sync::Arc::new(e)))?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied migrations");
        }
        crate::posts::prepare_search(&mut conn, &config.search_language)?;
        drop(conn);
        let pool = store::build_pool(target, pool, counter).map_err(ServiceError::from)?;
        crate::auth::warm_up_passwords();
        let metrics = Arc::new(crate::Metrics::default());
        let replicas = if target.is_postgres() {
            crate::replicas::Replicas::start(&config.replicas, pool.clone(), metrics.clone())
        } else {
            None
        };
        let freshness = if config.cache {
            Freshness::watch(direct, clock.clone(), metrics.clone(), replicas.clone())
        } else {
            Freshness::disabled()
        };
        Ok(Self::from_inner(Arc::new(Inner {
            pool,
            clock,
            cursors: CursorCodec::new(&config.secret),
            tokens: TokenKeys::new(&config.secret),
            limiter: RateLimiter::default(),
            auth: config.auth,
            comments: config.comments,
            verifications: Default::default(),
            freshness,
            target: target.clone(),
            webhooks: config.webhooks,
            audit_retention_days: config.audit_retention_days,
            deliveries: Arc::new(tokio::sync::Notify::new()),
            gate: store::WriteGate::for_target(target),
            urls: Arc::new(config.urls),
            sitemap_size: config.sitemap_size,
            search_language: config.search_language,
            media: crate::media::Media::new(config.media),
            revisions_kept: config.revisions_kept.max(1),
            previews: crate::posts::PreviewKeys::new(&config.secret),
            metrics,
            replicas,
        })))
    }

    fn from_inner(inner: Arc<Inner>) -> Self {
        Self { inner, reads: None }
    }

    /// The current time by the service's clock (UTC, to the microsecond).
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// The database this service reads and writes.
    pub fn database(&self) -> &DatabaseTarget {
        &self.inner.target
    }

    pub(crate) fn cursors(&self) -> &CursorCodec {
        &self.inner.cursors
    }

    pub(crate) fn tokens(&self) -> &TokenKeys {
        &self.inner.tokens
    }

    pub(crate) fn limiter(&self) -> &RateLimiter {
        &self.inner.limiter
    }

    pub(crate) fn audit_retention_days(&self) -> u32 {
        self.inner.audit_retention_days
    }

    pub(crate) fn webhook_settings(&self) -> &crate::WebhookSettings {
        &self.inner.webhooks
    }

    /// Where the frontend shows posts and pages.
    pub fn site_urls(&self) -> &Arc<crate::SiteUrls> {
        &self.inner.urls
    }

    /// The language search stems words in.
    pub(crate) fn search_language(&self) -> &str {
        &self.inner.search_language
    }

    /// How many addresses one sitemap holds before `/sitemap.xml` becomes an index.
    pub fn sitemap_size(&self) -> i64 {
        self.inner.sitemap_size
    }

    /// The process's instruments, for `/metrics`.
    pub fn metrics(&self) -> &crate::Metrics {
        &self.inner.metrics
    }

    pub(crate) fn media(&self) -> &crate::media::Media {
        &self.inner.media
    }

    /// How many revisions each post keeps.
    pub(crate) fn revisions_kept(&self) -> u32 {
        self.inner.revisions_kept
    }

    pub(crate) fn preview_keys(&self) -> &crate::posts::PreviewKeys {
        &self.inner.previews
    }

    /// The turns this process's write transactions take (see [`store::WriteGate`]).
    pub(crate) fn write_gate(&self) -> &store::WriteGate {
        &self.inner.gate
    }

    pub(crate) fn deliveries_queued(&self) -> &Arc<tokio::sync::Notify> {
        &self.inner.deliveries
    }

    pub(crate) fn auth_settings(&self) -> &AuthSettings {
        &self.inner.auth
    }

    pub(crate) fn comment_settings(&self) -> &CommentSettings {
        &self.inner.comments
    }

    pub(crate) fn password_verification_counter(&self) -> &std::sync::atomic::AtomicU64 {
        &self.inner.verifications
    }

    /// Argon2 password verifications done by sign-ins so far, real or against the dummy hash.
    pub fn password_verifications(&self) -> u64 {
        self.inner.verifications.load(std::sync::atomic::Ordering::Relaxed)
    }

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
                match f.clone()(&mut conn, now) {
                    Err(ServiceError::Unavailable(cause)) => {
                        if let Some(replicas) = &replicas {
                            replicas.failed_read(index, &cause.to_string());
                        }
                    }
                    done => return done,
                }
            }
            let mut conn = service.primary()?;
            f(&mut conn, now)
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
            f(&mut conn, now)
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
                    let announcement = freshness.announcement(&changed.keys);
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
    fn distrust_replicas(&self) {
        if let Some(replicas) = &self.inner.replicas {
            replicas.require_unknown();
        }
    }

    /// Readiness: the database answers a query.
    pub async fn check_ready(&self) -> ServiceResult<()> {
        self.db(|conn, _| store::ping(conn).map_err(ServiceError::from)).await
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
