//! Site settings and the comment blocklist (admins).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{BlockRule, BlockRuleId, BlockRuleKind, ModerationMode};
use colophon_service::SiteSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::json::Json;
use crate::problem::ApiError;
use crate::rest::responses;

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsBody {
    /// How unregistered comments start: `pending` (default), `approved`, or
    /// `previously_approved` (approved when the same name and e-mail have an approved comment).
    pub comment_moderation: ModerationMode,
}

impl From<SiteSettings> for SettingsBody {
    fn from(s: SiteSettings) -> Self {
        Self { comment_moderation: s.comment_moderation }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsBody {
    pub comment_moderation: Option<ModerationMode>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockRuleBody {
    pub id: i64,
    pub kind: BlockRuleKind,
    #[schema(example = "casino")]
    pub value: String,
    pub created_at: DateTime<Utc>,
}

impl From<BlockRule> for BlockRuleBody {
    fn from(r: BlockRule) -> Self {
        Self { id: r.id.0, kind: r.kind, value: r.value, created_at: r.created_at.and_utc() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlocklistBody {
    pub data: Vec<BlockRuleBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBlockRuleBody {
    pub kind: BlockRuleKind,
    #[schema(min_length = 1, max_length = 254)]
    pub value: String,
}

/// The site settings (admins).
#[utoipa::path(
    get, operation_id = "get_settings", path = "/api/v1/settings", tag = "settings", security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = SettingsBody),
        responses::StaffRead,
    )
)]
pub async fn get_settings(Caller(caller): Caller, colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(SettingsBody::from(colophon.site_settings(caller).await?)))
}

/// Changes site settings (admins).
#[utoipa::path(
    patch, operation_id = "update_settings", path = "/api/v1/settings", tag = "settings", request_body = UpdateSettingsBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings now", body = SettingsBody),
        responses::Update,
    )
)]
pub async fn update_settings(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: Json<UpdateSettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let settings = colophon.update_site_settings(caller, body.into_inner().comment_moderation).await?;
    Ok(HttpResponse::Ok().json(SettingsBody::from(settings)))
}

/// The comment blocklist (admins).
#[utoipa::path(
    get, operation_id = "list_blocklist", path = "/api/v1/blocklist", tag = "settings", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every rule", body = BlocklistBody),
        responses::StaffRead,
    )
)]
pub async fn list_blocklist(Caller(caller): Caller, colophon: crate::cache::Service) -> Result<HttpResponse, ApiError> {
    let rules = colophon.blocklist(caller).await?;
    Ok(HttpResponse::Ok().json(BlocklistBody { data: rules.into_iter().map(Into::into).collect() }))
}

/// Adds a blocklist rule: matching comments are stored as spam (admins).
#[utoipa::path(
    post, operation_id = "add_block_rule", path = "/api/v1/blocklist", tag = "settings", request_body = NewBlockRuleBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = BlockRuleBody),
        responses::Create,
    )
)]
pub async fn add_block_rule(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: Json<NewBlockRuleBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let rule = colophon.add_block_rule(caller, colophon_service::NewBlockRule { kind: b.kind, value: b.value }).await?;
    Ok(HttpResponse::Created().json(BlockRuleBody::from(rule)))
}

/// Removes a blocklist rule (admins).
#[utoipa::path(
    delete, operation_id = "remove_block_rule", path = "/api/v1/blocklist/{id}", tag = "settings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rule's id")),
    responses(
        (status = 204, description = "Removed"),
        responses::Delete,
    )
)]
pub async fn remove_block_rule(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<BlockRuleId>,
) -> Result<HttpResponse, ApiError> {
    colophon.remove_block_rule(caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
