//! Sparse fieldsets (`fields=id,slug,title`): only the named top-level fields of each item, as
//! Ghost and Directus offer. Unknown names are 400, naming them and the fields there are.

use colophon_domain::SummaryField;
use serde_json::{Map, Value};

use crate::problem::ApiError;

/// Keeps the `fields` (comma-separated) of `value`, an item or a page `{data: [...]}`; `known` are
/// the names an item may have.
pub fn select(value: Value, fields: Option<&str>, known: &[&str]) -> Result<Value, ApiError> {
    let Some(wanted) = wanted(fields, known)? else { return Ok(value) };
    let pick = |item: Value| match item {
        Value::Object(mut map) => {
            let mut kept = Map::with_capacity(wanted.len());
            for name in &wanted {
                if let Some(value) = map.remove(*name) {
                    kept.insert((*name).to_string(), value);
                }
            }
            Value::Object(kept)
        }
        other => other,
    };
    Ok(match value {
        Value::Object(mut page) if page.get("data").is_some_and(Value::is_array) => {
            if let Some(Value::Array(items)) = page.remove("data") {
                page.insert("data".into(), Value::Array(items.into_iter().map(pick).collect()));
            }
            Value::Object(page)
        }
        item => pick(item),
    })
}

/// The names `fields` gives, each one of `known`; `None` without the parameter.
fn wanted<'a>(fields: Option<&'a str>, known: &[&str]) -> Result<Option<Vec<&'a str>>, ApiError> {
    let Some(fields) = fields else { return Ok(None) };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).filter(|f| !f.is_empty()).collect();
    if wanted.is_empty() {
        return Err(bad("name at least one field"));
    }
    if let Some(unknown) = wanted.iter().find(|f| !known.contains(f)) {
        return Err(bad(&format!("unknown field {unknown}; the fields are {}", known.join(", "))));
    }
    Ok(Some(wanted))
}

/// The fields of a list's posts for the read compiler, in the order given, each once; `known`
/// may name fields only search results have (`snippet`), which a list leaves out.
pub fn summary_fields(fields: Option<&str>, known: &[&str]) -> Result<Option<Vec<SummaryField>>, ApiError> {
    let Some(wanted) = wanted(fields, known)? else { return Ok(None) };
    let mut picked = Vec::with_capacity(wanted.len());
    for field in wanted.into_iter().filter_map(SummaryField::parse) {
        if !picked.contains(&field) {
            picked.push(field);
        }
    }
    Ok(Some(picked))
}

fn bad(message: &str) -> ApiError {
    ApiError::Request {
        status: actix_web::http::StatusCode::BAD_REQUEST,
        code: "bad_request",
        detail: format!("invalid query parameter fields: {message}"),
        errors: Some(colophon_domain::ValidationErrors::single("fields", message)),
    }
}

/// The OpenAPI document says so: where `fields` applies, an item is the full schema or a
/// `…Fields` copy of it with nothing required.
pub fn document(openapi: &mut Value) {
    let schemas = &mut openapi["components"]["schemas"];
    for (full, partial) in [("PostSummaryBody", "PostSummaryFields"), ("PostBody", "PostFields")] {
        let mut schema = schemas[full].clone();
        loosen(&mut schema);
        schema["description"] = Value::String(format!("Some fields of a {full} (`fields=`): any may be absent."));
        schemas[partial] = schema;
    }
    let either = |full: &str, partial: &str| {
        serde_json::json!({ "anyOf": [
            { "$ref": format!("#/components/schemas/{full}") },
            { "$ref": format!("#/components/schemas/{partial}") },
        ]})
    };
    openapi["components"]["schemas"]["PostPage"]["properties"]["data"]["items"] =
        either("PostSummaryBody", "PostSummaryFields");
    openapi["paths"]["/api/v1/posts/{post}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        either("PostBody", "PostFields");
}

/// Drops `required` from a schema and from the schemas it is composed of (`allOf` …), and points
/// its references to the summary at the summary's loose copy. Properties keep their own schemas:
/// a nested object (the author) comes whole or not at all.
fn loosen(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    map.remove("required");
    if map.get("$ref").and_then(Value::as_str) == Some("#/components/schemas/PostSummaryBody") {
        map.insert("$ref".into(), Value::String("#/components/schemas/PostSummaryFields".into()));
    }
    for composition in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(composition) {
            parts.iter_mut().for_each(loosen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_named_fields_of_items_and_pages() {
        let item = serde_json::json!({ "id": 1, "slug": "a", "title": "A" });
        let known = ["id", "slug", "title"];
        assert_eq!(
            select(item.clone(), Some("id,title"), &known).unwrap(),
            serde_json::json!({ "id": 1, "title": "A" })
        );
        let page = serde_json::json!({ "data": [item.clone()], "next_cursor": null });
        assert_eq!(
            select(page, Some("slug"), &known).unwrap(),
            serde_json::json!({ "data": [{ "slug": "a" }], "next_cursor": null })
        );
        assert!(select(item.clone(), Some("nope"), &known).is_err());
        assert!(select(item.clone(), Some(","), &known).is_err());
        assert_eq!(select(item.clone(), None, &known).unwrap(), item);
    }
}
