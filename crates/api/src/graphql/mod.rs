//! The GraphQL face: `/graphql`, the same service calls as REST behind every resolver.

mod compiled;
mod content_input;
mod context;
mod editorial;
mod error;
pub mod guard;
mod http;
mod inputs;
mod loaders;
mod mutation;
mod post_where;
mod query;
mod types;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchRequest, EmptySubscription, Schema};
use colophon_service::Colophon;

pub use error::gql_error;
use mutation::MutationRoot;
use query::QueryRoot;

use crate::cache::ResponseCache;

/// Every query field: the site's, and the editors' (revisions, previews, media).
#[derive(async_graphql::MergedObject)]
#[graphql(name = "QueryRoot")]
pub struct Query(QueryRoot, editorial::EditorialQuery);

/// Every mutation.
#[derive(async_graphql::MergedObject)]
#[graphql(name = "MutationRoot")]
pub struct Mutation(MutationRoot, editorial::EditorialMutation);

pub type ColophonSchema = Schema<Query, Mutation, EmptySubscription>;

pub use guard::{MAX_ALIASES, MAX_COMPLEXITY, MAX_DEPTH, MAX_QUERY_BYTES, MAX_SELECTIONS};
pub use http::{MAX_BATCH, MediaType, refuse};

/// The schema without custom fields (the contract's base shape); the service is attached per
/// request so that the SDL can be printed without one.
pub fn schema() -> ColophonSchema {
    schema_for(true, std::sync::Arc::default())
}

/// The schema, with introspection on or off (`COLOPHON_GRAPHQL_INTROSPECTION=off` in production),
/// its custom fields typed as `definitions` say.
pub fn schema_for(
    introspection: bool,
    definitions: std::sync::Arc<Vec<colophon_domain::FieldDefinition>>,
) -> ColophonSchema {
    let fields = types::custom_fields::SchemaFields(definitions.clone());
    types::custom_fields::building_with(definitions, || schema_with(introspection, fields))
}

/// The schema a server answers with: built again when the custom field definitions change (here,
/// or on another node: the service's generation of them moves), between two requests.
pub struct SchemaHolder {
    introspection: bool,
    current: std::sync::RwLock<(u64, std::sync::Arc<ColophonSchema>)>,
}

impl SchemaHolder {
    pub fn new(introspection: bool, colophon: &Colophon) -> Self {
        let (generation, definitions) = colophon.known_fields();
        let schema = std::sync::Arc::new(schema_for(introspection, definitions));
        Self { introspection, current: std::sync::RwLock::new((generation, schema)) }
    }

    /// The schema of the definitions the service knows now.
    pub fn current(&self, colophon: &Colophon) -> std::sync::Arc<ColophonSchema> {
        let (generation, definitions) = colophon.known_fields();
        {
            let current = self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if current.0 == generation {
                return current.1.clone();
            }
        }
        let schema = std::sync::Arc::new(schema_for(self.introspection, definitions));
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if current.0 < generation {
            *current = (generation, schema);
        }
        current.1.clone()
    }
}

fn schema_with(introspection: bool, fields: types::custom_fields::SchemaFields) -> ColophonSchema {
    // The guard enforces the ordinary depth limit itself (introspection gets a deeper one);
    // the schema's own depth limit is the backstop for both.
    let builder = Schema::build(
        Query(QueryRoot, editorial::EditorialQuery),
        Mutation(MutationRoot, editorial::EditorialMutation),
        EmptySubscription,
    )
    .data(fields)
    .extension(guard::Guard)
    .limit_depth(guard::MAX_INTROSPECTION_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(64);
    if introspection { builder.finish() } else { builder.disable_introspection().finish() }
}

/// The SDL of the schema, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    schema().sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

/// `POST /graphql`: one operation or a batch. Anonymous queries that succeed are cached, keyed by
/// their exact body, and dropped when what they show changes.
pub async fn post(
    req: HttpRequest,
    schema: web::Data<SchemaHolder>,
    colophon: web::Data<Colophon>,
    cache: web::Data<ResponseCache>,
    limit: web::Data<crate::json::JsonLimit>,
    payload: web::Payload,
) -> HttpResponse {
    let Some(media) = MediaType::negotiate(&req) else { return not_acceptable() };
    let body = match http::read_body(&req, payload, limit.0, media).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let key = format!("POST /graphql {media:?}\n{}", String::from_utf8_lossy(&body));
    let recording = anonymous(&req).then(|| colophon.recording()).flatten();
    if recording.is_some() {
        if let Some(entry) = cache.get(&key, &colophon) {
            crate::cache::counted(&colophon, "hit");
            return entry.respond(&req, "hit");
        }
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return http::refuse(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", "the body is not valid JSON");
    };
    let batch = match http::batch_from_json(value) {
        Ok(batch) => batch,
        Err(why) => return http::refuse(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", why),
    };
    // A mutation is no cacheable read: it runs on the plain service (the primary, never a
    // replica), and its answer is not kept.
    let writes = match &batch {
        BatchRequest::Single(request) => http::selects_a_write(request),
        BatchRequest::Batch(requests) => requests.iter().any(http::selects_a_write),
    };
    let recording = if writes { None } else { recording };
    let schema = schema.current(&colophon);
    answer(&req, &schema, &colophon, &cache, key, recording, batch, media).await
}

/// `GET /graphql`: with `?query=`, runs a query (never a mutation); a browser asking for HTML
/// gets the GraphiQL explorer.
pub async fn get(
    req: HttpRequest,
    schema: web::Data<SchemaHolder>,
    colophon: web::Data<Colophon>,
    cache: web::Data<ResponseCache>,
) -> HttpResponse {
    if http::wants_html(&req) || (req.query_string().is_empty() && !http::names_json(&req)) {
        return graphiql();
    }
    let Some(media) = MediaType::negotiate(&req) else { return not_acceptable() };
    let request = match http::request_from_query_string(req.query_string()) {
        Ok(request) => request,
        Err(why) => return http::refuse(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", why),
    };
    if http::selects_a_write(&request) {
        return http::mutation_over_get(media);
    }
    let key = format!("GET /graphql {media:?}\n{}", req.query_string());
    let recording = anonymous(&req).then(|| colophon.recording()).flatten();
    if recording.is_some() {
        if let Some(entry) = cache.get(&key, &colophon) {
            crate::cache::counted(&colophon, "hit");
            return entry.respond(&req, "hit");
        }
    }
    let schema = schema.current(&colophon);
    answer(&req, &schema, &colophon, &cache, key, recording, BatchRequest::Single(request), media).await
}

fn anonymous(req: &HttpRequest) -> bool {
    !req.headers().contains_key(actix_web::http::header::AUTHORIZATION)
}

/// Runs the operations (with the recording service when the answer may be cached) and keeps a
/// cacheable answer.
#[allow(clippy::too_many_arguments)]
async fn answer(
    req: &HttpRequest,
    schema: &ColophonSchema,
    colophon: &Colophon,
    cache: &ResponseCache,
    key: String,
    recording: Option<(Colophon, std::sync::Arc<colophon_service::Reads>)>,
    batch: BatchRequest,
    media: MediaType,
) -> HttpResponse {
    let service = recording.as_ref().map_or(colophon, |(service, _)| service);
    let executed = http::run(req, schema, service, batch, media).await;
    if let (Some((_, reads)), true) = (&recording, executed.cacheable) {
        let mut headers = actix_web::http::header::HeaderMap::new();
        headers.insert(
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::HeaderValue::from_static(media.content_type()),
        );
        if let Some(entry) = cache.put(key, reads, executed.status, &headers, executed.body.clone().into()) {
            crate::cache::counted(colophon, "miss");
            return entry.respond(req, "miss");
        }
    }
    http::send(executed, media)
}

/// Any other method at `/graphql`: 405, as a GraphQL response.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let media = MediaType::negotiate(&req).unwrap_or(MediaType::Json);
    let mut response = http::refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        media,
        "METHOD_NOT_ALLOWED",
        format!("{} is not allowed here; use GET, HEAD or POST", req.method()),
    );
    response
        .headers_mut()
        .insert(actix_web::http::header::ALLOW, actix_web::http::header::HeaderValue::from_static("GET, HEAD, POST"));
    response
}

fn not_acceptable() -> HttpResponse {
    http::refuse(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        "NOT_ACCEPTABLE",
        "GraphQL answers in application/graphql-response+json or application/json",
    )
}

/// The GraphiQL explorer.
fn graphiql() -> HttpResponse {
    crate::site::graphiql_page()
}
