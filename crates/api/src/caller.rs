//! Who is calling and from where: the bearer token, checked by the service, and the client
//! address used for rate limits.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use colophon_service::{Colophon, ServiceError};

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

/// The caller of a REST request, as a handler argument: anonymous without a token, 401 with a
/// bad one. List it first: a forged or expired token is refused before the body is read (the
/// signature and expiry are checked when the extractor is first polled; only the token's
/// version needs the database).
pub struct Caller(pub colophon_service::Caller);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let bearer = bearer(req).map(|token| token.map(str::to_string));
        let colophon = req.app_data::<web::Data<Colophon>>().cloned();
        Box::pin(async move {
            let colophon = colophon.ok_or_else(|| ServiceError::internal("the service is not configured"))?;
            Ok(Caller(colophon.authenticate(bearer?.as_deref()).await?))
        })
    }
}

/// Where a request comes from (address and user agent), as a handler argument: for rate limits
/// and for moderators judging spam.
pub struct Client(pub colophon_service::ClientInfo);

impl FromRequest for Client {
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let info = colophon_service::ClientInfo { address: client_address(req), user_agent: user_agent(req) };
        std::future::ready(Ok(Client(info)))
    }
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
