use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use diesel::connection::{AnsiTransactionManager, TransactionManager};

use crate::{DatabaseTarget, DbConnection, StoreError};

/// Turns at SQLite's one write lock for the writers of this process.
///
/// SQLite lets one connection write at a time; the others wait in its busy handler, which
/// sleeps 1, 2, 5, 10… ms between tries instead of waking when the lock is free. Four writers
/// then spend more time asleep than writing, and every statement added to a write transaction
/// lengthens the collisions too (the outbox's two inserts cost +48% at the median that way).
/// Queueing the process's writers on a mutex hands the lock over at once; the busy handler
/// stays for writers in other processes (the command line). PostgreSQL needs no gate.
#[derive(Debug, Clone, Default)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    /// A gate for the writers of `target`: a turn each on SQLite, none on PostgreSQL.
    pub fn for_target(target: &DatabaseTarget) -> Self {
        match target {
            DatabaseTarget::Postgres(_) => Self(None),
            DatabaseTarget::Sqlite(_) => Self(Some(Arc::default())),
        }
    }

    /// No gate: for a lone writer (seeding, a command).
    pub fn open() -> Self {
        Self(None)
    }

    fn enter(&self) -> Option<MutexGuard<'_, ()>> {
        // A writer that panicked held nothing but its turn.
        self.0.as_ref().map(|turn| turn.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Runs `f` in one write transaction: committed when it returns `Ok`, rolled back otherwise.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, taking the write lock up front:
/// a deferred transaction that reads and then writes can fail with "database is locked" at the
/// write, which the busy timeout cannot cure. If `f` panics the transaction stays open, the
/// pool sees the connection as broken and drops it, so nothing half-written is committed.
/// `gate` gives the transaction its turn among this process's writers (see [`WriteGate`]).
pub fn write_transaction<T, E>(
    gate: &WriteGate,
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let _turn = gate.enter();
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

/// Runs `f` in one read-only transaction whose statements all see the same snapshot: a read of
/// rows and then of their children shows them as they were together, never a row from before a
/// commit beside children from after it. PostgreSQL needs `REPEATABLE READ` for that (each
/// statement of a `READ COMMITTED` transaction takes a snapshot of its own); on SQLite a deferred
/// transaction's first read fixes its snapshot.
pub fn read_snapshot<T, E>(conn: &mut DbConnection, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
where
    E: From<StoreError>,
{
    match conn {
        DbConnection::Pg(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        }
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN"),
    }
    .map_err(StoreError::from)?;
    let result = f(conn);
    // Nothing was written: ending it either way releases the snapshot.
    let end = match conn {
        DbConnection::Pg(c) => AnsiTransactionManager::commit_transaction(c),
        DbConnection::Sqlite(c) => AnsiTransactionManager::commit_transaction(c),
    };
    match (result, end) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(error)) => Err(StoreError::from(error).into()),
        (Err(error), _) => Err(error),
    }
}
