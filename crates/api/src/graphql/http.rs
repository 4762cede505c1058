//! GraphQL over HTTP, as the GraphQL-over-HTTP specification describes it (and the `graphql-http`
//! audit checks it): `POST` with a JSON body, `GET` with URL parameters for queries (mutations over
//! GET are 405), `Accept: application/graphql-response+json` for the specification's status codes
//! (a request that fails before execution is 400, without `data`), `application/json` for the
//! legacy ones (200 for any well-formed request). Every refusal, whatever its cause, is a GraphQL
//! response: `{"errors": [{"message", "extensions": {"code"}}]}`.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchRequest, BatchResponse, Variables};
use colophon_service::Colophon;
use serde_json::{Map, Value};

use super::ColophonSchema;
use super::context::RequestAuth;
use super::guard::RequestCost;
use super::loaders::Loaders;
use crate::caller::{bearer, client_address, user_agent};

/// Most operations one batched request may carry.
pub const MAX_BATCH: usize = 10;

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// The response media type the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: request errors are 4xx.
    GraphqlResponse,
    /// `application/json` (also for `*/*` or no `Accept`): 200 for every well-formed request.
    Json,
}

impl MediaType {
    /// From `Accept`: the specification's type when the client names it before (or without)
    /// `application/json`; `None` when the client accepts neither.
    pub fn negotiate(req: &HttpRequest) -> Option<Self> {
        let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Some(Self::Json);
        };
        let mut best: Option<(f32, Self)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality =
                parts.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            let kind = match media.as_str() {
                "application/graphql-response+json" => Self::GraphqlResponse,
                "application/json" | "application/*" | "*/*" => Self::Json,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, kind));
            }
        }
        best.map(|(_, kind)| kind)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => GRAPHQL_RESPONSE_JSON,
            Self::Json => JSON,
        }
    }
}

/// A refusal before anything ran, as a GraphQL response.
pub fn refuse(status: StatusCode, media: MediaType, code: &str, message: impl Into<String>) -> HttpResponse {
    let body = serde_json::json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] });
    HttpResponse::build(status).content_type(media.content_type()).body(body.to_string())
}

/// Turns a parsed JSON value into the operations it asks for, checking each parameter's type
/// (the specification's 400s); never serde's own words.
pub fn batch_from_json(value: Value) -> Result<BatchRequest, String> {
    match value {
        Value::Object(map) => Ok(BatchRequest::Single(request_from_map(map, false)?)),
        Value::Array(items) if items.is_empty() => Err("an empty batch holds no operation".into()),
        Value::Array(items) => {
            if items.len() > MAX_BATCH {
                return Err(format!("a batch may hold at most {MAX_BATCH} operations, got {}", items.len()));
            }
            let requests = items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Object(map) => request_from_map(map, false).map_err(|e| format!("operation {i}: {e}")),
                    _ => Err(format!("operation {i} must be a JSON object")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(BatchRequest::Batch(requests))
        }
        _ => Err("the body must be a JSON object with a string `query` (or an array of them)".into()),
    }
}

/// One operation from its parameters. In a URL (`from_url`) `variables` and `extensions` are
/// JSON text; in a body they are objects.
fn request_from_map(mut map: Map<String, Value>, from_url: bool) -> Result<async_graphql::Request, String> {
    let query = match map.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("`query` is required".into()),
    };
    let mut request = async_graphql::Request::new(query);
    match map.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string or null".into()),
    }
    for (name, slot) in [("variables", 0), ("extensions", 1)] {
        let value = match map.remove(name) {
            None | Some(Value::Null) => continue,
            Some(Value::String(text)) if from_url => {
                serde_json::from_str::<Value>(&text).map_err(|_| format!("`{name}` must be a JSON object"))?
            }
            Some(value) => value,
        };
        let Value::Object(object) = value else { return Err(format!("`{name}` must be an object or null")) };
        if slot == 0 {
            request = request.variables(Variables::from_json(Value::Object(object)));
        } else {
            for (key, value) in object {
                let value =
                    async_graphql::Value::from_json(value).map_err(|_| format!("`{name}` is not valid JSON"))?;
                request.extensions.insert(key, value);
            }
        }
    }
    Ok(request)
}

/// The operations of `GET /graphql?query=…`.
pub fn request_from_query_string(query_string: &str) -> Result<async_graphql::Request, String> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query_string)
        .map_err(|_| "the query string is not URL-encoded".to_string())?
        .into_inner();
    let mut map = Map::new();
    for (key, value) in pairs {
        if map.insert(key.clone(), Value::String(value)).is_some() {
            return Err(format!("`{key}` is given twice"));
        }
    }
    request_from_map(map, true)
}

/// Whether the operation a request selects is a mutation or subscription (GET may only read).
pub fn selects_a_write(request: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::OperationType;
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else { return false };
    let selected = match &request.operation_name {
        Some(name) => document.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => document.operations.iter().next(),
    };
    selected.is_some_and(|(_, op)| op.node.ty != OperationType::Query)
}

/// What executing a batch produced, ready to send (and to cache).
pub struct Executed {
    pub status: StatusCode,
    pub body: Vec<u8>,
    /// Every operation executed and none failed, and none wrote: the answer may be cached.
    pub cacheable: bool,
    /// It shows what no cache may keep (a draft, through a preview token).
    pub private: bool,
}

/// Runs the operations with fresh DataLoaders and the caller's credentials.
pub async fn run(
    req: &HttpRequest,
    schema: &ColophonSchema,
    colophon: &Colophon,
    batch: BatchRequest,
    media: MediaType,
) -> Executed {
    let cost = Arc::new(RequestCost::default());
    // A token that does not check out is refused for the whole request, as REST refuses it,
    // rather than quietly answering as if nobody had signed in.
    let caller = match bearer(req) {
        Ok(None) => colophon_service::Caller::Anonymous,
        Ok(Some(token)) => match colophon.authenticate(Some(token)).await {
            Ok(caller) => caller,
            Err(error) => return unauthenticated(&error),
        },
        Err(_) => {
            let error = colophon_service::ServiceError::Unauthenticated("send Authorization: Bearer <access token>");
            return unauthenticated(&error);
        }
    };
    let auth = Arc::new(RequestAuth {
        bearer: Ok(None),
        caller: tokio::sync::OnceCell::new_with(Some(caller)),
        client: client_address(req),
        user_agent: user_agent(req),
    });
    let service = colophon.clone();
    let mut batch = batch;
    for request in batch.iter_mut() {
        if super::compiled::PlainDocument::is(&request.query) {
            request.data.insert(super::compiled::PlainDocument);
        }
    }
    let batch = batch.data(Loaders::new(&service)).data(service).data(auth).data(cost.clone());
    let response = schema.execute_batch(batch).await;
    let (value, failed, refused) = match response {
        BatchResponse::Single(response) => {
            let refused = refused_before_execution(&response);
            let failed = response.is_err();
            (shape(response, media), failed, refused)
        }
        BatchResponse::Batch(responses) => {
            let failed = responses.iter().any(async_graphql::Response::is_err);
            (Value::Array(responses.into_iter().map(|r| shape(r, media)).collect()), failed, false)
        }
    };
    let status = if refused && media == MediaType::GraphqlResponse { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let body = serde_json::to_vec(&value).unwrap_or_else(|_| br#"{"errors":[{"message":"unserializable"}]}"#.to_vec());
    let private = cost.private();
    Executed { status, body, cacheable: !failed && !cost.writes() && !private, private }
}

/// 401 for a token that is malformed, expired or revoked.
fn unauthenticated(error: &colophon_service::ServiceError) -> Executed {
    let message = match error {
        colophon_service::ServiceError::Unauthenticated(why) => (*why).to_string(),
        _ => "the access token could not be checked; retry shortly".to_string(),
    };
    let code = if matches!(error, colophon_service::ServiceError::Unauthenticated(_)) {
        "UNAUTHENTICATED"
    } else {
        "UNAVAILABLE"
    };
    let status = if code == "UNAUTHENTICATED" { StatusCode::UNAUTHORIZED } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    Executed { status, body: body.to_string().into_bytes(), cacheable: false, private: false }
}

/// A request error (it did not parse, validate or fit the limits): nothing ran, so no error
/// has a path and there is no data.
fn refused_before_execution(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The response as JSON; with the specification's media type a request error has no `data`.
/// Every error carries `extensions.code`, those async-graphql raises itself included.
fn shape(mut response: async_graphql::Response, media: MediaType) -> Value {
    let refused = refused_before_execution(&response);
    for error in &mut response.errors {
        let coded = error.extensions.as_ref().is_some_and(|e| e.get("code").is_some());
        if !coded {
            let code = default_code(&error.message, refused);
            error.extensions.get_or_insert_with(Default::default).set("code", code);
        }
    }
    let mut value = serde_json::to_value(&response).unwrap_or(Value::Null);
    if refused && media == MediaType::GraphqlResponse {
        if let Value::Object(map) = &mut value {
            map.remove("data");
        }
    }
    value
}

/// The code of an error async-graphql raised without one.
fn default_code(message: &str, before_execution: bool) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if lower.contains("too complex") {
        "COMPLEXITY_LIMIT"
    } else if lower.contains("nested too deep") {
        "DEPTH_LIMIT"
    } else if lower.contains("operation") && before_execution {
        "OPERATION_RESOLUTION_FAILURE"
    } else if lower.contains("variable") {
        "BAD_USER_INPUT"
    } else if before_execution {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        "INTERNAL_SERVER_ERROR"
    }
}

/// Sends an execution's result in the negotiated media type.
pub fn send(executed: Executed, media: MediaType) -> HttpResponse {
    let mut response = HttpResponse::build(executed.status);
    if executed.private {
        response.insert_header((header::CACHE_CONTROL, "private, no-store")).insert_header(("X-Robots-Tag", "noindex"));
    }
    response.content_type(media.content_type()).body(executed.body)
}

/// `405` for a mutation over GET.
pub fn mutation_over_get(media: MediaType) -> HttpResponse {
    let mut response = refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        media,
        "METHOD_NOT_ALLOWED",
        "mutations are sent with POST; GET runs queries only",
    );
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// Whether a GET comes from a browser that wants the explorer rather than a result.
pub fn wants_html(req: &HttpRequest) -> bool {
    req.method() == Method::GET
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.to_ascii_lowercase().contains("text/html"))
}

/// Whether `Accept` names a JSON type outright (not only `*/*`): a client that wants results.
pub fn names_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.to_ascii_lowercase().contains("json"))
}

/// Reads the body of a POST within the size limit, or says why not.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    media: MediaType,
) -> Result<web::Bytes, HttpResponse> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence != "application/json" {
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the operation as JSON with Content-Type: application/json",
        ));
    }
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            "PAYLOAD_TOO_LARGE",
            format!("the body may be at most {limit} bytes"),
        )
    };
    let bytes = payload
        .to_bytes_limited(limit)
        .await
        .map_err(|_| too_large())?
        .map_err(|_| refuse(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", "the request body could not be read"))?;
    Ok(bytes)
}
