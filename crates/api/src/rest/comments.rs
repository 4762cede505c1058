//! Reader comments: the public list, submission, and the form token.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{Comment, CommentId, CommentOrder, CommentStatus};
use colophon_service::CommentInput;
use colophon_service::Paging;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paged;
use crate::caller::{Caller, Client};
use crate::etag::json_with_etag;
use crate::json::Json;
use crate::problem::ApiError;
use crate::rest::responses;
use crate::rest::schemas;

/// A comment as the public sees it: no e-mail, address or user agent, ever.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentBody {
    pub id: i64,
    pub post_id: i64,
    /// The comment this one replies to.
    pub parent_id: Option<i64>,
    /// Nesting level: 0 for a top-level comment (in thread order, the level shown).
    pub depth: i32,
    pub author_name: String,
    pub author_url: Option<String>,
    /// False for an "Unregistered Commenter".
    pub is_registered: bool,
    /// The author's id when the commenter was signed in.
    pub author_id: Option<i64>,
    /// Sanitized HTML (the seed's allowlist).
    pub body_html: String,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentBody {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id.0,
            post_id: c.post_id.0,
            parent_id: c.parent_id.map(|id| id.0),
            depth: c.depth,
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentListParams {
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (opaque and signed: any other value is 400).
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// `oldest` (default): oldest first, each with `parent_id`. `thread`: each top-level comment
    /// followed by its replies, depth first; `limit` counts top-level comments.
    pub order: Option<CommentOrder>,
}

fn private_email() -> utoipa::openapi::schema::Object {
    schemas::described(schemas::optional_email(), "Private: never shown.")
}

fn commenter_url() -> utoipa::openapi::schema::Object {
    schemas::described(schemas::optional_http_url(), "An http(s) URL.")
}

/// A new comment. Only the seed's tags survive in `body`: `a[href title]`, `abbr[title]`,
/// `acronym[title]`, `b`, `blockquote[cite]`, `code`, `em`, `i`, `strike`, `strong`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentBody {
    /// 1–80 characters; ignored when signed in (the account's name is used).
    #[schema(example = "Josh Moore", min_length = 1, max_length = 80, pattern = "[^\\s]")]
    pub author_name: Option<String>,
    #[schema(schema_with = private_email)]
    pub author_email: Option<String>,
    #[schema(schema_with = commenter_url)]
    pub author_url: Option<String>,
    /// 1–10,000 characters, with some text besides markup.
    #[schema(
        example = "I do business with people that I like.",
        min_length = 1,
        max_length = 10000,
        pattern = "[A-Za-z0-9]"
    )]
    pub body: String,
    /// An approved comment of the same post.
    #[serde(default, deserialize_with = "crate::rest::deserialize::optional_integer")]
    pub parent_id: Option<i64>,
    /// Leave empty: a field hidden from people.
    pub website: Option<String>,
    /// From `GET /posts/{slug}/comment-token`, fetched when the form was shown.
    pub form_token: Option<String>,
}

impl From<NewCommentBody> for CommentInput {
    fn from(b: NewCommentBody) -> Self {
        Self {
            author_name: b.author_name,
            author_email: b.author_email,
            author_url: b.author_url,
            body: Some(b.body),
            parent_id: b.parent_id.map(CommentId),
            honeypot: b.website,
            form_token: b.form_token,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedBody {
    pub id: i64,
    /// `approved`, or `pending` until an editor approves it.
    pub status: CommentStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormTokenBody {
    pub token: String,
}

/// The approved comments of a published post.
#[utoipa::path(
    get, operation_id = "list_comments", path = "/api/v1/posts/{slug}/comments", tag = "comments",
    params(("slug" = String, Path, description = "The post's slug"), CommentListParams),
    responses(
        (status = 200, description = "A page of comments", body = CommentPage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicItem,
    )
)]
pub async fn list(
    req: HttpRequest,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
    params: crate::json::Query<CommentListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let comments = colophon
        .list_comments(slug.into_inner().into(), Paging::new(p.limit, p.cursor), p.order.unwrap_or_default())
        .await?;
    json_with_etag(&req, &CommentPage::from_page(comments, CommentBody::from))
}

/// Submits a comment. Signed in (bearer token), it is registered and approved at once;
/// otherwise it starts as the site's moderation setting says.
#[utoipa::path(
    post, operation_id = "submit_comment", path = "/api/v1/posts/{slug}/comments", tag = "comments",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The post's slug")), request_body = NewCommentBody,
    responses(
        (status = 201, description = "Accepted", body = SubmittedBody, headers(("Location" = String))),
        responses::Update,
    )
)]
pub async fn submit(
    Caller(caller): Caller,
    Client(client): Client,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
    body: Json<NewCommentBody>,
) -> Result<HttpResponse, ApiError> {
    let comment = colophon.submit_comment(caller, slug.into_inner().into(), body.into_inner().into(), client).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/comments/{}", comment.id)))
        .json(SubmittedBody { id: comment.id.0, status: comment.status }))
}

/// A token to send back with the comment form: a submission sooner than a few seconds after
/// it was issued is treated as a bot's.
#[utoipa::path(
    get, operation_id = "comment_form_token", path = "/api/v1/posts/{slug}/comment-token", tag = "comments",
    params(("slug" = String, Path, description = "The post's slug")),
    responses(
        (status = 200, description = "A form token", body = FormTokenBody),
        responses::PublicItem,
    )
)]
pub async fn form_token(colophon: crate::cache::Service, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let token = colophon.comment_form_token(slug.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(FormTokenBody { token }))
}

/// One approved comment.
#[utoipa::path(
    get, operation_id = "get_comment", path = "/api/v1/comments/{id}", tag = "comments",
    params(("id" = i64, Path, description = "The comment's id")),
    responses(
        (status = 200, description = "The comment", body = CommentBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicItem,
    )
)]
pub async fn get(
    req: HttpRequest,
    colophon: crate::cache::Service,
    id: web::Path<CommentId>,
) -> Result<HttpResponse, ApiError> {
    let comment = colophon.get_comment(id.into_inner()).await?;
    json_with_etag(&req, &CommentBody::from(comment))
}
