//! Managing products and sidebars (editors and admins).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use colophon_domain::{AuthorId, MediaId, ProductId, WidgetKind};
use colophon_service::{ProductInput, SidebarInput, WidgetInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::catalog::{ProductBody, SidebarBody};
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;
use crate::rest::schemas;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProductBody {
    #[schema(schema_with = schemas::text::<300>)]
    pub title: String,
    #[schema(schema_with = schemas::optional_http_url)]
    pub url: Option<String>,
    #[schema(schema_with = schemas::optional_http_url)]
    pub image_url: Option<String>,
    /// A media library item as the picture (not with `image_url`).
    #[schema(minimum = 1)]
    pub image_media_id: Option<i64>,
    #[schema(schema_with = schemas::optional_text::<50>)]
    pub contributor_label: Option<String>,
    #[schema(example = json!(["Jeff Bridges", "John Goodman"]), max_items = 50)]
    pub contributors: Option<Vec<String>>,
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub edition: Option<String>,
}

/// A partial update; `null` clears the optional fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductBody {
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub url: colophon_domain::Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub image_url: colophon_domain::Patch<String>,
    /// A media library item as the picture (not with `image_url`); `null` clears the picture.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub image_media_id: colophon_domain::Patch<i64>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<50>)]
    pub contributor_label: colophon_domain::Patch<String>,
    #[schema(max_items = 50)]
    pub contributors: Option<Vec<String>>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub edition: colophon_domain::Patch<String>,
}

impl From<CreateProductBody> for ProductInput {
    fn from(b: CreateProductBody) -> Self {
        Self {
            title: Some(b.title),
            url: b.url.into(),
            image_url: b.image_url.into(),
            image_media_id: b.image_media_id.map(MediaId).into(),
            contributor_label: b.contributor_label.into(),
            contributors: b.contributors,
            edition: b.edition.into(),
        }
    }
}

impl From<UpdateProductBody> for ProductInput {
    fn from(b: UpdateProductBody) -> Self {
        Self {
            title: b.title,
            url: b.url,
            image_url: b.image_url,
            image_media_id: b.image_media_id.map(MediaId),
            contributor_label: b.contributor_label,
            contributors: b.contributors,
            edition: b.edition,
        }
    }
}

/// One widget: `{kind: "product", product_id}`, `{kind: "author_bio", author_id}` or
/// `{kind: "html", html}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetInputBody {
    pub kind: WidgetKind,
    #[serde(default, deserialize_with = "crate::rest::deserialize::optional_integer")]
    pub product_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::rest::deserialize::optional_integer")]
    pub author_id: Option<i64>,
    pub html: Option<String>,
}

/// A whole sidebar; its widgets in display order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SidebarInputBody {
    /// Required on create; on replace, absent keeps the slug of the path.
    #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[schema(schema_with = schemas::text::<200>)]
    pub title: String,
    #[schema(max_items = 50)]
    pub widgets: Vec<WidgetInputBody>,
}

impl From<SidebarInputBody> for SidebarInput {
    fn from(b: SidebarInputBody) -> Self {
        Self {
            slug: b.slug,
            title: Some(b.title),
            widgets: b
                .widgets
                .into_iter()
                .map(|w| WidgetInput {
                    kind: w.kind,
                    product_id: w.product_id.map(ProductId),
                    author_id: w.author_id.map(AuthorId),
                    html: w.html,
                })
                .collect(),
        }
    }
}

/// Adds a product (editors).
#[utoipa::path(
    post, operation_id = "create_product", path = "/api/v1/products", tag = "products", request_body = CreateProductBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ProductBody, headers(("Location" = String))),
        responses::Create,
    )
)]
pub async fn create_product(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: crate::json::Json<CreateProductBody>,
) -> Result<HttpResponse, ApiError> {
    let product = colophon.create_product(caller, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/products/{}", product.id)))
        .json(ProductBody::from(product)))
}

/// Updates a product (editors).
#[utoipa::path(
    patch, operation_id = "update_product", path = "/api/v1/products/{id}", tag = "products", request_body = UpdateProductBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "The product's id")),
    responses(
        (status = 200, description = "Updated", body = ProductBody),
        responses::Update,
    )
)]
pub async fn update_product(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<ProductId>,
    body: crate::json::Json<UpdateProductBody>,
) -> Result<HttpResponse, ApiError> {
    let product = colophon.update_product(caller, id.into_inner(), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(ProductBody::from(product)))
}

/// Deletes a product; sidebar widgets showing it go too (editors).
#[utoipa::path(
    delete, operation_id = "delete_product", path = "/api/v1/products/{id}", tag = "products", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The product's id")),
    responses(
        (status = 204, description = "Deleted"),
        responses::Delete,
    )
)]
pub async fn delete_product(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<ProductId>,
) -> Result<HttpResponse, ApiError> {
    colophon.delete_product(caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Creates a sidebar (editors).
#[utoipa::path(
    post, operation_id = "create_sidebar", path = "/api/v1/sidebars", tag = "sidebars", request_body = SidebarInputBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = SidebarBody, headers(("Location" = String))),
        responses::Create,
    )
)]
pub async fn create_sidebar(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: crate::json::Json<SidebarInputBody>,
) -> Result<HttpResponse, ApiError> {
    let sidebar = colophon.create_sidebar(caller, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/sidebars/{}", sidebar.slug)))
        .json(SidebarBody::from(sidebar)))
}

/// Replaces the sidebar at this slug, or creates it (editors).
#[utoipa::path(
    put, operation_id = "put_sidebar", path = "/api/v1/sidebars/{slug}", tag = "sidebars", request_body = SidebarInputBody, security(("bearer" = [])),
    params(("slug" = String, Path, description = "The sidebar's slug", max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")),
    responses(
        (status = 200, description = "Replaced", body = SidebarBody),
        (status = 201, description = "Created", body = SidebarBody),
        responses::Create,
    )
)]
pub async fn put_sidebar(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
    body: crate::json::Json<SidebarInputBody>,
) -> Result<HttpResponse, ApiError> {
    let (sidebar, created) = colophon.put_sidebar(caller, slug.into_inner().into(), body.into_inner().into()).await?;
    let mut response = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    Ok(response.json(SidebarBody::from(sidebar)))
}

/// Deletes a sidebar; posts that showed it show none (editors).
#[utoipa::path(
    delete, operation_id = "delete_sidebar", path = "/api/v1/sidebars/{slug}", tag = "sidebars", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The sidebar's slug")),
    responses(
        (status = 204, description = "Deleted"),
        responses::Delete,
    )
)]
pub async fn delete_sidebar(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    colophon.delete_sidebar(caller, slug.into_inner().into()).await?;
    Ok(HttpResponse::NoContent().finish())
}
