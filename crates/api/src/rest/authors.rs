use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::Author;
use colophon_service::AuthorProfile;
use colophon_service::Paging;
use serde::Serialize;
use utoipa::ToSchema;

use super::{PageParams, paged};
use crate::etag::json_with_etag;
use crate::problem::ApiError;
use crate::rest::responses;

/// An author as embedded in posts, comments and sidebars: public fields only.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Biography (HTML).
    pub bio: String,
    pub avatar_url: Option<String>,
    pub website_url: Option<String>,
}

impl From<&Author> for AuthorRef {
    fn from(a: &Author) -> Self {
        Self {
            id: a.id.0,
            slug: a.slug.to_string(),
            name: a.name.clone(),
            bio: a.bio_html.clone(),
            avatar_url: a.avatar_url.clone(),
            website_url: a.website_url.clone(),
        }
    }
}

/// A public author profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorBody {
    #[serde(flatten)]
    pub author: AuthorRef,
    /// Posts of this author the public can read.
    pub post_count: i64,
    pub created_at: DateTime<Utc>,
}

impl From<AuthorProfile> for AuthorBody {
    fn from(p: AuthorProfile) -> Self {
        Self { author: AuthorRef::from(&p.author), post_count: p.post_count, created_at: p.author.created_at.and_utc() }
    }
}

paged!(AuthorPage, AuthorBody);

/// Public author profiles, oldest first.
#[utoipa::path(
    get, operation_id = "list_authors", path = "/api/v1/authors", tag = "authors", params(PageParams),
    responses(
        (status = 200, description = "A page of authors", body = AuthorPage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicList,
    )
)]
pub async fn list(
    req: HttpRequest,
    colophon: crate::cache::Service,
    page: crate::json::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page.into_inner();
    let authors = colophon.list_authors(Paging::new(page.limit, page.cursor)).await?;
    json_with_etag(&req, &AuthorPage::from_page(authors, AuthorBody::from))
}

/// One public author profile.
#[utoipa::path(
    get, operation_id = "get_author", path = "/api/v1/authors/{author}", tag = "authors",
    params(("author" = String, Path, description = "The author's slug")),
    responses(
        (status = 200, description = "The author", body = AuthorBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicItem,
    )
)]
pub async fn get(
    req: HttpRequest,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let author = colophon.get_author(slug.into_inner().into()).await?;
    json_with_etag(&req, &AuthorBody::from(author))
}
