use std::error::Error;
use std::sync::Arc;

use colophon_domain::ValidationErrors;
use colophon_store::StoreError;

/// The cause of a 5xx, kept whole so that the log shows its chain (`source()` after `source()`),
/// and shared, so that a batched loader can hand one failure to every field that asked.
pub type Cause = Arc<dyn Error + Send + Sync>;

/// Every way a use case can refuse or fail, each mapped once to HTTP and once to GraphQL.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Query parameters or a cursor that cannot be understood (400).
    #[error("bad request: {0}")]
    BadRequest(ValidationErrors),
    /// Well-formed input whose values break a rule (422).
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// Missing, or not visible to this caller (404): a draft is 404 to the public, not 403.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request clashes with what is stored (a taken slug, a duplicate comment…): 409, with the reason.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The resource changed since the version the client gave (412); nothing was written.
    #[error("the resource changed since the version given")]
    PreconditionFailed,
    /// Not signed in, or credentials that do not check out (401).
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    /// Signed in, but not allowed to do this (403).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A body larger than its limit (413), with the limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// A file of a type that is not taken (415), saying which are.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// Too many attempts (429).
    #[error("rate limited; retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the window ends and a retry may succeed (for `Retry-After`).
        retry_after_secs: u64,
    },
    /// The server has as much of some work queued as it takes (503, with `Retry-After`): what
    /// is busy, and the seconds after which a retry may find room.
    #[error("busy: {what}")]
    Busy {
        /// What is busy ("making picture variants").
        what: &'static str,
        /// Seconds until a retry may find room (for `Retry-After`).
        retry_after_secs: u64,
    },
    /// The database is down, locked or out of connections (503); the cause is logged, not served.
    #[error("service unavailable")]
    Unavailable(#[source] Cause),
    /// A defect; the cause is logged, never served.
    #[error("internal error")]
    Internal(#[source] Cause),
}

/// What a use case returns.
pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// A 400 for one query parameter or cursor.
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        Self::BadRequest(ValidationErrors::single(field, message))
    }

    /// A 422 for one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(ValidationErrors::single(field, message))
    }

    /// A defect: `cause` is an error (kept with its chain) or a message.
    pub fn internal(cause: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Self::Internal(Arc::from(cause.into()))
    }

    /// A defect while doing `what`, caused by `cause` (both reach the log).
    pub fn internal_while(what: impl Into<String>, cause: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Self::Internal(Arc::new(While { what: what.into(), cause: cause.into() }))
    }

    /// The database (or its pool) cannot serve now.
    pub fn unavailable(cause: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Self::Unavailable(Arc::from(cause.into()))
    }

    /// A copy for each of several consumers of one failure: refusals keep their kind, and 5xx
    /// causes are shared, not flattened to text.
    pub fn shared_copy(&self) -> Self {
        match self {
            Self::BadRequest(errors) => Self::BadRequest(errors.clone()),
            Self::Invalid(errors) => Self::Invalid(errors.clone()),
            Self::NotFound(what) => Self::NotFound(what),
            Self::Conflict(what) => Self::Conflict(what.clone()),
            Self::PreconditionFailed => Self::PreconditionFailed,
            Self::Unauthenticated(why) => Self::Unauthenticated(why),
            Self::Forbidden(why) => Self::Forbidden(why),
            Self::RateLimited { retry_after_secs } => Self::RateLimited { retry_after_secs: *retry_after_secs },
            Self::TooLarge(why) => Self::TooLarge(why.clone()),
            Self::UnsupportedMediaType(why) => Self::UnsupportedMediaType(why.clone()),
            Self::Busy { what, retry_after_secs } => Self::Busy { what, retry_after_secs: *retry_after_secs },
            Self::Unavailable(cause) => Self::Unavailable(cause.clone()),
            Self::Internal(cause) => Self::Internal(cause.clone()),
        }
    }
}

/// "What we were doing" in front of a cause, as a link of the chain.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
struct While {
    what: String,
    #[source]
    cause: Box<dyn Error + Send + Sync>,
}

/// An error and its causes on one line, outermost first: `a: b: c`.
pub fn chain(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ServiceError::NotFound("resource"),
            StoreError::Conflict(what) => ServiceError::Conflict(what),
            // A row referred to went (or a referring one came) between a check and the write:
            // another request's change got there first.
            StoreError::MissingReference(_) => {
                ServiceError::Conflict("a related record changed meanwhile; try again".into())
            }
            unavailable @ StoreError::Unavailable(_) => ServiceError::Unavailable(Arc::new(unavailable)),
            other => ServiceError::Internal(Arc::new(other)),
        }
    }
}
