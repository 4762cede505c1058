//! Refusals before any handler runs (query string, header block, time), and the content
//! security policy of every response.

use std::time::Duration;

use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use crate::problem::ApiError;

/// Longest query string accepted (400 beyond: a status every operation documents). Room for the
/// longest filter percent-encoded (3,000), a sorted list's longest cursor (2,048) and the rest.
pub const MAX_QUERY: usize = 8 * 1024;
/// Largest header block accepted (400 beyond).
pub const MAX_HEADERS: usize = 16 * 1024;
/// Longest a request may take inside the server before it is answered 503 (a write cut off this
/// way is rolled back, never committed later).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The request time limit in force (`ServerConfig::request_timeout`).
#[derive(Debug, Clone, Copy)]
pub struct RequestTimeout(pub Duration);

/// API responses are data, never documents: nothing in them may run or be framed.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// Swagger UI: every asset is served from here.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                        script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
/// GraphiQL: its scripts and styles are vendored and served from `/graphiql/`; its editors
/// style themselves inline.
const GRAPHIQL_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                            img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// Refuses long query strings, bounds request time, and sets the content security policy.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.query_string().len() > MAX_QUERY {
        let message = format!("the query string may be at most {MAX_QUERY} bytes");
        if req.path() == "/graphql" {
            // GraphQL answers in its own shape; longer documents go in a POST body (16 KiB).
            let media = crate::graphql::MediaType::negotiate(req.request()).unwrap_or(crate::graphql::MediaType::Json);
            let response = crate::graphql::refuse(
                StatusCode::BAD_REQUEST,
                media,
                "QUERY_TOO_LONG",
                message + "; send longer documents with POST",
            );
            return Ok(req.into_response(response));
        }
        let error = ApiError::request(StatusCode::BAD_REQUEST, "query_too_long", message);
        return Ok(req.into_response(error.error_response()));
    }
    let header_bytes: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if header_bytes > MAX_HEADERS {
        let error = ApiError::request(
            StatusCode::BAD_REQUEST,
            "headers_too_large",
            format!("the request headers may take at most {MAX_HEADERS} bytes"),
        );
        return Ok(req.into_response(error.error_response()));
    }
    let csp = match req.path() {
        path if path.starts_with("/docs") => DOCS_CSP,
        "/graphql" if req.method() == actix_web::http::Method::GET => GRAPHIQL_CSP,
        _ => API_CSP,
    };
    // (The request cannot be kept for a response of our own: routing needs it unshared. An
    // error is answered through `ApiError`'s problem+json all the same.)
    let timeout = req.app_data::<RequestTimeout>().map_or(REQUEST_TIMEOUT, |t| t.0);
    let mut response = match tokio::time::timeout(timeout, next.call(req)).await {
        Ok(response) => response?.map_into_boxed_body(),
        Err(_) => {
            return Err(ApiError::request(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the request took too long; retry shortly",
            )
            .into());
        }
    };
    // A policy the handler set (a PDF's sandbox) stays.
    if !response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    }
    Ok(response)
}
