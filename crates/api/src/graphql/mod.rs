//! The GraphQL face: `/graphql`, the same service calls as REST behind every resolver.

mod context;
mod error;
mod inputs;
mod loaders;
mod mutation;
mod query;
mod types;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, EmptySubscription, Schema};
use colophon_service::Colophon;

use context::RequestAuth;
pub use error::gql_error;
use loaders::Loaders;
use mutation::MutationRoot;
use query::QueryRoot;

use crate::caller::{bearer, client_address};
use crate::problem::ApiError;

pub type ColophonSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Deeper queries are refused before they run.
pub const MAX_DEPTH: usize = 12;
/// Lists count `first` times their fields; a query above this cost is refused before it runs.
pub const MAX_COMPLEXITY: usize = 5_000;
/// Most operations one batched request may carry.
pub const MAX_BATCH: usize = 10;

/// The schema; the service is attached per request so that the SDL can be printed without one.
pub fn schema() -> ColophonSchema {
    Schema::build(QueryRoot, MutationRoot, EmptySubscription)
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
    req: HttpRequest,
    schema: web::Data<ColophonSchema>,
    colophon: web::Data<Colophon>,
    body: crate::json::Json<BatchRequest>,
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
    let auth = std::sync::Arc::new(RequestAuth {
        bearer: bearer(&req).map(|b| b.map(str::to_string)).map_err(|_| ()),
        caller: Default::default(),
        client: client_address(&req),
        user_agent: crate::caller::user_agent(&req),
    });
    let batch = batch.data(Loaders::new(&colophon)).data(colophon).data(auth);
    let response = schema.execute_batch(batch).await;
    Ok(HttpResponse::Ok().json(response))
}

/// `GET /graphql`: the GraphiQL explorer.
pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GraphiQLSource::build().endpoint("/graphql").title("Colophon GraphQL").finish())
}
