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

/// The client's address as the socket saw it. (Behind a proxy every client shares the
/// proxy's address; see README.)
pub fn client_address(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|addr| addr.ip().to_string())
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
