use diesel::connection::{AnsiTransactionManager, TransactionManager};

use crate::{DbConnection, StoreError};

/// Runs `f` in one write transaction: committed when it returns `Ok`, rolled back otherwise.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write lock up front:
/// a deferred transaction that reads and then writes can fail with "database is locked" at the
/// write, which the busy timeout cannot cure. If `f` panics the transaction stays open, the
/// pool sees the connection as broken and drops it, so nothing half-written is committed.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    match conn {
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c),
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
    }
    .map_err(StoreError::from)?;
    let result = f(conn);
    let end = match (&result, conn) {
        (Ok(_), DbConnection::Pg(c)) => AnsiTransactionManager::commit_transaction(c),
        (Ok(_), DbConnection::Sqlite(c)) => AnsiTransactionManager::commit_transaction(c),
        (Err(_), DbConnection::Pg(c)) => AnsiTransactionManager::rollback_transaction(c),
        (Err(_), DbConnection::Sqlite(c)) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (result, end) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(commit_error)) => Err(StoreError::from(commit_error).into()),
        (Err(error), _) => Err(error),
    }
}
