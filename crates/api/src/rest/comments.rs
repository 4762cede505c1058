use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::Comment;
use colophon_service::Colophon;
use serde::Serialize;
use utoipa::ToSchema;

use super::{PageParams, paged};
use crate::etag::json_with_etag;
use crate::problem::{ApiError, Problem};

/// A comment as the public sees it: no e-mail, address or user agent, ever.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentBody {
    pub id: i64,
    pub post_id: i64,
    /// The comment this one replies to.
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_url: Option<String>,
    /// False for an "Unregistered Commenter".
    pub is_registered: bool,
    /// The author's id when the commenter was signed in.
    pub author_id: Option<i64>,
    /// Sanitized HTML.
    pub body_html: String,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentBody {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id.0,
            post_id: c.post_id.0,
            parent_id: c.parent_id.map(|id| id.0),
            is_registered: c.is_registered(),
            author_id: c.author_id.map(|id| id.0),
            author_name: c.author_name,
            author_url: c.author_url,
            body_html: c.body_html,
            created_at: c.created_at.and_utc(),
        }
    }
}

paged!(CommentPage, CommentBody);

/// The approved comments of a published post, oldest first.
#[utoipa::path(
    get, operation_id = "list_comments", path = "/api/v1/posts/{slug}/comments", tag = "comments",
    params(("slug" = String, Path, description = "The post's slug"), PageParams),
    responses(
        (status = 200, description = "A page of comments", body = CommentPage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 400, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not published", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    req: HttpRequest,
    colophon: web::Data<Colophon>,
    slug: web::Path<String>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page.into_inner();
    let comments = colophon.list_comments(slug.into_inner(), page.limit, page.cursor).await?;
    json_with_etag(&req, &CommentPage::from_page(comments, CommentBody::from))
}
