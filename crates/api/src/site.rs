//! The pages around the API: the index at `/`, the OpenAPI document, the GraphiQL explorer served
//! from vendored assets (no CDN: it works offline, under a self-only CSP), `HEAD` on every `GET`
//! route, and validators (`ETag`, `Cache-Control`, `304`) on whatever does not set its own.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::etag::{entity_tag, none_match};

/// `HEAD` is `GET` without the body (RFC 9110 §9.3.2): routed as `GET`; the HTTP layer, which
/// remembers the method the client sent, leaves the body out and keeps its length.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let graphql = req.path() == "/graphql";
    let mut response = next.call(req).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    let varies = |headers: &actix_web::http::header::HeaderMap, name: &str| {
        headers
            .get_all(header::VARY)
            .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().split(',').any(|n| n.trim() == name)))
    };
    // Whatever may be compressed varies with Accept-Encoding, compressed this time or not.
    if !varies(headers, "accept-encoding") && crate::cache::compressible(headers.get(header::CONTENT_TYPE)) {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    // GraphQL's media type and status codes follow Accept (GraphQL over HTTP).
    if graphql && !varies(headers, "accept") {
        headers.append(header::VARY, HeaderValue::from_static("accept"));
    }
    // Bytes in another coding are another representation: a strong tag would claim otherwise.
    if headers.contains_key(header::CONTENT_ENCODING) {
        let strong =
            headers.get(header::ETAG).and_then(|v| v.to_str().ok()).filter(|t| t.starts_with('"')).map(str::to_string);
        if let Some(weak) = strong.and_then(|tag| HeaderValue::from_str(&format!("W/{tag}")).ok()) {
            headers.insert(header::ETAG, weak);
        }
    }
    Ok(response)
}

/// How long browsers may keep the vendored explorer and docs assets without asking again.
const ASSET_MAX_AGE: &str = "public, max-age=3600";

/// Adds an `ETag` (the hash of the body) and a `Cache-Control` to successful `GET` answers that
/// have none (feeds, the OpenAPI document, docs assets), and answers `304` when the client holds
/// the same bytes.
pub async fn validators(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    if response.request().method() != Method::GET
        || response.status() != StatusCode::OK
        || response.headers().contains_key(header::ETAG)
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return Ok(response);
    }
    let assets = response.request().path().starts_with("/docs/") || response.request().path().starts_with("/graphiql/");
    let (req, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        Err(body) => return Ok(ServiceResponse::new(req, head.set_body(body))),
    };
    let etag = entity_tag(&bytes);
    let headers = head.headers_mut();
    headers.insert(header::ETAG, HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")));
    if !headers.contains_key(header::CACHE_CONTROL) {
        let policy = if assets { ASSET_MAX_AGE } else { "no-cache" };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    let held =
        req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| none_match(v, &etag));
    if held {
        *head.status_mut() = StatusCode::NOT_MODIFIED;
        return Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(()))));
    }
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(bytes))))
}

/// `GET /`: where things are.
pub async fn index() -> HttpResponse {
    let body = serde_json::json!({
        "name": "Colophon",
        "description": "A fast, trustworthy headless CMS",
        "links": {
            "rest": "/api/v1/posts",
            "openapi": "/openapi.json",
            "docs": "/docs/",
            "graphql": "/graphql",
            "feed": "/feed.atom",
            "feeds": ["/feed.atom", "/feed.rss", "/feed.json"],
            "sitemap": "/sitemap.xml",
            "health": "/healthz",
            "ready": "/readyz",
        }
    });
    HttpResponse::Ok().content_type("application/json").body(body.to_string())
}

/// `GET /docs`: the docs live at `/docs/`.
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently().insert_header((header::LOCATION, "/docs/")).finish()
}

/// The OpenAPI document as this server serves it: the checked-in contract, with this server's
/// public address as its server, so that Swagger UI's "Try it out" calls this server whatever
/// its port (the checked-in file names the quickstart's).
#[derive(Debug, Clone)]
pub struct ServedOpenApi(pub String);

impl ServedOpenApi {
    /// The document for a server whose links name `public_url`.
    pub fn for_server(public_url: &str) -> Self {
        let mut document: serde_json::Value = serde_json::from_str(&crate::openapi_json()).unwrap_or_default();
        document["servers"] = serde_json::json!([{ "url": public_url, "description": "This server" }]);
        Self(serde_json::to_string_pretty(&document).unwrap_or_else(|_| crate::openapi_json()))
    }
}

/// `GET /openapi.json`, made once per server.
pub async fn openapi(document: web::Data<ServedOpenApi>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(document.0.clone())
}

/// The explorer's page: everything it loads comes from `/graphiql/`.
pub fn graphiql_page() -> HttpResponse {
    const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Colophon GraphQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
</head>
<body style="margin: 0">
<div id="graphiql" style="height: 100vh">Loading the GraphQL explorer…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script src="/graphiql/start.js"></script>
</body>
</html>
"#;
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(PAGE)
}

const START: &str = r#"// Starts GraphiQL against this server's /graphql.
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher }));
"#;

/// One vendored asset: its content type and its gzipped bytes (see `assets/graphiql/vendor.sh`).
fn asset(name: &str) -> Option<(&'static str, &'static [u8])> {
    Some(match name {
        "graphiql.min.js" => {
            ("text/javascript; charset=utf-8", include_bytes!("../assets/graphiql/graphiql.min.js.gz"))
        }
        "graphiql.min.css" => ("text/css; charset=utf-8", include_bytes!("../assets/graphiql/graphiql.min.css.gz")),
        "react.production.min.js" => {
            ("text/javascript; charset=utf-8", include_bytes!("../assets/graphiql/react.production.min.js.gz"))
        }
        "react-dom.production.min.js" => {
            ("text/javascript; charset=utf-8", include_bytes!("../assets/graphiql/react-dom.production.min.js.gz"))
        }
        _ => return None,
    })
}

/// `GET /graphiql/{file}`: the gzip bytes as they are to clients that accept gzip, else inflated.
pub async fn graphiql_asset(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    if file.as_str() == "start.js" {
        return HttpResponse::Ok().content_type("text/javascript; charset=utf-8").body(START);
    }
    let Some((content_type, gzipped)) = asset(&file) else {
        return HttpResponse::NotFound().content_type("text/plain").body("no such asset");
    };
    let etag = entity_tag(gzipped);
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| none_match(v, &etag)) {
        return HttpResponse::NotModified().insert_header((header::ETAG, etag)).finish();
    }
    let mut response = HttpResponse::Ok();
    response
        .content_type(content_type)
        .insert_header((header::ETAG, format!("W/{etag}")))
        .insert_header((header::CACHE_CONTROL, ASSET_MAX_AGE));
    if crate::cache::Coding::accepts_gzip(&req) {
        return response.insert_header((header::CONTENT_ENCODING, "gzip")).body(gzipped);
    }
    let mut inflated = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(gzipped);
    if std::io::Read::read_to_end(&mut decoder, &mut inflated).is_err() {
        return HttpResponse::InternalServerError().finish();
    }
    response.body(inflated)
}
