//! One tracing span per request, named by a request id: taken from `X-Request-Id` when the
//! client (or a proxy in front) sent a sane one, generated otherwise, and echoed in the response.
//! Every log line of the request carries it: the handlers', the service's on the blocking pool
//! (it enters the caller's span), and the logged cause of a 5xx.

use std::hash::{BuildHasher, RandomState};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id accepted from a client; longer ones are replaced, not truncated.
const MAX_LEN: usize = 64;

/// The id a client sent, if it is short and made of characters safe in any log format.
fn incoming(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(REQUEST_ID)?.to_str().ok()?.trim();
    let sane = !value.is_empty()
        && value.len() <= MAX_LEN
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    sane.then(|| value.to_string())
}

/// A new id: unique in this process (a counter) and unlikely to repeat across processes (a
/// random prefix chosen at start-up); not a secret, so no cryptographic generator is needed.
fn generate() -> String {
    static PREFIX: LazyLock<u64> = LazyLock::new(|| RandomState::new().hash_one(std::process::id()));
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!("{:08x}{:08x}", *PREFIX as u32, COUNTER.fetch_add(1, Ordering::Relaxed) as u32)
}

/// Counts a request for `/metrics` by its route's pattern (never its path: one series per
/// route, whatever the ids and slugs), method and status.
fn count(colophon: &colophon_service::Colophon, req: &actix_web::HttpRequest, status: u16, seconds: f64) {
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_string());
    let method = match req.method().as_str() {
        method @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => method,
        _ => "other",
    };
    let metrics = colophon.metrics();
    metrics.requests.with_label_values(&[route.as_str(), method, &status.to_string()]).inc();
    metrics.latency.with_label_values(&[route.as_str(), method]).observe(seconds);
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = incoming(&req).unwrap_or_else(generate);
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        path = %req.path(),
    );
    let started = Instant::now();
    let audited = request_id.clone();
    let colophon = req.app_data::<actix_web::web::Data<colophon_service::Colophon>>().cloned();
    let request = async move {
        let mut response = next.call(req).await?;
        let status = response.status().as_u16();
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        if let Some(colophon) = &colophon {
            count(colophon, response.request(), status, started.elapsed().as_secs_f64());
        }
        if status >= 500 {
            tracing::warn!(status, micros, "request failed");
        } else {
            tracing::debug!(status, micros, "request");
        }
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        Ok(response)
    }
    .instrument(span);
    // The service reads it for the audit log.
    colophon_service::REQUEST_ID.scope(audited, request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_differ_and_fit() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
    }
}
