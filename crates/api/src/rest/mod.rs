//! The REST face: `/api/v1`, documented by the OpenAPI document generated from these handlers.

pub mod authors;
pub mod catalog;
pub mod comments;
mod health;
pub mod posts;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::problem::{ApiError, FieldErrorBody, Problem};

/// Paging of a list ordered by id or time.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Defines a list body `{data, next_cursor}` for one item type.
macro_rules! paged {
    ($name:ident, $item:ty) => {
        #[doc = concat!("A page of `", stringify!($item), "`; pass `next_cursor` as `cursor` for the next page.")]
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub data: Vec<$item>,
            /// Opaque; null on the last page.
            pub next_cursor: Option<String>,
        }

        impl $name {
            pub fn from_page<S>(page: colophon_service::CursorPage<S>, f: impl FnMut(S) -> $item) -> Self {
                Self { data: page.items.into_iter().map(f).collect(), next_cursor: page.next_cursor }
            }
        }
    };
}
pub(crate) use paged;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Colophon",
        description = "A fast, trustworthy headless CMS: posts, comments, authors and product sidebars.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        posts::list, posts::get, comments::list,
        authors::list, authors::get,
        catalog::list_products, catalog::get_product, catalog::list_sidebars, catalog::get_sidebar,
        health::healthz, health::readyz,
    ),
    components(schemas(Problem, FieldErrorBody)),
    tags(
        (name = "posts", description = "Published posts"),
        (name = "comments", description = "Reader comments"),
        (name = "authors", description = "Author profiles"),
        (name = "products", description = "The product catalogue"),
        (name = "sidebars", description = "Sidebars and their widgets"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Registers every REST route and the extractor error handlers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, _| {
        ApiError::request(StatusCode::BAD_REQUEST, "bad_request", format!("invalid query string: {err}")).into()
    }))
    .app_data(web::PathConfig::default().error_handler(|err, _| {
        ApiError::request(StatusCode::BAD_REQUEST, "bad_request", format!("invalid path parameter: {err}")).into()
    }))
    .route("/healthz", web::get().to(health::healthz))
    .route("/readyz", web::get().to(health::readyz))
    .service(
        web::scope("/api/v1")
            .route("/posts", web::get().to(posts::list))
            .route("/posts/{slug}", web::get().to(posts::get))
            .route("/posts/{slug}/comments", web::get().to(comments::list))
            .route("/authors", web::get().to(authors::list))
            .route("/authors/{slug}", web::get().to(authors::get))
            .route("/products", web::get().to(catalog::list_products))
            .route("/products/{id}", web::get().to(catalog::get_product))
            .route("/sidebars", web::get().to(catalog::list_sidebars))
            .route("/sidebars/{slug}", web::get().to(catalog::get_sidebar)),
    );
}

/// Every unknown route: 404 as problem+json, like every other error.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::request(StatusCode::NOT_FOUND, "not_found", format!("no route for {} {}", req.method(), req.path())))
}
