//! Opening the database and the service: shared by `serve` and every command.

use std::sync::Arc;

use anyhow::Context;
use colophon_service::{Colophon, ColophonConfig, SystemClock};
use colophon_store::{DatabaseTarget, PoolSettings};

use crate::cli::DataArgs;
use crate::config;

pub(crate) fn target(data: &DataArgs) -> anyhow::Result<DatabaseTarget> {
    std::fs::create_dir_all(&data.data_dir)
        .with_context(|| format!("creating the data directory {}", data.data_dir.display()))?;
    let target = DatabaseTarget::resolve(data.database_url.as_deref(), &data.data_dir)?;
    tracing::info!(database = %target.describe(), "opening the database");
    Ok(target)
}

pub(crate) fn open_with(
    target: &DatabaseTarget,
    config: ColophonConfig,
    pool: &PoolSettings,
) -> anyhow::Result<Colophon> {
    let colophon = Colophon::open(target, pool, Arc::new(SystemClock), config, None)?;
    Ok(colophon)
}

/// The service's settings from the environment, with the secret still to come: read before the
/// secret is loaded (or generated and written), so that a bad setting stops start-up first.
pub(crate) fn settings(data: &DataArgs, public: &str) -> anyhow::Result<ColophonConfig> {
    Ok(ColophonConfig {
        secret: Vec::new(),
        auth: config::auth_settings()?,
        comments: config::comment_settings()?,
        cache: config::cache_enabled()?,
        webhooks: config::webhook_settings()?,
        audit_retention_days: config::env_or("COLOPHON_AUDIT_RETENTION_DAYS", 365)?,
        search_language: config::search_language()?,
        urls: config::site_urls(public)?,
        sitemap_size: 50_000,
        media: config::media_settings(&data.data_dir, public)?,
        replicas: config::replica_settings()?,
        listen: config::listen_target()?,
        revisions_kept: config::env_or("COLOPHON_REVISIONS_KEPT", colophon_domain::REVISIONS_KEPT)?,
    })
}

/// Opens the service for an account task: it issues no tokens or cursors, so it needs no
/// server secret (a throwaway one stands in). Migrations run as at start-up.
pub(crate) fn open_for_cli(data: &DataArgs) -> anyhow::Result<Colophon> {
    let throwaway: [u8; 32] = rand::random();
    // A command serves no reads: no response cache, no change watcher.
    // No idle connections kept either: one opened in the background as the command exits
    // crashed the process (OpenSSL's exit handlers racing libpq's handshake).
    let pool = PoolSettings { min_idle: 0, ..config::pool_settings()? };
    let public = config::default_public_url()?;
    let settings = settings(data, &public)?;
    open_with(&target(data)?, ColophonConfig { secret: throwaway.to_vec(), cache: false, ..settings }, &pool)
}

/// Migrating needs no server secret: it signs nothing.
pub(crate) fn migrate(data: DataArgs) -> anyhow::Result<()> {
    open_for_cli(&data)?;
    tracing::info!("migrations are up to date");
    Ok(())
}
