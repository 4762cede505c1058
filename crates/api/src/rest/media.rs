//! The media library: multipart uploads, the items' descriptions, and the files themselves under
//! `/media/…` (immutable, with ranges and variants).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{MediaId, MediaType, VARIANT_WIDTHS, Variant, VariantFormat};
use colophon_service::{ByteRange, MediaInput, MediaQuery, MediaRead, MediaUpload, MediaView, ServiceError};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::paged;
use crate::caller::Caller;
use crate::problem::ApiError;
use crate::rest::{responses, schemas};

/// An item of the library.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaBody {
    pub id: i64,
    /// Where the file is served (immutable: the name is the hash of its bytes).
    pub url: String,
    /// `url` at each width variants are made at (never wider than the picture), for `srcset`;
    /// add `&format=webp` for WebP. Empty for AVIF and PDF.
    #[schema(example = "https://cms.example/media/9f….jpg?w=320 320w, https://cms.example/media/9f….jpg?w=640 640w")]
    pub srcset: String,
    pub media_type: MediaType,
    /// SHA-256 of the stored bytes (after metadata was stripped).
    pub sha256: String,
    pub byte_size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub filename: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    #[schema(example = "Image via Snorgtees")]
    pub credit: Option<String>,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<MediaView> for MediaBody {
    fn from(view: MediaView) -> Self {
        let item = view.item;
        let srcset = if item.media_type.has_variants() {
            let width = item.width.and_then(|w| u32::try_from(w).ok()).unwrap_or(0);
            VARIANT_WIDTHS
                .iter()
                .filter(|w| **w <= width)
                .map(|w| format!("{}?w={w} {w}w", view.url))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            String::new()
        };
        Self {
            id: item.id.0,
            url: view.url,
            srcset,
            media_type: item.media_type,
            sha256: item.sha256,
            byte_size: item.byte_size,
            width: item.width,
            height: item.height,
            filename: item.filename,
            alt: item.alt,
            caption: item.caption,
            credit: item.credit,
            uploaded_by: item.uploaded_by.map(|a| a.0),
            created_at: item.created_at.and_utc(),
            updated_at: item.updated_at.and_utc(),
        }
    }
}

paged!(MediaPage, MediaBody);

/// The upload form.
#[derive(Debug, ToSchema)]
#[allow(dead_code, reason = "documents the multipart form the handler reads field by field")]
pub struct MediaUploadForm {
    /// The file: JPEG, PNG, WebP, GIF, AVIF or PDF, sniffed from its bytes (SVG is refused).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Alt text, at most 300 characters.
    #[schema(schema_with = schemas::optional_text::<300>)]
    alt: Option<String>,
    /// A caption, at most 1,000 characters.
    #[schema(schema_with = schemas::optional_text::<1000>)]
    caption: Option<String>,
    /// A credit line ("Image via Snorgtees"), at most 300 characters.
    #[schema(schema_with = schemas::optional_text::<300>)]
    credit: Option<String>,
}

/// New texts; absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMediaBody {
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub alt: colophon_domain::Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<1000>)]
    pub caption: colophon_domain::Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub credit: colophon_domain::Patch<String>,
    #[schema(schema_with = schemas::optional_text::<255>)]
    pub filename: Option<String>,
}

impl From<UpdateMediaBody> for MediaInput {
    fn from(b: UpdateMediaBody) -> Self {
        Self { alt: b.alt, caption: b.caption, credit: b.credit, filename: b.filename }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaListParams {
    /// Only items of this type.
    #[param(inline)]
    pub media_type: Option<MediaType>,
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// Files are named by the hash of their bytes: they never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The longest text field of the upload form.
const TEXT_FIELD_MAX: usize = 4 * 1024;
/// The most parts an upload form may have.
const MAX_PARTS: usize = 8;

fn refusal(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
    ApiError::request(status, code, detail)
}

/// Reads the form part by part, stopping at the first byte past a limit.
async fn read_form(req: &HttpRequest, payload: web::Payload, max: usize) -> Result<MediaUpload, ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        return Err(refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file as multipart/form-data, in a part named file",
        ));
    }
    let malformed = |e: actix_multipart::MultipartError| {
        refusal(StatusCode::BAD_REQUEST, "bad_request", format!("malformed multipart body: {e}"))
    };
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut upload = MediaUpload::default();
    let mut file = None;
    let mut parts = 0;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(malformed)?;
        parts += 1;
        if parts > MAX_PARTS {
            return Err(refusal(StatusCode::BAD_REQUEST, "bad_request", format!("at most {MAX_PARTS} form parts")));
        }
        let name = part.name().unwrap_or_default().to_string();
        let limit = if name == "file" { max } else { TEXT_FIELD_MAX };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(malformed)?;
            if bytes.len() + chunk.len() > limit {
                let what = if name == "file" { "the file" } else { "a text field" };
                return Err(ServiceError::TooLarge(format!("{what} may have at most {limit} bytes")).into());
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || {
            String::from_utf8(bytes.clone())
                .map_err(|_| ServiceError::invalid(&name, "is not UTF-8 text"))
                .map(|t| Some(t).filter(|t| !t.is_empty()))
        };
        match name.as_str() {
            "file" if file.is_none() => {
                upload.filename = part.content_disposition().and_then(|d| d.get_filename()).map(str::to_string);
                file = Some(bytes);
            }
            "alt" => upload.alt = text()?,
            "caption" => upload.caption = text()?,
            "credit" => upload.credit = text()?,
            "file" => return Err(ServiceError::invalid("file", "send one file per upload").into()),
            other => return Err(ServiceError::invalid(other, "is not a field of the upload form").into()),
        }
    }
    upload.bytes = file.ok_or_else(|| ServiceError::invalid("file", "is required: the form part holding the file"))?;
    Ok(upload)
}

/// Uploads a file (anyone who may write posts). The same bytes upload once: sending them again
/// answers 200 with the item they already are.
#[utoipa::path(
    post, operation_id = "upload_media", path = "/api/v1/media", tag = "media",
    request_body(content = MediaUploadForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = MediaBody, headers(("Location" = String))),
        (status = 200, description = "These bytes were stored before: the item they are", body = MediaBody),
        responses::Upload,
    )
)]
pub async fn upload(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.actor()?;
    let upload = read_form(&req, payload, colophon.media_max_bytes()).await?;
    let (view, created) = colophon.upload_media(caller, upload).await?;
    let body = MediaBody::from(view);
    let mut response = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    if created {
        response.insert_header((header::LOCATION, format!("/api/v1/media/{}", body.id)));
    }
    Ok(response.insert_header(("Cache-Control", "no-store")).json(body))
}

/// The library, newest first (anyone signed in).
#[utoipa::path(
    get, operation_id = "list_media", path = "/api/v1/media", tag = "media", params(MediaListParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of items", body = MediaPage), responses::StaffRead)
)]
pub async fn list(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    params: crate::json::Query<MediaListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let query = MediaQuery { media_type: p.media_type, limit: p.limit, cursor: p.cursor };
    let page = colophon.list_media(caller, query).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(MediaPage::from_page(page, MediaBody::from)))
}

/// One item (anyone signed in).
#[utoipa::path(
    get, operation_id = "get_media", path = "/api/v1/media/{id}", tag = "media", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "The item", body = MediaBody), responses::EditorRead)
)]
pub async fn get(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let view = colophon.get_media(caller, MediaId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "private, no-store")).json(MediaBody::from(view)))
}

/// Changes an item's alt text, caption, credit or file name (its uploader and editors). A new
/// alt text or credit reaches the posts and products showing the item with its old one.
#[utoipa::path(
    patch, operation_id = "update_media", path = "/api/v1/media/{id}", tag = "media", params(("id" = i64, Path)),
    request_body = UpdateMediaBody, security(("bearer" = [])),
    responses((status = 200, description = "Updated", body = MediaBody), responses::Update)
)]
pub async fn update(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<i64>,
    body: crate::json::Json<UpdateMediaBody>,
) -> Result<HttpResponse, ApiError> {
    let view = colophon.update_media(caller, MediaId(id.into_inner()), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(MediaBody::from(view)))
}

/// Deletes an item and its files (its uploader and editors); 409 while a post or product shows it.
#[utoipa::path(
    delete, operation_id = "delete_media", path = "/api/v1/media/{id}", tag = "media", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), responses::Delete)
)]
pub async fn delete(
    Caller(caller): Caller,
    colophon: crate::cache::Service,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    colophon.delete_media(caller, MediaId(id.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A file's bytes, as sent.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct MediaBytes(#[allow(dead_code, reason = "documents a body of bytes")] Vec<u8>);

/// Which variant of a file to send.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VariantParams {
    /// A width variants are made at: 320, 640, 960, 1280, 1920 or 2560 (any other is 400).
    #[param(minimum = 320, maximum = 2560)]
    pub w: Option<u32>,
    /// `webp` for a WebP variant (with `w`).
    #[param(pattern = "^webp$")]
    pub format: Option<String>,
}

fn variant(params: VariantParams) -> Result<Option<Variant>, ApiError> {
    let format = match params.format.as_deref() {
        None => VariantFormat::Original,
        Some("webp") => VariantFormat::Webp,
        Some(_) => return Err(ServiceError::bad_request("format", "must be webp").into()),
    };
    match params.w {
        None if params.format.is_some() => Err(ServiceError::bad_request("w", "is required with format").into()),
        None => Ok(None),
        Some(w) => Variant::parse(w, format).map(Some).map_err(|m| ServiceError::bad_request("w", m).into()),
    }
}

/// `Range: bytes=…`, one range; several, or another unit, are answered with the whole file.
fn requested_range(req: &HttpRequest) -> Option<ByteRange> {
    let value = req.headers().get(header::RANGE)?.to_str().ok()?.trim();
    let spec = value.strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    match (start.trim(), end.trim()) {
        ("", last) => last.parse().ok().map(ByteRange::Last),
        (start, "") => start.parse().ok().map(ByteRange::From),
        // A last byte before the first makes the header invalid: ignored (RFC 9110 §14.1.1).
        (start, end) => Some((start.parse().ok()?, end.parse().ok()?))
            .filter(|(start, end)| start <= end)
            .map(|(start, end)| ByteRange::FromTo(start, end)),
    }
}

/// A file of the library (its name is the hash of its bytes), or a variant of a picture with
/// `w` (and `format=webp`): immutable, with `ETag`, `Range` and `HEAD`.
#[utoipa::path(
    get, operation_id = "media_file", path = "/media/{file}", tag = "media",
    params(("file" = String, Path, description = "`<sha256>.<extension>`", pattern = "^[0-9a-f]{64}\\.(jpg|png|webp|gif|avif|pdf)$"), VariantParams),
    responses(
        (status = 200, description = "The file, of the type its bytes are",
         content((MediaBytes = "image/jpeg"), (MediaBytes = "image/png"), (MediaBytes = "image/webp"),
                 (MediaBytes = "image/gif"), (MediaBytes = "image/avif"), (MediaBytes = "application/pdf")),
         headers(("ETag" = String), ("Cache-Control" = String, description = "public, max-age=31536000, immutable"))),
        (status = 206, description = "The range asked for",
         content((MediaBytes = "image/jpeg"), (MediaBytes = "image/png"), (MediaBytes = "image/webp"),
                 (MediaBytes = "image/gif"), (MediaBytes = "image/avif"), (MediaBytes = "application/pdf")),
         headers(("Content-Range" = String))),
        (status = 304, description = "The client holds these bytes"),
        responses::MediaFile,
    )
)]
pub async fn file(
    req: HttpRequest,
    colophon: web::Data<colophon_service::Colophon>,
    name: web::Path<String>,
    params: crate::json::Query<VariantParams>,
) -> Result<HttpResponse, ApiError> {
    let variant = variant(params.into_inner())?;
    let range = requested_range(&req);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string);
    let held = move |etag: &str| if_none_match.as_deref().is_some_and(|v| crate::etag::none_match(v, etag));
    let client = crate::caller::client_address(&req);
    let read = colophon
        .media_file(colophon_service::FileRequest { name: name.into_inner(), variant, range, client }, held)
        .await?;
    let file = match read {
        MediaRead::File(file) => file,
        MediaRead::NotModified { etag } => {
            return Ok(HttpResponse::NotModified()
                .insert_header((header::ETAG, etag))
                .insert_header((header::CACHE_CONTROL, IMMUTABLE))
                .finish());
        }
        MediaRead::Unsatisfiable { total } => {
            let error = ApiError::request(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                format!("the file has {total} bytes"),
            );
            let mut response = actix_web::ResponseError::error_response(&error);
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{total}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            response.headers_mut().insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            return Ok(response);
        }
    };
    let mut response = if file.range.is_some() { HttpResponse::PartialContent() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, file.etag.clone()))
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        // (Pictures are not compressed again: actix's compression skips images and ranges.)
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if file.media_type == MediaType::Pdf {
        // A PDF can carry scripts and forms: downloaded, never shown under the API's origin.
        response
            .insert_header((header::CONTENT_DISPOSITION, "attachment"))
            .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'; frame-ancestors 'none'"));
    }
    if let Some((start, end)) = file.range {
        response.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{}", file.total)));
    }
    Ok(response.content_type(file.media_type.as_str()).body(file.bytes))
}
