//! The REST face: `/api/v1`, documented by the OpenAPI document generated from these handlers.

pub mod api_keys;
pub mod audit;
pub mod author_write;
pub mod authors;
pub mod catalog;
pub mod catalog_write;
pub mod comments;
mod content_body;
pub mod content_writes;
pub mod custom_fields;
mod deserialize;
mod fields;
mod health;
pub mod media;
pub mod moderation;
pub mod pages;
pub mod post_write;
pub mod posts;
pub mod previews;
pub mod redirects;
mod responses;
pub mod revisions;
mod schemas;
pub mod session;
pub mod site;
pub mod tags;
pub mod webhooks;

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
        revisions::list, revisions::get, revisions::diff, revisions::restore,
        previews::create, previews::list, previews::revoke, previews::preview,
        media::upload, media::list, media::get, media::update, media::delete, media::file,
        comments::list, comments::submit, comments::form_token, comments::get,
        moderation::queue, moderation::moderate_many, moderation::moderate, moderation::delete,
        site::get_settings, site::update_settings, site::list_blocklist, site::add_block_rule, site::remove_block_rule,
        authors::list, authors::get, author_write::create, author_write::update, author_write::delete,
        catalog::list_products, catalog::get_product,
        catalog_write::create_product, catalog_write::update_product, catalog_write::delete_product,
        tags::list, tags::get, tags::update,
        redirects::find,
        custom_fields::list, custom_fields::put, custom_fields::delete,
        pages::list, pages::get, pages::create, pages::update, pages::delete,
        catalog::list_sidebars, catalog::get_sidebar,
        catalog_write::create_sidebar, catalog_write::put_sidebar, catalog_write::delete_sidebar,
        api_keys::create, api_keys::list, api_keys::revoke, api_keys::rotate,
        audit::list,
        webhooks::create, webhooks::list, webhooks::update, webhooks::delete, webhooks::deliveries, webhooks::redeliver,
        health::healthz, health::readyz,
    ),
    // Schemas named only by query parameters (bodies bring theirs along).
    components(schemas(Problem, FieldErrorBody, colophon_domain::CommentOrder)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign-in with JWT access tokens and rotating refresh tokens"),
        (name = "posts", description = "Posts"),
        (name = "revisions", description = "A post's earlier states: list, read, compare, restore"),
        (name = "previews", description = "Signed, expiring links that show a draft without sign-in"),
        (name = "media", description = "The media library: uploads, their descriptions, and the files with their variants"),
        (name = "comments", description = "Reader comments"),
        (name = "authors", description = "Author profiles"),
        (name = "tags", description = "Tags, with counts and descriptions"),
        (name = "redirects", description = "Old addresses of imported posts and pages, for frontends to redirect"),
        (name = "fields", description = "A site's own fields on posts and pages: definitions (values are each item's `custom_fields`)"),
        (name = "pages", description = "Standalone pages (About, Contact)"),
        (name = "products", description = "The product catalogue"),
        (name = "sidebars", description = "Sidebars and their widgets"),
        (name = "settings", description = "Site settings and the comment blocklist"),
        (name = "keys", description = "API keys for integrations"),
        (name = "webhooks", description = "Signed webhooks from a transactional outbox"),
        (name = "audit", description = "Who changed what"),
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
        scheme.bearer_format = Some("JWT or colophon_… API key".into());
        scheme.description =
            Some("An access token from POST /api/v1/auth/login, or an API key from POST /api/v1/keys".into());
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
    .service(resource("/healthz").get(health::healthz).done())
    .service(resource("/readyz").get(health::readyz).done())
    .service(
        web::scope("/api/v1")
            .service(resource("/auth/login").post(session::login).done())
            .service(resource("/auth/refresh").post(session::refresh).done())
            .service(resource("/auth/logout").post(session::logout).done())
            .service(resource("/auth/logout-all").post(session::logout_all).done())
            .service(resource("/me").get(session::me).done())
            .service(resource("/posts").get(posts::list).post(post_write::create).done())
            .service(
                resource("/posts/{slug}").get(posts::get).patch(post_write::update).delete(post_write::delete).done(),
            )
            .service(resource("/posts/{slug}/comments").get(comments::list).post(comments::submit).done())
            .service(resource("/posts/{slug}/revisions").get(revisions::list).done())
            // Before `{number}`, which would take `diff` for a number and refuse it.
            .service(resource("/posts/{slug}/revisions/diff").get(revisions::diff).done())
            .service(resource("/posts/{slug}/revisions/{number}").get(revisions::get).done())
            .service(resource("/posts/{slug}/revisions/{number}/restore").post(revisions::restore).done())
            .service(resource("/posts/{slug}/previews").get(previews::list).post(previews::create).done())
            .service(resource("/posts/{slug}/previews/{id}").delete(previews::revoke).done())
            .service(resource("/preview/{token}").get(previews::preview).done())
            .service(resource("/media").get(media::list).post(media::upload).done())
            .service(resource("/media/{id}").get(media::get).patch(media::update).delete(media::delete).done())
            .service(resource("/posts/{slug}/comment-token").get(comments::form_token).done())
            .service(resource("/comments").get(moderation::queue).patch(moderation::moderate_many).done())
            .service(
                resource("/comments/{id}")
                    .get(comments::get)
                    .patch(moderation::moderate)
                    .delete(moderation::delete)
                    .done(),
            )
            .service(resource("/authors").get(authors::list).post(author_write::create).done())
            .service(
                resource("/authors/{slug}")
                    .get(authors::get)
                    .patch(author_write::update)
                    .delete(author_write::delete)
                    .done(),
            )
            .service(resource("/pages").get(pages::list).post(pages::create).done())
            .service(resource("/pages/{page}").get(pages::get).patch(pages::update).delete(pages::delete).done())
            .service(resource("/tags").get(tags::list).done())
            .service(resource("/redirects").get(redirects::find).done())
            .service(resource("/fields").get(custom_fields::list).done())
            .service(resource("/fields/{entity}/{name}").put(custom_fields::put).delete(custom_fields::delete).done())
            .service(resource("/tags/{slug}").get(tags::get).patch(tags::update).done())
            .service(resource("/products").get(catalog::list_products).post(catalog_write::create_product).done())
            .service(
                resource("/products/{id}")
                    .get(catalog::get_product)
                    .patch(catalog_write::update_product)
                    .delete(catalog_write::delete_product)
                    .done(),
            )
            .service(resource("/sidebars").get(catalog::list_sidebars).post(catalog_write::create_sidebar).done())
            .service(
                resource("/sidebars/{slug}")
                    .get(catalog::get_sidebar)
                    .put(catalog_write::put_sidebar)
                    .delete(catalog_write::delete_sidebar)
                    .done(),
            )
            .service(resource("/settings").get(site::get_settings).patch(site::update_settings).done())
            .service(resource("/blocklist").get(site::list_blocklist).post(site::add_block_rule).done())
            .service(resource("/blocklist/{id}").delete(site::remove_block_rule).done())
            .service(resource("/keys").get(api_keys::list).post(api_keys::create).done())
            .service(resource("/keys/{id}").delete(api_keys::revoke).done())
            .service(resource("/keys/{id}/rotate").post(api_keys::rotate).done())
            .service(resource("/audit").get(audit::list).done())
            .service(resource("/webhooks").get(webhooks::list).post(webhooks::create).done())
            .service(resource("/webhooks/{id}").patch(webhooks::update).delete(webhooks::delete).done())
            .service(resource("/webhooks/{id}/deliveries").get(webhooks::deliveries).done())
            .service(resource("/webhooks/{id}/deliveries/{delivery_id}/redeliver").post(webhooks::redeliver).done()),
    );
}

/// A resource built method by method, so that its 405 answer lists exactly the methods it has
/// (`Allow`, as problem+json): no list kept by hand beside the routes. `GET` brings `HEAD`.
pub(crate) struct Routes {
    resource: actix_web::Resource,
    allow: Vec<&'static str>,
}

/// Starts the routes of `path`.
pub(crate) fn resource(path: &str) -> Routes {
    Routes { resource: web::resource(path), allow: Vec::new() }
}

macro_rules! method {
    ($name:ident, $route:path, $($allow:literal),+) => {
        pub fn $name<F, Args>(mut self, handler: F) -> Self
        where
            F: actix_web::Handler<Args>,
            Args: actix_web::FromRequest + 'static,
            F::Output: actix_web::Responder + 'static,
        {
            self.resource = self.resource.route($route().to(handler));
            self.allow.extend([$($allow),+]);
            self
        }
    };
}

impl Routes {
    method!(get, web::get, "GET", "HEAD");
    method!(post, web::post, "POST");
    method!(put, web::put, "PUT");
    method!(patch, web::patch, "PATCH");
    method!(delete, web::delete, "DELETE");

    /// The resource, answering any other method 405 with `Allow`.
    pub fn done(self) -> actix_web::Resource {
        let allow = self.allow.join(", ");
        self.resource.default_service(web::to(move |req: HttpRequest| {
            let allow = allow.clone();
            async move {
                let error = ApiError::request(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    format!("{} is not allowed here; use {allow}", req.method()),
                );
                let mut response = actix_web::ResponseError::error_response(&error);
                if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
                    response.headers_mut().insert(actix_web::http::header::ALLOW, value);
                }
                response
            }
        }))
    }
}

/// Every unknown route: 404 as problem+json, like every other error.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::request(StatusCode::NOT_FOUND, "not_found", format!("no route for {} {}", req.method(), req.path())))
}
