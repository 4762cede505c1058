//! The create, update and delete handlers of posts and pages: one adapter over each kind's
//! service calls, described in each kind's own paths and words. Literals are taken as single
//! tokens (`tt`) so that utoipa reads them as it reads literals written in place.

/// Declares `create`, `update` and `delete` for a kind of content.
macro_rules! content_writes {
    (
        tag: $tag:tt, collection: $collection:tt, item: $item:tt, param: $param:tt, param_doc: $param_doc:tt,
        answer: $answer:ident, version: $version:expr, slug: $slug:expr,
        $(#[doc = $create_doc:tt])* create: $create_id:tt, $create_body:ident => $create:ident;
        $(#[doc = $update_doc:tt])* update: $update_id:tt, $update_body:ident => $update:ident;
        $(#[doc = $delete_doc:tt])* delete: $delete_id:tt => $delete:ident;
    ) => {
        $(#[doc = $create_doc])*
        #[utoipa::path(
            post, operation_id = $create_id, path = $collection, tag = $tag, request_body = $create_body,
            security(("bearer" = [])),
            responses(
                (status = 201, description = "Created", body = $answer, headers(("Location" = String), ("ETag" = String))),
                crate::rest::responses::Create,
            )
        )]
        pub async fn create(
            crate::caller::Caller(caller): crate::caller::Caller,
            req: actix_web::HttpRequest,
            colophon: crate::cache::Service,
            body: crate::json::Json<$create_body>,
        ) -> Result<actix_web::HttpResponse, crate::problem::ApiError> {
            let view = colophon.$create(caller, body.into_inner().into()).await?;
            let (location, version) = (format!("{}/{}", $collection, ($slug)(&view)), ($version)(&view));
            crate::etag::created_with_etag(&req, &$answer::from(view), version, &location)
        }

        $(#[doc = $update_doc])*
        #[utoipa::path(
            patch, operation_id = $update_id, path = $item, tag = $tag, request_body = $update_body,
            security(("bearer" = [])),
            params(($param = String, Path, description = $param_doc), crate::rest::content_writes::IfMatchHeader),
            responses(
                (status = 200, description = "Updated", body = $answer, headers(("ETag" = String))),
                crate::rest::responses::Update,
            )
        )]
        pub async fn update(
            crate::caller::Caller(caller): crate::caller::Caller,
            req: actix_web::HttpRequest,
            colophon: crate::cache::Service,
            key: actix_web::web::Path<String>,
            body: crate::json::Json<$update_body>,
        ) -> Result<actix_web::HttpResponse, crate::problem::ApiError> {
            let base = crate::etag::edit_base(&caller, &req)?;
            let key = colophon_service::Key::parse(&key);
            let view = colophon.$update(caller, key, body.into_inner().into(), base).await?;
            let version = ($version)(&view);
            crate::etag::post_with_etag(&req, &$answer::from(view), version)
        }

        $(#[doc = $delete_doc])*
        #[utoipa::path(
            delete, operation_id = $delete_id, path = $item, tag = $tag, security(("bearer" = [])),
            params(($param = String, Path, description = $param_doc), crate::rest::content_writes::IfMatchHeader),
            responses(
                (status = 204, description = "Deleted"),
                crate::rest::responses::Delete,
            )
        )]
        pub async fn delete(
            crate::caller::Caller(caller): crate::caller::Caller,
            req: actix_web::HttpRequest,
            colophon: crate::cache::Service,
            key: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, crate::problem::ApiError> {
            let base = crate::etag::edit_base(&caller, &req)?;
            colophon.$delete(caller, colophon_service::Key::parse(&key), base).await?;
            Ok(actix_web::HttpResponse::NoContent().finish())
        }
    };
}
pub(crate) use content_writes;

/// The `If-Match` header of a post change.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// The post's `ETag` the change is based on (412 when the post changed since), or `*`.
    #[param(rename = "If-Match", value_type = String, required = false, pattern = "^(\\*|(W/)?\"v[0-9]+(-[A-Za-z0-9_-]*)?\")$")]
    pub if_match: Option<String>,
}
