use colophon_domain::ValidationErrors;
use colophon_store::StoreError;

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
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the resource changed since the version given")]
    PreconditionFailed,
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("rate limited; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The database is down, locked or out of connections (503); the cause is logged, not served.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A defect; the cause is logged, never served.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        Self::BadRequest(ValidationErrors::single(field, message))
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(ValidationErrors::single(field, message))
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ServiceError::NotFound("resource"),
            StoreError::Conflict(what) => ServiceError::Conflict(what),
            StoreError::Unavailable(why) => ServiceError::Unavailable(why),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}
