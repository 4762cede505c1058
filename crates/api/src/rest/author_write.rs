//! Managing authors: admins create and delete accounts; anyone edits their own profile.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use colophon_service::{AuthorInput, Colophon};
use serde::Deserialize;
use utoipa::ToSchema;

use super::session::MeBody;
use crate::caller::{caller, double_option};
use crate::problem::{ApiError, Problem};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAuthorBody {
    #[schema(example = "jeff@example.com")]
    pub email: String,
    #[schema(example = "Jeff Lebowski")]
    pub name: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    /// `contributor` (default), `author`, `editor` or `admin`.
    pub role: Option<String>,
    /// At least 8 characters; without one the account cannot sign in yet.
    pub password: Option<String>,
    /// Biography (HTML, sanitized).
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub website_url: Option<String>,
}

/// A partial update; `null` clears `avatar_url` and `website_url`. `role` is for admins; a
/// new role or password ends the author's sessions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAuthorBody {
    pub email: Option<String>,
    pub name: Option<String>,
    pub slug: Option<String>,
    pub role: Option<String>,
    pub password: Option<String>,
    pub bio: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub avatar_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub website_url: Option<Option<String>>,
}

const PROBLEM: &str = "application/problem+json";

/// Creates an author (admins).
#[utoipa::path(
    post, operation_id = "create_author", path = "/api/v1/authors", tag = "authors", request_body = CreateAuthorBody, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = MeBody, headers(("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin", body = Problem, content_type = PROBLEM),
        (status = 409, description = "E-mail or slug taken", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body too large", body = Problem, content_type = PROBLEM),
        (status = 415, description = "Not JSON", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn create(
    req: HttpRequest,
    colophon: web::Data<Colophon>,
    body: crate::json::Json<CreateAuthorBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    let b = body.into_inner();
    let input = AuthorInput {
        email: Some(b.email),
        name: Some(b.name),
        slug: b.slug,
        role: b.role,
        password: b.password,
        bio: b.bio,
        avatar_url: b.avatar_url.map(Some),
        website_url: b.website_url.map(Some),
    };
    let author = colophon.create_author(caller, input).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/authors/{}", author.slug)))
        .json(MeBody::from(author)))
}

/// Updates an author (admins; or oneself, except the role).
#[utoipa::path(
    patch, operation_id = "update_author", path = "/api/v1/authors/{id}", tag = "authors", request_body = UpdateAuthorBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "The author's id")),
    responses(
        (status = 200, description = "Updated", body = MeBody),
        (status = 400, description = "Malformed JSON or id", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin, and not oneself (or a role change by a non-admin)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such author", body = Problem, content_type = PROBLEM),
        (status = 409, description = "E-mail or slug taken", body = Problem, content_type = PROBLEM),
        (status = 413, description = "Body too large", body = Problem, content_type = PROBLEM),
        (status = 415, description = "Not JSON", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid fields", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn update(
    req: HttpRequest,
    colophon: web::Data<Colophon>,
    id: web::Path<i64>,
    body: crate::json::Json<UpdateAuthorBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    let b = body.into_inner();
    let input = AuthorInput {
        email: b.email,
        name: b.name,
        slug: b.slug,
        role: b.role,
        password: b.password,
        bio: b.bio,
        avatar_url: b.avatar_url,
        website_url: b.website_url,
    };
    let author = colophon.update_author(caller, id.into_inner(), input).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "private, no-store")).json(MeBody::from(author)))
}

/// Deletes an author without posts (admins).
#[utoipa::path(
    delete, operation_id = "delete_author", path = "/api/v1/authors/{id}", tag = "authors", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The author's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Not signed in", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not an admin", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such author", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The author has posts, or is the caller", body = Problem, content_type = PROBLEM),
    )
)]
pub async fn delete(
    req: HttpRequest,
    colophon: web::Data<Colophon>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let caller = caller(&req, &colophon).await?;
    colophon.delete_author(caller, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
