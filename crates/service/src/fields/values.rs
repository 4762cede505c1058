//! The values of a site's own fields on one item: checked on every write, in its transaction
//! (so a definition changed meanwhile is the one that counts), and shown on every read as the
//! caller may see them.

use colophon_domain::{CustomValues, FieldEntity, MediaId, PostId, Reference, Timestamp, ValidationErrors};
use colophon_store::{self as store, DbConnection};
use serde_json::{Map, Value};

use crate::{ServiceError, ServiceResult};

/// What each item shows the caller, in the items' order: the values with a definition, public
/// ones only unless `staff`. No statement when no item has a value.
pub(crate) fn shown_values(
    conn: &mut DbConnection,
    entity: FieldEntity,
    items: &[&CustomValues],
    staff: bool,
) -> ServiceResult<Vec<Map<String, Value>>> {
    if items.iter().all(|values| values.is_empty()) {
        return Ok(vec![Map::new(); items.len()]);
    }
    let definitions = store::field_definitions(conn, Some(entity))?;
    Ok(items.iter().map(|values| values.shown(&definitions, staff)).collect())
}

/// The words search indexes a post by: its body's (`body_words`), then those of its public text
/// and Markdown fields. No statement when it has no values.
pub(crate) fn searched_words(
    conn: &mut DbConnection,
    entity: FieldEntity,
    body_words: String,
    values: &CustomValues,
) -> ServiceResult<String> {
    if values.is_empty() {
        return Ok(body_words);
    }
    let definitions = store::field_definitions(conn, Some(entity))?;
    Ok(with_words(body_words, &values.search_words(&definitions)))
}

/// The text of the values the public sees of an item, stored beside them for the read compiler.
/// No statement when it has no values.
pub(crate) fn public_text(
    conn: &mut DbConnection,
    entity: FieldEntity,
    values: &CustomValues,
) -> ServiceResult<String> {
    if values.is_empty() {
        return Ok(values.public_text(&[]));
    }
    let definitions = store::field_definitions(conn, Some(entity))?;
    Ok(values.public_text(&definitions))
}

/// `body_words`, then `field_words` when there are any.
pub(crate) fn with_words(body_words: String, field_words: &str) -> String {
    if field_words.is_empty() { body_words } else { format!("{body_words} {field_words}") }
}

/// An item's values after `patch` (a key set, or removed by `null`), checked against the
/// definitions: every bad value, missing reference and (when `complete`: a new item, or one being
/// published) missing required field is a 422 under `custom_fields.<name>`. `None` when nothing
/// was sent and nothing needs checking.
pub(crate) fn checked_values(
    conn: &mut DbConnection,
    entity: FieldEntity,
    current: &CustomValues,
    patch: Option<Map<String, Value>>,
    complete: bool,
    now: Timestamp,
) -> ServiceResult<Option<CustomValues>> {
    if patch.is_none() && !complete {
        return Ok(None);
    }
    let definitions = store::field_definitions(conn, Some(entity))?;
    let mut errors = ValidationErrors::default();
    let (values, references) = match patch {
        Some(patch) => {
            let (values, references) = current.patched(patch, &definitions, &mut errors);
            (Some(values), references)
        }
        None => (None, Vec::new()),
    };
    if complete {
        values.as_ref().unwrap_or(current).check_required(&definitions, &mut errors);
    }
    for reference in references {
        match reference {
            Reference::Media(id, path) => {
                if store::find_media(conn, MediaId(id))?.is_none() {
                    errors.push(path, "no media item has this id");
                }
            }
            Reference::Post(id, path) => {
                if !store::find_post(conn, PostId(id))?.is_some_and(|post| post.is_visible_at(now)) {
                    errors.push(path, "no published post has this id");
                }
            }
        }
    }
    errors.into_result().map_err(ServiceError::Invalid)?;
    Ok(values)
}
