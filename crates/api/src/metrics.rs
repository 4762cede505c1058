//! `/metrics`: the process's instruments in the Prometheus text format, for a scraper holding
//! `COLOPHON_METRICS_TOKEN`; without that setting the route answers 404 like any unknown one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use colophon_service::{Colophon, ServiceError};

use crate::caller::bearer;
use crate::problem::ApiError;

/// The token `/metrics` asks for, if it is served at all.
#[derive(Clone)]
pub struct MetricsToken(pub Option<String>);

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "MetricsToken([set])" } else { "MetricsToken(none)" })
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Every instrument (requests by route, method and status with latency histograms; the pools;
/// the cache; replicas; rate limits; webhooks). Not cached, not public.
pub async fn metrics(
    req: HttpRequest,
    colophon: web::Data<Colophon>,
    token: web::Data<MetricsToken>,
) -> Result<HttpResponse, ApiError> {
    let Some(expected) = token.0.as_deref() else {
        return Err(ApiError::request(StatusCode::NOT_FOUND, "not_found", "no route for GET /metrics"));
    };
    let presented = bearer(&req)?.ok_or(ServiceError::Unauthenticated("send Authorization: Bearer <metrics token>"))?;
    if !same(presented.as_bytes(), expected.as_bytes()) {
        return Err(ServiceError::Unauthenticated("not the metrics token").into());
    }
    let text = colophon.metrics_text().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
