//! Products and sidebars.

use actix_web::{HttpRequest, HttpResponse, web};
use colophon_domain::{Product, ProductId};
use colophon_service::Paging;
use colophon_service::{SidebarView, WidgetView};
use serde::Serialize;
use utoipa::ToSchema;

use super::authors::AuthorRef;
use super::{PageParams, paged};
use crate::etag::json_with_etag;
use crate::problem::ApiError;
use crate::rest::responses;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductBody {
    pub id: i64,
    #[schema(example = "The Big Lebowski (Limited Edition) [Blu-ray Book + Digital Copy]")]
    pub title: String,
    pub url: Option<String>,
    /// The picture's URL (also in `image`).
    pub image_url: Option<String>,
    /// The picture with its alt text, credit and, for a media item, its size.
    pub image: Option<super::posts::FeaturedImageBody>,
    /// The word before the names.
    #[schema(example = "starring")]
    pub contributor_label: Option<String>,
    #[schema(example = json!(["Jeff Bridges", "John Goodman"]))]
    pub contributors: Vec<String>,
    #[schema(example = "Limited Edition [Blu-ray Book + Digital Copy]")]
    pub edition: Option<String>,
}

impl From<Product> for ProductBody {
    fn from(p: Product) -> Self {
        Self {
            id: p.id.0,
            title: p.title,
            url: p.url,
            image_url: p.image.as_ref().and_then(|i| i.url.clone()),
            image: p.image.map(Into::into),
            contributor_label: p.contributor_label,
            contributors: p.contributors,
            edition: p.edition,
        }
    }
}

/// One block of a sidebar, in display order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WidgetBody {
    Product { product: ProductBody },
    AuthorBio { author: AuthorRef },
    Html { html: String },
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SidebarBody {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub widgets: Vec<WidgetBody>,
}

impl From<SidebarView> for SidebarBody {
    fn from(s: SidebarView) -> Self {
        Self {
            id: s.id.0,
            slug: s.slug.into_string(),
            title: s.title,
            widgets: s
                .widgets
                .into_iter()
                .map(|w| match w {
                    WidgetView::Product(product) => WidgetBody::Product { product: product.into() },
                    WidgetView::AuthorBio(author) => WidgetBody::AuthorBio { author: AuthorRef::from(&author) },
                    WidgetView::Html(html) => WidgetBody::Html { html },
                })
                .collect(),
        }
    }
}

paged!(ProductPage, ProductBody);
paged!(SidebarPage, SidebarBody);

/// The product catalogue, oldest first.
#[utoipa::path(
    get, operation_id = "list_products", path = "/api/v1/products", tag = "products", params(PageParams),
    responses(
        (status = 200, description = "A page of products", body = ProductPage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicList,
    )
)]
pub async fn list_products(
    req: HttpRequest,
    colophon: crate::cache::Service,
    page: crate::json::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page.into_inner();
    let products = colophon.list_products(Paging::new(page.limit, page.cursor)).await?;
    json_with_etag(&req, &ProductPage::from_page(products, ProductBody::from))
}

/// One product.
#[utoipa::path(
    get, operation_id = "get_product", path = "/api/v1/products/{id}", tag = "products",
    params(("id" = i64, Path, description = "The product's id")),
    responses(
        (status = 200, description = "The product", body = ProductBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicItem,
    )
)]
pub async fn get_product(
    req: HttpRequest,
    colophon: crate::cache::Service,
    id: web::Path<ProductId>,
) -> Result<HttpResponse, ApiError> {
    let product = colophon.get_product(id.into_inner()).await?;
    json_with_etag(&req, &ProductBody::from(product))
}

/// Sidebars with their widgets resolved, oldest first.
#[utoipa::path(
    get, operation_id = "list_sidebars", path = "/api/v1/sidebars", tag = "sidebars", params(PageParams),
    responses(
        (status = 200, description = "A page of sidebars", body = SidebarPage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicList,
    )
)]
pub async fn list_sidebars(
    req: HttpRequest,
    colophon: crate::cache::Service,
    page: crate::json::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page.into_inner();
    let sidebars = colophon.list_sidebars(Paging::new(page.limit, page.cursor)).await?;
    json_with_etag(&req, &SidebarPage::from_page(sidebars, SidebarBody::from))
}

/// One sidebar with its widgets resolved.
#[utoipa::path(
    get, operation_id = "get_sidebar", path = "/api/v1/sidebars/{slug}", tag = "sidebars",
    params(("slug" = String, Path, description = "The sidebar's slug")),
    responses(
        (status = 200, description = "The sidebar", body = SidebarBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicItem,
    )
)]
pub async fn get_sidebar(
    req: HttpRequest,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sidebar = colophon.get_sidebar(slug.into_inner().into()).await?;
    json_with_etag(&req, &SidebarBody::from(sidebar))
}
