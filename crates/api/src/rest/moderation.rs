//! The comment moderation queue (editors and admins).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{Comment, CommentId, CommentStatus, PostId};
use colophon_service::QueueQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paged;
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;

/// A comment as moderators see it: with status, e-mail, address and user agent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModeratedCommentBody {
    pub id: i64,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub status: CommentStatus,
    pub author_name: String,
    pub author_email: Option<String>,
    pub author_url: Option<String>,
    pub is_registered: bool,
    pub author_id: Option<i64>,
    pub body_html: String,
    /// What the commenter typed, before sanitizing.
    pub body_source: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Comment> for ModeratedCommentBody {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id.0,
            post_id: c.post_id.0,
            parent_id: c.parent_id.map(|p| p.0),
            status: c.status,
            is_registered: c.is_registered(),
            author_id: c.author_id.map(|a| a.0),
            author_name: c.author_name,
            author_email: c.author_email,
            author_url: c.author_url,
            body_html: c.body_html,
            body_source: c.body_source,
            ip: c.ip,
            user_agent: c.user_agent,
            created_at: c.created_at.and_utc(),
            updated_at: c.updated_at.and_utc(),
        }
    }
}

paged!(ModerationPage, ModeratedCommentBody);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// All statuses when absent.
    pub status: Option<CommentStatus>,
    /// Only the comments of this post.
    #[param(value_type = Option<i64>)]
    pub post_id: Option<PostId>,
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerateBody {
    pub status: CommentStatus,
}

/// The moderation queue, newest first (editors).
#[utoipa::path(
    get, operation_id = "moderation_queue", path = "/api/v1/comments", tag = "comments", params(QueueParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of comments", body = ModerationPage),
        responses::StaffRead,
    )
)]
pub async fn queue(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    params: crate::json::Query<QueueParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let query = QueueQuery { status: p.status, post_id: p.post_id, limit: p.limit, cursor: p.cursor };
    let page = colophon.moderation_queue(caller, query).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(ModerationPage::from_page(page, ModeratedCommentBody::from)))
}

/// Sets a comment's status; the post's comment count follows (editors).
#[utoipa::path(
    patch, operation_id = "moderate_comment", path = "/api/v1/comments/{id}", tag = "comments", request_body = ModerateBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "The comment's id")),
    responses(
        (status = 200, description = "Moderated", body = ModeratedCommentBody),
        responses::Update,
    )
)]
pub async fn moderate(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<CommentId>,
    body: crate::json::Json<ModerateBody>,
) -> Result<HttpResponse, ApiError> {
    let comment = colophon.moderate_comment(caller, id.into_inner(), body.into_inner().status).await?;
    Ok(HttpResponse::Ok().json(ModeratedCommentBody::from(comment)))
}

/// Deletes a comment; its replies move up to its parent (editors).
#[utoipa::path(
    delete, operation_id = "delete_comment", path = "/api/v1/comments/{id}", tag = "comments", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The comment's id")),
    responses(
        (status = 204, description = "Deleted"),
        responses::Delete,
    )
)]
pub async fn delete(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<CommentId>,
) -> Result<HttpResponse, ApiError> {
    colophon.delete_comment(caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkModerateBody {
    /// 1 to 100 comment ids.
    #[schema(min_items = 1, max_items = 100)]
    #[serde(deserialize_with = "crate::rest::deserialize::integers")]
    pub ids: Vec<i64>,
    pub status: CommentStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkModeratedBody {
    pub data: Vec<ModeratedCommentBody>,
}

/// Sets the status of many comments at once, all or none (editors).
#[utoipa::path(
    patch, operation_id = "moderate_comments", path = "/api/v1/comments", tag = "comments", request_body = BulkModerateBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moderated", body = BulkModeratedBody),
        responses::Update,
    )
)]
pub async fn moderate_many(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: crate::json::Json<BulkModerateBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let comments = colophon.moderate_comments(caller, b.ids.into_iter().map(CommentId).collect(), b.status).await?;
    Ok(HttpResponse::Ok().json(BulkModeratedBody { data: comments.into_iter().map(Into::into).collect() }))
}
