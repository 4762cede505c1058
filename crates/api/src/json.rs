//! The JSON body extractor of every write route: 415 for another content type, 413 past the
//! size limit, 400 for text that is not JSON, and 422 naming the field for JSON of the wrong
//! shape (serde_path_to_error finds the field; plain serde_json would not say which).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use colophon_domain::ValidationErrors;
use serde::de::DeserializeOwned;

use crate::problem::ApiError;

/// A JSON request body, parsed into `T` or refused with a precise problem.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// The largest body accepted, set by the server configuration.
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn read_body(req: &HttpRequest, payload: &mut Payload) -> impl Future<Output = Result<web::Bytes, ApiError>> + use<> {
    let limit = req.app_data::<JsonLimit>().map_or(256 * 1024, |l| l.0);
    let json = is_json(req);
    let body = web::Bytes::from_request(req, payload);
    async move {
        if !json {
            return Err(ApiError::request(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON, sent as Content-Type: application/json",
            ));
        }
        let bytes = body.await.map_err(|_| too_large(limit))?;
        if bytes.len() > limit {
            return Err(too_large(limit));
        }
        Ok(bytes)
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload);
        Box::pin(async move { parse(&body.await?).map(Json) })
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::request(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the body may be at most {limit} bytes"),
    )
}

/// Query parameters parsed into `T`; a bad value is 400 naming the parameter (serde_urlencoded
/// alone says "invalid digit found in string" without saying where).
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    let deserializer = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let message = error.inner().to_string();
        let field = match field.as_str() {
            "." | "" => named_field(&message).unwrap_or_else(|| "query".into()),
            _ => field,
        };
        let message = match message.as_str() {
            m if m.contains("invalid digit") || m.contains("number") => "must be a whole number".to_string(),
            m => plain(m),
        };
        ApiError::Request {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            detail: format!("invalid query parameter {field}: {message}"),
            errors: Some(ValidationErrors::single(field, message)),
        }
    })
}

/// Parses a body: syntax errors are 400, shape errors 422 with the field's path.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let malformed = |e: &serde_json::Error| {
        ApiError::request(StatusCode::BAD_REQUEST, "malformed_json", format!("malformed JSON: {e}"))
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        // A lone surrogate (`"\ud800"`) is no character at all: like the characters XML forbids,
        // it is an invalid value of the field it is in (422), not broken JSON.
        if inner.to_string().contains("surrogate") || lone_high_surrogate(bytes) {
            let field = error.path().to_string();
            let field = if field.is_empty() || field == "." { "body".to_string() } else { field };
            let message = "must not contain a lone surrogate (\\ud800–\\udfff alone is no character)";
            return ApiError::Request {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid_input",
                detail: format!("invalid JSON body: {field}: {message}"),
                errors: Some(ValidationErrors::single(field, message)),
            };
        }
        if !inner.is_data() {
            return malformed(inner);
        }
        let message = inner.to_string();
        let path = error.path().to_string();
        let field = match path.as_str() {
            "." | "" => named_field(&message).unwrap_or_else(|| "body".into()),
            _ => path,
        };
        let message = plain(message.split(" at line ").next().unwrap_or(&message));
        ApiError::Request {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_input",
            detail: format!("invalid JSON body: {field}: {message}"),
            errors: Some(ValidationErrors::single(field, message)),
        }
    })?;
    deserializer.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

/// Whether JSON text escapes a high surrogate (`\ud800`–`\udbff`) without the low one after it.
fn lone_high_surrogate(bytes: &[u8]) -> bool {
    let escape = |at: usize, range: std::ops::RangeInclusive<u8>| {
        bytes.get(at..at + 6).is_some_and(|e| {
            e[0] == b'\\'
                && e[1] == b'u'
                && e[2].eq_ignore_ascii_case(&b'd')
                && range.contains(&e[3].to_ascii_lowercase())
        })
    };
    (0..bytes.len()).any(|at| {
        let preceded_by_backslashes = bytes[..at].iter().rev().take_while(|&&b| b == b'\\').count();
        preceded_by_backslashes % 2 == 0 && escape(at, b'8'..=b'b') && !escape(at + 6, b'c'..=b'f')
    })
}

/// serde's messages in a client's words: "unknown variant `live`, expected one of `draft`,
/// `published`" becomes "must be one of draft, published; got live", and backticks go.
fn plain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        if let Some((got, expected)) = rest.split_once(", expected one of ") {
            return format!("must be one of {}; got {}", expected.replace('`', ""), got.replace('`', ""));
        }
        if let Some((got, expected)) = rest.split_once(", expected ") {
            return format!("must be {}; got {}", expected.replace('`', ""), got.replace('`', ""));
        }
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        if let Some((got, expected)) = rest.split_once(", expected one of ") {
            return format!(
                "{} is not a field here; the fields are {}",
                got.replace('`', ""),
                expected.replace('`', "")
            );
        }
    }
    message.replace('`', "")
}

/// "missing field `title`" and "unknown field `titel`, expected …" name their field in backticks.
fn named_field(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_string())
}

#[cfg(test)]
mod plain_tests {
    use super::plain;

    #[test]
    fn serde_wording_becomes_a_clients() {
        assert_eq!(
            plain("unknown variant `live`, expected one of `draft`, `scheduled`, `published`"),
            "must be one of draft, scheduled, published; got live"
        );
        assert_eq!(
            plain("unknown field `titel`, expected one of `title`, `slug`"),
            "titel is not a field here; the fields are title, slug"
        );
        assert_eq!(plain("missing field `title`"), "missing field title");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        tags: Option<Vec<String>>,
    }

    fn field(bytes: &[u8]) -> (StatusCode, Option<String>) {
        match parse::<Body>(bytes) {
            Ok(_) => (StatusCode::OK, None),
            Err(ApiError::Request { status, errors, .. }) => (status, errors.map(|e| e.0[0].field.clone())),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_the_field_of_a_shape_error() {
        assert_eq!(field(br#"{"title": 42}"#), (StatusCode::UNPROCESSABLE_ENTITY, Some("title".into())));
        assert_eq!(field(br#"{}"#), (StatusCode::UNPROCESSABLE_ENTITY, Some("title".into())));
        assert_eq!(field(br#"{"title": "x", "titel": 1}"#), (StatusCode::UNPROCESSABLE_ENTITY, Some("titel".into())));
        assert_eq!(
            field(br#"{"title": "x", "tags": ["a", 2]}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("tags[1]".into()))
        );
        assert_eq!(field(br#"{"title": "#).0, StatusCode::BAD_REQUEST);
        assert_eq!(field(br#"{"title": "x"} trailing"#).0, StatusCode::BAD_REQUEST);
        assert_eq!(field(br#"{"title": "x"}"#).0, StatusCode::OK);
        assert_eq!(field(br#"{"title": "a\ud800b"}"#), (StatusCode::UNPROCESSABLE_ENTITY, Some("title".into())));
        assert_eq!(field(br#"{"title": "a\udfffb"}"#), (StatusCode::UNPROCESSABLE_ENTITY, Some("title".into())));
    }
}
