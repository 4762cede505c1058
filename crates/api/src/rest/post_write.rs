//! Writing posts: create, partial update (guarded by `If-Match`), delete.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use colophon_domain::Patch;
use colophon_service::{FeaturedImageInput, Key, PostInput, SeoInput, ServiceError};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::content_body::{create_body, update_body};
use super::posts::PostBody;
use crate::caller::Caller;
use crate::etag::{if_match_version, post_with_etag};
use crate::problem::ApiError;
use crate::rest::responses;
use crate::rest::schemas;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeaturedImageInputBody {
    #[schema(schema_with = schemas::optional_http_url)]
    pub url: Option<String>,
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub alt: Option<String>,
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub credit: Option<String>,
    /// A media library item (not with `url`): its URL and size come with it, and its alt text
    /// and credit unless given here.
    #[schema(minimum = 1)]
    pub media_id: Option<i64>,
}

impl From<FeaturedImageInputBody> for FeaturedImageInput {
    fn from(b: FeaturedImageInputBody) -> Self {
        Self { url: b.url, alt: b.alt, credit: b.credit, media_id: b.media_id.map(colophon_domain::MediaId) }
    }
}

/// Search-engine and link-preview fields. Absent: left as they are; `null`: cleared, so that the
/// default shows again (the title, the excerpt, the public URL, the featured image).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeoInputBody {
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub meta_title: Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<500>)]
    pub meta_description: Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub canonical_url: Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub og_image: Patch<String>,
    /// Keep search engines out (and out of the sitemap).
    pub noindex: Option<bool>,
}

impl From<SeoInputBody> for SeoInput {
    fn from(b: SeoInputBody) -> Self {
        Self {
            meta_title: b.meta_title,
            meta_description: b.meta_description,
            canonical_url: b.canonical_url,
            og_image: b.og_image,
            noindex: b.noindex,
        }
    }
}

create_body! {
    /// A new post. Send `body_markdown` or `body_html`, not both; the slug is derived from the
    /// title when absent, the excerpt from the body's first paragraph.
    CreatePostBody {
        pub featured_image: Option<FeaturedImageInputBody>,
        #[schema(example = json!(["Social Networking"]), max_items = 20)]
        pub tags: Option<Vec<String>>,
        pub comments_enabled: Option<bool>,
    } {
        /// An author's slug (editors only; default: the caller).
        #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
        pub author: Option<String>,
    }
}

update_body! {
    /// A partial update: absent fields stay as they are; `null` clears `excerpt` (derive it
    /// again), `published_at`, `featured_image` and `sidebar`.
    UpdatePostBody {
        #[serde(default)]
        #[schema(value_type = Option<FeaturedImageInputBody>)]
        pub featured_image: Patch<FeaturedImageInputBody>,
        #[schema(max_items = 20)]
        pub tags: Option<Vec<String>>,
        pub comments_enabled: Option<bool>,
    } {
        #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
        pub author: Option<String>,
    }
}

impl From<CreatePostBody> for PostInput {
    fn from(mut b: CreatePostBody) -> Self {
        Self {
            content: b.content(),
            featured_image: b.featured_image.map(Into::into).into(),
            tags: b.tags,
            comments_enabled: b.comments_enabled,
            author: b.author,
        }
    }
}

impl From<UpdatePostBody> for PostInput {
    fn from(mut b: UpdatePostBody) -> Self {
        Self {
            content: b.content(),
            featured_image: std::mem::take(&mut b.featured_image).map(Into::into),
            tags: b.tags,
            comments_enabled: b.comments_enabled,
            author: b.author,
        }
    }
}

/// The `If-Match` header of a post change.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// The post's `ETag` the change is based on (412 when the post changed since), or `*`.
    #[param(rename = "If-Match", value_type = String, required = false, pattern = "^(\\*|(W/)?\"v[0-9]+(-[A-Za-z0-9_-]*)?\")$")]
    pub if_match: Option<String>,
}

/// Creates a post (contributors: drafts only; authors publish their own).
#[utoipa::path(
    post, operation_id = "create_post", path = "/api/v1/posts", tag = "posts", request_body = CreatePostBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = PostBody, headers(("Location" = String), ("ETag" = String))),
        responses::Create,
    )
)]
pub async fn create(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    body: crate::json::Json<CreatePostBody>,
) -> Result<HttpResponse, ApiError> {
    let post = colophon.create_post(caller, body.into_inner().into()).await?;
    let version = post.summary.post.version;
    let location = format!("/api/v1/posts/{}", post.summary.post.slug);
    let mut response = post_with_etag(&req, &PostBody::from(post), version)?;
    *response.status_mut() = actix_web::http::StatusCode::CREATED;
    let location = location.parse().map_err(|e| ServiceError::internal_while("the Location header", e))?;
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// Partially updates a post. With `If-Match` (the post's `ETag`), an edit based on an older
/// version is refused with 412 and nothing is written.
#[utoipa::path(
    patch, operation_id = "update_post", path = "/api/v1/posts/{post}", tag = "posts", request_body = UpdatePostBody, security(("bearer" = [])),
    params(("post" = String, Path, description = "The post's id, or its slug"), IfMatchHeader),
    responses(
        (status = 200, description = "Updated", body = PostBody, headers(("ETag" = String))),
        responses::Update,
    )
)]
pub async fn update(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    key: web::Path<String>,
    body: crate::json::Json<UpdatePostBody>,
) -> Result<HttpResponse, ApiError> {
    // Credentials first: a request without them is 401 whatever else is wrong with it.
    caller.actor()?;
    let expected = if_match_version(&req)?;
    let post = colophon.update_post(caller, Key::parse(&key), body.into_inner().into(), expected).await?;
    let version = post.summary.post.version;
    post_with_etag(&req, &PostBody::from(post), version)
}

/// Deletes a post and its comments.
#[utoipa::path(
    delete, operation_id = "delete_post", path = "/api/v1/posts/{post}", tag = "posts", security(("bearer" = [])),
    params(("post" = String, Path, description = "The post's id, or its slug"), IfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        responses::Delete,
    )
)]
pub async fn delete(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.actor()?;
    colophon.delete_post(caller, Key::parse(&key), if_match_version(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
