use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpServer, web};
use colophon_service::Colophon;
use utoipa_swagger_ui::SwaggerUi;

use crate::rest::resource;
use crate::{graphql, rest};

/// How the HTTP server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Worker threads (each with its own event loop); 0 means one per CPU core.
    pub workers: usize,
    /// Largest JSON body accepted, in bytes; larger ones get 413.
    pub json_limit: usize,
    /// How long in-flight requests may run after SIGTERM before the server exits.
    pub shutdown_timeout: Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The public base URL, for links in feeds.
    pub public_url: String,
    /// Origins whose browsers may call the API (CORS); none by default.
    pub cors_origins: Vec<String>,
    /// Whether those origins may also write (POST, PATCH, PUT, DELETE); reads only by default.
    pub cors_allow_writes: bool,
    /// Whether GraphQL answers introspection queries (switch off in production if you like).
    pub graphql_introspection: bool,
    /// How long a request may run before it is answered 503 (its write, if any, rolled back).
    pub request_timeout: Duration,
    /// Bytes the response cache may hold.
    pub cache_capacity: u64,
    /// How long shared caches may keep cacheable answers (off by default).
    pub shared_caching: crate::cache::SharedCaching,
    /// The bearer token `/metrics` asks for; without one, `/metrics` is not served.
    pub metrics_token: crate::metrics::MetricsToken,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            workers: 0,
            json_limit: 256 * 1024,
            shutdown_timeout: Duration::from_secs(30),
            trusted_proxies: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            cors_origins: Vec::new(),
            cors_allow_writes: false,
            graphql_introspection: true,
            request_timeout: crate::limits::REQUEST_TIMEOUT,
            cache_capacity: crate::cache::DEFAULT_CAPACITY,
            shared_caching: crate::cache::SharedCaching::default(),
            metrics_token: crate::metrics::MetricsToken(None),
        }
    }
}

/// The HTTP server, bound and ready to run (zero2prod's `Application`): tests bind port 0
/// and read the port back.
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Builds the server on `listener`. Must be called inside a tokio runtime.
    pub fn build(colophon: Colophon, listener: TcpListener, config: ServerConfig) -> std::io::Result<Self> {
        let port = listener.local_addr()?.port();
        let colophon = web::Data::new(colophon);
        let schema = web::Data::new(graphql::SchemaHolder::new(config.graphql_introspection, &colophon));
        let (cors_origins, cors_writes) = (config.cors_origins.clone(), config.cors_allow_writes);
        let evictions = colophon.metrics().cache_evictions.clone();
        let cache = web::Data::new(
            crate::cache::ResponseCache::counting(
                config.cache_capacity,
                Some(std::sync::Arc::new(move || evictions.inc())),
            )
            .with_shared_caching(config.shared_caching),
        );
        let metrics_token = config.metrics_token.clone();
        let json_limit = config.json_limit;
        let request_timeout = config.request_timeout;
        let proxies = crate::caller::TrustedProxies(config.trusted_proxies.clone());
        let public_url = crate::feeds::PublicUrl(config.public_url.trim_end_matches('/').to_string());
        let openapi = web::Data::new(crate::site::ServedOpenApi::for_server(&public_url.0));
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(colophon.clone())
                .app_data(schema.clone())
                .app_data(cache.clone())
                .app_data(crate::json::JsonLimit(json_limit))
                .app_data(web::Data::new(crate::json::JsonLimit(json_limit)))
                .app_data(proxies.clone())
                .app_data(web::Data::new(public_url.clone()))
                .app_data(openapi.clone())
                .app_data(web::PayloadConfig::new(json_limit))
                .app_data(crate::limits::RequestTimeout(request_timeout))
                .app_data(web::Data::new(metrics_token.clone()))
                .wrap(actix_web::middleware::from_fn(crate::site::validators))
                .wrap(actix_web::middleware::from_fn(crate::cache::middleware))
                .wrap(actix_web::middleware::from_fn(crate::limits::middleware))
                .wrap(actix_web::middleware::Condition::new(!cors_origins.is_empty(), cors(&cors_origins, cors_writes)))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
                // Compresses what the cache did not (the cache keeps its own compressed bytes and
                // marks them, which this leaves alone).
                .wrap(actix_web::middleware::Compress::default())
                .wrap(actix_web::middleware::from_fn(crate::site::head_as_get))
                // Outermost: every line logged while answering carries the request's id.
                .wrap(actix_web::middleware::from_fn(crate::request_span::middleware))
                .configure(rest::configure)
                .service(resource("/feed.atom").get(crate::feeds::site_atom).done())
                .service(resource("/feed.rss").get(crate::feeds::site_rss).done())
                .service(resource("/feed.json").get(crate::feeds::site_json).done())
                .service(resource("/tags/{slug}/feed.atom").get(crate::feeds::tag_atom).done())
                .service(resource("/tags/{slug}/feed.rss").get(crate::feeds::tag_rss).done())
                .service(resource("/tags/{slug}/feed.json").get(crate::feeds::tag_json).done())
                .service(resource("/authors/{slug}/feed.atom").get(crate::feeds::author_atom).done())
                .service(resource("/authors/{slug}/feed.rss").get(crate::feeds::author_rss).done())
                .service(resource("/authors/{slug}/feed.json").get(crate::feeds::author_json).done())
                .service(resource("/posts/{slug}/comments.atom").get(crate::feeds::comments).done())
                .service(resource("/sitemap.xml").get(crate::sitemap::sitemap).done())
                .service(resource("/media/{file}").get(rest::media::file).done())
                .service(resource("/metrics").get(crate::metrics::metrics).done())
                .service(resource("/sitemaps/{file}").get(crate::sitemap::part).done())
                .service(
                    web::resource("/graphql")
                        .route(web::post().to(graphql::post))
                        .route(web::get().to(graphql::get))
                        .default_service(web::to(graphql::method_not_allowed)),
                )
                .service(resource("/graphiql/{file}").get(crate::site::graphiql_asset).done())
                .service(resource("/").get(crate::site::index).done())
                .service(resource("/docs").get(crate::site::docs_redirect).done())
                .service(resource("/openapi.json").get(crate::site::openapi).done())
                .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/openapi.json")))
                .default_service(web::to(rest::not_found))
        })
        .listen(listener)?
        // A client gets 10 s to send its headers and 1 s to go once answered; idle keep-alive
        // connections close after 30 s.
        .client_request_timeout(Duration::from_secs(10))
        .client_disconnect_timeout(Duration::from_secs(1))
        .keep_alive(Duration::from_secs(30))
        .shutdown_timeout(config.shutdown_timeout.as_secs());
        if config.workers > 0 {
            server = server.workers(config.workers);
        }
        Ok(Self { server: server.run(), port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server from elsewhere.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped; SIGTERM and SIGINT stop it gracefully (in-flight requests finish).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Cross-origin access, when origins are configured (without any, no CORS headers are sent and
/// browsers keep other sites out): reads, and writes only when asked for. Credentials are never
/// allowed (the API uses bearer tokens, not cookies).
fn cors(origins: &[String], writes: bool) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default();
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    let mut methods = vec!["GET", "HEAD"];
    if writes {
        methods.extend(["POST", "PATCH", "PUT", "DELETE"]);
    }
    cors.allowed_methods(methods)
        .allowed_headers(["authorization", "content-type", "if-match", "if-none-match"])
        .expose_headers(["etag", "location", "retry-after"])
        .max_age(600)
}
