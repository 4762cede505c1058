//! Entity tags for reads: a hash of the exact bytes sent, so a client revalidating with
//! `If-None-Match` gets 304 exactly when it already holds those bytes.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::problem::ApiError;
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
    let body = serde_json::to_vec(value).map_err(|e| ServiceError::Internal(format!("serialize: {e}")))?;
    let etag = entity_tag(&body);
    let matches =
        req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| none_match(v, &etag));
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
    if matches {
        return Ok(response.finish());
    }
    Ok(response.content_type("application/json").body(body))
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
}
