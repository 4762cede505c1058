//! Colophon's HTTP faces: REST under `/api/v1` (documented at `/openapi.json`, browsable at
//! `/docs`) and GraphQL at `/graphql`. Both are thin adapters over `colophon-service`.

mod app;
mod cache;
mod caller;
mod etag;
mod feeds;
pub mod graphql;
mod json;
mod limits;
mod metrics;
mod problem;
mod request_span;
pub mod rest;
mod site;
mod sitemap;

pub use app::{Application, ServerConfig};
pub use cache::SharedCaching;
pub use metrics::MetricsToken;
pub use problem::{ApiError, PROBLEM_JSON, Problem};

/// The OpenAPI document, as checked in at `openapi/openapi.json`.
#[allow(
    clippy::expect_used,
    reason = "the document is built from types; a failure is a defect the contract test catches"
)]
pub fn openapi_json() -> String {
    use utoipa::OpenApi;
    let mut document = serde_json::to_value(rest::ApiDoc::openapi()).expect("the OpenAPI document serializes");
    rest::document_sparse_fieldsets(&mut document);
    let mut json = serde_json::to_string_pretty(&document).expect("the OpenAPI document serializes");
    json.push('\n');
    json
}
