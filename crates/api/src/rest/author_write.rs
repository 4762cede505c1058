//! Managing authors: admins create and delete accounts; anyone edits their own profile.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use colophon_domain::Role;
use colophon_service::{AuthorInput, Key};
use serde::Deserialize;
use utoipa::ToSchema;

use super::session::MeBody;
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;
use crate::rest::schemas;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAuthorBody {
    #[schema(schema_with = schemas::email)]
    pub email: String,
    #[schema(schema_with = schemas::text::<120>)]
    pub name: String,
    /// Derived from the name when absent.
    #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    /// `contributor` when absent.
    pub role: Option<Role>,
    /// At least 8 characters; without one the account cannot sign in yet.
    #[schema(min_length = 8, max_length = 1024)]
    pub password: Option<String>,
    /// Biography (HTML, sanitized).
    pub bio: Option<String>,
    #[schema(schema_with = schemas::optional_http_url)]
    pub avatar_url: Option<String>,
    #[schema(schema_with = schemas::optional_http_url)]
    pub website_url: Option<String>,
}

/// A partial update; `null` clears `avatar_url` and `website_url`. `role` is for admins; a
/// new role or password ends the author's sessions. Changing your own password or e-mail takes
/// `current_password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAuthorBody {
    #[schema(schema_with = schemas::optional_email)]
    pub email: Option<String>,
    #[schema(schema_with = schemas::optional_text::<120>)]
    pub name: Option<String>,
    #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    pub role: Option<Role>,
    #[schema(min_length = 8, max_length = 1024)]
    pub password: Option<String>,
    pub bio: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub avatar_url: colophon_domain::Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub website_url: colophon_domain::Patch<String>,
    /// Your current password: required to change your own `password` or `email` (an admin
    /// changing someone else's does not give theirs; the change is written to the audit log).
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: Option<String>,
}

impl From<CreateAuthorBody> for AuthorInput {
    fn from(b: CreateAuthorBody) -> Self {
        Self {
            email: Some(b.email),
            name: Some(b.name),
            slug: b.slug,
            role: b.role,
            password: b.password,
            bio: b.bio,
            avatar_url: b.avatar_url.into(),
            website_url: b.website_url.into(),
            current_password: None,
        }
    }
}

impl From<UpdateAuthorBody> for AuthorInput {
    fn from(b: UpdateAuthorBody) -> Self {
        Self {
            email: b.email,
            name: b.name,
            slug: b.slug,
            role: b.role,
            password: b.password,
            bio: b.bio,
            avatar_url: b.avatar_url,
            website_url: b.website_url,
            current_password: b.current_password,
        }
    }
}

/// Creates an author (admins).
#[utoipa::path(
    post, operation_id = "create_author", path = "/api/v1/authors", tag = "authors", request_body = CreateAuthorBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = MeBody, headers(("Location" = String))),
        responses::Create,
    )
)]
pub async fn create(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    body: crate::json::Json<CreateAuthorBody>,
) -> Result<HttpResponse, ApiError> {
    let author = colophon.create_author(caller, body.into_inner().into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/authors/{}", author.slug)))
        .json(MeBody::from(author)))
}

/// Updates an author (admins; or oneself, except the role).
#[utoipa::path(
    patch, operation_id = "update_author", path = "/api/v1/authors/{author}", tag = "authors", request_body = UpdateAuthorBody, security(("bearer" = [])),
    params(("author" = String, Path, description = "The author's id, or their slug")),
    responses(
        (status = 200, description = "Updated", body = MeBody),
        responses::Update,
    )
)]
pub async fn update(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    key: web::Path<String>,
    body: crate::json::Json<UpdateAuthorBody>,
) -> Result<HttpResponse, ApiError> {
    let author = colophon.update_author(caller, Key::parse(&key), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "private, no-store")).json(MeBody::from(author)))
}

/// Deletes an author without posts (admins).
#[utoipa::path(
    delete, operation_id = "delete_author", path = "/api/v1/authors/{author}", tag = "authors", security(("bearer" = [])),
    params(("author" = String, Path, description = "The author's id, or their slug")),
    responses(
        (status = 204, description = "Deleted"),
        responses::Delete,
    )
)]
pub async fn delete(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    colophon.delete_author(caller, Key::parse(&key)).await?;
    Ok(HttpResponse::NoContent().finish())
}
