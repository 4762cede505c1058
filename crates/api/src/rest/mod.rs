//! The REST face: `/api/v1`, documented by the OpenAPI document generated from these handlers.

pub mod author_write;
pub mod authors;
pub mod catalog;
pub mod catalog_write;
pub mod comments;
mod fields;
mod health;
pub mod moderation;
pub mod post_write;
pub mod posts;
pub mod session;
pub mod site;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::Deserialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};

use crate::problem::{ApiError, FieldErrorBody, Problem};

/// Paging of a list ordered by id or time.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (opaque and signed: any other value is 400).
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
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
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    servers((url = "http://127.0.0.1:8080", description = "The embedded quickstart (`cargo run --release`); deployments serve the same paths at their own base URL")),
    // Reads are public unless an operation says otherwise; a token on them changes nothing
    // but what staff may see.
    security(()),
    paths(
        session::login, session::refresh, session::logout, session::logout_all, session::me,
        posts::list, posts::get, post_write::create, post_write::update, post_write::delete,
        comments::list, comments::submit, comments::form_token, comments::get,
        moderation::queue, moderation::moderate_many, moderation::moderate, moderation::delete,
        site::get_settings, site::update_settings, site::list_blocklist, site::add_block_rule, site::remove_block_rule,
        authors::list, authors::get, author_write::create, author_write::update, author_write::delete,
        catalog::list_products, catalog::get_product,
        catalog_write::create_product, catalog_write::update_product, catalog_write::delete_product,
        catalog::list_sidebars, catalog::get_sidebar,
        catalog_write::create_sidebar, catalog_write::put_sidebar, catalog_write::delete_sidebar,
        health::healthz, health::readyz,
    ),
    components(schemas(Problem, FieldErrorBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign-in with JWT access tokens and rotating refresh tokens"),
        (name = "posts", description = "Posts"),
        (name = "comments", description = "Reader comments"),
        (name = "authors", description = "Author profiles"),
        (name = "products", description = "The product catalogue"),
        (name = "sidebars", description = "Sidebars and their widgets"),
        (name = "settings", description = "Site settings and the comment blocklist"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the write routes name.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        scheme.description = Some("An access token from POST /api/v1/auth/login".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Documents `fields=` in the OpenAPI document (see `fields::document`).
pub fn document_sparse_fieldsets(openapi: &mut serde_json::Value) {
    fields::document(openapi);
}

/// Registers every REST route and the extractor error handlers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, _| {
        ApiError::request(StatusCode::BAD_REQUEST, "bad_request", format!("invalid query string: {err}")).into()
    }))
    .app_data(web::PathConfig::default().error_handler(|err, _| {
        ApiError::request(StatusCode::BAD_REQUEST, "bad_request", format!("invalid path parameter: {err}")).into()
    }))
    .service(resource("/healthz", "GET, HEAD").route(web::get().to(health::healthz)))
    .service(resource("/readyz", "GET, HEAD").route(web::get().to(health::readyz)))
    .service(
        web::scope("/api/v1")
            .service(resource("/auth/login", "POST").route(web::post().to(session::login)))
            .service(resource("/auth/refresh", "POST").route(web::post().to(session::refresh)))
            .service(resource("/auth/logout", "POST").route(web::post().to(session::logout)))
            .service(resource("/auth/logout-all", "POST").route(web::post().to(session::logout_all)))
            .service(resource("/me", "GET, HEAD").route(web::get().to(session::me)))
            .service(
                resource("/posts", "GET, HEAD, POST")
                    .route(web::get().to(posts::list))
                    .route(web::post().to(post_write::create)),
            )
            .service(
                resource("/posts/{slug}", "GET, HEAD, PATCH, DELETE")
                    .route(web::get().to(posts::get))
                    .route(web::patch().to(post_write::update))
                    .route(web::delete().to(post_write::delete)),
            )
            .service(
                resource("/posts/{slug}/comments", "GET, HEAD, POST")
                    .route(web::get().to(comments::list))
                    .route(web::post().to(comments::submit)),
            )
            .service(resource("/posts/{slug}/comment-token", "GET, HEAD").route(web::get().to(comments::form_token)))
            .service(
                resource("/comments", "GET, HEAD, PATCH")
                    .route(web::get().to(moderation::queue))
                    .route(web::patch().to(moderation::moderate_many)),
            )
            .service(
                resource("/comments/{id}", "GET, HEAD, PATCH, DELETE")
                    .route(web::get().to(comments::get))
                    .route(web::patch().to(moderation::moderate))
                    .route(web::delete().to(moderation::delete)),
            )
            .service(
                resource("/authors", "GET, HEAD, POST")
                    .route(web::get().to(authors::list))
                    .route(web::post().to(author_write::create)),
            )
            .service(
                resource("/authors/{slug}", "GET, HEAD, PATCH, DELETE")
                    .route(web::get().to(authors::get))
                    .route(web::patch().to(author_write::update))
                    .route(web::delete().to(author_write::delete)),
            )
            .service(
                resource("/products", "GET, HEAD, POST")
                    .route(web::get().to(catalog::list_products))
                    .route(web::post().to(catalog_write::create_product)),
            )
            .service(
                resource("/products/{id}", "GET, HEAD, PATCH, DELETE")
                    .route(web::get().to(catalog::get_product))
                    .route(web::patch().to(catalog_write::update_product))
                    .route(web::delete().to(catalog_write::delete_product)),
            )
            .service(
                resource("/sidebars", "GET, HEAD, POST")
                    .route(web::get().to(catalog::list_sidebars))
                    .route(web::post().to(catalog_write::create_sidebar)),
            )
            .service(
                resource("/sidebars/{slug}", "GET, HEAD, PUT, DELETE")
                    .route(web::get().to(catalog::get_sidebar))
                    .route(web::put().to(catalog_write::put_sidebar))
                    .route(web::delete().to(catalog_write::delete_sidebar)),
            )
            .service(
                resource("/settings", "GET, HEAD, PATCH")
                    .route(web::get().to(site::get_settings))
                    .route(web::patch().to(site::update_settings)),
            )
            .service(
                resource("/blocklist", "GET, HEAD, POST")
                    .route(web::get().to(site::list_blocklist))
                    .route(web::post().to(site::add_block_rule)),
            )
            .service(resource("/blocklist/{id}", "DELETE").route(web::delete().to(site::remove_block_rule))),
    );
}

/// A route whose other methods answer 405 with the methods it has, as problem+json. (`HEAD`
/// is routed as `GET` wherever there is one.)
pub(crate) fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| async move {
        let error = ApiError::request(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} is not allowed here; use {allow}", req.method()),
        );
        let mut response = actix_web::ResponseError::error_response(&error);
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, actix_web::http::header::HeaderValue::from_static(allow));
        response
    }))
}

/// Every unknown route: 404 as problem+json, like every other error.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::request(StatusCode::NOT_FOUND, "not_found", format!("no route for {} {}", req.method(), req.path())))
}
