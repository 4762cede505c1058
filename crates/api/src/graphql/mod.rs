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

use crate::cache::ResponseCache;
use crate::caller::{bearer, client_address};
use crate::json::JsonBytes;
use crate::problem::ApiError;

pub type ColophonSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Deeper queries are refused before they run.
pub const MAX_DEPTH: usize = 12;
/// Lists count `first` times their fields; a query above this cost is refused before it runs.
pub const MAX_COMPLEXITY: usize = 5_000;
/// Most operations one batched request may carry.
pub const MAX_BATCH: usize = 10;
/// Longest query document accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Most aliased fields one document may hold (aliases multiply work without deepening a query).
pub const MAX_ALIASES: usize = 30;

/// The schema; the service is attached per request so that the SDL can be printed without one.
pub fn schema() -> ColophonSchema {
    schema_with(true)
}

/// The schema, with introspection on or off (`COLOPHON_GRAPHQL_INTROSPECTION=off` in production).
pub fn schema_with(introspection: bool) -> ColophonSchema {
    let builder = Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(64);
    if introspection { builder.finish() } else { builder.disable_introspection().finish() }
}

/// The SDL of the schema, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

/// `POST /graphql`: one operation or a batch, with fresh DataLoaders per request. Anonymous
/// queries that succeed are cached under the freshness generation, keyed by their exact body.
pub async fn execute(
    req: HttpRequest,
    schema: web::Data<ColophonSchema>,
    colophon: web::Data<Colophon>,
    cache: web::Data<ResponseCache>,
    body: JsonBytes,
) -> Result<HttpResponse, ApiError> {
    let anonymous = !req.headers().contains_key(actix_web::http::header::AUTHORIZATION);
    let key = format!("POST /graphql\n{}", String::from_utf8_lossy(&body.0));
    let generation = if anonymous { colophon.cache_epoch() } else { None };
    if let Some(entry) = generation.and_then(|g| cache.get(&key, g)) {
        return Ok(entry.respond(&req));
    }
    let batch: BatchRequest = crate::json::parse(&body.0)?;
    if let BatchRequest::Batch(requests) = &batch {
        if requests.len() > MAX_BATCH {
            return Err(ApiError::request(
                StatusCode::BAD_REQUEST,
                "batch_too_large",
                format!("a batch may hold at most {MAX_BATCH} operations, got {}", requests.len()),
            ));
        }
    }
    for request in batch.iter() {
        check_document(&request.query)?;
    }
    let read_only = batch.iter().all(|r| is_query(&r.query));
    let service = colophon.get_ref().clone();
    let auth = std::sync::Arc::new(RequestAuth {
        bearer: bearer(&req).map(|b| b.map(str::to_string)).map_err(|_| ()),
        caller: Default::default(),
        client: client_address(&req),
        user_agent: crate::caller::user_agent(&req),
    });
    let batch = batch.data(Loaders::new(&service)).data(service).data(auth);
    let response = schema.execute_batch(batch).await;
    let failed = match &response {
        async_graphql::BatchResponse::Single(r) => r.is_err(),
        async_graphql::BatchResponse::Batch(rs) => rs.iter().any(|r| r.is_err()),
    };
    let bytes = serde_json::to_vec(&response).map_err(|e| colophon_service::ServiceError::Internal(e.to_string()))?;
    if let (Some(generation), true, false) = (generation, read_only, failed) {
        let mut headers = actix_web::http::header::HeaderMap::new();
        headers.insert(
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::HeaderValue::from_static("application/json"),
        );
        cache.put(key, generation, StatusCode::OK, &headers, bytes.clone().into());
    }
    Ok(HttpResponse::Ok().content_type("application/json").body(bytes))
}

/// Refuses documents too large or with too many aliases, before anything runs.
fn check_document(source: &str) -> Result<(), ApiError> {
    if source.len() > MAX_QUERY_BYTES {
        return Err(ApiError::request(
            StatusCode::BAD_REQUEST,
            "query_too_large",
            format!("a GraphQL document may be at most {MAX_QUERY_BYTES} bytes"),
        ));
    }
    // A document that does not parse is answered by the schema with its own error.
    let Ok(document) = async_graphql::parser::parse_query(source) else { return Ok(()) };
    let mut aliases = 0;
    let mut sets: Vec<&async_graphql::parser::types::SelectionSet> = Vec::new();
    sets.extend(document.operations.iter().map(|(_, op)| &op.node.selection_set.node));
    sets.extend(document.fragments.values().map(|f| &f.node.selection_set.node));
    while let Some(set) = sets.pop() {
        for item in &set.items {
            use async_graphql::parser::types::Selection;
            match &item.node {
                Selection::Field(field) => {
                    aliases += usize::from(field.node.alias.is_some());
                    sets.push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(fragment) => sets.push(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    if aliases > MAX_ALIASES {
        return Err(ApiError::request(
            StatusCode::BAD_REQUEST,
            "too_many_aliases",
            format!("a GraphQL document may hold at most {MAX_ALIASES} aliases, got {aliases}"),
        ));
    }
    Ok(())
}

/// Whether a GraphQL document holds only queries (no mutation or subscription).
fn is_query(source: &str) -> bool {
    use async_graphql::parser::types::OperationType;
    async_graphql::parser::parse_query(source)
        .map(|doc| doc.operations.iter().all(|(_, op)| op.node.ty == OperationType::Query))
        .unwrap_or(false)
}

/// `GET /graphql`: the GraphiQL explorer.
pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GraphiQLSource::build().endpoint("/graphql").title("Colophon GraphQL").finish())
}
