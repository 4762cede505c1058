//! `colophon serve`: the HTTP server over the service.

use std::net::TcpListener;

use anyhow::Context;
use colophon_api::Application;
use colophon_service::ColophonConfig;

use crate::cli::ServeArgs;
use crate::database::{open_with, settings, target};
use crate::{config, secret};

pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // The port first: a one-time password printed before a failed bind would be lost for good.
    let address = args.address()?;
    let listener = TcpListener::bind(address).with_context(|| {
        format!("cannot listen on {address}; choose another address with --bind (or COLOPHON_BIND)")
    })?;
    let bound = listener.local_addr()?;
    let public = config::public_url(bound)?;
    if public.guessed {
        tracing::warn!(
            "listening on every address ({bound}); links will name {} — set COLOPHON_PUBLIC_URL to the address readers use",
            public.url
        );
    }
    // Every setting before anything is made: a bad one leaves no file behind.
    let server_config = config::server_config(&public.url)?;
    // Every process delivers webhooks by default; any number may.
    let deliver_webhooks = config::env_switch("COLOPHON_WEBHOOK_DELIVERY", true)?;
    let settings = settings(&args.data, &public.url)?;
    let pool = config::pool_settings()?;
    let target = target(&args.data)?;
    // Demo content belongs to the embedded quickstart; a PostgreSQL deployment gets it only when
    // it asks (`--demo`), so a production database never starts with a demo admin.
    let demo = args.demo || (!args.no_demo && !target.is_postgres());
    // The secret before the storage: a refused start-up leaves no media directory behind.
    let secret = secret::load(&target, &args.data.data_dir)?;
    if let Some(storage) = &settings.media.storage {
        storage.check().map_err(|e| anyhow::anyhow!("media storage: {}", colophon_service::chain(&e)))?;
        tracing::info!(storage = %storage.describe(), "media storage");
    }
    let colophon = open_with(&target, ColophonConfig { secret, ..settings }, &pool)?;
    colophon.follow_media_base_url()?;
    if demo {
        let loaded = colophon.load_demo_if_empty()?;
        if loaded.is_none() && args.demo {
            tracing::warn!(
                "--demo: no demo loaded, the database already holds content; start with an empty database (a new --data-dir, or a new DATABASE_URL) to see the demo"
            );
        }
        if let Some(admin) = loaded {
            tracing::info!("loaded the demo content into the empty database");
            // Printed once, here, and never logged: only its hash is stored.
            println!(
                "\n  Demo admin account (shown only this once; change it with `colophon user set-password`):\n    \
                 e-mail:   {}\n    password: {}\n",
                admin.email, admin.password
            );
        }
    }
    tracing::info!("serving on http://{bound} (REST /api/v1, GraphQL /graphql, docs /docs); links name {}", public.url);
    actix_web::rt::System::new().block_on(async move {
        // The workers beside the server: the webhook deliverer (the HTTP layer starts none).
        if deliver_webhooks {
            colophon_delivery::spawn(&colophon);
        }
        Application::build(colophon, listener, server_config)?.run_until_stopped().await
    })?;
    tracing::info!("stopped");
    Ok(())
}
