use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// A cause kept whole, for the log.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What can go wrong below the service layer, sorted by what the caller should do about it.
/// Failures keep their cause as `source()`, so the log shows the whole chain.
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
    #[error("database unavailable")]
    Unavailable(#[source] BoxError),
    /// A stored value that the domain refuses (hand-edited data); never caused by input.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[source] DieselError),
    #[error("migration failed")]
    Migration(#[source] BoxError),
    #[error("{0}")]
    Config(String),
}

/// A connection that could not be opened, with the database it was for.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to {target}")]
pub struct CannotConnect {
    pub target: String,
    #[source]
    pub source: diesel::ConnectionError,
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
    "conflict with recovery",
];

fn looks_unavailable(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    UNAVAILABLE_MARKERS.iter().any(|marker| message.contains(marker))
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        enum Kind {
            NotFound,
            Conflict(String),
            MissingReference(String),
            Unavailable,
            Other,
        }
        let kind = match &error {
            DieselError::NotFound => Kind::NotFound,
            DieselError::DatabaseError(kind, info) => {
                let name = info.constraint_name().map(str::to_string).unwrap_or_else(|| info.message().to_string());
                match kind {
                    DatabaseErrorKind::UniqueViolation => Kind::Conflict(name),
                    DatabaseErrorKind::ForeignKeyViolation => Kind::MissingReference(name),
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => Kind::Unavailable,
                    _ if looks_unavailable(info.message()) => Kind::Unavailable,
                    _ => Kind::Other,
                }
            }
            other if looks_unavailable(&other.to_string()) => Kind::Unavailable,
            _ => Kind::Other,
        };
        match kind {
            Kind::NotFound => StoreError::NotFound,
            Kind::Conflict(name) => StoreError::Conflict(name),
            Kind::MissingReference(name) => StoreError::MissingReference(name),
            Kind::Unavailable => StoreError::Unavailable(Box::new(error)),
            Kind::Other => StoreError::Database(error),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(Box::new(error))
    }
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(error: diesel::ConnectionError) -> Self {
        StoreError::Unavailable(Box::new(error))
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
