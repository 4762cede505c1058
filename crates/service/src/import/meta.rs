//! An imported item's public post meta (WordPress's `wp:postmeta` whose key does not start with
//! `_`) as custom field values: a key with a field of its name fills it (converted to its type:
//! `"12"` for an integer); a key without one is reported, or defined as a text field when the
//! run was asked to (`--create-fields`).

use colophon_domain::{
    CustomFieldName, CustomValues, FieldDefinition, FieldEntity, FieldSpec, FieldSpecInput, FieldType, MAX_FIELDS,
    VALUES_MAX,
};
use colophon_store::{self as store, DbConnection};

use crate::ServiceResult;

/// Public post meta of one item, as the export had it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedMeta {
    /// (key, value) pairs, in the file's order; a repeated key's last value counts.
    pub pairs: Vec<(String, String)>,
    /// Define a text field for each key without one.
    pub create_fields: bool,
}

/// The values `meta` gives an item of `entity`, and a note for each pair left out.
pub(crate) fn imported_values(
    conn: &mut DbConnection,
    entity: FieldEntity,
    meta: &ImportedMeta,
    now: colophon_domain::Timestamp,
) -> ServiceResult<(CustomValues, Vec<String>)> {
    let mut values = CustomValues::default();
    let mut notes = Vec::new();
    if meta.pairs.is_empty() {
        return Ok((values, notes));
    }
    let mut definitions = store::field_definitions(conn, Some(entity))?;
    for (key, text) in &meta.pairs {
        let key = key.trim();
        let known = definitions.iter().find(|d| d.name.as_str() == key).cloned();
        let definition = match (known, meta.create_fields) {
            (Some(definition), _) => definition,
            (None, false) => {
                notes.push(format!("post meta {key}: no field of that name (left out; --create-fields defines it)"));
                continue;
            }
            (None, true) => match define_text(conn, entity, key, definitions.len(), now) {
                Ok(definition) => {
                    definitions.push(definition.clone());
                    definition
                }
                Err(why) => {
                    notes.push(format!("post meta {key}: {why}; left out"));
                    continue;
                }
            },
        };
        if matches!(definition.spec.item_type(), FieldType::Media | FieldType::Post) {
            notes.push(format!("post meta {key}: the other site's ids name nothing here; left out"));
            continue;
        }
        let sent = values.clone().with(key, serde_json::Value::String(text.clone()));
        match sent.converted(key, &definition.spec) {
            Some(Ok(value)) => {
                let with = values.clone().with(key, value);
                if with.to_stored().len() > VALUES_MAX {
                    notes.push(format!(
                        "post meta {key}: the item's values would pass {} KiB; left out",
                        VALUES_MAX / 1024
                    ));
                } else {
                    values = with;
                }
            }
            Some(Err(why)) => notes.push(format!("post meta {key}: {why}; left out")),
            None => {}
        }
    }
    Ok((values, notes))
}

/// Defines `key` as a text field of `entity` (an import's `--create-fields`).
fn define_text(
    conn: &mut DbConnection,
    entity: FieldEntity,
    key: &str,
    defined: usize,
    now: colophon_domain::Timestamp,
) -> Result<FieldDefinition, String> {
    let name = CustomFieldName::parse(key).map_err(|why| format!("not a field name: it {why}"))?;
    if defined >= MAX_FIELDS {
        return Err(format!("{entity} have {MAX_FIELDS} fields, the most allowed"));
    }
    let input = FieldSpecInput { kind: Some(FieldType::Text), ..FieldSpecInput::default() };
    let spec = FieldSpec::parse(&name, input).map_err(|e| e.to_string())?;
    let definition = FieldDefinition { entity, name, spec };
    store::put_field_definition(conn, &definition, now).map_err(|e| e.to_string())?;
    Ok(definition)
}
