use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{DbConnection, StoreError, StoreResult};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Arbitrary key of the advisory lock that keeps two starting servers from migrating at once.
const MIGRATION_LOCK: i64 = 0x636f_6c6f_7068;

/// Applies every pending migration of the connection's backend; returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    match conn {
        DbConnection::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let applied = c.run_pending_migrations(POSTGRES).map(|v| v.iter().map(ToString::to_string).collect());
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            applied.map_err(StoreError::Migration)
        }
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(ToString::to_string).collect())
            .map_err(StoreError::Migration),
    }
}

/// Versions already applied, newest first.
pub fn applied_migrations(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    let versions = match conn {
        DbConnection::Pg(c) => c.applied_migrations().map_err(StoreError::Migration)?,
        DbConnection::Sqlite(c) => c.applied_migrations().map_err(StoreError::Migration)?,
    };
    Ok(versions.iter().map(ToString::to_string).collect())
}
