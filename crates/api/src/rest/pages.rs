//! Standalone pages: read by slug, written by id, guarded by `If-Match` like posts.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::PostStatus;
use colophon_service::Paging;
use colophon_service::{PageInput, PageView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::authors::AuthorRef;
use super::catalog::SidebarBody;
use super::content_body::{create_body, update_body};
use super::content_writes::content_writes;
use super::posts::SeoBody;
use super::{paged, responses};
use crate::caller::Caller;
use crate::etag::post_with_etag;
use crate::problem::ApiError;

/// A page as lists show it: everything but its body and sidebar.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageSummaryBody {
    pub id: i64,
    #[schema(example = "about")]
    pub slug: String,
    pub title: String,
    /// Plain text.
    pub excerpt: String,
    pub status: PostStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub author: AuthorRef,
    /// Where the frontend shows the page (`COLOPHON_PAGE_URL`; by default this API's address of it).
    pub url: Option<String>,
    /// The site's own fields (`GET /api/v1/fields`), by name: public ones, and to signed-in staff
    /// all of them.
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

impl From<&PageView> for PageSummaryBody {
    fn from(v: &PageView) -> Self {
        let p = &v.page;
        Self {
            id: p.id.0,
            slug: p.slug.as_str().to_string(),
            title: p.title.clone(),
            excerpt: p.excerpt.clone(),
            status: v.status,
            published_at: p.published_at.map(|t| t.and_utc()),
            updated_at: p.updated_at.and_utc(),
            author: AuthorRef::from(&v.author),
            url: v.url.clone(),
            custom_fields: v.custom_fields.clone(),
        }
    }
}

/// One page with everything it shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageBody {
    #[serde(flatten)]
    pub summary: PageSummaryBody,
    /// Bumped by every edit; send it back in `If-Match` (as the `ETag`) to edit safely.
    pub version: i64,
    /// The Markdown source, for those who may edit the page (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// The body, sanitized HTML.
    pub body_html: String,
    pub sidebar: Option<SidebarBody>,
    pub seo: SeoBody,
}

impl From<PageView> for PageBody {
    fn from(v: PageView) -> Self {
        let image = None;
        let seo = v.page.seo.effective(&v.page.title, &v.page.excerpt, v.url.as_deref(), image).into();
        Self {
            summary: PageSummaryBody::from(&v),
            version: v.page.version,
            body_markdown: if v.editable { v.page.body_markdown.clone() } else { None },
            body_html: v.page.content.body_html,
            sidebar: v.sidebar.map(Into::into),
            seo,
        }
    }
}

paged!(PagePage, PageSummaryBody);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageListParams {
    /// Signed-in staff: pages of this status. Contributors and authors see their own only.
    pub status: Option<PostStatus>,
    /// Page size, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (opaque and signed: any other value is 400).
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

create_body! {
    /// A new page. Send `body_markdown` or `body_html`, not both; the slug is derived from the
    /// title when absent.
    CreatePageBody {} {}
}

update_body! {
    /// A partial update: absent fields stay; `null` clears `excerpt` (derive it again),
    /// `published_at` and `sidebar`.
    UpdatePageBody {} {}
}

impl From<CreatePageBody> for PageInput {
    fn from(mut b: CreatePageBody) -> Self {
        b.content()
    }
}

impl From<UpdatePageBody> for PageInput {
    fn from(mut b: UpdatePageBody) -> Self {
        b.content()
    }
}

/// Published pages in slug order; with `status`, staff's pages of that status.
#[utoipa::path(
    get, operation_id = "list_pages", path = "/api/v1/pages", tag = "pages", params(PageListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of pages", body = PagePage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::CallerRead,
    )
)]
pub async fn list(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    params: crate::json::Query<PageListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let pages = colophon.list_pages(caller, p.status, Paging::new(p.limit, p.cursor)).await?;
    crate::etag::json_with_etag(&req, &PagePage::from_page(pages, |v| PageSummaryBody::from(&v)))
}

/// One page by slug or id (as PATCH and DELETE take it): the public sees published pages; staff
/// also their drafts.
#[utoipa::path(
    get, operation_id = "get_page", path = "/api/v1/pages/{page}", tag = "pages",
    security((), ("bearer" = [])),
    params(("page" = String, Path, description = "The page's slug, or its id")),
    responses(
        (status = 200, description = "The page", body = PageBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::CallerRead,
    )
)]
pub async fn get(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let page = colophon.get_page(caller, colophon_service::Key::parse(&slug)).await?;
    let version = page.page.version;
    post_with_etag(&req, &PageBody::from(page), version)
}

content_writes! {
    tag: "pages", collection: "/api/v1/pages", item: "/api/v1/pages/{page}", param: "page",
    param_doc: "The page's id, or its slug",
    answer: PageBody, version: |v: &PageView| v.page.version, slug: |v: &PageView| v.page.slug.clone(),
    /// Creates a page (contributors: drafts only; authors publish their own).
    create: "create_page", CreatePageBody => create_page;
    /// Updates a page: absent fields stay; `If-Match` refuses a stale edit (412).
    update: "update_page", UpdatePageBody => update_page;
    /// Deletes a page.
    delete: "delete_page" => delete_page;
}
