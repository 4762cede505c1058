//! Sign-in: login, refresh, logout, and the caller's own record.

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use colophon_domain::{Author, Role};
use colophon_service::Session;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::authors::AuthorRef;
use crate::caller::{Caller, Client};
use crate::problem::ApiError;
use crate::rest::responses;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    #[schema(example = "admin@colophon.test")]
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionBody {
    /// A JWT for `Authorization: Bearer …`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Opaque; exchange it once at `/auth/refresh` for a new pair.
    pub refresh_token: String,
}

impl From<Session> for SessionBody {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
            refresh_token: s.refresh_token,
        }
    }
}

/// The caller's own record, private fields included.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeBody {
    #[serde(flatten)]
    pub author: AuthorRef,
    pub email: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<Author> for MeBody {
    fn from(a: Author) -> Self {
        Self { author: AuthorRef::from(&a), email: a.email, role: a.role, created_at: a.created_at.and_utc() }
    }
}

/// Signs in with e-mail and password. Unknown e-mail and wrong password get the same 401.
#[utoipa::path(
    post, operation_id = "login", path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in", body = SessionBody),
        responses::Session,
    )
)]
pub async fn login(
    Client(client): Client,
    colophon: crate::cache::Service,
    body: crate::json::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let session = colophon
        .login(colophon_service::SignIn { email: body.email, password: body.password, client: client.address })
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(SessionBody::from(session)))
}

/// Exchanges a refresh token for a new pair. The old token dies; presenting it again revokes
/// every token of that sign-in.
#[utoipa::path(
    post, operation_id = "refresh", path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses(
        (status = 200, description = "A new pair", body = SessionBody),
        responses::Session,
    )
)]
pub async fn refresh(
    colophon: crate::cache::Service,
    body: crate::json::Json<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let session = colophon.refresh(colophon_service::RefreshToken(body.into_inner().refresh_token)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(SessionBody::from(session)))
}

/// Ends the sign-in the refresh token belongs to: send `{"refresh_token": …}` with the access
/// token (other sign-ins of the same account stay; see `logout-all`).
#[utoipa::path(
    post, operation_id = "logout", path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshBody, security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        responses::Session,
    )
)]
pub async fn logout(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: crate::json::Json<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    colophon.logout(caller, colophon_service::RefreshToken(body.into_inner().refresh_token)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Signs out everywhere: every refresh token of the caller is revoked and every access token
/// already issued stops working.
#[utoipa::path(
    post, operation_id = "logout_all", path = "/api/v1/auth/logout-all", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Every sign-in ended"),
        responses::SignedIn,
    )
)]
pub async fn logout_all(Caller(caller): Caller, colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    colophon.logout_everywhere(caller).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in author's own record, with e-mail and role.
#[utoipa::path(
    get, operation_id = "me", path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = MeBody),
        responses::SignedIn,
    )
)]
pub async fn me(Caller(caller): Caller, colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    let author = colophon.me(caller).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "private, no-store")).json(MeBody::from(author)))
}
