use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::ApiError;
use crate::rest::responses;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process answers. Does not touch the database.
#[utoipa::path(
    get, operation_id = "healthz", path = "/healthz", tag = "health",
    responses(
        (status = 200, description = "Alive", body = HealthBody),
        responses::PublicList,
    )
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthBody { status: "ok" })
}

/// Readiness: the database answers a query.
#[utoipa::path(
    get, operation_id = "readyz", path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthBody),
        responses::Readiness,
    )
)]
pub async fn readyz(colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    colophon.check_ready().await?;
    Ok(HttpResponse::Ok().json(HealthBody { status: "ok" }))
}
