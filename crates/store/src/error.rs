use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What can go wrong below the service layer, sorted by what the caller should do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the payload names the constraint or column.
    #[error("conflict on {0}")]
    Conflict(String),
    /// A referenced row does not exist (foreign key).
    #[error("missing referenced row: {0}")]
    MissingReference(String),
    /// The database cannot be reached, is shutting down, locked or read-only: try again later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored value that the domain refuses (hand-edited data); never caused by input.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("{0}")]
    Config(String),
}

/// Messages that mean "the database is not there right now", whatever error kind carries them.
const UNAVAILABLE_MARKERS: &[&str] = &[
    "database is locked",
    "readonly database",
    "disk i/o error",
    "server closed the connection",
    "terminating connection",
    "no connection to the server",
    "could not connect",
    "connection refused",
    "the database system is",
    "connection to server",
    "could not receive data",
    "could not send data",
    "ssl syscall error",
    "unable to open database file",
    "canceling statement due to statement timeout",
];

fn looks_unavailable(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    UNAVAILABLE_MARKERS.iter().any(|marker| message.contains(marker))
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(kind, info) => {
                let name = info.constraint_name().map(str::to_string).unwrap_or_else(|| info.message().to_string());
                match kind {
                    DatabaseErrorKind::UniqueViolation => StoreError::Conflict(name),
                    DatabaseErrorKind::ForeignKeyViolation => StoreError::MissingReference(name),
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                        StoreError::Unavailable(info.message().to_string())
                    }
                    _ if looks_unavailable(info.message()) => StoreError::Unavailable(info.message().to_string()),
                    _ => StoreError::Database(info.message().to_string()),
                }
            }
            other => {
                let message = other.to_string();
                if looks_unavailable(&message) {
                    StoreError::Unavailable(message)
                } else {
                    StoreError::Database(message)
                }
            }
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(error: diesel::ConnectionError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_and_shutdown_messages_mean_unavailable() {
        assert!(looks_unavailable("database is locked"));
        assert!(looks_unavailable("FATAL: terminating connection due to administrator command"));
        assert!(looks_unavailable("attempt to write a readonly database"));
        assert!(!looks_unavailable("syntax error at or near"));
    }
}
