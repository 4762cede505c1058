//! The audit log (admins).

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use colophon_domain::{ApiKeyId, AuditEntry, AuthorId};
use colophon_service::AuditQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paged;
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryBody {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The author who wrote (a key's owner); null for the operator's command line.
    pub author_id: Option<i64>,
    /// The API key the write came with, if any.
    pub api_key_id: Option<i64>,
    /// `post.update`, `comment.moderate`, `api_key.create`…
    pub action: String,
    /// `post:42`, `settings`…
    pub target: String,
    /// The request's `X-Request-Id`, when it came over HTTP.
    pub request_id: Option<String>,
    /// The names of the fields changed (never their values).
    pub fields: Vec<String>,
}

impl From<AuditEntry> for AuditEntryBody {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id.0,
            at: e.at.and_utc(),
            author_id: e.author.map(|a| a.0),
            api_key_id: e.api_key.map(|k| k.0),
            action: e.action,
            target: e.target,
            request_id: e.request_id,
            fields: e.fields,
        }
    }
}

paged!(AuditPage, AuditEntryBody);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Writes by this author, in person or through a key.
    #[param(value_type = Option<i64>)]
    pub author_id: Option<AuthorId>,
    /// Writes made with this API key.
    #[param(value_type = Option<i64>)]
    pub api_key_id: Option<ApiKeyId>,
    /// An action (`post.update`) or every action on a resource (`post`).
    #[param(max_length = 81, pattern = "^[a-z_]+(\\.[a-z_]+)?$")]
    pub action: Option<String>,
    /// One object, such as `post:42`.
    #[param(max_length = 200)]
    pub target: Option<String>,
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// Who changed what, newest first (admins).
#[utoipa::path(
    get, operation_id = "audit_log", path = "/api/v1/audit", tag = "audit", params(AuditParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of entries", body = AuditPage), responses::StaffRead)
)]
pub async fn list(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    params: crate::json::Query<AuditParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let query = AuditQuery {
        author: p.author_id,
        api_key: p.api_key_id,
        action: p.action,
        target: p.target,
        limit: p.limit,
        cursor: p.cursor,
    };
    let page = colophon.audit_log(caller, query).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(AuditPage::from_page(page, AuditEntryBody::from)))
}
