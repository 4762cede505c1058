//! API keys for integrations (admins, signed in in person).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{ApiKey, ApiKeyId, AuthorId, Role};
use colophon_service::Paging;
use colophon_service::{ApiKeyInput, IssuedApiKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paged;
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;
use crate::rest::schemas;

/// A key as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyBody {
    pub id: i64,
    pub name: String,
    /// The public part, `colophon_<prefix>_…`, to tell keys apart.
    pub prefix: String,
    /// The author it acts for.
    pub owner_id: i64,
    /// The role it acts with (the owner's, if that is lower).
    pub role: Role,
    /// Reads drafts and scheduled posts; writes nothing.
    pub read_only: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Updated at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyBody {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id.0,
            name: k.name,
            prefix: k.prefix,
            owner_id: k.owner.0,
            role: k.role,
            read_only: k.read_only,
            created_at: k.created_at.and_utc(),
            expires_at: k.expires_at.map(|t| t.and_utc()),
            last_used_at: k.last_used_at.map(|t| t.and_utc()),
            revoked_at: k.revoked_at.map(|t| t.and_utc()),
        }
    }
}

/// A key just made or rotated, with the whole key: shown this once, stored nowhere.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedApiKeyBody {
    /// `colophon_<prefix>_<secret>`: send it as `Authorization: Bearer …`.
    pub key: String,
    #[serde(flatten)]
    pub details: ApiKeyBody,
}

impl From<IssuedApiKey> for IssuedApiKeyBody {
    fn from(issued: IssuedApiKey) -> Self {
        Self { key: issued.secret, details: issued.key.into() }
    }
}

paged!(ApiKeyPage, ApiKeyBody);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyBody {
    #[schema(schema_with = schemas::text::<100>)]
    pub name: String,
    /// The author it acts for; the admin creating it when absent.
    #[serde(default, deserialize_with = "crate::rest::deserialize::optional_integer")]
    pub owner_id: Option<i64>,
    /// At most the owner's role; the owner's when absent.
    pub role: Option<Role>,
    #[serde(default)]
    pub read_only: bool,
    /// Days until it stops working (1–3650); never when absent.
    #[serde(default, deserialize_with = "crate::rest::deserialize::optional_integer")]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

impl From<CreateApiKeyBody> for ApiKeyInput {
    fn from(b: CreateApiKeyBody) -> Self {
        Self {
            name: b.name,
            owner: b.owner_id.map(AuthorId),
            role: b.role,
            read_only: b.read_only,
            // Out of u32's range is out of 1–3650 too: the service refuses it (422).
            expires_in_days: b.expires_in_days.map(|days| u32::try_from(days).unwrap_or(u32::MAX)),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiKeyListParams {
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// Creates a key; the answer holds the whole key, once (admins, signed in in person).
#[utoipa::path(
    post, operation_id = "create_api_key", path = "/api/v1/keys", tag = "keys", request_body = CreateApiKeyBody,
    security(("bearer" = [])),
    responses((status = 201, description = "Created; `key` is shown this once", body = IssuedApiKeyBody), responses::Create)
)]
pub async fn create(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: crate::json::Json<CreateApiKeyBody>,
) -> Result<HttpResponse, ApiError> {
    let issued = colophon.create_api_key(caller, body.into_inner().into()).await?;
    Ok(HttpResponse::Created().insert_header(("Cache-Control", "no-store")).json(IssuedApiKeyBody::from(issued)))
}

/// Every key, revoked ones too, oldest first (admins).
#[utoipa::path(
    get, operation_id = "list_api_keys", path = "/api/v1/keys", tag = "keys", params(ApiKeyListParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of keys", body = ApiKeyPage), responses::StaffRead)
)]
pub async fn list(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    params: crate::json::Query<ApiKeyListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let page = colophon.api_keys(caller, Paging::new(p.limit, p.cursor)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(ApiKeyPage::from_page(page, ApiKeyBody::from)))
}

/// Revokes a key at once (admins).
#[utoipa::path(
    delete, operation_id = "revoke_api_key", path = "/api/v1/keys/{id}", tag = "keys", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The key's id")),
    responses((status = 204, description = "Revoked"), responses::Delete)
)]
pub async fn revoke(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<ApiKeyId>,
) -> Result<HttpResponse, ApiError> {
    colophon.revoke_api_key(caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new secret for a key, same settings; the old one stops working at once (admins).
#[utoipa::path(
    post, operation_id = "rotate_api_key", path = "/api/v1/keys/{id}/rotate", tag = "keys", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The key's id")),
    responses((status = 200, description = "Rotated; `key` is shown this once", body = IssuedApiKeyBody), responses::Delete)
)]
pub async fn rotate(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<ApiKeyId>,
) -> Result<HttpResponse, ApiError> {
    let issued = colophon.rotate_api_key(caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(IssuedApiKeyBody::from(issued)))
}
