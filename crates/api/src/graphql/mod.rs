//! The GraphQL face: `/graphql`, the same service calls as REST behind every resolver.

mod error;
mod loaders;
mod query;
mod types;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, EmptyMutation, EmptySubscription, Schema};
use colophon_service::Colophon;

pub use error::gql_error;
use loaders::Loaders;
use query::QueryRoot;

use crate::problem::ApiError;

pub type ColophonSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Deeper queries are refused before they run.
pub const MAX_DEPTH: usize = 12;
/// Lists count `first` times their fields; a query above this cost is refused before it runs.
pub const MAX_COMPLEXITY: usize = 5_000;
/// Most operations one batched request may carry.
pub const MAX_BATCH: usize = 10;

/// The schema; the service is attached per request so that the SDL can be printed without one.
pub fn schema() -> ColophonSchema {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .finish()
}

/// The SDL of the schema, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

/// `POST /graphql`: one operation or a batch, with fresh DataLoaders per request.
pub async fn execute(
    schema: web::Data<ColophonSchema>,
    colophon: web::Data<Colophon>,
    body: web::Json<BatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let batch = body.into_inner();
    if let BatchRequest::Batch(requests) = &batch {
        if requests.len() > MAX_BATCH {
            return Err(ApiError::request(
                StatusCode::BAD_REQUEST,
                "batch_too_large",
                format!("a batch may hold at most {MAX_BATCH} operations, got {}", requests.len()),
            ));
        }
    }
    let colophon = colophon.get_ref().clone();
    let batch = batch.data(Loaders::new(&colophon)).data(colophon);
    let response = schema.execute_batch(batch).await;
    Ok(HttpResponse::Ok().json(response))
}

/// `GET /graphql`: the GraphiQL explorer.
pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GraphiQLSource::build().endpoint("/graphql").title("Colophon GraphQL").finish())
}
