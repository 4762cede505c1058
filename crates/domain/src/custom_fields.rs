//! A site's own fields (issue 26): the definitions an admin makes per kind of content. A
//! definition is parsed once, at the boundary; the values it accepts are checked by
//! [`crate::custom_values`].

use serde::{Deserialize, Serialize};

crate::words::words! {
    /// The kinds of content a site may give fields of its own.
    pub enum FieldEntity {
        /// Blog posts.
        Posts = "posts",
        /// Standalone pages.
        Pages = "pages",
    }
}

crate::words::words! {
    /// What a custom field holds.
    pub enum FieldType {
        /// Plain text (`max_length`, `pattern`).
        Text = "text",
        /// Markdown, rendered and sanitized like a body; served as `{markdown, html}`.
        Markdown = "markdown",
        /// A whole number (`min`, `max`).
        Integer = "integer",
        /// A number (`min`, `max`).
        Number = "number",
        /// `true` or `false`.
        Boolean = "boolean",
        /// A calendar date, `2010-04-20`.
        Date = "date",
        /// A moment, RFC 3339; stored in UTC.
        Datetime = "datetime",
        /// An absolute http(s) URL.
        Url = "url",
        /// One of `options`.
        Select = "select",
        /// A media library item, by id.
        Media = "media",
        /// A published post, by id.
        Post = "post",
        /// A list of values of the type `of` (`max_items`).
        List = "list",
    }
}

/// Fields per kind of content.
pub const MAX_FIELDS: usize = 50;
/// Text fields are at most this long unless their `max_length` says less.
pub const TEXT_MAX: u32 = 10_000;
/// A list has at most this many items unless its `max_items` says less.
pub const LIST_MAX: u32 = 100;
const LABEL_MAX: usize = 100;
const PATTERN_MAX: usize = 500;
const OPTIONS_MAX: usize = 100;
const OPTION_MAX: usize = 100;

/// Names no field may take: what every item already answers, and what the read compiler's
/// filters spell (`custom.x`).
const RESERVED: [&str; 8] = ["id", "type", "custom", "custom_fields", "typename", "status", "version", "url"];

/// A field's name: `[a-z][a-z0-9_]{0,39}`, each `_` followed by a letter (so that its GraphQL
/// spelling, `reading_minutes` as `readingMinutes`, names one field only: `a_1` would be `a1`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CustomFieldName(String);

impl CustomFieldName {
    /// The name, checked.
    pub fn parse(value: impl AsRef<str>) -> Result<Self, String> {
        let value = value.as_ref();
        let valid = value.len() <= 40
            && value.starts_with(|c: char| c.is_ascii_lowercase())
            && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && value.split('_').skip(1).all(|part| part.starts_with(|c: char| c.is_ascii_lowercase()));
        if !valid {
            return Err("must be 1 to 40 of a-z, 0-9 and _, start with a letter, each _ followed by a letter".into());
        }
        if RESERVED.contains(&value) {
            return Err(format!("is reserved ({})", RESERVED.join(", ")));
        }
        Ok(Self(value.to_string()))
    }

    /// A name read back from the database, which only ever stored checked names.
    pub fn stored(value: String) -> Self {
        Self(value)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its GraphQL spelling: `reading_minutes` is `readingMinutes`.
    pub fn camel_case(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut upper = false;
        for c in self.0.chars() {
            match c {
                '_' => upper = true,
                c if upper => {
                    out.push(c.to_ascii_uppercase());
                    upper = false;
                }
                c => out.push(c),
            }
        }
        out
    }

    /// Its spelling in GraphQL type names: `reading_minutes` is `ReadingMinutes`.
    pub fn pascal_case(&self) -> String {
        let camel = self.camel_case();
        let mut chars = camel.chars();
        chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
    }
}

impl std::fmt::Display for CustomFieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A definition as an admin sends it: everything but `type` optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldSpecInput {
    /// What the field holds.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(value_type = FieldType))]
    pub kind: Option<FieldType>,
    /// A list's item type (any type but `list`).
    pub of: Option<FieldType>,
    /// What editors read beside the field (1 to 100 characters; the name when absent).
    pub label: Option<String>,
    /// Every item must have a value: checked on create and whenever the item is published.
    #[serde(default)]
    pub required: bool,
    /// Shown to everyone (the default); `false` keeps it for signed-in staff.
    pub public: Option<bool>,
    /// Text: the most characters (1 to 10,000).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub max_length: Option<u32>,
    /// Integer, number: the least value.
    pub min: Option<f64>,
    /// Integer, number: the greatest value.
    pub max: Option<f64>,
    /// Text: a regular expression the whole value must match (at most 500 characters).
    pub pattern: Option<String>,
    /// Select: the values it accepts (1 to 100, each 1 to 100 characters).
    pub options: Option<Vec<String>>,
    /// List: the most items (1 to 100).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub max_items: Option<u32>,
}

/// A checked definition, as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldSpec {
    /// What the field holds.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// A list's item type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<FieldType>,
    /// What editors read beside the field.
    pub label: String,
    /// Every item must have a value.
    pub required: bool,
    /// Shown to everyone; when `false`, to signed-in staff only.
    pub public: bool,
    /// Text: the most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Integer, number: the least value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Integer, number: the greatest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Text: what the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Select: the values it accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// List: the most items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
}

/// One field of a kind of content.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDefinition {
    /// What content it belongs to.
    pub entity: FieldEntity,
    /// Its name, the key of its value in `custom_fields`.
    pub name: CustomFieldName,
    /// What it accepts.
    pub spec: FieldSpec,
}

impl FieldSpec {
    /// Checks a definition as sent for `name`, each problem under its field's name.
    pub fn parse(name: &CustomFieldName, input: FieldSpecInput) -> Result<Self, crate::ValidationErrors> {
        let mut errors = crate::ValidationErrors::default();
        let Some(kind) = input.kind else {
            return Err(crate::ValidationErrors::single("type", "is required"));
        };
        let item = match (kind, input.of) {
            (FieldType::List, Some(FieldType::List)) => {
                errors.push("of", "a list cannot hold lists");
                FieldType::Text
            }
            (FieldType::List, Some(of)) => of,
            (FieldType::List, None) => {
                errors.push("of", "is required for a list: the type of its items");
                FieldType::Text
            }
            (_, Some(_)) => {
                errors.push("of", "is for lists only");
                kind
            }
            (_, None) => kind,
        };
        let label = match input.label {
            Some(label) if label.trim().is_empty() || label.chars().count() > LABEL_MAX => {
                errors.push("label", format!("must be 1 to {LABEL_MAX} characters"));
                String::new()
            }
            Some(label) => match crate::markup::forbidden_char(&label) {
                Some(c) => {
                    errors.push("label", crate::markup::forbidden_char_error(c));
                    String::new()
                }
                None => label.trim().to_string(),
            },
            None => name.as_str().to_string(),
        };
        let texty = matches!(item, FieldType::Text);
        let numeric = matches!(item, FieldType::Integer | FieldType::Number);
        if input.max_length.is_some() && !texty {
            errors.push("max_length", "is for text fields only");
        }
        if input.max_length.is_some_and(|m| m == 0 || m > TEXT_MAX) {
            errors.push("max_length", format!("must be from 1 to {TEXT_MAX}"));
        }
        for (bound, value) in [("min", input.min), ("max", input.max)] {
            match value {
                Some(_) if !numeric => errors.push(bound, "is for integer and number fields only"),
                Some(v) if !v.is_finite() || v.abs() > 9.0e15 => errors.push(bound, "must be a finite number"),
                _ => {}
            }
        }
        if let (Some(min), Some(max)) = (input.min, input.max) {
            if min > max {
                errors.push("min", "must not be greater than max");
            }
        }
        let pattern = match input.pattern {
            Some(_) if !texty => {
                errors.push("pattern", "is for text fields only");
                None
            }
            Some(pattern) if pattern.len() > PATTERN_MAX => {
                errors.push("pattern", format!("must be at most {PATTERN_MAX} characters"));
                None
            }
            Some(pattern) => match crate::custom_values::compile(&pattern) {
                Ok(_) => Some(pattern),
                Err(message) => {
                    errors.push("pattern", message);
                    None
                }
            },
            None => None,
        };
        let options = check_options(item, input.options, &mut errors);
        if input.max_items.is_some() && kind != FieldType::List {
            errors.push("max_items", "is for lists only");
        }
        if input.max_items.is_some_and(|m| m == 0 || m > LIST_MAX) {
            errors.push("max_items", format!("must be from 1 to {LIST_MAX}"));
        }
        let spec = Self {
            kind,
            of: (kind == FieldType::List).then_some(item),
            label,
            required: input.required,
            public: input.public.unwrap_or(true),
            max_length: input.max_length,
            min: input.min,
            max: input.max,
            pattern,
            options,
            max_items: input.max_items,
        };
        errors.into_result().map(|()| spec)
    }

    /// The type of one value: a list's item type, else the field's.
    pub fn item_type(&self) -> FieldType {
        self.of.unwrap_or(self.kind)
    }
}

fn check_options(item: FieldType, options: Option<Vec<String>>, errors: &mut crate::ValidationErrors) -> Vec<String> {
    match (item, options) {
        (FieldType::Select, None) => {
            errors.push("options", "is required for a select: the values it accepts");
            Vec::new()
        }
        (FieldType::Select, Some(options)) => {
            if options.is_empty() || options.len() > OPTIONS_MAX {
                errors.push("options", format!("must hold 1 to {OPTIONS_MAX} values"));
            }
            for (i, option) in options.iter().enumerate() {
                if option.is_empty()
                    || option.chars().count() > OPTION_MAX
                    || crate::markup::forbidden_char(option).is_some()
                {
                    errors.push(format!("options[{i}]"), format!("must be 1 to {OPTION_MAX} characters of text"));
                } else if options[..i].contains(option) {
                    errors.push(format!("options[{i}]"), "is given twice");
                }
            }
            options
        }
        (_, Some(_)) => {
            errors.push("options", "is for select fields only");
            Vec::new()
        }
        (_, None) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> CustomFieldName {
        CustomFieldName::parse(n).unwrap()
    }

    #[test]
    fn names_are_checked() {
        for good in ["subtitle", "reading_minutes", "a1", &"x".repeat(40)] {
            assert!(CustomFieldName::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "1a", "Subtitle", "a__b", "a_", "a_1", "a-b", "id", "custom", &"x".repeat(41), "é"] {
            assert!(CustomFieldName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_read_in_graphql_spelling() {
        assert_eq!(name("reading_minutes").camel_case(), "readingMinutes");
        assert_eq!(name("mood").pascal_case(), "Mood");
        assert_eq!(name("a1_b2").pascal_case(), "A1B2");
    }

    #[test]
    fn a_definition_says_every_problem_at_once() {
        let input = FieldSpecInput {
            kind: Some(FieldType::Integer),
            of: Some(FieldType::Text),
            max_length: Some(5),
            min: Some(10.0),
            max: Some(1.0),
            pattern: Some("a".into()),
            options: Some(vec!["x".into()]),
            ..FieldSpecInput::default()
        };
        let errors = FieldSpec::parse(&name("n"), input).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["of", "max_length", "min", "pattern", "options"]);
    }

    #[test]
    fn lists_and_selects_need_what_they_hold() {
        let list = FieldSpecInput { kind: Some(FieldType::List), ..FieldSpecInput::default() };
        assert_eq!(FieldSpec::parse(&name("n"), list).unwrap_err().0[0].field, "of");
        let nested = FieldSpecInput { kind: Some(FieldType::List), of: Some(FieldType::List), ..Default::default() };
        assert!(FieldSpec::parse(&name("n"), nested).is_err());
        let select = FieldSpecInput {
            kind: Some(FieldType::List),
            of: Some(FieldType::Select),
            options: Some(vec!["calm".into(), "calm".into()]),
            ..Default::default()
        };
        assert_eq!(FieldSpec::parse(&name("n"), select).unwrap_err().0[0].field, "options[1]");
        let fine = FieldSpecInput {
            kind: Some(FieldType::Select),
            options: Some(vec!["calm".into(), "angry".into()]),
            ..Default::default()
        };
        let spec = FieldSpec::parse(&name("mood"), fine).unwrap();
        assert_eq!((spec.label.as_str(), spec.public, spec.required), ("mood", true, false));
    }

    #[test]
    fn a_pattern_must_compile() {
        let input =
            FieldSpecInput { kind: Some(FieldType::Text), pattern: Some("(".into()), ..FieldSpecInput::default() };
        assert_eq!(FieldSpec::parse(&name("n"), input).unwrap_err().0[0].field, "pattern");
    }
}
