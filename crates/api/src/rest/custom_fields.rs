//! A site's own fields: `GET /api/v1/fields`, and admins' `PUT`/`DELETE
//! /api/v1/fields/{entity}/{name}`. Values live in each item's `custom_fields`.

use actix_web::{HttpResponse, web};
use colophon_domain::{FieldDefinition, FieldEntity, FieldSpec, FieldSpecInput};
use colophon_service::FieldWritten;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::responses;

/// One field of a kind of content.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldBody {
    /// The kind of content it belongs to.
    pub entity: FieldEntity,
    /// Its key in `custom_fields`.
    #[schema(example = "reading_minutes", pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub name: String,
    #[serde(flatten)]
    pub spec: FieldSpec,
}

impl From<FieldDefinition> for FieldBody {
    fn from(d: FieldDefinition) -> Self {
        Self { entity: d.entity, name: d.name.to_string(), spec: d.spec }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldList {
    /// By kind of content, then name.
    pub data: Vec<FieldBody>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FieldListParams {
    /// Only this kind's fields.
    pub entity: Option<FieldEntity>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FieldDeleteParams {
    /// Remove every stored value too (otherwise they are kept, hidden, and come back with a
    /// definition of the same name).
    pub purge: Option<bool>,
}

/// The site's own fields: to the public, the public ones; to staff, all.
#[utoipa::path(
    get, operation_id = "list_fields", path = "/api/v1/fields", tag = "fields", params(FieldListParams),
    responses((status = 200, description = "The definitions", body = FieldList), responses::CallerRead)
)]
pub async fn list(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    params: crate::json::Query<FieldListParams>,
) -> Result<HttpResponse, ApiError> {
    let definitions = colophon.list_fields(caller, params.into_inner().entity).await?;
    Ok(HttpResponse::Ok().json(FieldList { data: definitions.into_iter().map(Into::into).collect() }))
}

/// Creates or changes a field (admins). A change is refused (409) when a stored value would not
/// convert to it; values that convert plainly (`"12"` to 12) are converted.
#[utoipa::path(
    put, operation_id = "put_field", path = "/api/v1/fields/{entity}/{name}", tag = "fields",
    request_body = FieldSpecInput, security(("bearer" = [])),
    params(
        ("entity" = FieldEntity, Path, description = "The kind of content"),
        ("name" = String, Path, description = "The field's name, `[a-z][a-z0-9_]{0,39}`"),
    ),
    responses(
        (status = 200, description = "Changed", body = FieldBody),
        (status = 201, description = "Created", body = FieldBody),
        responses::Update,
    )
)]
pub async fn put(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    path: web::Path<(FieldEntity, String)>,
    body: crate::json::Json<FieldSpecInput>,
) -> Result<HttpResponse, ApiError> {
    let (entity, name) = path.into_inner();
    let FieldWritten { definition, created } = colophon.put_field(caller, entity, &name, body.into_inner()).await?;
    let mut response = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    Ok(response.json(FieldBody::from(definition)))
}

/// Deletes a field (admins). Its values are kept, hidden from every answer, unless `purge=true`.
#[utoipa::path(
    delete, operation_id = "delete_field", path = "/api/v1/fields/{entity}/{name}", tag = "fields",
    security(("bearer" = [])),
    params(
        ("entity" = FieldEntity, Path, description = "The kind of content"),
        ("name" = String, Path, description = "The field's name"),
        FieldDeleteParams,
    ),
    responses((status = 204, description = "Deleted"), responses::Delete)
)]
pub async fn delete(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    path: web::Path<(FieldEntity, String)>,
    params: crate::json::Query<FieldDeleteParams>,
) -> Result<HttpResponse, ApiError> {
    let (entity, name) = path.into_inner();
    colophon.delete_field(caller, entity, &name, params.into_inner().purge.unwrap_or(false)).await?;
    Ok(HttpResponse::NoContent().finish())
}
