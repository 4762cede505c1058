use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{PgConnection, SqliteConnection};

use crate::{QueryCounter, StoreError, StoreResult};

/// One connection type for both backends: the same diesel code compiles for each variant.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

pub(crate) const PING: &str = "SELECT 1";

/// Where the data lives: PostgreSQL when a `postgres://` URL is given, else a SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseTarget {
    /// `DATABASE_URL` wins; without it, `colophon.db` in the data directory.
    pub fn resolve(url: Option<&str>, data_dir: &Path) -> StoreResult<Self> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Self::Sqlite(data_dir.join("colophon.db"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres(url.to_string()))
            }
            Some(url) if url.starts_with("sqlite://") => Ok(Self::Sqlite(PathBuf::from(&url["sqlite://".len()..]))),
            Some(_) => Err(StoreError::Config(
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (or be unset for the embedded SQLite file)"
                    .into(),
            )),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// A description safe to log: the PostgreSQL password is masked.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("SQLite at {}", path.display()),
            Self::Postgres(url) => format!("PostgreSQL at {}", mask_password(url)),
        }
    }
}

impl std::fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_string() };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else { return url.to_string() };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{}://{}:***{}", &url[..scheme_end], &userinfo[..colon], &rest[at..]),
        None => url.to_string(),
    }
}

/// Pool sizing and patience.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_size: u32,
    /// How long a request waits for a connection before it is told the database is unavailable.
    pub connection_timeout: Duration,
    /// Statement timeout on PostgreSQL, busy timeout on SQLite.
    pub statement_timeout: Duration,
    /// Idle connections the pool keeps open, opening new ones on background threads. A short
    /// command wants none: a connection still being opened (libpq, OpenSSL) by a background
    /// thread when the process exits crashed it in OpenSSL's exit handlers.
    pub min_idle: u32,
    /// PostgreSQL through PgBouncer in transaction mode: no prepared statement outlives its
    /// transaction (diesel sends unnamed ones), and no session setting is made (a `SET` would
    /// stay on whichever server connection ran it): set `statement_timeout` on the role.
    pub pgbouncer: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 10,
            connection_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
            min_idle: 1,
            pgbouncer: false,
        }
    }
}

/// Opens connections for exactly one backend, so a PostgreSQL failure reports libpq's own
/// message and never falls back to creating a SQLite file named like the URL.
#[derive(Debug)]
pub struct Manager {
    target: DatabaseTarget,
    counter: Option<QueryCounter>,
    statement_timeout: Duration,
    pgbouncer: bool,
}

impl Manager {
    fn open(&self) -> Result<DbConnection, diesel::ConnectionError> {
        let mut conn = match &self.target {
            DatabaseTarget::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                if self.pgbouncer {
                    conn.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
                } else {
                    let timeout_ms = self.statement_timeout.as_millis();
                    conn.batch_execute(&format!("SET statement_timeout = {timeout_ms}; SET TIME ZONE 'UTC'"))
                        .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                }
                DbConnection::Pg(conn)
            }
            DatabaseTarget::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    diesel::ConnectionError::InvalidConnectionUrl("the SQLite path is not valid UTF-8".into())
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                // WAL lets readers run beside the one writer; NORMAL sync in WAL mode survives a
                // process crash (the WAL is in the OS cache) and costs no fsync per commit.
                let busy_ms = self.statement_timeout.as_millis().min(30_000);
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {busy_ms};"
                ))
                .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                DbConnection::Sqlite(conn)
            }
        };
        if let Some(counter) = &self.counter {
            conn.set_instrumentation(counter.instrumentation());
        }
        Ok(conn)
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.open().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute(PING).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        R2D2Connection::is_broken(conn)
    }
}

fn cannot_connect(target: &DatabaseTarget, source: diesel::ConnectionError) -> StoreError {
    StoreError::Unavailable(Box::new(crate::error::CannotConnect { target: target.describe(), source }))
}

/// Opens one connection outside any pool, reporting the backend's own error.
pub fn connect(target: &DatabaseTarget) -> StoreResult<DbConnection> {
    let manager = Manager {
        target: target.clone(),
        counter: None,
        statement_timeout: PoolSettings::default().statement_timeout,
        pgbouncer: false,
    };
    manager.open().map_err(|source| cannot_connect(target, source))
}

/// Builds the pool after one direct connection succeeded, so a wrong URL or a database that
/// is down fails start-up at once with the real reason instead of after the pool's timeout.
pub fn build_pool(
    target: &DatabaseTarget,
    settings: &PoolSettings,
    counter: Option<QueryCounter>,
) -> StoreResult<Pool> {
    let manager = Manager {
        target: target.clone(),
        counter,
        statement_timeout: settings.statement_timeout,
        pgbouncer: settings.pgbouncer,
    };
    let first = manager.open().map_err(|source| cannot_connect(target, source))?;
    drop(first);
    Ok(r2d2::Pool::builder()
        .max_size(settings.max_size)
        .min_idle(Some(settings.min_idle))
        .connection_timeout(settings.connection_timeout)
        .test_on_check_out(true)
        .error_handler(Box::new(LogErrors))
        .build_unchecked(manager))
}

/// A pool that opens its connections only when asked for one: a replica that is down at start
/// does not stop the server (its reads go to the primary until it answers).
pub fn lazy_pool(target: &DatabaseTarget, settings: &PoolSettings) -> Pool {
    let manager = Manager {
        target: target.clone(),
        counter: None,
        statement_timeout: settings.statement_timeout,
        pgbouncer: settings.pgbouncer,
    };
    r2d2::Pool::builder()
        .max_size(settings.max_size)
        .min_idle(Some(0))
        .connection_timeout(settings.connection_timeout)
        .test_on_check_out(true)
        .error_handler(Box::new(LogErrors))
        .build_unchecked(manager)
}

/// r2d2 logs to `log` by default; route its errors to `tracing` instead.
#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<r2d2::Error> for LogErrors {
    fn handle_error(&self, error: r2d2::Error) {
        tracing::warn!(%error, "database connection error");
    }
}

/// A trivial query: does the database answer?
pub fn ping(conn: &mut DbConnection) -> StoreResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute(PING)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_backend_from_url() {
        let dir = Path::new("/data");
        assert_eq!(DatabaseTarget::resolve(None, dir).unwrap(), DatabaseTarget::Sqlite("/data/colophon.db".into()));
        assert!(DatabaseTarget::resolve(Some("postgres://u@h/db"), dir).unwrap().is_postgres());
        assert!(DatabaseTarget::resolve(Some("host=localhost dbname=x"), dir).is_err());
    }

    #[test]
    fn masks_passwords() {
        assert_eq!(mask_password("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(mask_password("postgres://u@h/db"), "postgres://u@h/db");
    }
}
