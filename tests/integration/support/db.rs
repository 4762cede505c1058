use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;

use colophon_store::{DatabaseTarget, DbConnection};
use diesel::connection::SimpleConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of its own for one test: a SQLite file in a fresh directory, or a fresh
/// PostgreSQL schema selected through `search_path`. Removed when dropped.
pub struct TestDb {
    pub target: DatabaseTarget,
    pub dir: PathBuf,
    schema: Option<(String, String)>,
    /// Through PgBouncer (`COLOPHON_TEST_PGBOUNCER_URL`): the direct address of the same
    /// database, for LISTEN, migrations and the test's own connections.
    pub direct: Option<DatabaseTarget>,
    /// A database of the test's own (PgBouncer passes no `search_path`), dropped afterwards:
    /// the server's address and the database's name.
    database: Option<(String, String)>,
}

static SKIP_NOTICE: Once = Once::new();

fn unique_name() -> String {
    let bytes: [u8; 6] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The PostgreSQL server the PostgreSQL half runs against. The PostgreSQL tests are ignored
/// unless asked for; asked for without a server, they fail rather than pass without running.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("COLOPHON_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        SKIP_NOTICE.call_once(|| {
            // Written to the real stderr (not the captured one) so that it shows in every run.
            let _ = writeln!(
                std::io::stderr().lock(),
                "FATAL: a PostgreSQL test ran without COLOPHON_TEST_POSTGRES_URL (postgres://user@host:port/db)."
            );
        });
        panic!(
            "COLOPHON_TEST_POSTGRES_URL is not set: this PostgreSQL test cannot run (it must not pass without running)"
        );
    }
    url
}

impl TestDb {
    /// `None` when the backend is PostgreSQL and no test server is configured.
    pub fn create(backend: Backend) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("colophon-test-{}", unique_name()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        match backend {
            Backend::Sqlite => Some(Self {
                target: DatabaseTarget::Sqlite(dir.join("colophon.db")),
                dir,
                schema: None,
                direct: None,
                database: None,
            }),
            Backend::Postgres if pgbouncer_url().is_some() => {
                let (base, bouncer) = (postgres_url()?, pgbouncer_url()?);
                let name = format!("test_{}", unique_name());
                let mut conn = colophon_store::connect(&DatabaseTarget::Postgres(base.clone()))
                    .expect("COLOPHON_TEST_POSTGRES_URL must point at a running PostgreSQL");
                conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
                Some(Self {
                    target: DatabaseTarget::Postgres(with_database(&bouncer, &name)),
                    direct: Some(DatabaseTarget::Postgres(with_database(&base, &name))),
                    dir,
                    schema: None,
                    database: Some((base, name)),
                })
            }
            Backend::Postgres => {
                let base = postgres_url()?;
                let schema = format!("test_{}", unique_name());
                let mut conn = colophon_store::connect(&DatabaseTarget::Postgres(base.clone()))
                    .expect("COLOPHON_TEST_POSTGRES_URL must point at a running PostgreSQL");
                conn.batch_execute(&format!("CREATE SCHEMA {schema}")).expect("create schema");
                let separator = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
                Some(Self {
                    target: DatabaseTarget::Postgres(url),
                    dir,
                    schema: Some((base, schema)),
                    direct: None,
                    database: None,
                })
            }
        }
    }

    /// A database the test arranged itself (its own cluster, say), used as it is.
    pub fn external(target: DatabaseTarget) -> Self {
        let dir = std::env::temp_dir().join(format!("colophon-test-{}", unique_name()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self { target, dir, schema: None, direct: None, database: None }
    }

    /// The same database again, for another node of a test (not dropped with it).
    pub fn sharing(&self) -> Self {
        let mut shared = Self::external(self.target.clone());
        shared.direct = self.direct.clone();
        shared
    }

    /// Pool settings for a service on this database: through PgBouncer, without prepared
    /// statements that outlive their transaction.
    pub fn pool(&self, pool: colophon_store::PoolSettings) -> colophon_store::PoolSettings {
        colophon_store::PoolSettings { pgbouncer: self.direct.is_some(), ..pool }
    }

    /// A direct connection to this test's database, for arranging data and checking results.
    pub fn conn(&self) -> DbConnection {
        colophon_store::connect(self.direct.as_ref().unwrap_or(&self.target)).expect("connect to the test database")
    }

    /// The settings a `colophon` process needs for this database (unset for SQLite).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = Vec::new();
        if let DatabaseTarget::Postgres(url) = &self.target {
            env.push(("DATABASE_URL", url.clone()));
        }
        if let Some(DatabaseTarget::Postgres(direct)) = &self.direct {
            env.push(("COLOPHON_DB_PGBOUNCER", "on".to_string()));
            env.push(("COLOPHON_LISTEN_URL", direct.clone()));
        }
        env
    }
}

/// PgBouncer in front of the test server (`COLOPHON_TEST_PGBOUNCER_URL`, transaction mode): the
/// PostgreSQL half then runs through it, a database per test.
pub fn pgbouncer_url() -> Option<String> {
    std::env::var("COLOPHON_TEST_PGBOUNCER_URL").ok().filter(|u| !u.is_empty())
}

/// `url` naming database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (address, query) = url.split_once('?').map_or((url, None), |(a, q)| (a, Some(q)));
    let scheme_end = address.find("://").map_or(0, |i| i + 3);
    let base = match address[scheme_end..].find('/') {
        Some(slash) => &address[..scheme_end + slash],
        None => address,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.database {
            if let Ok(mut conn) = colophon_store::connect(&DatabaseTarget::Postgres(base.clone())) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
        if let Some((base, schema)) = &self.schema {
            if let Ok(mut conn) = colophon_store::connect(&DatabaseTarget::Postgres(base.clone())) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
