mod blocking;
mod reads;

use std::sync::Arc;

use colophon_domain::Timestamp;
use colophon_store::{self as store, DatabaseTarget, Pool, PoolSettings, QueryCounter};

use crate::auth::{AuthSettings, TokenKeys};
use crate::comments::CommentSettings;
use crate::freshness::Freshness;
use crate::rate_limit::RateLimiter;
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
    /// The custom field definitions, as GraphQL's types follow them.
    fields: Arc<crate::fields::KnownFields>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(replicas) = &self.replicas {
            replicas.stop();
        }
        self.freshness.stop();
        self.fields.stop();
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
        let definitions = store::field_definitions(&mut conn, None).map_err(ServiceError::from)?;
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
            Freshness::watch(direct.clone(), clock.clone(), metrics.clone(), replicas.clone())
        } else {
            Freshness::disabled()
        };
        let fields = crate::fields::KnownFields::new(definitions, freshness.clone());
        fields.watch(direct);
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
            fields,
        })))
    }

    fn from_inner(inner: Arc<Inner>) -> Self {
        Self { inner, reads: None }
    }

    /// The current time by the service's clock (UTC, to the microsecond).
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// The custom field definitions this process knows, and their generation (it moves when they
    /// change, here or on another node: see `fields::known`).
    pub fn known_fields(&self) -> (u64, Arc<Vec<colophon_domain::FieldDefinition>>) {
        self.inner.fields.snapshot()
    }

    pub(crate) fn known_fields_now(&self) -> &crate::fields::KnownFields {
        &self.inner.fields
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

    /// How webhooks are delivered (the deliverer's client is made from these).
    pub fn webhook_settings(&self) -> &crate::WebhookSettings {
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

    /// Readiness: the database answers a query.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn check_ready(&self) -> ServiceResult<()> {
        self.db(|conn, _| store::ping(conn).map_err(ServiceError::from)).await
    }
}

pub use reads::Reads;
