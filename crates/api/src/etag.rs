//! Entity tags for reads: a hash of the exact bytes sent, so a client revalidating with
//! `If-None-Match` gets 304 exactly when it already holds those bytes.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::problem::ApiError;
use colophon_domain::Version;
use colophon_service::ServiceError;

/// The strong entity tag of a body: 128 bits of its SHA-256, quoted.
pub fn entity_tag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", URL_SAFE_NO_PAD.encode(&digest[..16]))
}

/// Whether an `If-None-Match` header value matches `etag` (weak comparison, RFC 9110 §13.1.2).
pub fn none_match(header_value: &str, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    header_value.split(',').any(|candidate| candidate.trim() == "*" || bare(candidate) == bare(etag))
}

/// Serializes `value` as the JSON body with its `ETag`, or answers 304 when the client holds it.
pub fn json_with_etag<T: Serialize>(req: &HttpRequest, value: &T) -> Result<HttpResponse, ApiError> {
    respond(req, value, None)
}

/// Like [`json_with_etag`] for a post: the tag starts with the post's version (`"v7-…"`), which
/// is what `If-Match` is checked against, so a stale edit is refused even when only the
/// comment count or the neighbours changed the body.
pub fn post_with_etag<T: Serialize>(req: &HttpRequest, value: &T, version: i64) -> Result<HttpResponse, ApiError> {
    respond(req, value, Some(version))
}

/// A version no post ever has: what an `If-Match` that names no version stands for.
pub const NO_VERSION: i64 = -1;

/// The post version an `If-Match` header names: `None` without the header or with `*`. An
/// entity tag that names no version of ours can match no version, so it becomes [`NO_VERSION`]
/// (412 once the caller is known to be allowed at all); a value that is no entity tag is 400.
pub fn if_match_version(req: &HttpRequest) -> Result<Option<Version>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else { return Ok(None) };
    let value = value.to_str().unwrap_or_default().trim();
    if value == "*" {
        return Ok(None);
    }
    let opaque = value.strip_prefix("W/").unwrap_or(value);
    let Some(tag) = opaque.strip_prefix('"').and_then(|t| t.strip_suffix('"')).filter(|t| !t.contains('"')) else {
        return Err(ApiError::request(
            actix_web::http::StatusCode::BAD_REQUEST,
            "bad_request",
            "If-Match must be * or an entity tag such as \"v3-…\" (the post's ETag)",
        ));
    };
    let version = tag.strip_prefix('v').map(|rest| rest.split('-').next().unwrap_or_default());
    Ok(Some(Version(version.and_then(|v| v.parse::<i64>().ok()).filter(|v| *v > 0).unwrap_or(NO_VERSION))))
}

/// A created item's answer: 201 with its `Location` and versioned `ETag`.
pub fn created_with_etag<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    version: i64,
    location: &str,
) -> Result<HttpResponse, ApiError> {
    let mut response = respond(req, value, Some(version))?;
    *response.status_mut() = actix_web::http::StatusCode::CREATED;
    let location = location.parse().map_err(|e| ServiceError::internal_while("the Location header", e))?;
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// The version an edit is based on, once the caller is known: a request without credentials
/// is 401 whatever else is wrong with it, so they are checked before `If-Match` is read.
pub fn edit_base(caller: &colophon_service::Caller, req: &HttpRequest) -> Result<Option<Version>, ApiError> {
    caller.actor()?;
    if_match_version(req)
}

/// Like [`json_with_etag`] for an answer whose JSON is already written (by the read compiler).
pub fn json_text_with_etag(req: &HttpRequest, body: String) -> HttpResponse {
    respond_body(req, body.into_bytes(), None)
}

/// Like [`post_with_etag`] for a post whose JSON is already written (by the read compiler).
pub fn post_text_with_etag(req: &HttpRequest, body: String, version: i64) -> HttpResponse {
    respond_body(req, body.into_bytes(), Some(version))
}

fn respond<T: Serialize>(req: &HttpRequest, value: &T, version: Option<i64>) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ServiceError::internal_while("serialize", e))?;
    Ok(respond_body(req, body, version))
}

fn respond_body(req: &HttpRequest, body: Vec<u8>, version: Option<i64>) -> HttpResponse {
    let hash = entity_tag(&body);
    let etag = match version {
        Some(version) => format!("\"v{version}-{}", &hash[1..]),
        None => hash,
    };
    let matches =
        req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| none_match(v, &etag));
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    // Answers that depend on who asks must not be shared by caches.
    let cache_control =
        if req.headers().contains_key(header::AUTHORIZATION) { "private, no-cache" } else { "no-cache" };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(cache_control)));
    if matches {
        return response.finish();
    }
    response.content_type("application/json").body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_lists_weak_tags_and_star() {
        let tag = entity_tag(b"{}");
        assert!(none_match(&tag, &tag));
        assert!(none_match(&format!("\"x\", W/{tag}"), &tag));
        assert!(none_match("*", &tag));
        assert!(!none_match("\"other\"", &tag));
        assert_ne!(entity_tag(b"{}"), entity_tag(b"[]"));
    }

    #[test]
    fn if_match_reads_the_version() {
        let req =
            |v: &str| actix_web::test::TestRequest::default().insert_header((header::IF_MATCH, v)).to_http_request();
        assert_eq!(if_match_version(&req("\"v7-abc\"")).unwrap(), Some(Version(7)));
        assert_eq!(if_match_version(&req("W/\"v12\"")).unwrap(), Some(Version(12)));
        assert_eq!(if_match_version(&req("*")).unwrap(), None);
        assert_eq!(if_match_version(&req("\"abc\"")).unwrap(), Some(Version(NO_VERSION)));
        assert!(if_match_version(&req("")).is_err());
        assert!(if_match_version(&req("!Lo")).is_err());
        assert_eq!(if_match_version(&actix_web::test::TestRequest::default().to_http_request()).unwrap(), None);
    }
}
