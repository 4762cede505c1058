//! The schemas of the value types request bodies share, each written once: a line of text, an
//! http(s) URL, an e-mail address. Fields name them with `#[schema(schema_with = …)]`; the
//! patterns say in JSON Schema what the domain's parsers accept, so that clients and
//! Schemathesis learn the rules from the document.

use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

/// Text of at least one visible character and no control characters (tabs and line breaks
/// allowed inside), as `BoundedText` accepts.
const TEXT: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// An absolute http(s) URL with a host, as `HttpUrl` accepts.
const HTTP_URL: &str =
    "^[hH][tT][tT][pP][sS]?://[^\\s\"<>/?#\\u0000-\\u001F\\u007F-\\u009F]+[^\\s\"<>\\u0000-\\u001F\\u007F-\\u009F]*$";

/// One `@`, a dot in the domain, no spaces, as `Email` accepts.
const EMAIL: &str = "^[^@\\s\\u0000-\\u001F\\u007F-\\u009F]+@[^@\\s.\\u0000-\\u001F\\u007F-\\u009F]+(\\.[^@\\s.\\u0000-\\u001F\\u007F-\\u009F]+)+$";

const URL_MAX: usize = 2048;
const EMAIL_MAX: usize = 254;

fn string(nullable: bool) -> ObjectBuilder {
    if nullable {
        ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
    } else {
        ObjectBuilder::new().schema_type(Type::String)
    }
}

fn bounded_text(max: usize, nullable: bool) -> Object {
    string(nullable).min_length(Some(1)).max_length(Some(max)).pattern(Some(TEXT)).build()
}

/// A required line of text of at most `MAX` characters.
pub fn text<const MAX: usize>() -> Object {
    bounded_text(MAX, false)
}

/// An optional (or, in updates, clearable) line of text of at most `MAX` characters.
pub fn optional_text<const MAX: usize>() -> Object {
    bounded_text(MAX, true)
}

/// An optional (or clearable) http(s) URL.
pub fn optional_http_url() -> Object {
    string(true).max_length(Some(URL_MAX)).pattern(Some(HTTP_URL)).build()
}

/// A required e-mail address.
pub fn email() -> Object {
    string(false).max_length(Some(EMAIL_MAX)).pattern(Some(EMAIL)).examples(["jeff@example.com"]).build()
}

/// An optional e-mail address.
pub fn optional_email() -> Object {
    string(true).max_length(Some(EMAIL_MAX)).pattern(Some(EMAIL)).build()
}

/// `schema` with a description (`schema_with` leaves out the field's doc comment).
pub fn described(schema: Object, description: &str) -> Object {
    let mut schema = schema;
    schema.description = Some(description.to_string());
    schema
}
