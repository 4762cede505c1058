//! Site settings and the comment blocklist (admins).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_service::{BlockRule, SiteSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::caller;
use crate::json::Json;
use crate::problem::{ApiError, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsBody {
    /// How unregistered comments start: `pending` (default), `approved`, or
    /// `previously_approved` (approved when the same e-mail has an approved comment).
    #[schema(example = "pending")]
    pub comment_moderation: &'static str,
}

impl From<SiteSettings> for SettingsBody {
    fn from(s: SiteSettings) -> Self {
        Self { comment_moderation: s.comment_moderation.as_str() }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsBody {
    #[schema(pattern = "^(pending|approved|previously_approved)$")]
    pub comment_moderation: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockRuleBody {
    pub id: i64,
    /// `word` (in the name, URL or text), `address` (client IP) or `email`.
    #[schema(example = "word")]
    pub kind: String,
    #[schema(example = "casino")]
    pub value: String,
    pub created_at: DateTime<Utc>,
}

impl From<BlockRule> for BlockRuleBody {
    fn from(r: BlockRule) -> Self {
        Self { id: r.id, kind: r.kind, value: r.value, created_at: r.created_at.and_utc() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlocklistBody {
    pub data: Vec<BlockRuleBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBlockRuleBody {
    #[schema(pattern = "^(word|address|email)$")]
    pub kind: String,
    #[schema(min_length = 1, max_length = 254)]
    pub value: String,
}

use crate::problem::PROBLEM_JSON as PROBLEM;

/// The site settings (admins).
#[utoipa::path(
    get, operation_id = "get_settings", path = "/api/v1/settings", tag = "settings", security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = SettingsBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn get_settings(req: HttpRequest, colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    Ok(HttpResponse::Ok().json(SettingsBody::from(colophon.site_settings(caller).await?)))
}

/// Changes site settings (admins).
#[utoipa::path(
    patch, operation_id = "update_settings", path = "/api/v1/settings", tag = "settings", request_body = UpdateSettingsBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings now", body = SettingsBody),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body too large", body = Problem, content_type = PROBLEM),
        (status = 415, description = "Not JSON", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid values", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn update_settings(
    req: HttpRequest,
    colophon: crate::cache::Service,
    body: Json<UpdateSettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    let settings = colophon.update_site_settings(caller, body.into_inner().comment_moderation).await?;
    Ok(HttpResponse::Ok().json(SettingsBody::from(settings)))
}

/// The comment blocklist (admins).
#[utoipa::path(
    get, operation_id = "list_blocklist", path = "/api/v1/blocklist", tag = "settings", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every rule", body = BlocklistBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn list_blocklist(req: HttpRequest, colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    let rules = colophon.blocklist(caller).await?;
    Ok(HttpResponse::Ok().json(BlocklistBody { data: rules.into_iter().map(Into::into).collect() }))
}

/// Adds a blocklist rule: matching comments are stored as spam (admins).
#[utoipa::path(
    post, operation_id = "add_block_rule", path = "/api/v1/blocklist", tag = "settings", request_body = NewBlockRuleBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = BlockRuleBody),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The rule exists", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body too large", body = Problem, content_type = PROBLEM),
        (status = 415, description = "Not JSON", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid kind or value", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn add_block_rule(
    req: HttpRequest,
    colophon: crate::cache::Service,
    body: Json<NewBlockRuleBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    let b = body.into_inner();
    let rule = colophon.add_block_rule(caller, b.kind, b.value).await?;
    Ok(HttpResponse::Created().json(BlockRuleBody::from(rule)))
}

/// Removes a blocklist rule (admins).
#[utoipa::path(
    delete, operation_id = "remove_block_rule", path = "/api/v1/blocklist/{id}", tag = "settings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rule's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Malformed id", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such rule", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn remove_block_rule(
    req: HttpRequest,
    colophon: crate::cache::Service,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    colophon.remove_block_rule(caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
