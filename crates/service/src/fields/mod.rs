//! A site's own fields (issue 26): admins define them per kind of content; every write of an
//! item checks its values against the definitions in the same transaction; every read shows
//! the values the caller may see.

mod known;
mod values;

use colophon_domain::{
    CustomFieldName, FieldDefinition, FieldEntity, FieldSpec, FieldSpecInput, FieldType, MAX_FIELDS, ValidationErrors,
};
use colophon_store as store;

pub(crate) use known::KnownFields;
pub(crate) use values::{checked_values, public_text, searched_words, shown_values};

use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, ServiceError, ServiceResult};

/// How many items a refused change names.
const NAMED: usize = 10;

/// A definition written: what it is now, and whether it is new.
#[derive(Debug, Clone)]
pub struct FieldWritten {
    /// The definition as stored now.
    pub definition: FieldDefinition,
    /// Whether it did not exist before.
    pub created: bool,
}

impl Colophon {
    /// The definitions of every kind (or of `entity`), by kind and name. The public sees the
    /// public ones; staff see all.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_fields(
        &self,
        caller: Caller,
        entity: Option<FieldEntity>,
    ) -> ServiceResult<Vec<FieldDefinition>> {
        let staff = caller.is_staff();
        let definitions = self.db(move |conn, _| Ok(store::field_definitions(conn, entity)?)).await?;
        Ok(definitions.into_iter().filter(|d| staff || d.spec.public).collect())
    }

    /// Creates or changes a definition (admins). A change every stored value survives is made,
    /// the values converted where they need it (`"12"` to 12); otherwise 409 names the items whose
    /// values would not convert, and nothing changes.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn put_field(
        &self,
        caller: Caller,
        entity: FieldEntity,
        name: &str,
        input: FieldSpecInput,
    ) -> ServiceResult<FieldWritten> {
        let writer = caller.admin_writer()?;
        let name = CustomFieldName::parse(name).map_err(|m| ServiceError::invalid("name", m))?;
        let spec = FieldSpec::parse(&name, input).map_err(ServiceError::Invalid)?;
        let definition = FieldDefinition { entity, name, spec };
        let written = self
            .write(writer, move |conn, now, changed| {
                let existing = store::field_definitions(conn, Some(entity))?;
                let before = existing.iter().find(|d| d.name == definition.name);
                if before.is_none() && existing.len() >= MAX_FIELDS {
                    return Err(ServiceError::invalid(
                        "name",
                        format!("{entity} have {MAX_FIELDS} fields, the most allowed"),
                    ));
                }
                // Values kept hidden since a deletion come back under the new definition: checked too.
                let before = before.cloned();
                if before.as_ref().is_none_or(|b| b.spec != definition.spec) {
                    convert_values(conn, &definition, before.as_ref())?;
                }
                let searched = |d: &FieldDefinition| (d.spec.public, d.spec.kind, d.spec.of);
                let words_change = before.as_ref().is_none_or(|b| searched(b) != searched(&definition));
                let created = store::put_field_definition(conn, &definition, now)?;
                items_again(conn, entity, &definition.name, words_change)?;
                changed.everything();
                let action = if created { Action::FieldCreate } else { Action::FieldUpdate };
                let target = Target::Field(entity, definition.name.clone());
                Ok(Written::new(FieldWritten { definition, created }, action, target))
            })
            .await?;
        self.refresh_known_fields().await?;
        Ok(written)
    }

    /// The values of an item of `entity` that `caller` may see (public ones; staff all), by the
    /// definitions this process knows: no statement (GraphQL's resolvers, for any number of items).
    pub fn shown_custom_fields(
        &self,
        caller: Caller,
        entity: FieldEntity,
        values: &colophon_domain::CustomValues,
    ) -> serde_json::Map<String, serde_json::Value> {
        if values.is_empty() {
            return serde_json::Map::new();
        }
        let (_, definitions) = self.known_fields();
        let of_entity: Vec<FieldDefinition> = definitions.iter().filter(|d| d.entity == entity).cloned().collect();
        values.shown(&of_entity, caller.is_staff())
    }

    /// Reads the definitions again after this process changed them: GraphQL's types follow at
    /// once here (other nodes within their watcher's quarter second).
    async fn refresh_known_fields(&self) -> ServiceResult<()> {
        let definitions = self.db(|conn, _| Ok(store::field_definitions(conn, None)?)).await?;
        self.known_fields_now().set(definitions);
        Ok(())
    }

    /// Deletes a definition (admins): its values stay, hidden from every answer, unless `purge`
    /// removes them too. 404 when there is none.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_field(
        &self,
        caller: Caller,
        entity: FieldEntity,
        name: &str,
        purge: bool,
    ) -> ServiceResult<()> {
        let writer = caller.admin_writer()?;
        let name = CustomFieldName::parse(name).map_err(|_| ServiceError::NotFound("field"))?;
        self.write(writer, move |conn, _, changed| {
            if !store::delete_field_definition(conn, entity, &name)? {
                return Err(ServiceError::NotFound("field"));
            }
            items_again(conn, entity, &name, true)?;
            if purge {
                for item in store::items_with_field(conn, entity, &name)? {
                    store::set_custom_values(conn, entity, item.id, &item.values.without(name.as_str()))?;
                }
            }
            changed.everything();
            let fields: &[&str] = if purge { &["values"] } else { &[] };
            Ok(Written::new((), Action::FieldDelete, Target::Field(entity, name)).fields(fields))
        })
        .await?;
        self.refresh_known_fields().await
    }
}

/// Brings each item holding a value of `name` in step with the definitions after one changed:
/// the values the public sees (a field made private or deleted leaves them), and with `words`,
/// a post's words for search (such a field no longer lends its words either).
fn items_again(
    conn: &mut store::DbConnection,
    entity: FieldEntity,
    name: &CustomFieldName,
    words: bool,
) -> ServiceResult<()> {
    let definitions = store::field_definitions(conn, Some(entity))?;
    for item in store::items_with_field(conn, entity, name)? {
        store::set_public_values(conn, entity, item.id, &item.values.public_text(&definitions))?;
        if !words || entity != FieldEntity::Posts {
            continue;
        }
        let id = colophon_domain::PostId(item.id);
        let Some(body) = store::post_body_html(conn, id)? else { continue };
        let words = values::with_words(colophon_domain::search_text(&body), &item.values.search_words(&definitions));
        store::set_post_words(conn, id, &words)?;
    }
    Ok(())
}

/// Converts every stored value of `definition`'s field to its new form, or refuses (409) naming
/// the items whose values would not convert. Values do not become references (`media`, `post`)
/// of another type's: a number or a text names no item here.
fn convert_values(
    conn: &mut store::DbConnection,
    definition: &FieldDefinition,
    before: Option<&FieldDefinition>,
) -> ServiceResult<()> {
    let name = definition.name.as_str();
    let items = store::items_with_field(conn, definition.entity, &definition.name)?;
    let references = |d: &FieldDefinition| matches!(d.spec.item_type(), FieldType::Media | FieldType::Post);
    let was = before.map(|b| b.spec.item_type());
    if !items.is_empty() && references(definition) && was != Some(definition.spec.item_type()) {
        return Err(ServiceError::Conflict(format!(
            "{} stored values of {name} would have to become references; purge them first (DELETE ?purge=true)",
            items.len()
        )));
    }
    let mut refused = ValidationErrors::default();
    let mut converted = Vec::new();
    for item in items {
        match item.values.converted(name, &definition.spec) {
            Some(Ok(value)) if item.values.get(name) == Some(&value) => {}
            Some(Ok(value)) => converted.push((item.id, item.values.with(name, value))),
            Some(Err(message)) => refused.push(format!("{}:{}", definition.entity, item.slug), message),
            None => {}
        }
    }
    if !refused.is_empty() {
        let count = refused.0.len();
        let named: Vec<String> = refused.0.iter().take(NAMED).map(|e| format!("{} ({})", e.field, e.message)).collect();
        let more = if count > NAMED { format!(" and {} more", count - NAMED) } else { String::new() };
        return Err(ServiceError::Conflict(format!(
            "{count} stored values of {name} would not convert: {}{more}",
            named.join(", ")
        )));
    }
    for (id, values) in converted {
        store::set_custom_values(conn, definition.entity, id, &values)?;
    }
    Ok(())
}
