use std::sync::Arc;

use colophon_domain::Timestamp;
use colophon_store::{self as store, DatabaseTarget, DbConnection, Pool, PoolSettings, QueryCounter};

use crate::auth::{AuthSettings, TokenKeys};
use crate::comments::CommentSettings;
use crate::freshness::Freshness;
use crate::rate_limit::RateLimiter;
use crate::{Clock, CursorCodec, ServiceError, ServiceResult};

/// What the service needs besides the database.
pub struct ColophonConfig {
    /// Server secret (≥ 32 bytes): signs tokens and page cursors.
    pub secret: Vec<u8>,
    pub auth: AuthSettings,
    pub comments: CommentSettings,
    /// Whether responses may be cached (see `freshness`); on by default.
    pub cache: bool,
}

impl ColophonConfig {
    pub fn new(secret: Vec<u8>) -> Self {
        Self { secret, auth: AuthSettings::default(), comments: CommentSettings::default(), cache: true }
    }
}

impl std::fmt::Debug for ColophonConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColophonConfig")
            .field("secret", &"[redacted]")
            .field("auth", &self.auth)
            .field("comments", &self.comments)
            .finish()
    }
}

/// The service layer: cheap to clone, shared by every REST handler and GraphQL resolver.
#[derive(Clone)]
pub struct Colophon(Arc<Inner>);

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
        let mut conn = store::connect(target).map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        let applied = store::run_migrations(&mut conn).map_err(|e| ServiceError::Internal(e.to_string()))?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied migrations");
        }
        drop(conn);
        let pool = store::build_pool(target, pool, counter).map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        crate::auth::warm_up_passwords();
        let freshness =
            if config.cache { Freshness::watch(target.clone(), clock.clone()) } else { Freshness::disabled() };
        Ok(Self(Arc::new(Inner {
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
        })))
    }

    pub fn now(&self) -> Timestamp {
        self.0.clock.now()
    }

    pub fn database(&self) -> &DatabaseTarget {
        &self.0.target
    }

    pub(crate) fn cursors(&self) -> &CursorCodec {
        &self.0.cursors
    }

    pub(crate) fn tokens(&self) -> &TokenKeys {
        &self.0.tokens
    }

    pub(crate) fn limiter(&self) -> &RateLimiter {
        &self.0.limiter
    }

    pub(crate) fn auth_settings(&self) -> &AuthSettings {
        &self.0.auth
    }

    pub(crate) fn comment_settings(&self) -> &CommentSettings {
        &self.0.comments
    }

    pub(crate) fn password_verification_counter(&self) -> &std::sync::atomic::AtomicU64 {
        &self.0.verifications
    }

    /// Argon2 password verifications done by sign-ins so far, real or against the dummy hash.
    pub fn password_verifications(&self) -> u64 {
        self.0.verifications.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `f` with a pooled connection on the blocking pool; `now` is read once per call.
    pub(crate) async fn db<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<T> + Send + 'static,
    {
        let pool = self.0.pool.clone();
        let now = self.now();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
            f(&mut conn, now)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Runs CPU-heavy work (rendering Markdown, sanitizing HTML, hashing) on the blocking pool,
    /// never on an async worker, whose other requests would wait behind it.
    pub(crate) async fn compute<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        tokio::task::spawn_blocking(f).await.map_err(|e| ServiceError::Internal(format!("blocking task failed: {e}")))
    }

    /// Like [`Colophon::db`], inside one write transaction: all of `f` is stored, or none. When
    /// the caller stops waiting (the request timed out, or its future was dropped), the
    /// transaction rolls back instead of committing: a client told "retry" finds nothing done.
    pub(crate) async fn db_write<T, F>(&self, f: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<T> + Send + 'static,
    {
        let waiting = Waiting::default();
        let abandoned = waiting.0.clone();
        let result = self
            .db(move |conn, now| {
                store::write_transaction(conn, |conn| {
                    let value = f(conn, now)?;
                    if abandoned.load(std::sync::atomic::Ordering::Acquire) {
                        return Err(ServiceError::Unavailable(
                            "the request was abandoned before its write committed".into(),
                        ));
                    }
                    Ok(value)
                })
            })
            .await;
        waiting.done();
        // Even a failed write may have committed nothing but still raced with a cache fill;
        // a new generation costs one cache miss, a stale page would cost trust.
        self.0.freshness.invalidate();
        result
    }

    /// The generation a response computed now may be cached under; `None` when caching is
    /// off, paused, or a scheduled post just went live.
    pub fn cache_epoch(&self) -> Option<u64> {
        self.0.freshness.epoch(self.now())
    }

    /// Drops every cached response (after a write that did not go through the service).
    pub fn invalidate_cache(&self) {
        self.0.freshness.invalidate();
    }

    /// Readiness: the database answers a query.
    pub async fn check_ready(&self) -> ServiceResult<()> {
        self.db(|conn, _| store::ping(conn).map_err(ServiceError::from)).await
    }

    /// Blocking variant of [`Colophon::db`] for start-up and command-line work.
    pub(crate) fn db_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let mut conn = self.0.pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
        let result = f(&mut conn, self.now());
        self.0.freshness.invalidate();
        result
    }
}
