use std::net::TcpListener;
use std::sync::Arc;

use chrono::NaiveDate;
use colophon_api::Application;
use colophon_domain::{PostStatus, Timestamp};
use colophon_service::{Colophon, ColophonConfig, DemoAdmin, ManualClock};
use colophon_store::{PoolSettings, QueryCounter};
use serde_json::{Value, json};

use super::http::{Response, agent, read};
use super::{Backend, TestDb};

pub const TEST_SECRET: &[u8] = b"a test secret that is long enough for the rules";

/// The real server on a random port over a database of its own, with a clock the test moves.
pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    pub colophon: Colophon,
    pub clock: Arc<ManualClock>,
    pub queries: QueryCounter,
    /// The demo admin's credentials (apps started with demo content).
    pub admin: Option<DemoAdmin>,
    agent: ureq::Agent,
    handle: actix_web::dev::ServerHandle,
}

/// "Now" for every test app: after all the demo content.
pub fn test_now() -> Timestamp {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap().and_hms_opt(12, 0, 0).unwrap()
}

/// How a test's server runs: the HTTP server's settings, and what the binary would start
/// beside it (the webhook deliverer, off unless a test asks: its polling would show in the
/// statement counts).
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    pub http: colophon_api::ServerConfig,
    pub deliver_webhooks: bool,
}

impl std::ops::Deref for ServerConfig {
    type Target = colophon_api::ServerConfig;
    fn deref(&self) -> &Self::Target {
        &self.http
    }
}

impl std::ops::DerefMut for ServerConfig {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.http
    }
}

impl TestApp {
    /// With the demo content. `None` when the backend is not configured here.
    pub fn spawn(backend: Backend) -> Option<Self> {
        Self::start(TestDb::create(backend)?, true, |_, _| {})
    }

    /// Without any content.
    pub fn spawn_empty(backend: Backend) -> Option<Self> {
        Self::start(TestDb::create(backend)?, false, |_, _| {})
    }

    /// With the demo content and adjusted configuration.
    pub fn spawn_with(
        backend: Backend,
        configure: impl FnOnce(&mut ColophonConfig, &mut ServerConfig),
    ) -> Option<Self> {
        Self::start(TestDb::create(backend)?, true, configure)
    }

    fn start(db: TestDb, demo: bool, configure: impl FnOnce(&mut ColophonConfig, &mut ServerConfig)) -> Option<Self> {
        Self::start_with_pool(db, demo, PoolSettings { max_size: 4, ..PoolSettings::default() }, configure)
    }

    /// On a database of the test's own choosing, with its own pool settings.
    pub fn start_with_pool(
        db: TestDb,
        demo: bool,
        pool: PoolSettings,
        configure: impl FnOnce(&mut ColophonConfig, &mut ServerConfig),
    ) -> Option<Self> {
        let clock = Arc::new(ManualClock::new(test_now()));
        let queries = QueryCounter::default();
        // The port first: media URLs name it, so that a test can fetch what a post shows.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let port = listener.local_addr().unwrap().port();
        let mut config = ColophonConfig::new(TEST_SECRET.to_vec());
        // Test receivers listen on loopback; due deliveries are found quickly.
        config.webhooks.allow_private = true;
        config.webhooks.poll_interval = std::time::Duration::from_millis(50);
        config.media = colophon_service::MediaSettings {
            storage: Some(Arc::new(colophon_media::LocalBlobs::new(db.dir.join("media")).expect("a media directory"))),
            pictures: Some(Arc::new(colophon_media::Codecs)),
            base_url: format!("http://127.0.0.1:{port}/media"),
            max_bytes: colophon_service::MEDIA_MAX_BYTES,
            variants_ahead: true,
            variants_per_minute: colophon_service::VARIANTS_PER_ADDRESS_PER_MINUTE,
        };
        config.listen = db.direct.clone();
        // Links name the server's own address, as the binary's do by default.
        let base = format!("http://127.0.0.1:{port}");
        config.urls = colophon_service::SiteUrls::api(&base).expect("the test server's URLs");
        let http = colophon_api::ServerConfig { workers: 2, public_url: base, ..Default::default() };
        let mut server_config = ServerConfig { http, deliver_webhooks: false };
        configure(&mut config, &mut server_config);
        let cache_on = config.cache;
        let pool = PoolSettings { pgbouncer: db.direct.is_some(), ..pool };
        let colophon =
            Colophon::open(&db.target, &pool, clock.clone(), config, Some(queries.clone())).expect("open the service");
        let admin = if demo {
            Some(colophon.load_demo_if_empty().expect("load demo").expect("a fresh database takes the demo"))
        } else {
            None
        };
        let (sender, receiver) = std::sync::mpsc::channel();
        let server_colophon = colophon.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                if server_config.deliver_webhooks {
                    colophon_delivery::spawn(&server_colophon);
                }
                let app = Application::build(server_colophon, listener, server_config.http).expect("build the server");
                sender.send(app.handle()).expect("hand over the server handle");
                app.run_until_stopped().await
            })
        });
        let handle = receiver.recv().expect("the server started");
        // The response cache serves once its change watcher listens (a few milliseconds).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while cache_on && colophon.recording().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        Some(Self {
            base: format!("http://127.0.0.1:{port}"),
            db,
            colophon,
            clock,
            queries,
            admin,
            agent: agent(),
            handle,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Response {
        read(self.agent.get(&self.url(path)).call())
    }

    /// The JSON at `path` with this server's own address (which links name) written as
    /// `http://colophon.test`, to compare the answers of two servers.
    pub fn portable_json(&self, path: &str) -> serde_json::Value {
        let body = self.get(path).body.replace(&self.base, "http://colophon.test");
        serde_json::from_str(&body).expect("a JSON body")
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut request = self.agent.get(&self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request.call())
    }

    /// Any method, optional bearer token, optional JSON body, extra headers.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = ureq::http::Request::builder().method(method).uri(self.url(path));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let result = match body {
            Some(body) => self.agent.run(
                request.header("content-type", "application/json").body(body.to_string()).expect("a valid request"),
            ),
            None => self.agent.run(request.body(()).expect("a valid request")),
        };
        read(result)
    }

    /// The app's clock as Unix seconds.
    pub fn clock_now(&self) -> i64 {
        use colophon_service::Clock;
        self.clock.now().and_utc().timestamp()
    }

    /// Signs in through the API and returns the access token.
    pub fn login(&self, email: &str, password: &str) -> String {
        let response = self.post_json("/api/v1/auth/login", &json!({ "email": email, "password": password }));
        assert_eq!(response.status, 200, "login as {email}: {}", response.body);
        response.json()["access_token"].as_str().unwrap().to_string()
    }

    /// The demo admin's access token.
    pub fn admin_token(&self) -> String {
        let admin = self.admin.as_ref().expect("started with demo content");
        self.login(&admin.email, &admin.password)
    }

    /// Creates an account of `role` (through the operator's path) and signs it in.
    pub fn user(&self, name: &str, role: &str) -> (i64, String) {
        let email = format!("{name}@colophon.test");
        let role = colophon_domain::Role::parse(role).expect("a role");
        let author =
            self.colophon.create_author_unchecked(&email, name, role, "a long enough password").expect("create user");
        (author.id.0, self.login(&email, "a long enough password"))
    }

    /// Runs a GraphQL operation as a signed-in author.
    pub fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let response =
            self.send("POST", "/graphql", Some(token), Some(&json!({ "query": query, "variables": variables })), &[]);
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }

    /// Sends raw bytes with any method and content type (for malformed-body tests).
    pub fn send_raw(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request =
            ureq::http::Request::builder().method(method).uri(self.url(path)).header("content-type", content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(self.agent.run(request.body(body.to_vec()).expect("a valid request")))
    }

    /// Uploads `file` as the multipart form of `POST /api/v1/media`, with text `fields` beside it.
    pub fn upload(&self, token: Option<&str>, file_name: &str, file: &[u8], fields: &[(&str, &str)]) -> Response {
        let boundary = "colophon-test-boundary-7d0c";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let authorization = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = authorization.iter().map(|a| ("authorization", a.as_str())).collect();
        self.send_raw("POST", "/api/v1/media", &content_type, &body, &headers)
    }

    /// Sends raw bytes with a content type (for malformed-body tests).
    pub fn post_raw(&self, path: &str, content_type: &str, body: &[u8]) -> Response {
        read(self.agent.post(&self.url(path)).header("content-type", content_type).send(body))
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Response {
        self.post_raw(path, "application/json", body.to_string().as_bytes())
    }

    /// Runs a GraphQL operation and returns the whole response body.
    pub fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self.post_json("/graphql", &json!({ "query": query, "variables": variables }));
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }

    /// Statements the server sent to the database while `f` ran.
    pub fn count_queries<T>(&self, f: impl FnOnce() -> T) -> (T, u64) {
        let before = self.queries.get();
        let result = f();
        (result, self.queries.get() - before)
    }

    /// A direct connection for arranging data behind the service's back. It drops the
    /// response cache whenever it is used for a statement, as a psql session's writes would
    /// (through the change watcher, a few milliseconds later).
    pub fn conn(&self) -> DirectConn<'_> {
        DirectConn { conn: self.db.conn(), colophon: &self.colophon }
    }

    /// Inserts a post by the demo author straight into the database.
    pub fn insert_post(
        &self,
        slug: &str,
        status: PostStatus,
        published_at: Option<Timestamp>,
    ) -> colophon_domain::Post {
        let mut conn = self.conn();
        colophon_store::insert_post(&mut conn, &super::fixtures::post(slug).status(status, published_at).build())
            .expect("insert post")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the server thread winds down by itself.
        drop(self.handle.stop(false));
    }
}

pub struct DirectConn<'a> {
    conn: colophon_store::DbConnection,
    colophon: &'a Colophon,
}

impl std::ops::Deref for DirectConn<'_> {
    type Target = colophon_store::DbConnection;

    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl std::ops::DerefMut for DirectConn<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.colophon.invalidate_cache();
        &mut self.conn
    }
}
