//! The response cache: anonymous reads, stored as the exact bytes sent, each under the
//! service's freshness generation (see `colophon_service::Colophon::cache_epoch`), so an entry is
//! served only while nothing it could show has changed.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use colophon_service::Colophon;

use crate::etag::none_match;

/// Whether a response came from the cache (`hit`) or was computed (`miss`): for operators and
/// tests, never for correctness.
pub const CACHE_HEADER: &str = "x-colophon-cache";

/// When the cache holds more than this, it starts over.
const MAX_BYTES: usize = 64 * 1024 * 1024;

pub struct Entry {
    generation: u64,
    status: StatusCode,
    headers: Vec<(header::HeaderName, HeaderValue)>,
    body: Bytes,
}

#[derive(Default)]
pub struct ResponseCache {
    entries: RwLock<(HashMap<String, Arc<Entry>>, usize)>,
}

/// Headers worth keeping with a cached body.
const KEPT: [header::HeaderName; 4] = [header::CONTENT_TYPE, header::ETAG, header::CACHE_CONTROL, header::LOCATION];

impl ResponseCache {
    pub fn get(&self, key: &str, generation: u64) -> Option<Arc<Entry>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries.0.get(key).filter(|e| e.generation == generation).cloned()
    }

    pub fn put(&self, key: String, generation: u64, status: StatusCode, headers: &HeaderMap, body: Bytes) {
        let headers = KEPT.iter().filter_map(|name| headers.get(name).map(|v| (name.clone(), v.clone()))).collect();
        let size = key.len() + body.len();
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.1 + size > MAX_BYTES {
            *entries = (HashMap::new(), 0);
        }
        entries.1 += size;
        entries.0.insert(key, Arc::new(Entry { generation, status, headers, body }));
    }
}

impl Entry {
    /// The cached response, or 304 when the client already holds it.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let etag = self.headers.iter().find(|(n, _)| *n == header::ETAG).and_then(|(_, v)| v.to_str().ok());
        let not_modified = match (etag, req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())) {
            (Some(etag), Some(candidates)) => none_match(candidates, etag),
            _ => false,
        };
        let mut response = HttpResponse::build(if not_modified { StatusCode::NOT_MODIFIED } else { self.status });
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.insert_header((CACHE_HEADER, "hit"));
        if not_modified { response.finish() } else { response.body(self.body.clone()) }
    }
}

/// REST reads that may be cached: anonymous GETs of the public API.
fn rest_key(req: &ServiceRequest) -> Option<String> {
    let path = req.path();
    let public = path.starts_with("/api/v1/") && !path.starts_with("/api/v1/me") && path != "/api/v1/comments";
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION);
    (req.method() == actix_web::http::Method::GET && public && anonymous)
        .then(|| format!("{}?{}", path, req.query_string()))
}

/// The middleware: answers from the cache, or passes the request on and keeps a 200 answer.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (Some(key), Some(cache), Some(colophon)) =
        (rest_key(&req), req.app_data::<Data<ResponseCache>>().cloned(), req.app_data::<Data<Colophon>>().cloned())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(generation) = colophon.cache_epoch() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if let Some(entry) = cache.get(&key, generation) {
        let response = entry.respond(req.request());
        return Ok(req.into_response(response));
    }
    let response = next.call(req).await?.map_into_boxed_body();
    Ok(keep(&cache, key, generation, response))
}

/// Stores a 200 answer's bytes under `generation` and sends the same bytes on.
pub fn keep(
    cache: &ResponseCache,
    key: String,
    generation: u64,
    response: ServiceResponse<BoxBody>,
) -> ServiceResponse<BoxBody> {
    if response.status() != StatusCode::OK {
        return response;
    }
    let (req, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    match body.try_into_bytes() {
        Ok(bytes) => {
            cache.put(key, generation, head.status(), head.headers(), bytes.clone());
            head.headers_mut().insert(header::HeaderName::from_static(CACHE_HEADER), HeaderValue::from_static("miss"));
            ServiceResponse::new(req, head.set_body(BoxBody::new(bytes)))
        }
        // A streamed body is not cached.
        Err(body) => ServiceResponse::new(req, head.set_body(body)),
    }
}
