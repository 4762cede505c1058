use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context;
use colophon_api::Application;
use colophon_service::{Colophon, ColophonConfig, SystemClock};
use colophon_store::DatabaseTarget;

use crate::cli::{DataArgs, ServeArgs};
use crate::{config, secret};

fn open(data: &DataArgs) -> anyhow::Result<Colophon> {
    std::fs::create_dir_all(&data.data_dir)
        .with_context(|| format!("creating the data directory {}", data.data_dir.display()))?;
    let target = DatabaseTarget::resolve(data.database_url.as_deref(), &data.data_dir)?;
    tracing::info!(database = %target.describe(), "opening the database");
    let secret = secret::load(&target, &data.data_dir)?;
    let colophon =
        Colophon::open(&target, &config::pool_settings()?, Arc::new(SystemClock), ColophonConfig { secret }, None)?;
    Ok(colophon)
}

pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let colophon = open(&args.data)?;
    if !args.no_demo && colophon.load_demo_if_empty()? {
        tracing::info!("loaded the demo content into the empty database");
    }
    let listener = TcpListener::bind(args.bind).with_context(|| format!("binding {}", args.bind))?;
    let server_config = config::server_config()?;
    tracing::info!("serving on http://{} (REST /api/v1, GraphQL /graphql, docs /docs)", listener.local_addr()?);
    actix_web::rt::System::new()
        .block_on(async move { Application::build(colophon, listener, server_config)?.run_until_stopped().await })?;
    tracing::info!("stopped");
    Ok(())
}

pub fn migrate(data: DataArgs) -> anyhow::Result<()> {
    open(&data)?;
    tracing::info!("migrations are up to date");
    Ok(())
}
