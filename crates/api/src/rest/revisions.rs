//! A post's revisions: list, read, compare, restore (whoever may edit the post).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{PostContent, PostStatus, Revision};
use colophon_service::Paging;
use colophon_service::{Key, RevisionDiff, RevisionRef, ServiceError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::content_writes::IfMatchHeader;
use super::posts::{FeaturedImageBody, PostBody};
use super::{PageParams, paged};
use crate::caller::Caller;
use crate::etag::{if_match_version, post_with_etag};
use crate::problem::ApiError;
use crate::rest::responses;

/// A post's content as a revision keeps it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostContentBody {
    pub title: String,
    pub slug: String,
    pub excerpt: String,
    pub body_html: String,
    /// The Markdown the body came from, when it was written in Markdown.
    pub body_markdown: Option<String>,
    pub featured_image: Option<FeaturedImageBody>,
    /// The tags' names.
    pub tags: Vec<String>,
    /// The sidebar's slug.
    pub sidebar: Option<String>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub og_image: Option<String>,
    pub noindex: bool,
    pub status: PostStatus,
    pub published_at: Option<DateTime<Utc>>,
    /// The site's own fields' values, as stored then.
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

impl From<PostContent> for PostContentBody {
    fn from(c: PostContent) -> Self {
        Self {
            title: c.title,
            slug: c.slug,
            excerpt: c.excerpt,
            body_html: c.body_html,
            body_markdown: c.body_markdown,
            featured_image: c.featured_image.map(Into::into),
            tags: c.tags,
            sidebar: c.sidebar,
            meta_title: c.seo.meta_title,
            meta_description: c.seo.meta_description,
            canonical_url: c.seo.canonical_url,
            og_image: c.seo.og_image,
            noindex: c.seo.noindex,
            status: c.status,
            published_at: c.published_at.map(|t| t.and_utc()),
            custom_fields: c.custom_fields.as_map().clone(),
        }
    }
}

/// One revision: the post's content before a change, who made the change, what it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionBody {
    /// 1 for the first, rising; `restore` takes it.
    pub number: i64,
    /// When the change was made.
    pub created_at: DateTime<Utc>,
    /// Who made it (an API key's owner); null for the command line and imports.
    pub editor_id: Option<i64>,
    /// The API key it was made with, if any.
    pub editor_key_id: Option<i64>,
    /// The fields the change changed.
    #[schema(example = json!(["title", "body"]))]
    pub fields: Vec<String>,
    /// The content before the change.
    pub content: PostContentBody,
}

impl From<Revision> for RevisionBody {
    fn from(r: Revision) -> Self {
        Self {
            number: r.number,
            created_at: r.created_at.and_utc(),
            editor_id: r.editor.map(|a| a.0),
            editor_key_id: r.editor_key.map(|k| k.0),
            fields: r.fields,
            content: r.content.into(),
        }
    }
}

paged!(RevisionPage, RevisionBody);

/// One field's two values.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeBody {
    pub field: String,
    #[schema(value_type = Object)]
    pub from: serde_json::Value,
    #[schema(value_type = Object)]
    pub to: serde_json::Value,
}

/// What changed between two states of a post.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDiffBody {
    /// The older side: a revision number, or null for the current post.
    pub from: Option<i64>,
    /// The newer side: a revision number, or null for the current post.
    pub to: Option<i64>,
    /// The fields that differ.
    pub fields: Vec<String>,
    /// Each differing field but the body, with both values.
    pub changes: Vec<FieldChangeBody>,
    /// A unified line diff of the body (its Markdown when both sides have some, else its HTML);
    /// null when the bodies are the same.
    pub body_diff: Option<String>,
}

impl From<RevisionDiff> for RevisionDiffBody {
    fn from(d: RevisionDiff) -> Self {
        Self {
            from: d.from,
            to: d.to,
            fields: d.fields,
            changes: d.changes.into_iter().map(|(field, from, to)| FieldChangeBody { field, from, to }).collect(),
            body_diff: d.body,
        }
    }
}

/// The two sides of a comparison.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// The older side: a revision number.
    #[param(minimum = 1)]
    pub from: i64,
    /// The newer side: a revision number, or `current` (the default) for the post as it is.
    #[param(value_type = Option<String>, pattern = "^([0-9]+|current)$")]
    pub to: Option<String>,
}

fn side(value: Option<&str>) -> Result<RevisionRef, ApiError> {
    match value {
        None | Some("current") => Ok(RevisionRef::Current),
        Some(n) => n
            .parse()
            .map(RevisionRef::Number)
            .map_err(|_| ServiceError::bad_request("to", "must be a revision number or current").into()),
    }
}

/// A post's revisions, newest first.
#[utoipa::path(
    get, operation_id = "list_revisions", path = "/api/v1/posts/{post}/revisions", tag = "revisions",
    params(("post" = String, Path, description = "The post's id, or its slug"), PageParams), security(("bearer" = [])),
    responses((status = 200, description = "A page of revisions", body = RevisionPage), responses::EditorRead)
)]
pub async fn list(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    post: web::Path<String>,
    params: crate::json::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let page = colophon.list_revisions(caller, Key::parse(&post), Paging::new(p.limit, p.cursor)).await?;
    Ok(private(RevisionPage::from_page(page, RevisionBody::from)))
}

/// One revision.
#[utoipa::path(
    get, operation_id = "get_revision", path = "/api/v1/posts/{post}/revisions/{number}", tag = "revisions",
    params(("post" = String, Path, description = "The post's id, or its slug"), ("number" = i64, Path, minimum = 1)),
    security(("bearer" = [])),
    responses((status = 200, description = "The revision", body = RevisionBody), responses::EditorRead)
)]
pub async fn get(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (post, number) = path.into_inner();
    let revision = colophon.get_revision(caller, Key::parse(&post), colophon_domain::RevisionNumber(number)).await?;
    Ok(private(RevisionBody::from(revision)))
}

/// What changed from revision `from` to revision `to` (or to the current post).
#[utoipa::path(
    get, operation_id = "diff_revisions", path = "/api/v1/posts/{post}/revisions/diff", tag = "revisions",
    params(("post" = String, Path, description = "The post's id, or its slug"), DiffParams), security(("bearer" = [])),
    responses((status = 200, description = "The differences", body = RevisionDiffBody), responses::EditorRead)
)]
pub async fn diff(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    post: web::Path<String>,
    params: crate::json::Query<DiffParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let to = side(p.to.as_deref())?;
    let diff = colophon.diff_revisions(caller, Key::parse(&post), RevisionRef::Number(p.from), to).await?;
    Ok(private(RevisionDiffBody::from(diff)))
}

/// Brings a revision back as a new edit (title, slug, excerpt, body, featured image, tags,
/// sidebar, SEO fields; status and publication time stay). With `If-Match`, a post edited
/// since is 412.
#[utoipa::path(
    post, operation_id = "restore_revision", path = "/api/v1/posts/{post}/revisions/{number}/restore", tag = "revisions",
    params(("post" = String, Path, description = "The post's id, or its slug"), ("number" = i64, Path, minimum = 1), IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The post, restored", body = PostBody, headers(("ETag" = String))),
        responses::Restore,
    )
)]
pub async fn restore(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    caller.actor()?;
    let (post, number) = path.into_inner();
    let detail = colophon
        .restore_revision(caller, Key::parse(&post), colophon_domain::RevisionNumber(number), if_match_version(&req)?)
        .await?;
    let version = detail.summary.post.version;
    post_with_etag(&req, &PostBody::from(detail), version)
}

/// An editor's answer: never kept by a shared cache.
fn private<T: Serialize>(body: T) -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "private, no-store")).json(body)
}
