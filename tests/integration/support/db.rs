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
            Backend::Sqlite => {
                Some(Self { target: DatabaseTarget::Sqlite(dir.join("colophon.db")), dir, schema: None })
            }
            Backend::Postgres => {
                let base = postgres_url()?;
                let schema = format!("test_{}", unique_name());
                let mut conn = colophon_store::connect(&DatabaseTarget::Postgres(base.clone()))
                    .expect("COLOPHON_TEST_POSTGRES_URL must point at a running PostgreSQL");
                conn.batch_execute(&format!("CREATE SCHEMA {schema}")).expect("create schema");
                let separator = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
                Some(Self { target: DatabaseTarget::Postgres(url), dir, schema: Some((base, schema)) })
            }
        }
    }

    /// A database the test arranged itself (its own cluster, say), used as it is.
    pub fn external(target: DatabaseTarget) -> Self {
        let dir = std::env::temp_dir().join(format!("colophon-test-{}", unique_name()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self { target, dir, schema: None }
    }

    /// A direct connection to this test's database, for arranging data and checking results.
    pub fn conn(&self) -> DbConnection {
        colophon_store::connect(&self.target).expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.schema {
            if let Ok(mut conn) = colophon_store::connect(&DatabaseTarget::Postgres(base.clone())) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
