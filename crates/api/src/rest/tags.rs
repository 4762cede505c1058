//! Tags: the list with counts and descriptions, one tag, and editors' changes to a tag. A tag's
//! posts are `GET /posts?tag={slug}`.

use actix_web::{HttpRequest, HttpResponse, web};
use colophon_service::Paging;
use colophon_service::{TagInput, TagView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PageParams, paged};
use crate::caller::Caller;
use crate::etag::json_with_etag;
use crate::problem::ApiError;
use crate::rest::{responses, schemas};

/// A tag with the number of published posts carrying it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagPageBody {
    #[schema(example = "personal-branding")]
    pub slug: String,
    #[schema(example = "Personal Branding")]
    pub name: String,
    /// What the tag's page says (plain text; empty when none was written).
    pub description: String,
    /// Published posts carrying it; list them with `GET /posts?tag={slug}`.
    pub post_count: i64,
}

impl From<TagView> for TagPageBody {
    fn from(t: TagView) -> Self {
        Self {
            slug: t.tag.slug.into_string(),
            name: t.tag.name,
            description: t.tag.description,
            post_count: t.post_count,
        }
    }
}

paged!(TagPage, TagPageBody);

/// Changes to a tag: absent fields stay. The slug never changes, so links keep working.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTagBody {
    #[schema(schema_with = schemas::optional_text::<50>)]
    pub name: Option<String>,
    /// Plain text of at most 2,000 characters; `null` clears it.
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<2000>)]
    pub description: colophon_domain::Patch<String>,
}

impl From<UpdateTagBody> for TagInput {
    fn from(b: UpdateTagBody) -> Self {
        Self { name: b.name, description: b.description.into_option().map(Option::unwrap_or_default) }
    }
}

/// The tags published posts carry, in slug order, with their counts.
#[utoipa::path(
    get, operation_id = "list_tags", path = "/api/v1/tags", tag = "tags", params(PageParams),
    responses(
        (status = 200, description = "A page of tags", body = TagPage, headers(("ETag" = String))),
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
    let tags = colophon.list_tags(Paging::new(page.limit, page.cursor)).await?;
    json_with_etag(&req, &TagPage::from_page(tags, TagPageBody::from))
}

/// One tag; 404 when no published post carries it.
#[utoipa::path(
    get, operation_id = "get_tag", path = "/api/v1/tags/{slug}", tag = "tags",
    params(("slug" = String, Path, description = "The tag's slug")),
    responses(
        (status = 200, description = "The tag", body = TagPageBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicItem,
    )
)]
pub async fn get(
    req: HttpRequest,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tag = colophon.get_tag(slug.into_inner().into()).await?;
    json_with_etag(&req, &TagPageBody::from(tag))
}

/// Renames a tag or rewrites its description (editors).
#[utoipa::path(
    patch, operation_id = "update_tag", path = "/api/v1/tags/{slug}", tag = "tags", request_body = UpdateTagBody,
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The tag's slug")),
    responses(
        (status = 200, description = "Updated", body = TagPageBody),
        responses::Update,
    )
)]
pub async fn update(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
    body: crate::json::Json<UpdateTagBody>,
) -> Result<HttpResponse, ApiError> {
    let tag = colophon.update_tag(caller, slug.into_inner().into(), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(TagPageBody::from(tag)))
}
