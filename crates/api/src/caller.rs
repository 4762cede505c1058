//! Who is calling and from where: the bearer token, checked by the service, and the client
//! address used for rate limits.

use actix_web::HttpRequest;
use actix_web::http::header;
use colophon_service::{Caller, Colophon, ServiceError};
use serde::{Deserialize, Deserializer};

use crate::problem::ApiError;

/// The bearer token of a request: `None` without an Authorization header; a header that is
/// not `Bearer <token>` is refused outright.
pub fn bearer(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| unauthenticated())?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(unauthenticated()),
    }
}

fn unauthenticated() -> ApiError {
    ApiError::Service(ServiceError::Unauthenticated("send Authorization: Bearer <access token>"))
}

/// The caller of a REST request: anonymous without a token, 401 with a bad one.
pub async fn caller(req: &HttpRequest, colophon: &Colophon) -> Result<Caller, ApiError> {
    Ok(colophon.authenticate(bearer(req)?).await?)
}

/// Proxies whose `X-Forwarded-For` is believed (`COLOPHON_TRUSTED_PROXIES`); empty by default,
/// since any client can send the header.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<std::net::IpAddr>);

/// The client's address for rate limits and moderation: the socket's peer, or, when the peer is
/// a trusted proxy, the nearest address in `X-Forwarded-For` that is not one.
pub fn client_address(req: &HttpRequest) -> Option<String> {
    let peer = req.peer_addr()?.ip();
    let trusted = req.app_data::<TrustedProxies>().map(|t| t.0.as_slice()).unwrap_or_default();
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded =
        req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let client = forwarded
        .split(',')
        .rev()
        .filter_map(|hop| hop.trim().parse::<std::net::IpAddr>().ok())
        .find(|ip| !trusted.contains(ip));
    Some(client.unwrap_or(peer).to_string())
}

/// The client's user agent, as it said.
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// For PATCH bodies: a field that is absent stays `None`, an explicit `null` becomes
/// `Some(None)` (clear the field), a value `Some(Some(v))`.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// JSON Schema counts `3.0` as an integer; serde does not. For integer fields of request
/// bodies: a whole number in either notation, and nothing else.
pub fn optional_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Option::<serde_json::Number>::deserialize(deserializer)?
        .map(|number| {
            whole(&number).ok_or_else(|| serde::de::Error::custom(format!("expected a whole number, got {number}")))
        })
        .transpose()
}

pub fn integers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i64>, D::Error> {
    Vec::<serde_json::Number>::deserialize(deserializer)?
        .iter()
        .map(|number| {
            whole(number).ok_or_else(|| serde::de::Error::custom(format!("expected whole numbers, got {number}")))
        })
        .collect()
}

fn whole(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| {
        let float = number.as_f64()?;
        (float.fract() == 0.0 && float >= i64::MIN as f64 && float < i64::MAX as f64).then_some(float as i64)
    })
}
