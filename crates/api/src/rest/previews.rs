//! Preview links for drafts and scheduled posts, and the preview itself (no sign-in).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::PreviewLinkId;
use colophon_service::Paging;
use colophon_service::{Key, PreviewLinkView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::posts::PostBody;
use super::{PageParams, paged};
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;

/// A preview link; `token` and `url` only in the answer that made it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewLinkBody {
    pub id: i64,
    pub post_id: i64,
    /// Who made it: it ends when they sign out everywhere or change their password.
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Shown once: hand it to the frontend's preview route.
    pub token: Option<String>,
    /// `GET` it without signing in to read the post (shown once, with the token).
    pub url: Option<String>,
}

impl PreviewLinkBody {
    fn new(view: PreviewLinkView, public_url: &str) -> Self {
        let l = view.link;
        Self {
            id: l.id.0,
            post_id: l.post_id.0,
            created_by: l.created_by.0,
            created_at: l.created_at.and_utc(),
            expires_at: l.expires_at.and_utc(),
            revoked_at: l.revoked_at.map(|t| t.and_utc()),
            url: view.token.as_ref().map(|t| format!("{}/api/v1/preview/{t}", public_url.trim_end_matches('/'))),
            token: view.token,
        }
    }
}

paged!(PreviewLinkPage, PreviewLinkBody);

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePreviewBody {
    /// Hours until the link stops working: 1 to 720 (30 days); 24 when absent.
    #[serde(default, deserialize_with = "crate::rest::deserialize::optional_integer")]
    #[schema(minimum = 1, maximum = 720)]
    pub expires_in_hours: Option<i64>,
}

/// Makes a preview link to a draft or scheduled post (whoever may edit it); 409 for a
/// published post.
#[utoipa::path(
    post, operation_id = "create_preview_link", path = "/api/v1/posts/{post}/previews", tag = "previews",
    params(("post" = String, Path, description = "The post's id, or its slug")), request_body = CreatePreviewBody,
    security(("bearer" = [])),
    responses((status = 201, description = "Created; `token` is shown this once", body = PreviewLinkBody), responses::Update)
)]
pub async fn create(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    public_url: web::Data<crate::feeds::PublicUrl>,
    post: web::Path<String>,
    body: crate::json::Json<CreatePreviewBody>,
) -> Result<HttpResponse, ApiError> {
    caller.actor()?;
    let view = colophon
        .create_preview_link(caller, Key::parse(&post), body.into_inner().expires_in_hours.map(colophon_domain::Hours))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(PreviewLinkBody::new(view, &public_url.0)))
}

/// A post's preview links, newest first, revoked and expired ones too.
#[utoipa::path(
    get, operation_id = "list_preview_links", path = "/api/v1/posts/{post}/previews", tag = "previews",
    params(("post" = String, Path, description = "The post's id, or its slug"), PageParams), security(("bearer" = [])),
    responses((status = 200, description = "A page of links (without tokens)", body = PreviewLinkPage), responses::EditorRead)
)]
pub async fn list(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    public_url: web::Data<crate::feeds::PublicUrl>,
    post: web::Path<String>,
    params: crate::json::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let page = colophon.list_preview_links(caller, Key::parse(&post), Paging::new(p.limit, p.cursor)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(PreviewLinkPage::from_page(page, |v| PreviewLinkBody::new(v, &public_url.0))))
}

/// Ends a preview link at once.
#[utoipa::path(
    delete, operation_id = "revoke_preview_link", path = "/api/v1/posts/{post}/previews/{id}", tag = "previews",
    params(("post" = String, Path, description = "The post's id, or its slug"), ("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), responses::Delete)
)]
pub async fn revoke(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (post, id) = path.into_inner();
    colophon.revoke_preview_link(caller, Key::parse(&post), PreviewLinkId(id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The post a preview token shows, as its page would show it, whatever its status; no sign-in.
/// Never cached, never indexed. A forged, expired or revoked token is 404.
#[utoipa::path(
    get, operation_id = "preview_post", path = "/api/v1/preview/{token}", tag = "previews",
    params(("token" = String, Path, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")),
    responses(
        (status = 200, description = "The post", body = PostBody,
         headers(("Cache-Control" = String, description = "private, no-store"), ("X-Robots-Tag" = String, description = "noindex"))),
        responses::PublicItem,
    )
)]
pub async fn preview(
    colophon: web::Data<colophon_service::Colophon>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let detail = colophon.preview(colophon_service::PreviewToken(token.into_inner())).await?;
    let mut response = HttpResponse::Ok().json(PostBody::from(detail));
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex"));
    Ok(response)
}
