//! The values of a site's own fields on one item: checked against the definitions on every
//! write, merged per key by a partial update, and shown only where their definition allows.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value};

use crate::custom_fields::{FieldDefinition, FieldSpec, FieldType, LIST_MAX, TEXT_MAX};
use crate::{HttpUrl, PostHtml, ValidationErrors};

/// All of one item's values, serialized, are at most this large.
pub const VALUES_MAX: usize = 256 * 1024;
/// A Markdown value's source is at most this large.
pub const MARKDOWN_MAX: usize = 64 * 1024;

/// The field path of an item's values in errors.
const PATH: &str = "custom_fields";

/// One item's values, as stored: keyed by field name. Values of a deleted definition stay (hidden)
/// until purged, and a partial update leaves them alone.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CustomValues(Map<String, Value>);

/// What a value refers to, for the service to check exists (and, for posts, is published).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A media item's id, at a field path.
    Media(i64, String),
    /// A post's id, at a field path.
    Post(i64, String),
}

impl CustomValues {
    /// Values read back from the database (a JSON object's text; anything else reads as none).
    pub fn stored(text: &str) -> Self {
        match serde_json::from_str(text) {
            Ok(Value::Object(map)) => Self(map),
            _ => Self::default(),
        }
    }

    /// The text to store.
    pub fn to_stored(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }

    /// Every value, by name.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of one field.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// The values a caller sees: those with a definition, public ones only unless `staff`.
    pub fn shown(&self, definitions: &[FieldDefinition], staff: bool) -> Map<String, Value> {
        definitions
            .iter()
            .filter(|d| staff || d.spec.public)
            .filter_map(|d| self.0.get(d.name.as_str()).map(|v| (d.name.to_string(), v.clone())))
            .collect()
    }

    /// The text of the values the public sees (see [`Self::shown`]), as stored beside them.
    pub fn public_text(&self, definitions: &[FieldDefinition]) -> String {
        if self.0.is_empty() {
            return "{}".into();
        }
        Value::Object(self.shown(definitions, false)).to_string()
    }

    /// These values with `patch` applied: each key set to its checked value, or removed by
    /// `null`. Every bad value is reported under `custom_fields.<name>`; the references found are
    /// returned for the caller to check.
    pub fn patched(
        &self,
        patch: Map<String, Value>,
        definitions: &[FieldDefinition],
        errors: &mut ValidationErrors,
    ) -> (Self, Vec<Reference>) {
        let mut values = self.0.clone();
        let mut references = Vec::new();
        // Bounded before any value is checked: a Markdown value is rendered as it is checked.
        if Value::Object(patch.clone()).to_string().len() > VALUES_MAX {
            errors.push(PATH, format!("must be at most {} KiB in all", VALUES_MAX / 1024));
            return (self.clone(), references);
        }
        for (name, value) in patch {
            let path = format!("{PATH}.{name}");
            let Some(definition) = definitions.iter().find(|d| d.name.as_str() == name) else {
                errors.push(path, "is not a defined field");
                continue;
            };
            if value.is_null() {
                values.remove(&name);
                continue;
            }
            match checked(&definition.spec, value, &path, &mut references) {
                Ok(value) => {
                    values.insert(name, value);
                }
                Err((at, message)) => errors.push(at, message),
            }
        }
        let values = Self(values);
        if values.to_stored().len() > VALUES_MAX {
            errors.push(PATH, format!("must be at most {} KiB in all", VALUES_MAX / 1024));
        }
        (values, references)
    }

    /// The words search finds the item by: those of its public text and Markdown fields (a
    /// private field's words must not make a public search find it).
    pub fn search_words(&self, definitions: &[FieldDefinition]) -> String {
        let mut words = Vec::new();
        for definition in definitions.iter().filter(|d| d.spec.public) {
            let Some(value) = self.0.get(definition.name.as_str()) else { continue };
            let items = match value {
                Value::Array(items) => items.iter().collect(),
                single => vec![single],
            };
            for item in items {
                match (definition.spec.item_type(), item) {
                    (FieldType::Text, Value::String(text)) => words.push(text.clone()),
                    (FieldType::Markdown, Value::Object(markdown)) => {
                        if let Some(Value::String(html)) = markdown.get("html") {
                            words.push(crate::search_text(html));
                        }
                    }
                    _ => {}
                }
            }
        }
        words.join(" ")
    }

    /// Reports each required field without a value.
    pub fn check_required(&self, definitions: &[FieldDefinition], errors: &mut ValidationErrors) {
        for definition in definitions.iter().filter(|d| d.spec.required) {
            if !self.0.contains_key(definition.name.as_str()) {
                errors.push(format!("{PATH}.{}", definition.name), "is required");
            }
        }
    }

    /// The value of `name` under a changed definition: as it is when it passes, converted when
    /// it can be (`"12"` to 12, 12 to `"12"`), or why not. `None` when the item has no value.
    pub fn converted(&self, name: &str, spec: &FieldSpec) -> Option<Result<Value, String>> {
        let value = self.0.get(name)?;
        let mut references = Vec::new();
        Some(convert(spec, value, &mut references))
    }

    /// These values without `name`'s.
    pub fn without(mut self, name: &str) -> Self {
        self.0.remove(name);
        self
    }

    /// These values with `name` set to `value`.
    pub fn with(mut self, name: &str, value: Value) -> Self {
        self.0.insert(name.to_string(), value);
        self
    }
}

/// A pattern as a matcher of whole values. regex-lite searches in time linear in the text for
/// a given pattern (no backtracking blow-up); the size and nesting limits bound its compiled form.
pub fn compile(pattern: &str) -> Result<regex_lite::Regex, String> {
    regex_lite::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(256 * 1024)
        .nest_limit(32)
        .build()
        .map_err(|e| format!("is not a regular expression this server accepts: {}", first_line(&e.to_string())))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

type Failure = (String, String);

fn checked(spec: &FieldSpec, value: Value, path: &str, references: &mut Vec<Reference>) -> Result<Value, Failure> {
    if spec.kind != FieldType::List {
        return item(spec, spec.kind, value, path, references).map_err(|m| (path.to_string(), m));
    }
    let Value::Array(items) = value else {
        return Err((path.to_string(), "must be a list".into()));
    };
    let max = spec.max_items.unwrap_or(LIST_MAX) as usize;
    if items.len() > max {
        return Err((path.to_string(), format!("must have at most {max} items")));
    }
    let item_type = spec.item_type();
    let mut out = Vec::with_capacity(items.len());
    for (i, value) in items.into_iter().enumerate() {
        let at = format!("{path}[{i}]");
        out.push(item(spec, item_type, value, &at, references).map_err(|m| (at, m))?);
    }
    Ok(Value::Array(out))
}

fn item(
    spec: &FieldSpec,
    kind: FieldType,
    value: Value,
    path: &str,
    references: &mut Vec<Reference>,
) -> Result<Value, String> {
    match kind {
        FieldType::Text => text(spec, value),
        FieldType::Markdown => {
            let Value::String(source) = value else {
                return Err("must be Markdown text".into());
            };
            if source.len() > MARKDOWN_MAX {
                return Err(format!("must be at most {} KiB", MARKDOWN_MAX / 1024));
            }
            let html = PostHtml::from_markdown(&source)?;
            Ok(serde_json::json!({ "markdown": source, "html": html.into_string() }))
        }
        FieldType::Integer => {
            let n =
                value.as_i64().filter(|n| n.unsigned_abs() <= 9_007_199_254_740_991).ok_or("must be a whole number")?;
            in_bounds(spec, n as f64)?;
            Ok(Value::from(n))
        }
        FieldType::Number => {
            let n = value.as_f64().filter(|n| n.is_finite()).ok_or("must be a number")?;
            in_bounds(spec, n)?;
            Ok(value)
        }
        FieldType::Boolean => value.as_bool().map(Value::from).ok_or_else(|| "must be true or false".into()),
        FieldType::Date => {
            let date = value
                .as_str()
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .filter(|d| (1..=9999).contains(&chrono::Datelike::year(d)))
                .ok_or("must be a date, YYYY-MM-DD")?;
            Ok(Value::from(date.format("%Y-%m-%d").to_string()))
        }
        FieldType::Datetime => {
            let at = value
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc))
                .filter(|t| (1..=9999).contains(&chrono::Datelike::year(t)))
                .ok_or("must be a date and time, RFC 3339 (2010-04-20T15:00:00Z)")?;
            Ok(Value::from(at.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
        }
        FieldType::Url => {
            let url = value.as_str().ok_or("must be an http:// or https:// URL")?;
            Ok(Value::from(HttpUrl::parse(url)?.into_string()))
        }
        FieldType::Select => match value.as_str() {
            Some(option) if spec.options.iter().any(|o| o == option) => Ok(value),
            _ => Err(format!("must be one of {}", spec.options.join(", "))),
        },
        FieldType::Media | FieldType::Post => {
            let id = value.as_i64().filter(|id| *id > 0).ok_or("must be an id (a whole number above 0)")?;
            references.push(match kind {
                FieldType::Media => Reference::Media(id, path.to_string()),
                _ => Reference::Post(id, path.to_string()),
            });
            Ok(Value::from(id))
        }
        FieldType::List => Err("a list cannot hold lists".into()),
    }
}

fn text(spec: &FieldSpec, value: Value) -> Result<Value, String> {
    let Value::String(text) = value else {
        return Err("must be text".into());
    };
    let max = spec.max_length.unwrap_or(TEXT_MAX) as usize;
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if let Some(c) = crate::markup::forbidden_char(&text) {
        return Err(crate::markup::forbidden_char_error(c));
    }
    if let Some(pattern) = &spec.pattern {
        // The pattern compiled when the definition was made; a failure here cannot happen.
        if !compile(pattern).is_ok_and(|re| re.is_match(&text)) {
            return Err(format!("must match {pattern}"));
        }
    }
    Ok(Value::String(text))
}

fn in_bounds(spec: &FieldSpec, n: f64) -> Result<(), String> {
    if spec.min.is_some_and(|min| n < min) || spec.max.is_some_and(|max| n > max) {
        let bound = |b: Option<f64>| b.map_or("any".to_string(), |b| b.to_string());
        return Err(format!("must be from {} to {}", bound(spec.min), bound(spec.max)));
    }
    Ok(())
}

/// A stored value checked under `spec`, converted first where a plain conversion exists.
fn convert(spec: &FieldSpec, value: &Value, references: &mut Vec<Reference>) -> Result<Value, String> {
    let path = "";
    let as_is = checked(spec, value.clone(), path, references);
    if let Ok(value) = as_is {
        return Ok(value);
    }
    let converted = match (spec.kind, value) {
        (FieldType::List, Value::Array(items)) => {
            Value::Array(items.iter().map(|v| scalar_as(spec.item_type(), v)).collect())
        }
        (FieldType::List, single) => Value::Array(vec![scalar_as(spec.item_type(), single)]),
        (kind, value) => scalar_as(kind, value),
    };
    checked(spec, converted, path, references).map_err(|(_, message)| message)
}

/// `value` as a value of `kind` where that is a plain reading of it; else unchanged.
fn scalar_as(kind: FieldType, value: &Value) -> Value {
    let markdown_source = value.get("markdown").and_then(Value::as_str);
    match (kind, value) {
        (FieldType::Text | FieldType::Select, Value::Number(n)) => Value::from(n.to_string()),
        (FieldType::Text | FieldType::Select, Value::Bool(b)) => Value::from(b.to_string()),
        (FieldType::Text | FieldType::Markdown, Value::Object(_)) if markdown_source.is_some() => {
            Value::from(markdown_source.unwrap_or_default())
        }
        (FieldType::Integer | FieldType::Number | FieldType::Media | FieldType::Post, Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| s.trim().parse::<f64>().map(Value::from))
            .unwrap_or(Value::Null),
        (FieldType::Integer, Value::Number(n)) => {
            n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map_or(Value::Null, |f| Value::from(f as i64))
        }
        (FieldType::Boolean, Value::String(s)) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Null,
        },
        (_, value) => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::custom_fields::{CustomFieldName, FieldEntity, FieldSpecInput};
    use serde_json::json;

    fn field(name: &str, input: FieldSpecInput) -> FieldDefinition {
        let name = CustomFieldName::parse(name).unwrap();
        let spec = FieldSpec::parse(&name, input).unwrap();
        FieldDefinition { entity: FieldEntity::Posts, name, spec }
    }

    fn of(kind: FieldType) -> FieldSpecInput {
        FieldSpecInput { kind: Some(kind), ..FieldSpecInput::default() }
    }

    fn definitions() -> Vec<FieldDefinition> {
        vec![
            field("subtitle", FieldSpecInput { max_length: Some(10), required: true, ..of(FieldType::Text) }),
            field("minutes", FieldSpecInput { min: Some(1.0), max: Some(120.0), ..of(FieldType::Integer) }),
            field("mood", FieldSpecInput { options: Some(vec!["calm".into()]), ..of(FieldType::Select) }),
            field("notes", FieldSpecInput { public: Some(false), ..of(FieldType::Markdown) }),
            field("when", of(FieldType::Datetime)),
            field("isbn", FieldSpecInput { pattern: Some("[0-9]{3}-[0-9]".into()), ..of(FieldType::Text) }),
            field("hero", of(FieldType::Media)),
            field("series", FieldSpecInput { of: Some(FieldType::Post), max_items: Some(2), ..of(FieldType::List) }),
        ]
    }

    fn patch(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn good_values_are_stored_in_one_form() {
        let mut errors = ValidationErrors::default();
        let (values, references) = CustomValues::default().patched(
            patch(json!({
                "subtitle": "Abide", "minutes": 12, "mood": "calm", "notes": "*dude*",
                "when": "2010-04-20T17:00:00+02:00", "isbn": "123-4", "hero": 7, "series": [3, 4]
            })),
            &definitions(),
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors}");
        assert_eq!(values.get("when"), Some(&json!("2010-04-20T15:00:00Z")));
        assert_eq!(values.get("notes").unwrap()["html"], json!("<p><em>dude</em></p>\n"));
        assert_eq!(references.len(), 3);
        assert_eq!(references[2], Reference::Post(4, "custom_fields.series[1]".into()));
        let again = CustomValues::stored(&values.to_stored());
        assert_eq!(again, values);
    }

    #[test]
    fn every_bad_value_is_named_by_its_path() {
        let mut errors = ValidationErrors::default();
        CustomValues::default().patched(
            patch(json!({
                "subtitle": "x".repeat(11), "minutes": 121, "mood": "angry", "when": "yesterday",
                "isbn": "12-34", "hero": -1, "series": [1, "two"], "nope": 1
            })),
            &definitions(),
            &mut errors,
        );
        let mut paths: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            [
                "custom_fields.hero",
                "custom_fields.isbn",
                "custom_fields.minutes",
                "custom_fields.mood",
                "custom_fields.nope",
                "custom_fields.series[1]",
                "custom_fields.subtitle",
                "custom_fields.when"
            ]
        );
    }

    #[test]
    fn a_patch_merges_per_key_and_null_removes() {
        let stored = CustomValues::stored(r#"{"subtitle":"a","minutes":3,"gone":"kept hidden"}"#);
        let mut errors = ValidationErrors::default();
        let (values, _) = stored.patched(patch(json!({"minutes": null, "mood": "calm"})), &definitions(), &mut errors);
        assert!(errors.is_empty());
        assert_eq!(values, CustomValues::stored(r#"{"subtitle":"a","mood":"calm","gone":"kept hidden"}"#));
        let shown = values.shown(&definitions(), false);
        assert_eq!(Value::Object(shown), json!({"subtitle": "a", "mood": "calm"}));
        values.check_required(&definitions(), &mut errors);
        assert!(errors.is_empty());
        CustomValues::default().check_required(&definitions(), &mut errors);
        assert_eq!(errors.0[0].field, "custom_fields.subtitle");
    }

    #[test]
    fn search_reads_public_text_only() {
        let values = CustomValues::stored(
            r#"{"subtitle":"Abide","notes":{"markdown":"x","html":"<p>secret <b>plan</b></p>"},"minutes":3,"isbn":"123-45"}"#,
        );
        assert_eq!(values.search_words(&definitions()), "Abide 123-45");
    }

    #[test]
    fn staff_see_private_fields() {
        let values = CustomValues::stored(r#"{"notes":{"markdown":"x","html":"<p>x</p>"}}"#);
        assert!(values.shown(&definitions(), false).is_empty());
        assert_eq!(values.shown(&definitions(), true).len(), 1);
    }

    #[test]
    fn values_convert_where_a_plain_reading_exists() {
        let values = CustomValues::stored(r#"{"a":"12","b":12,"c":"twelve","d":1.5}"#);
        let integer = FieldSpec::parse(&CustomFieldName::parse("a").unwrap(), of(FieldType::Integer)).unwrap();
        let text = FieldSpec::parse(&CustomFieldName::parse("a").unwrap(), of(FieldType::Text)).unwrap();
        assert_eq!(values.converted("a", &integer), Some(Ok(json!(12))));
        assert_eq!(values.converted("b", &text), Some(Ok(json!("12"))));
        assert!(values.converted("c", &integer).unwrap().is_err());
        assert!(values.converted("d", &integer).unwrap().is_err());
        assert_eq!(values.converted("missing", &integer), None);
    }

    #[test]
    fn oversized_values_are_refused() {
        let mut errors = ValidationErrors::default();
        let big = json!({"series": [1, 2, 3]});
        CustomValues::default().patched(patch(big), &definitions(), &mut errors);
        assert_eq!(errors.0[0].message, "must have at most 2 items");
        let mut errors = ValidationErrors::default();
        let bomb = "(a*)*b";
        assert!(compile(bomb).is_ok_and(|re| !re.is_match(&"a".repeat(10_000))));
        CustomValues::default().patched(patch(json!({"minutes": 1.5})), &definitions(), &mut errors);
        assert_eq!(errors.0[0].message, "must be a whole number");
    }
}
