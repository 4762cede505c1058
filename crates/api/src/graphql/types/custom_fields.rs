//! A site's own fields, typed: `Post.customFields: PostCustomFields` has one field per definition
//! (`readingMinutes: Int`, `mood: PostMoodOption` for a select, `summary: CustomMarkdown`). The
//! types are made when the schema is built, from the definitions it is built with (see
//! `graphql::SchemaHolder`, which builds it again when they change); every field is nullable, as
//! any item may lack a value. With no definition, the type holds one placeholder field, `_`, as
//! an object type needs a field.

use std::borrow::Cow;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::indexmap::IndexMap;
use async_graphql::registry::{Deprecation, MetaEnumValue, MetaField, MetaType, MetaTypeId, Registry};
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{
    Context, ContextSelectionSet, Name, OutputType, Positioned, ServerResult, SimpleObject, Value, parser::types::Field,
};
use colophon_domain::{FieldDefinition, FieldEntity, FieldType};

thread_local! {
    /// The definitions the schema being built on this thread types.
    static BUILDING: RefCell<Arc<Vec<FieldDefinition>>> = RefCell::new(Arc::new(Vec::new()));
}

/// Runs `build` (a schema's construction) with `definitions` as the ones its types follow.
pub fn building_with<T>(definitions: Arc<Vec<FieldDefinition>>, build: impl FnOnce() -> T) -> T {
    let before = BUILDING.with(|b| b.replace(definitions));
    let built = build();
    BUILDING.with(|b| b.replace(before));
    built
}

/// The definitions a schema was built with, as its data: resolvers type values by these.
#[derive(Clone, Default)]
pub struct SchemaFields(pub Arc<Vec<FieldDefinition>>);

/// A kind of content with fields of its own.
pub trait FieldOwner: Send + Sync + 'static {
    const ENTITY: FieldEntity;
    /// The prefix of its type names (`Post`).
    const PREFIX: &'static str;
    const TYPE_NAME: &'static str;
}

pub struct PostFields;
impl FieldOwner for PostFields {
    const ENTITY: FieldEntity = FieldEntity::Posts;
    const PREFIX: &'static str = "Post";
    const TYPE_NAME: &'static str = "PostCustomFields";
}

pub struct PageFields;
impl FieldOwner for PageFields {
    const ENTITY: FieldEntity = FieldEntity::Pages;
    const PREFIX: &'static str = "Page";
    const TYPE_NAME: &'static str = "PageCustomFields";
}

/// A Markdown field's value: its source and its sanitized HTML.
#[derive(SimpleObject)]
pub struct CustomMarkdown {
    markdown: String,
    html: String,
}

/// The values of one item that its caller may see, typed by the schema's definitions.
pub struct CustomFieldsNode<E: FieldOwner> {
    values: serde_json::Map<String, serde_json::Value>,
    definitions: Arc<Vec<FieldDefinition>>,
    owner: PhantomData<E>,
}

impl<E: FieldOwner> CustomFieldsNode<E> {
    /// `values` (those the caller may see) as the schema with `fields` types them.
    pub fn new(values: serde_json::Map<String, serde_json::Value>, fields: &SchemaFields) -> Self {
        Self { values, definitions: fields.0.clone(), owner: PhantomData }
    }
}

/// The GraphQL name of a select's option: upper case, `_` for anything else (`very calm` is
/// `VERY_CALM`); `OPTION_<n>` when that is empty, starts with a digit, or is another option's
/// (with `_` added until it is no other option's either).
fn option_names(options: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(options.len());
    for (i, option) in options.iter().enumerate() {
        let name: String =
            option.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
        let usable = name.starts_with(|c: char| c.is_ascii_alphabetic()) && !names.contains(&name);
        let mut name = if usable { name } else { format!("OPTION_{i}") };
        while names.contains(&name) {
            name.push('_');
        }
        names.push(name);
    }
    names
}

fn enum_name<E: FieldOwner>(definition: &FieldDefinition) -> String {
    format!("{}{}Option", E::PREFIX, definition.name.pascal_case())
}

/// The GraphQL type of one value of `definition`, its types registered.
fn value_type<E: FieldOwner>(registry: &mut Registry, definition: &FieldDefinition) -> String {
    match definition.spec.item_type() {
        FieldType::Text | FieldType::Date | FieldType::Url => "String".into(),
        FieldType::Integer => "Int".into(),
        FieldType::Number => "Float".into(),
        FieldType::Boolean => "Boolean".into(),
        FieldType::Datetime => <super::DateTime as OutputType>::create_type_info(registry).trim_end_matches('!').into(),
        FieldType::Media | FieldType::Post => "ID".into(),
        FieldType::Markdown => <CustomMarkdown as OutputType>::create_type_info(registry).trim_end_matches('!').into(),
        // A list's items are never lists.
        FieldType::List => "String".into(),
        FieldType::Select => {
            let name = enum_name::<E>(definition);
            let values = option_names(&definition.spec.options)
                .into_iter()
                .map(|value| {
                    let meta = MetaEnumValue {
                        name: value.clone(),
                        description: None,
                        deprecation: Deprecation::NoDeprecated,
                        visible: None,
                        inaccessible: false,
                        tags: Vec::new(),
                        directive_invocations: Vec::new(),
                    };
                    (value, meta)
                })
                .collect();
            registry.types.insert(
                name.clone(),
                MetaType::Enum {
                    name: name.clone(),
                    description: Some(format!("The options of {}.{}", E::ENTITY, definition.name)),
                    enum_values: values,
                    visible: visibility(definition),
                    inaccessible: false,
                    tags: Vec::new(),
                    rust_typename: None,
                    directive_invocations: Vec::new(),
                    requires_scopes: Vec::new(),
                },
            );
            name
        }
    }
}

/// Whether the caller is staff (the HTTP layer authenticates a request's token before it runs):
/// a staff-only field (and its options) exists for staff only, in introspection and validation
/// alike, as `GET /api/v1/fields` lists it for staff only.
fn with_credentials(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<Arc<crate::graphql::context::RequestAuth>>()
        .and_then(|auth| auth.caller.get())
        .is_some_and(colophon_service::Caller::is_staff)
}

/// Who may see `definition` in the schema.
fn visibility(definition: &FieldDefinition) -> Option<fn(&Context<'_>) -> bool> {
    (!definition.spec.public).then_some(with_credentials as fn(&Context<'_>) -> bool)
}

fn meta_field(
    name: String,
    description: Option<String>,
    ty: String,
    visible: Option<fn(&Context<'_>) -> bool>,
) -> MetaField {
    MetaField {
        name,
        description,
        args: IndexMap::new(),
        ty,
        deprecation: Deprecation::NoDeprecated,
        cache_control: Default::default(),
        external: false,
        requires: None,
        provides: None,
        visible,
        shareable: false,
        inaccessible: false,
        tags: Vec::new(),
        override_from: None,
        compute_complexity: None,
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    }
}

impl<E: FieldOwner> OutputType for CustomFieldsNode<E> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(E::TYPE_NAME)
    }

    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_output_type::<Self, _>(MetaTypeId::Object, |registry| {
            let definitions = BUILDING.with(|b| b.borrow().clone());
            let mut fields = IndexMap::new();
            for definition in definitions.iter().filter(|d| d.entity == E::ENTITY) {
                let item = value_type::<E>(registry, definition);
                let ty = if definition.spec.kind == FieldType::List { format!("[{item}!]") } else { item };
                let name = definition.name.camel_case();
                let description = Some(format!("{} (`{}`)", definition.spec.label, definition.name));
                fields.insert(name.clone(), meta_field(name, description, ty, visibility(definition)));
            }
            if fields.is_empty() {
                let description = Some("No field is defined yet (an object type needs one): always null.".into());
                fields.insert("_".into(), meta_field("_".into(), description, "Boolean".into(), None));
            }
            MetaType::Object {
                name: E::TYPE_NAME.into(),
                description: Some(format!(
                    "The site's own fields of {} (GET /api/v1/fields): one per definition, each null when the item has no value.",
                    E::ENTITY
                )),
                fields,
                cache_control: Default::default(),
                extends: false,
                shareable: false,
                resolvable: true,
                inaccessible: false,
                interface_object: false,
                tags: Vec::new(),
                keys: None,
                visible: None,
                is_subscription: false,
                rust_typename: Some(std::any::type_name::<Self>()),
                directive_invocations: Vec::new(),
                requires_scopes: Vec::new(),
            }
        })
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, _field: &Positioned<Field>) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<E: FieldOwner> ContainerType for CustomFieldsNode<E> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        let name = ctx.item.node.name.node.as_str();
        let Some(definition) = self.definitions.iter().find(|d| d.entity == E::ENTITY && d.name.camel_case() == name)
        else {
            return Ok(if name == "_" { Some(Value::Null) } else { None });
        };
        let Some(value) = self.values.get(definition.name.as_str()) else { return Ok(Some(Value::Null)) };
        if definition.spec.item_type() == FieldType::Markdown {
            let markdown = |v: &serde_json::Value| CustomMarkdown {
                markdown: v["markdown"].as_str().unwrap_or_default().to_string(),
                html: v["html"].as_str().unwrap_or_default().to_string(),
            };
            let inner = ctx.with_selection_set(&ctx.item.node.selection_set);
            return match value {
                serde_json::Value::Array(items) => {
                    let items: Vec<CustomMarkdown> = items.iter().map(markdown).collect();
                    OutputType::resolve(&items, &inner, ctx.item).await.map(Some)
                }
                single => OutputType::resolve(&markdown(single), &inner, ctx.item).await.map(Some),
            };
        }
        let names = option_names(&definition.spec.options);
        let typed = |v: &serde_json::Value| typed(definition, &names, v);
        Ok(Some(match value {
            serde_json::Value::Array(items) if definition.spec.kind == FieldType::List => {
                Value::List(items.iter().map(typed).collect())
            }
            single => typed(single),
        }))
    }
}

/// One stored value as its GraphQL type writes it (null when it does not fit: a definition
/// changed since the value was written and the schema was built).
fn typed(definition: &FieldDefinition, option_names: &[String], value: &serde_json::Value) -> Value {
    match (definition.spec.item_type(), value) {
        (FieldType::Select, serde_json::Value::String(option)) => definition
            .spec
            .options
            .iter()
            .position(|o| o == option)
            .map_or(Value::Null, |i| Value::Enum(Name::new(&option_names[i]))),
        (FieldType::Media | FieldType::Post, serde_json::Value::Number(id)) => Value::String(id.to_string()),
        (FieldType::Integer, serde_json::Value::Number(n)) => n.as_i64().map_or(Value::Null, Value::from),
        (FieldType::Number, serde_json::Value::Number(n)) => n.as_f64().map_or(Value::Null, Value::from),
        (FieldType::Boolean, serde_json::Value::Bool(b)) => Value::Boolean(*b),
        (FieldType::Text | FieldType::Date | FieldType::Datetime | FieldType::Url, serde_json::Value::String(s)) => {
            Value::String(s.clone())
        }
        _ => Value::Null,
    }
}

/// The values a write sets, as GraphQL validated them against the schema's input type
/// (`PostCustomFieldsInput`: one field per definition, `null` removes a value): kept as sent, in
/// GraphQL's spelling, until [`CustomFieldsInput::values`] reads them with the schema's definitions.
pub struct CustomFieldsInput<E: FieldOwner> {
    sent: serde_json::Map<String, serde_json::Value>,
    owner: PhantomData<E>,
}

impl<E: FieldOwner> CustomFieldsInput<E> {
    /// The values as sent, in GraphQL's spelling (see [`custom_values`]).
    pub fn into_sent(self) -> serde_json::Map<String, serde_json::Value> {
        self.sent
    }
}

/// Values sent in GraphQL's spelling (`readingMinutes`, `VERY_ANGRY`, ids as strings) in the
/// service's (`reading_minutes`, `very angry`, ids as numbers), by the schema's definitions of
/// `entity`. A name the schema does not know passes as it is, for the service to refuse.
pub fn custom_values(
    entity: FieldEntity,
    fields: &SchemaFields,
    sent: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    {
        sent.into_iter()
            .map(|(key, value)| {
                let Some(definition) = fields.0.iter().find(|d| d.entity == entity && d.name.camel_case() == key)
                else {
                    return (key, value);
                };
                let names = option_names(&definition.spec.options);
                let untyped = |v: serde_json::Value| match (definition.spec.item_type(), v) {
                    (FieldType::Select, serde_json::Value::String(name)) => names
                        .iter()
                        .position(|n| *n == name)
                        .map_or(serde_json::Value::String(name), |i| definition.spec.options[i].clone().into()),
                    (FieldType::Media | FieldType::Post, serde_json::Value::String(id)) => {
                        id.parse::<i64>().map_or(serde_json::Value::String(id), serde_json::Value::from)
                    }
                    (_, v) => v,
                };
                let value = match value {
                    serde_json::Value::Array(items) => items.into_iter().map(untyped).collect(),
                    single => untyped(single),
                };
                (definition.name.to_string(), value)
            })
            .collect()
    }
}

/// The GraphQL input type of one value of `definition`.
fn input_type<E: FieldOwner>(registry: &mut Registry, definition: &FieldDefinition) -> String {
    match definition.spec.item_type() {
        FieldType::Markdown => "String".into(),
        _ => value_type::<E>(registry, definition),
    }
}

impl<E: FieldOwner> async_graphql::InputType for CustomFieldsInput<E> {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        Cow::Owned(format!("{}Input", E::TYPE_NAME))
    }

    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_input_type::<Self, _>(MetaTypeId::InputObject, |registry| {
            let definitions = BUILDING.with(|b| b.borrow().clone());
            let mut input_fields = IndexMap::new();
            let input = |name: String, description: Option<String>, ty: String, visible| {
                async_graphql::registry::MetaInputValue {
                    name,
                    description,
                    ty,
                    deprecation: Deprecation::NoDeprecated,
                    default_value: None,
                    visible,
                    inaccessible: false,
                    tags: Vec::new(),
                    is_secret: false,
                    directive_invocations: Vec::new(),
                }
            };
            for definition in definitions.iter().filter(|d| d.entity == E::ENTITY) {
                let item = input_type::<E>(registry, definition);
                let ty = if definition.spec.kind == FieldType::List { format!("[{item}!]") } else { item };
                let name = definition.name.camel_case();
                let description =
                    Some(format!("{} (`{}`); null removes the value", definition.spec.label, definition.name));
                input_fields.insert(name.clone(), input(name, description, ty, visibility(definition)));
            }
            if input_fields.is_empty() {
                let description = Some("No field is defined yet (an input type needs one): ignored.".into());
                input_fields.insert("_".into(), input("_".into(), description, "Boolean".into(), None));
            }
            MetaType::InputObject {
                name: format!("{}Input", E::TYPE_NAME),
                description: Some(format!(
                    "Values of the site's own fields of {}: each given one set (null removes it), the others kept.",
                    E::ENTITY
                )),
                input_fields,
                visible: None,
                inaccessible: false,
                tags: Vec::new(),
                rust_typename: Some(std::any::type_name::<Self>()),
                oneof: false,
                directive_invocations: Vec::new(),
            }
        })
    }

    fn parse(value: Option<Value>) -> async_graphql::InputValueResult<Self> {
        let Some(Value::Object(object)) = value else {
            return Err(async_graphql::InputValueError::expected_type(value.unwrap_or_default()));
        };
        let sent = object
            .into_iter()
            .filter(|(name, _)| name.as_str() != "_")
            .map(|(name, value)| Ok((name.to_string(), value.into_json()?)))
            .collect::<Result<_, serde_json::Error>>()
            .map_err(|e| async_graphql::InputValueError::custom(e.to_string()))?;
        Ok(Self { sent, owner: PhantomData })
    }

    fn to_value(&self) -> Value {
        Value::from_json(serde_json::Value::Object(self.sent.clone())).unwrap_or_default()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::option_names;

    #[test]
    fn option_names_are_names_and_distinct() {
        let options: Vec<String> =
            ["very calm", "1", "option_1", "Very-Calm", ""].iter().map(ToString::to_string).collect();
        assert_eq!(option_names(&options), ["VERY_CALM", "OPTION_1", "OPTION_2", "OPTION_3", "OPTION_4"]);
        let clash: Vec<String> = ["option_1", "1"].iter().map(ToString::to_string).collect();
        assert_eq!(option_names(&clash), ["OPTION_1", "OPTION_1_"]);
    }
}
