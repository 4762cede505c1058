//! Settings that come from the environment, with defaults that suit the embedded quickstart.

use std::str::FromStr;
use std::time::Duration;

use colophon_api::ServerConfig;
use colophon_service::{AuthSettings, CommentSettings, Limit};
use colophon_store::PoolSettings;

/// Reads `NAME` as a `T`, or `default` when unset; a value that does not parse is an error
/// that says what was expected.
pub fn env_or<T: FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name}={value:?} is not valid: expected {}", expected::<T>())),
        Err(_) => Ok(default),
    }
}

/// Reads `NAME` as a whole number of at least `min`, or `default` when unset.
fn env_at_least<T: FromStr + PartialOrd + std::fmt::Display + Copy>(
    name: &str,
    default: T,
    min: T,
) -> anyhow::Result<T> {
    let value = env_or(name, default)?;
    anyhow::ensure!(value >= min, "{name}={value} is not valid: expected a whole number of at least {min}");
    Ok(value)
}

/// What a setting of type `T` looks like, for the error that refuses one.
fn expected<T>() -> String {
    let name = std::any::type_name::<T>();
    match name.rsplit("::").next().unwrap_or(name) {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, such as 10".into(),
        "i32" | "i64" => "a whole number, such as 10 or -1".into(),
        "f32" | "f64" => "a number, such as 2.5".into(),
        "String" => "text".into(),
        "SocketAddr" => "HOST:PORT, such as 127.0.0.1:8080".into(),
        other => format!("a {other}"),
    }
}

/// The address links name (post URLs, feeds, sitemaps, media, preview links, the OpenAPI
/// document's server): `COLOPHON_PUBLIC_URL`, else the address the server is bound to, with
/// loopback for an unspecified one (0.0.0.0, ::), which start-up then points out.
pub fn public_url(bound: std::net::SocketAddr) -> anyhow::Result<PublicUrl> {
    if let Ok(url) = std::env::var("COLOPHON_PUBLIC_URL") {
        let url = url.trim().trim_end_matches('/').to_string();
        anyhow::ensure!(
            url.starts_with("http://") || url.starts_with("https://"),
            "COLOPHON_PUBLIC_URL={url:?} is not valid: expected an http(s) URL, such as https://cms.example.com"
        );
        return Ok(PublicUrl { url, guessed: false });
    }
    let guessed = bound.ip().is_unspecified();
    let ip = match bound.ip() {
        std::net::IpAddr::V4(v4) if v4.is_unspecified() => std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        std::net::IpAddr::V6(v6) if v6.is_unspecified() => std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    Ok(PublicUrl { url: format!("http://{}", std::net::SocketAddr::new(ip, bound.port())), guessed })
}

/// The public base URL, and whether it was guessed for a server bound to every address.
#[derive(Debug, Clone)]
pub struct PublicUrl {
    pub url: String,
    pub guessed: bool,
}

/// The address a command that serves nothing names in links (an import's webhooks, say): the
/// one `serve` would bind by default.
pub fn default_public_url() -> anyhow::Result<String> {
    // A command binds nothing: a COLOPHON_BIND meant for `serve` that does not parse is that
    // command's business, not this one's.
    let default = std::net::SocketAddr::from(([127, 0, 0, 1], 8080));
    let bind = env_or("COLOPHON_BIND", default).unwrap_or(default);
    Ok(public_url(bind)?.url)
}

/// Reads a switch: `on`/`off`, `true`/`false`, `yes`/`no` or `1`/`0` (any case); anything else
/// stops start-up, so a misspelt `COLOPHON_GRAPHQL_INTROSPECTION=flase` cannot leave a feature on.
pub fn env_switch(name: &str, default: bool) -> anyhow::Result<bool> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => parse_switch(&value).ok_or_else(|| {
            anyhow::anyhow!("{name}={value:?} is not a switch: use on or off (also true/false, yes/no, 1/0)")
        }),
    }
}

fn parse_switch(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Some(true),
        "off" | "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

pub fn pool_settings() -> anyhow::Result<PoolSettings> {
    let defaults = PoolSettings::default();
    Ok(PoolSettings {
        max_size: env_at_least("COLOPHON_DB_POOL_SIZE", defaults.max_size, 1)?,
        connection_timeout: Duration::from_millis(env_at_least(
            "COLOPHON_DB_TIMEOUT_MS",
            defaults.connection_timeout.as_millis() as u64,
            1,
        )?),
        statement_timeout: Duration::from_millis(env_or(
            "COLOPHON_STATEMENT_TIMEOUT_MS",
            defaults.statement_timeout.as_millis() as u64,
        )?),
        pgbouncer: env_switch("COLOPHON_DB_PGBOUNCER", defaults.pgbouncer)?,
        ..defaults
    })
}

/// Streaming replicas: `COLOPHON_REPLICA_URLS` (comma-separated `postgres://` URLs),
/// `COLOPHON_REPLICA_MAX_LAG_BYTES` (16 MiB), `COLOPHON_REPLICA_PROBE_MS` (100),
/// `COLOPHON_REPLICA_POOL_SIZE` (10).
pub fn replica_settings() -> anyhow::Result<colophon_service::ReplicaSettings> {
    let defaults = colophon_service::ReplicaSettings::default();
    let targets = match std::env::var("COLOPHON_REPLICA_URLS") {
        Ok(list) => list
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(|url| match colophon_store::DatabaseTarget::resolve(Some(url), std::path::Path::new(".")) {
                Ok(target) if target.is_postgres() => Ok(target),
                _ => Err(anyhow::anyhow!("COLOPHON_REPLICA_URLS: {url:?} is not a postgres:// URL")),
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
        Err(_) => Vec::new(),
    };
    Ok(colophon_service::ReplicaSettings {
        targets,
        max_lag_bytes: env_or("COLOPHON_REPLICA_MAX_LAG_BYTES", defaults.max_lag_bytes)?,
        probe_every: Duration::from_millis(env_or(
            "COLOPHON_REPLICA_PROBE_MS",
            defaults.probe_every.as_millis() as u64,
        )?),
        pool: PoolSettings {
            max_size: env_at_least("COLOPHON_REPLICA_POOL_SIZE", defaults.pool.max_size, 1)?,
            pgbouncer: env_switch("COLOPHON_DB_PGBOUNCER", false)?,
            ..defaults.pool
        },
    })
}

/// `COLOPHON_LISTEN_URL`: a direct connection to the primary for `LISTEN` and migrations, when
/// `DATABASE_URL` goes through PgBouncer.
pub fn listen_target() -> anyhow::Result<Option<colophon_store::DatabaseTarget>> {
    match std::env::var("COLOPHON_LISTEN_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let target = colophon_store::DatabaseTarget::resolve(Some(&url), std::path::Path::new("."))?;
            anyhow::ensure!(target.is_postgres(), "COLOPHON_LISTEN_URL must be a postgres:// URL");
            Ok(Some(target))
        }
        _ => Ok(None),
    }
}

pub fn server_config(public_url: &str) -> anyhow::Result<ServerConfig> {
    let defaults = ServerConfig::default();
    Ok(ServerConfig {
        workers: env_or("COLOPHON_WORKERS", defaults.workers)?,
        json_limit: env_or("COLOPHON_JSON_LIMIT", defaults.json_limit)?,
        shutdown_timeout: Duration::from_secs(env_or(
            "COLOPHON_SHUTDOWN_TIMEOUT_S",
            defaults.shutdown_timeout.as_secs(),
        )?),
        trusted_proxies: trusted_proxies()?,
        public_url: public_url.to_string(),
        cors_origins: cors_origins()?,
        cors_allow_writes: env_switch("COLOPHON_CORS_ALLOW_WRITES", defaults.cors_allow_writes)?,
        graphql_introspection: env_switch("COLOPHON_GRAPHQL_INTROSPECTION", defaults.graphql_introspection)?,
        cache_capacity: env_or("COLOPHON_CACHE_MB", defaults.cache_capacity / (1024 * 1024))? * 1024 * 1024,
        request_timeout: Duration::from_secs(env_or("COLOPHON_REQUEST_TIMEOUT_S", defaults.request_timeout.as_secs())?),
        metrics_token: colophon_api::MetricsToken(
            std::env::var("COLOPHON_METRICS_TOKEN").ok().filter(|t| !t.trim().is_empty()),
        ),
        shared_caching: colophon_api::SharedCaching {
            max_age_secs: env_or("COLOPHON_SHARED_MAX_AGE_S", defaults.shared_caching.max_age_secs)?,
            stale_while_revalidate_secs: env_or(
                "COLOPHON_STALE_WHILE_REVALIDATE_S",
                defaults.shared_caching.stale_while_revalidate_secs,
            )?,
        },
    })
}

/// `COLOPHON_TRUSTED_PROXIES`: comma-separated addresses whose `X-Forwarded-For` is believed.
/// `COLOPHON_CORS_ORIGINS`: origins as browsers send them, `scheme://host[:port]`.
fn cors_origins() -> anyhow::Result<Vec<String>> {
    let Ok(list) = std::env::var("COLOPHON_CORS_ORIGINS") else { return Ok(Vec::new()) };
    list.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            let valid = host.is_some_and(|h| {
                !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            });
            anyhow::ensure!(
                valid,
                "COLOPHON_CORS_ORIGINS: {origin:?} is not an origin: expected scheme://host[:port], such as https://blog.example.com"
            );
            Ok(origin.to_string())
        })
        .collect()
}

fn trusted_proxies() -> anyhow::Result<Vec<std::net::IpAddr>> {
    let Ok(list) = std::env::var("COLOPHON_TRUSTED_PROXIES") else { return Ok(Vec::new()) };
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| anyhow::anyhow!("COLOPHON_TRUSTED_PROXIES: {s:?} is not an IP address")))
        .collect()
}

pub fn comment_settings() -> anyhow::Result<CommentSettings> {
    let defaults = CommentSettings::default();
    Ok(CommentSettings {
        per_address: Limit::per_minute(env_or("COLOPHON_COMMENTS_PER_MINUTE", defaults.per_address.max)?),
        min_submit_secs: env_or("COLOPHON_COMMENT_MIN_SECONDS", defaults.min_submit_secs)?,
        max_links: env_or("COLOPHON_COMMENT_MAX_LINKS", defaults.max_links)?,
        max_depth: env_or("COLOPHON_COMMENT_MAX_DEPTH", defaults.max_depth)?,
        ..defaults
    })
}

/// Webhook delivery: `COLOPHON_WEBHOOK_ALLOW_PRIVATE` (off) lets deliveries reach loopback and
/// private addresses; `COLOPHON_WEBHOOK_RETRY_SCHEDULE_S` replaces the retry delays (seconds,
/// comma-separated); `COLOPHON_WEBHOOK_TIMEOUT_S` (10) bounds each attempt.
pub fn webhook_settings() -> anyhow::Result<colophon_service::WebhookSettings> {
    let defaults = colophon_service::WebhookSettings::default();
    let schedule = match std::env::var("COLOPHON_WEBHOOK_RETRY_SCHEDULE_S") {
        Ok(list) => list
            .split(',')
            .map(|s| s.trim().parse::<i64>().ok().filter(|n| *n >= 0))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| anyhow::anyhow!("COLOPHON_WEBHOOK_RETRY_SCHEDULE_S: {list:?} is not a list of seconds"))?,
        Err(_) => defaults.retry_schedule_secs.clone(),
    };
    Ok(colophon_service::WebhookSettings {
        allow_private: env_switch("COLOPHON_WEBHOOK_ALLOW_PRIVATE", defaults.allow_private)?,
        timeout: Duration::from_secs(env_or("COLOPHON_WEBHOOK_TIMEOUT_S", defaults.timeout.as_secs())?),
        retry_schedule_secs: schedule,
        ..defaults
    })
}

/// The media library: files in `COLOPHON_MEDIA_DIR` (`<data dir>/media`) or, with
/// `COLOPHON_MEDIA_STORAGE=s3`, in the bucket `COLOPHON_S3_BUCKET` at `COLOPHON_S3_ENDPOINT`
/// (signed with `COLOPHON_S3_ACCESS_KEY_ID`/`COLOPHON_S3_SECRET_ACCESS_KEY`, or the AWS_ names);
/// served under `COLOPHON_MEDIA_URL` (`<public URL>/media`); uploads up to `COLOPHON_MEDIA_MAX_MB`.
pub fn media_settings(data_dir: &std::path::Path, public: &str) -> anyhow::Result<colophon_service::MediaSettings> {
    use colophon_media::{LocalBlobs, S3Blobs, S3Settings};
    use colophon_service::BlobStore;
    let base_url = env_or("COLOPHON_MEDIA_URL", format!("{}/media", public.trim_end_matches('/')))?;
    let max_mb: usize = env_or("COLOPHON_MEDIA_MAX_MB", colophon_service::MEDIA_MAX_BYTES / (1024 * 1024))?;
    let storage: std::sync::Arc<dyn BlobStore> = match env_or("COLOPHON_MEDIA_STORAGE", "local".to_string())?.as_str() {
        "local" => {
            let dir = std::env::var_os("COLOPHON_MEDIA_DIR").map_or_else(|| data_dir.join("media"), Into::into);
            std::sync::Arc::new(LocalBlobs::new(&dir).map_err(|e| anyhow::anyhow!("COLOPHON_MEDIA_DIR: {e}"))?)
        }
        "s3" => {
            let required = |name: &str| {
                std::env::var(name).map_err(|_| anyhow::anyhow!("{name} is required with COLOPHON_MEDIA_STORAGE=s3"))
            };
            let either = |ours: &str, aws: &str| {
                std::env::var(ours)
                    .or_else(|_| std::env::var(aws))
                    .map_err(|_| anyhow::anyhow!("{ours} (or {aws}) is required with COLOPHON_MEDIA_STORAGE=s3"))
            };
            let settings = S3Settings {
                endpoint: required("COLOPHON_S3_ENDPOINT")?,
                bucket: required("COLOPHON_S3_BUCKET")?,
                region: env_or("COLOPHON_S3_REGION", "us-east-1".to_string())?,
                access_key: either("COLOPHON_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID")?,
                secret_key: either("COLOPHON_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")?,
                path_style: env_switch("COLOPHON_S3_PATH_STYLE", true)?,
            };
            std::sync::Arc::new(S3Blobs::new(&settings).map_err(|e| anyhow::anyhow!("{e}"))?)
        }
        other => anyhow::bail!("COLOPHON_MEDIA_STORAGE={other:?}: use local or s3"),
    };
    Ok(colophon_service::MediaSettings {
        storage: Some(storage),
        pictures: Some(std::sync::Arc::new(colophon_media::Codecs)),
        base_url: base_url.trim_end_matches('/').to_string(),
        max_bytes: max_mb.saturating_mul(1024 * 1024),
        variants_ahead: env_switch("COLOPHON_MEDIA_VARIANTS_AHEAD", true)?,
        variants_per_minute: env_or(
            "COLOPHON_MEDIA_VARIANTS_PER_MINUTE",
            colophon_service::VARIANTS_PER_ADDRESS_PER_MINUTE,
        )?,
    })
}

/// `COLOPHON_CACHE=off` turns the response cache off (it is on by default).
pub fn cache_enabled() -> anyhow::Result<bool> {
    env_switch("COLOPHON_CACHE", true)
}

pub fn auth_settings() -> anyhow::Result<AuthSettings> {
    let defaults = AuthSettings::default();
    let settings = AuthSettings {
        access_ttl_secs: env_or("COLOPHON_ACCESS_TTL_S", defaults.access_ttl_secs)?,
        refresh_ttl_secs: env_or("COLOPHON_REFRESH_TTL_S", defaults.refresh_ttl_secs)?,
        ..defaults
    };
    if settings.access_ttl_secs < 1 || settings.refresh_ttl_secs < settings.access_ttl_secs {
        anyhow::bail!("token lifetimes must be positive, and the refresh token must outlive the access token");
    }
    Ok(settings)
}

/// Structured logs: `RUST_LOG` filters (default `info`), `COLOPHON_LOG_FORMAT=json` for JSON lines.
pub fn init_tracing() -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let json = match std::env::var("COLOPHON_LOG_FORMAT").as_deref() {
        Err(_) | Ok("text") => false,
        Ok("json") => true,
        Ok(other) => anyhow::bail!("COLOPHON_LOG_FORMAT={other:?} is not valid: expected text or json"),
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours for a person at a terminal only: a pipe or a log file gets plain text (and
    // NO_COLOR is honoured, as https://no-color.org asks).
    use std::io::IsTerminal;
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colour);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}

/// `COLOPHON_SEARCH_LANGUAGE`: one of PostgreSQL's own text search configurations.
pub fn search_language() -> anyhow::Result<String> {
    let language = env_or("COLOPHON_SEARCH_LANGUAGE", "english".to_string())?;
    anyhow::ensure!(
        colophon_domain::SEARCH_LANGUAGES.contains(&language.as_str()),
        "COLOPHON_SEARCH_LANGUAGE={language:?} is not valid: expected one of {}",
        colophon_domain::SEARCH_LANGUAGES.join(", ")
    );
    Ok(language)
}

/// Where the frontend shows posts and pages: `COLOPHON_POST_URL` and `COLOPHON_PAGE_URL`
/// templates (`https://example.com/{yyyy}/{mm}/{slug}`), by default the API's own addresses
/// under `COLOPHON_PUBLIC_URL`.
pub fn site_urls(public: &str) -> anyhow::Result<colophon_service::SiteUrls> {
    let mut urls = colophon_service::SiteUrls::api(public).map_err(|e| anyhow::anyhow!("COLOPHON_PUBLIC_URL {e}"))?;
    let template = |name: &str| -> anyhow::Result<Option<colophon_domain::UrlTemplate>> {
        match std::env::var(name) {
            Ok(value) if !value.trim().is_empty() => colophon_domain::UrlTemplate::parse(&value)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("{name}={value:?} {e}")),
            _ => Ok(None),
        }
    };
    if let Some(posts) = template("COLOPHON_POST_URL")? {
        urls.posts = posts;
    }
    if let Some(pages) = template("COLOPHON_PAGE_URL")? {
        urls.pages = pages;
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::parse_switch;

    #[test]
    fn switches_are_parsed_strictly() {
        for on in ["on", "ON", "true", "True", "yes", "1", " on "] {
            assert_eq!(parse_switch(on), Some(true), "{on}");
        }
        for off in ["off", "false", "FALSE", "no", "0"] {
            assert_eq!(parse_switch(off), Some(false), "{off}");
        }
        for bad in ["", "flase", "disabled", "2", "of"] {
            assert_eq!(parse_switch(bad), None, "{bad}");
        }
    }
}
