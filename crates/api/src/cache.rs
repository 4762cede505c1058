//! The response cache: anonymous reads, kept as the exact bytes sent (and their compressed forms),
//! each with the stamp of its read and the cache keys of what it shows (see
//! `colophon_service::CacheKey`). An entry is served only while none of its keys has been
//! invalidated since its read began, so a write drops exactly the answers it changed.
//!
//! Bounded by size (entries weigh their bytes) with moka's TinyLFU admission: an entry enters only
//! if it is likely to be asked for more often than what it would push out, so a client sending
//! thousands of one-off GraphQL documents cannot empty the cache of everyone's pages.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use colophon_service::{Colophon, Reads, Stamp};

use crate::etag::none_match;

/// Whether a response came from the cache (`hit`) or was computed and kept (`miss`): for
/// operators and tests, never for correctness.
pub const CACHE_HEADER: &str = "x-colophon-cache";
/// The cache keys a response shows, space-separated, for CDNs that purge by key (Fastly's and
/// Varnish xkey's `Surrogate-Key`).
pub const SURROGATE_KEY: &str = "surrogate-key";
/// The same keys comma-separated, as Cloudflare and Akamai read them.
pub const CACHE_TAG: &str = "cache-tag";

/// How long shared caches (a CDN, Varnish) may keep a cacheable answer, while browsers revalidate
/// every time. Off by default: only a CDN that purges by key on Colophon's events should hold an
/// answer past a write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SharedCaching {
    /// `s-maxage`, in seconds; 0 leaves answers `no-cache` for every cache.
    pub max_age_secs: u64,
    /// `stale-while-revalidate`, in seconds: how long a shared cache may serve an expired answer
    /// while it fetches a new one.
    pub stale_while_revalidate_secs: u64,
}

impl SharedCaching {
    /// The `Cache-Control` of a public, cacheable answer under this policy.
    fn header(self) -> Option<HeaderValue> {
        (self.max_age_secs > 0).then(|| {
            let value = format!(
                "public, max-age=0, s-maxage={}, stale-while-revalidate={}",
                self.max_age_secs, self.stale_while_revalidate_secs
            );
            HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("no-cache"))
        })
    }
}

/// Default capacity, in bytes.
pub const DEFAULT_CAPACITY: u64 = 64 * 1024 * 1024;
/// Bodies shorter than this are sent as they are: compressing them saves nothing.
const MIN_COMPRESS: usize = 256;

/// A content coding the cache keeps bytes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Zstd,
    Gzip,
}

impl Coding {
    const ALL: [Coding; 3] = [Coding::Brotli, Coding::Zstd, Coding::Gzip];

    fn name(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Zstd => "zstd",
            Coding::Gzip => "gzip",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The coding a request's `Accept-Encoding` prefers: highest weight, then br, zstd, gzip.
    pub fn negotiate(req: &HttpRequest) -> Option<Coding> {
        let accept = req.headers().get(header::ACCEPT_ENCODING)?.to_str().ok()?;
        let mut best: Option<(f32, Coding)> = None;
        for coding in Coding::ALL {
            let weight = accept
                .split(',')
                .filter_map(|item| {
                    let mut parts = item.split(';');
                    let name = parts.next()?.trim();
                    (name.eq_ignore_ascii_case(coding.name()) || name == "*").then(|| {
                        parts.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.parse().ok()).unwrap_or(1.0)
                    })
                })
                .fold(None, |acc: Option<f32>, w| Some(acc.map_or(w, |a| a.max(w))));
            if let Some(weight) = weight.filter(|w| *w > 0.0) {
                if best.is_none_or(|(b, _)| weight > b) {
                    best = Some((weight, coding));
                }
            }
        }
        best.map(|(_, coding)| coding)
    }

    /// Whether `Accept-Encoding` allows gzip (for bytes kept gzipped).
    pub fn accepts_gzip(req: &HttpRequest) -> bool {
        let Some(accept) = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        accept.split(',').any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let weight =
                parts.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            (name.eq_ignore_ascii_case("gzip") || name == "*") && weight > 0.0
        })
    }

    fn compress(self, bytes: &[u8]) -> Option<Bytes> {
        let out = match self {
            Coding::Brotli => {
                let mut out = Vec::with_capacity(bytes.len() / 4);
                {
                    let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                    writer.write_all(bytes).ok()?;
                }
                out
            }
            Coding::Zstd => zstd::bulk::compress(bytes, 3).ok()?,
            Coding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(bytes).ok()?;
                encoder.finish().ok()?
            }
        };
        (out.len() < bytes.len()).then(|| Bytes::from(out))
    }
}

/// Whether a media type is worth compressing (text of some kind).
pub(crate) fn compressible(content_type: Option<&HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("json")
        || essence.ends_with("xml")
        || essence == "application/javascript"
        || essence == "image/svg+xml"
}

/// One kept answer.
pub struct Entry {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    /// The body in each coding, compressed on first request for it; `None` when compressing
    /// does not make it smaller.
    encoded: [OnceLock<Option<Bytes>>; 3],
    stamp: Stamp,
    slots: Vec<u32>,
    surrogate_keys: HeaderValue,
    cache_tags: HeaderValue,
    /// The shared-cache policy in force when kept (`None`: the answer's own `Cache-Control`).
    cache_control: Option<HeaderValue>,
}

/// Headers worth keeping with a cached body.
const KEPT: [HeaderName; 4] = [header::CONTENT_TYPE, header::ETAG, header::CACHE_CONTROL, header::LOCATION];

pub struct ResponseCache {
    entries: moka::sync::Cache<String, Arc<Entry>>,
    shared: Option<HeaderValue>,
}

impl Default for ResponseCache {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl ResponseCache {
    /// A cache of at most `bytes` (keys and bodies; compressed forms are reckoned at the size of
    /// the body again).
    pub fn with_capacity(bytes: u64) -> Self {
        Self::counting(bytes, None)
    }

    /// A cache of at most `bytes` that calls `evicted` for each entry dropped to make room.
    pub fn counting(bytes: u64, evicted: Option<Arc<dyn Fn() + Send + Sync>>) -> Self {
        let mut builder =
            moka::sync::Cache::builder().max_capacity(bytes).weigher(|key: &String, entry: &Arc<Entry>| {
                let weight = key.len() + 2 * entry.body.len() + 512;
                u32::try_from(weight).unwrap_or(u32::MAX)
            });
        if let Some(evicted) = evicted {
            builder = builder.eviction_listener(move |_, _, cause| {
                if cause == moka::notification::RemovalCause::Size {
                    evicted();
                }
            });
        }
        Self { entries: builder.build(), shared: None }
    }

    /// The same cache, telling shared caches to keep its answers as `policy` says.
    #[must_use]
    pub fn with_shared_caching(mut self, policy: SharedCaching) -> Self {
        self.shared = policy.header();
        self
    }

    /// The fresh entry under `key`, if any (a stale one is dropped).
    pub fn get(&self, key: &str, colophon: &Colophon) -> Option<Arc<Entry>> {
        let entry = self.entries.get(key)?;
        if colophon.is_fresh(entry.stamp, &entry.slots) {
            return Some(entry);
        }
        self.entries.invalidate(key);
        None
    }

    /// Keeps an answer if it may be kept: 200, not marked `no-store` or `private`, and its reads
    /// named what they showed. Returns the entry kept.
    pub fn put(
        &self,
        key: String,
        reads: &Reads,
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Option<Arc<Entry>> {
        if status != StatusCode::OK || !cacheable(headers) {
            return None;
        }
        let (stamp, slots) = reads.finish()?;
        let headers = KEPT.iter().filter_map(|name| headers.get(name).map(|v| (name.clone(), v.clone()))).collect();
        let keys = reads.keys();
        // Keys are built from slugs and numbers (ASCII without spaces or commas).
        let surrogate_keys = HeaderValue::from_str(&keys.join(" ")).unwrap_or(HeaderValue::from_static(""));
        let cache_tags = HeaderValue::from_str(&keys.join(",")).unwrap_or(HeaderValue::from_static(""));
        let entry = Arc::new(Entry {
            status,
            headers,
            body,
            encoded: Default::default(),
            stamp,
            slots,
            surrogate_keys,
            cache_tags,
            cache_control: self.shared.clone(),
        });
        self.entries.insert(key, entry.clone());
        Some(entry)
    }

    /// Entries kept now (after pending evictions), for tests and metrics.
    pub fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes kept now, as weighed.
    pub fn weight(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }

    /// Whether an entry is kept under `key` (fresh or not).
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }
}

/// Only answers marked cacheable are kept: `no-store` (a comment form's token) and `private`
/// (a signed-in view) never are.
fn cacheable(headers: &HeaderMap) -> bool {
    headers.get_all(header::CACHE_CONTROL).all(|value| {
        let value = value.to_str().unwrap_or("no-store").to_ascii_lowercase();
        !value.split(',').any(|d| matches!(d.trim(), "no-store" | "private"))
    })
}

impl Entry {
    /// The kept answer for this request: in the coding it accepts, or 304 when it already holds it.
    pub fn respond(&self, req: &HttpRequest, state: &'static str) -> HttpResponse {
        let content_type = self.headers.iter().find(|(n, _)| *n == header::CONTENT_TYPE).map(|(_, v)| v);
        let vary = compressible(content_type) && self.body.len() >= MIN_COMPRESS;
        let encoded = vary.then(|| Coding::negotiate(req)).flatten().and_then(|coding| {
            self.encoded[coding.index()].get_or_init(|| coding.compress(&self.body)).clone().map(|b| (coding, b))
        });
        let etag = self.headers.iter().find(|(n, _)| *n == header::ETAG).and_then(|(_, v)| v.to_str().ok());
        let not_modified = match (etag, req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())) {
            (Some(etag), Some(candidates)) => none_match(candidates, etag),
            _ => false,
        };
        let mut response = HttpResponse::build(if not_modified { StatusCode::NOT_MODIFIED } else { self.status });
        for (name, value) in &self.headers {
            if *name == header::ETAG && encoded.is_some() {
                // Another coding is another representation: its tag is weak (as nginx does).
                let weak = format!("W/{}", value.to_str().unwrap_or("").trim_start_matches("W/"));
                response.insert_header((header::ETAG, weak));
            } else if *name == header::CACHE_CONTROL && self.cache_control.is_some() {
                // Replaced below by the shared-cache policy.
            } else {
                response.insert_header((name.clone(), value.clone()));
            }
        }
        if let Some(policy) = &self.cache_control {
            response.insert_header((header::CACHE_CONTROL, policy.clone()));
        }
        if vary {
            response.insert_header((header::VARY, HeaderValue::from_static("accept-encoding")));
        }
        response.insert_header((CACHE_HEADER, state));
        response.insert_header((HeaderName::from_static(SURROGATE_KEY), self.surrogate_keys.clone()));
        response.insert_header((HeaderName::from_static(CACHE_TAG), self.cache_tags.clone()));
        if not_modified {
            return response.finish();
        }
        match encoded {
            Some((coding, bytes)) => {
                response.insert_header((header::CONTENT_ENCODING, coding.name()));
                response.body(bytes)
            }
            None => response.body(self.body.clone()),
        }
    }
}

/// The service handle of a request: the recording one the cache middleware gave it (so that the
/// service names what the answer shows), or the shared one.
pub struct Service(pub Colophon);

impl std::ops::Deref for Service {
    type Target = Colophon;

    fn deref(&self) -> &Colophon {
        &self.0
    }
}

/// Put into a request's extensions by the cache middleware.
#[derive(Clone)]
struct Recording(Colophon);

impl FromRequest for Service {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let service = match req.extensions().get::<Recording>() {
            Some(recording) => Ok(Service(recording.0.clone())),
            None => req
                .app_data::<Data<Colophon>>()
                .map(|data| Service(data.get_ref().clone()))
                .ok_or_else(|| actix_web::error::ErrorInternalServerError("the service is not configured")),
        };
        std::future::ready(service)
    }
}

/// REST reads that may be cached: anonymous GETs of the public API and the feeds.
fn rest_key(req: &ServiceRequest) -> Option<String> {
    let path = req.path();
    let public = (path.starts_with("/api/v1/") || path.ends_with(".atom"))
        && !path.starts_with("/api/v1/me")
        && !path.starts_with("/api/v1/auth/");
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION);
    (req.method() == actix_web::http::Method::GET && public && anonymous)
        .then(|| format!("{}?{}", path, req.query_string()))
}

/// The middleware: answers from the cache, or passes the request on with a recording service and
/// keeps the answer.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (Some(key), Some(cache), Some(colophon)) =
        (rest_key(&req), req.app_data::<Data<ResponseCache>>().cloned(), req.app_data::<Data<Colophon>>().cloned())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some((recording, reads)) = colophon.recording() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if let Some(entry) = cache.get(&key, &colophon) {
        counted(&colophon, "hit");
        let response = entry.respond(req.request(), "hit");
        return Ok(req.into_response(response));
    }
    req.extensions_mut().insert(Recording(recording));
    let response = next.call(req).await?.map_into_boxed_body();
    Ok(keep(&cache, key, &reads, response, &colophon))
}

/// Counts a cacheable answer's outcome for `/metrics`: `hit`, `miss` (computed and kept) or
/// `bypass` (computed, not kept).
pub fn counted(colophon: &Colophon, outcome: &str) {
    colophon.metrics().cache.with_label_values(&[outcome]).inc();
}

/// Keeps a cacheable answer and sends what the cache would send for it.
fn keep(
    cache: &ResponseCache,
    key: String,
    reads: &Reads,
    response: ServiceResponse<BoxBody>,
    colophon: &Colophon,
) -> ServiceResponse<BoxBody> {
    if response.status() != StatusCode::OK || !cacheable(response.headers()) {
        counted(colophon, "bypass");
        return response;
    }
    let (req, response) = response.into_parts();
    let (head, body) = response.into_parts();
    match body.try_into_bytes() {
        Ok(bytes) => match cache.put(key, reads, head.status(), head.headers(), bytes.clone()) {
            Some(entry) => {
                counted(colophon, "miss");
                ServiceResponse::new(req.clone(), entry.respond(&req, "miss"))
            }
            None => {
                counted(colophon, "bypass");
                ServiceResponse::new(req, head.set_body(BoxBody::new(bytes)))
            }
        },
        // A streamed body is not cached.
        Err(body) => ServiceResponse::new(req, head.set_body(body)),
    }
}
