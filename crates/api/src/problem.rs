//! RFC 9457 problem details: the one mapping from service errors to HTTP.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use colophon_domain::{FieldError, ValidationErrors};
use colophon_service::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem. `code` is a stable snake_case name clients can switch on.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and `code` say what happened.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    #[schema(example = "Not Found")]
    pub title: &'static str,
    #[schema(example = 404)]
    pub status: u16,
    #[schema(example = "post not found")]
    pub detail: String,
    #[schema(example = "not_found")]
    pub code: &'static str,
    /// The fields that were refused and why (400 and 422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldErrorBody>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    #[schema(example = "limit")]
    pub field: String,
    #[schema(example = "must be between 1 and 100, got 0")]
    pub message: String,
}

impl From<&FieldError> for FieldErrorBody {
    fn from(e: &FieldError) -> Self {
        Self { field: e.field.clone(), message: e.message.clone() }
    }
}

/// The error of every REST handler: a service error, or a request actix refused before any
/// handler ran.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{detail}")]
    Request { status: StatusCode, code: &'static str, detail: String, errors: Option<ValidationErrors> },
}

impl ApiError {
    pub fn request(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self::Request { status, code, detail: detail.into(), errors: None }
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Option<&ValidationErrors>) {
        use ServiceError as E;
        match self {
            ApiError::Request { status, code, detail, errors } => (*status, code, detail.clone(), errors.as_ref()),
            ApiError::Service(e) => match e {
                E::BadRequest(errors) => {
                    (StatusCode::BAD_REQUEST, "bad_request", format!("invalid request: {errors}"), Some(errors))
                }
                E::Invalid(errors) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_input",
                    format!("invalid field values: {errors}"),
                    Some(errors),
                ),
                E::NotFound(what) => (StatusCode::NOT_FOUND, "not_found", format!("{what} not found"), None),
                E::Conflict(what) => (StatusCode::CONFLICT, "conflict", what.clone(), None),
                E::PreconditionFailed => (
                    StatusCode::PRECONDITION_FAILED,
                    "precondition_failed",
                    "the resource changed since the version in If-Match; fetch it again and reapply your edit".into(),
                    None,
                ),
                E::Unauthenticated(why) => (StatusCode::UNAUTHORIZED, "unauthenticated", (*why).to_string(), None),
                E::Forbidden(why) => (StatusCode::FORBIDDEN, "forbidden", (*why).to_string(), None),
                E::TooLarge(why) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", why.clone(), None),
                E::UnsupportedMediaType(why) => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", why.clone(), None)
                }
                E::RateLimited { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("too many requests; retry after {retry_after_secs} s"),
                    None,
                ),
                E::Busy { what, retry_after_secs } => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    format!("the server is busy {what}; retry after {retry_after_secs} s"),
                    None,
                ),
                E::Unavailable(_) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database is unavailable; retry shortly".into(),
                    None,
                ),
                E::Internal(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "an internal error occurred; it was logged".into(),
                    None,
                ),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, detail, errors) = self.parts();
        // The cause of a 5xx is for the log, never for the client.
        match self {
            ApiError::Service(error @ ServiceError::Internal(_)) => {
                tracing::error!(cause = %colophon_service::chain(error), "internal error");
            }
            ApiError::Service(error @ ServiceError::Unavailable(_)) => {
                tracing::warn!(cause = %colophon_service::chain(error), "database unavailable");
            }
            _ => {}
        }
        let problem = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail,
            code,
            errors: errors.map(|e| e.0.iter().map(FieldErrorBody::from).collect()),
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            ApiError::Service(
                ServiceError::RateLimited { retry_after_secs } | ServiceError::Busy { retry_after_secs, .. },
            ) => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ if status == StatusCode::SERVICE_UNAVAILABLE => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.json(problem)
    }
}
