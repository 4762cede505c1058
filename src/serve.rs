use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context;
use colophon_api::Application;
use colophon_service::{Colophon, ColophonConfig, SystemClock};
use colophon_store::{DatabaseTarget, PoolSettings};

use crate::cli::{DataArgs, ServeArgs};
use crate::{config, secret};

fn target(data: &DataArgs) -> anyhow::Result<DatabaseTarget> {
    std::fs::create_dir_all(&data.data_dir)
        .with_context(|| format!("creating the data directory {}", data.data_dir.display()))?;
    let target = DatabaseTarget::resolve(data.database_url.as_deref(), &data.data_dir)?;
    tracing::info!(database = %target.describe(), "opening the database");
    Ok(target)
}

fn open_with(target: &DatabaseTarget, config: ColophonConfig, pool: &PoolSettings) -> anyhow::Result<Colophon> {
    let colophon = Colophon::open(target, pool, Arc::new(SystemClock), config, None)?;
    Ok(colophon)
}

/// The service's settings from the environment, with the secret still to come: read before the
/// secret is loaded (or generated and written), so that a bad setting stops start-up first.
fn settings(data: &DataArgs) -> anyhow::Result<ColophonConfig> {
    Ok(ColophonConfig {
        secret: Vec::new(),
        auth: config::auth_settings()?,
        comments: config::comment_settings()?,
        cache: config::cache_enabled()?,
        webhooks: config::webhook_settings()?,
        audit_retention_days: config::env_or("COLOPHON_AUDIT_RETENTION_DAYS", 365)?,
        search_language: config::env_or("COLOPHON_SEARCH_LANGUAGE", "english".to_string())?,
        urls: config::site_urls()?,
        sitemap_size: 50_000,
        media: config::media_settings(&data.data_dir)?,
        replicas: config::replica_settings()?,
        listen: config::listen_target()?,
        revisions_kept: config::env_or("COLOPHON_REVISIONS_KEPT", colophon_domain::REVISIONS_KEPT)?,
    })
}

pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let server_config = config::server_config()?;
    // The port first: a one-time password printed before a failed bind would be lost for good.
    let listener = TcpListener::bind(args.bind).with_context(|| {
        format!("cannot listen on {}; choose another address with --bind (or COLOPHON_BIND)", args.bind)
    })?;
    let target = target(&args.data)?;
    // Demo content belongs to the embedded quickstart; a PostgreSQL deployment gets it only when
    // it asks (`--demo`), so a production database never starts with a demo admin.
    let demo = args.demo || (!args.no_demo && !target.is_postgres());
    let settings = settings(&args.data)?;
    if let Some(storage) = &settings.media.storage {
        storage.check().map_err(|e| anyhow::anyhow!("media storage: {}", colophon_service::chain(&e)))?;
        tracing::info!(storage = %storage.describe(), "media storage");
    }
    let secret = secret::load(&target, &args.data.data_dir)?;
    let colophon = open_with(&target, ColophonConfig { secret, ..settings }, &config::pool_settings()?)?;
    if demo {
        if let Some(admin) = colophon.load_demo_if_empty()? {
            tracing::info!("loaded the demo content into the empty database");
            // Printed once, here, and never logged: only its hash is stored.
            println!(
                "\n  Demo admin account (shown only this once; change it with `colophon user set-password`):\n    \
                 e-mail:   {}\n    password: {}\n",
                admin.email, admin.password
            );
        }
    }
    tracing::info!("serving on http://{} (REST /api/v1, GraphQL /graphql, docs /docs)", listener.local_addr()?);
    actix_web::rt::System::new()
        .block_on(async move { Application::build(colophon, listener, server_config)?.run_until_stopped().await })?;
    tracing::info!("stopped");
    Ok(())
}

/// Opens the service for an account task: it issues no tokens or cursors, so it needs no
/// server secret (a throwaway one stands in). Migrations run as at start-up.
pub fn open_for_cli(data: &DataArgs) -> anyhow::Result<Colophon> {
    let throwaway: [u8; 32] = rand::random();
    // A command serves no reads: no response cache, no change watcher.
    // No idle connections kept either: one opened in the background as the command exits
    // crashed the process (OpenSSL's exit handlers racing libpq's handshake).
    let pool = PoolSettings { min_idle: 0, ..config::pool_settings()? };
    open_with(&target(data)?, ColophonConfig { secret: throwaway.to_vec(), cache: false, ..settings(data)? }, &pool)
}

/// Migrating needs no server secret: it signs nothing.
pub fn migrate(data: DataArgs) -> anyhow::Result<()> {
    open_for_cli(&data)?;
    tracing::info!("migrations are up to date");
    Ok(())
}
