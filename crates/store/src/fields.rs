//! A site's own fields: their definitions, and the values items hold (the `custom_fields` JSON
//! text of posts and pages), where a definition's change reaches them.

use colophon_domain::{
    CustomFieldName, CustomValues, FieldDefinition, FieldEntity, FieldSpec, PageId, PostId, Timestamp,
};
use diesel::prelude::*;

use crate::columns::Stored;

use crate::schema::{field_definitions, pages, posts};
use crate::{DbConnection, StoreError, StoreResult};

#[derive(Queryable)]
struct DefinitionRow {
    entity: String,
    name: String,
    spec: String,
}

impl DefinitionRow {
    fn into_domain(self) -> StoreResult<FieldDefinition> {
        let entity = FieldEntity::parse(&self.entity).map_err(StoreError::Corrupt)?;
        let spec: FieldSpec = serde_json::from_str(&self.spec)
            .map_err(|e| StoreError::Corrupt(format!("field {}.{}: {e}", self.entity, self.name)))?;
        Ok(FieldDefinition { entity, name: CustomFieldName::stored(self.name), spec })
    }
}

/// The definitions of `entity` (every kind when `None`), by kind and name.
pub fn field_definitions(conn: &mut DbConnection, entity: Option<FieldEntity>) -> StoreResult<Vec<FieldDefinition>> {
    let mut query = field_definitions::table
        .select((field_definitions::entity, field_definitions::name, field_definitions::spec))
        .order((field_definitions::entity.asc(), field_definitions::name.asc()))
        .into_boxed();
    if let Some(entity) = entity {
        query = query.filter(field_definitions::entity.eq(entity.as_str()));
    }
    let rows: Vec<DefinitionRow> = query.load(conn)?;
    rows.into_iter().map(DefinitionRow::into_domain).collect()
}

/// Creates or replaces a definition; `true` when it is new.
pub fn put_field_definition(
    conn: &mut DbConnection,
    definition: &FieldDefinition,
    now: Timestamp,
) -> StoreResult<bool> {
    let spec = serde_json::to_string(&definition.spec).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let entity = definition.entity.as_str();
    let name = definition.name.as_str();
    let updated = diesel::update(
        field_definitions::table.filter(field_definitions::entity.eq(entity)).filter(field_definitions::name.eq(name)),
    )
    .set((
        field_definitions::spec.eq(&spec),
        field_definitions::public.eq(definition.spec.public),
        field_definitions::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated > 0 {
        return Ok(false);
    }
    diesel::insert_into(field_definitions::table)
        .values((
            field_definitions::entity.eq(entity),
            field_definitions::name.eq(name),
            field_definitions::spec.eq(&spec),
            field_definitions::public.eq(definition.spec.public),
            field_definitions::created_at.eq(now),
            field_definitions::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Deletes a definition; `false` when there was none. The values stay, hidden.
pub fn delete_field_definition(
    conn: &mut DbConnection,
    entity: FieldEntity,
    name: &CustomFieldName,
) -> StoreResult<bool> {
    let deleted = diesel::delete(
        field_definitions::table
            .filter(field_definitions::entity.eq(entity.as_str()))
            .filter(field_definitions::name.eq(name.as_str())),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// An item holding a value of a field: its id, slug and values.
#[derive(Debug, Clone)]
pub struct ItemValues {
    pub id: i64,
    pub slug: String,
    pub values: CustomValues,
}

/// The items of `entity` with a value for `name`, in id order. The text search narrows the rows;
/// the parsed values decide.
pub fn items_with_field(
    conn: &mut DbConnection,
    entity: FieldEntity,
    name: &CustomFieldName,
) -> StoreResult<Vec<ItemValues>> {
    let needle = format!("%\"{}\"%", name.as_str());
    let rows: Vec<(i64, String, String)> = match entity {
        FieldEntity::Posts => posts::table
            .filter(posts::custom_fields.like(&needle))
            .order(posts::id.asc())
            .select((posts::id, posts::slug, posts::custom_fields))
            .load::<(PostId, String, String)>(conn)?
            .into_iter()
            .map(|(id, slug, values)| (id.0, slug, values))
            .collect(),
        FieldEntity::Pages => pages::table
            .filter(pages::custom_fields.like(&needle))
            .order(pages::id.asc())
            .select((pages::id, pages::slug, pages::custom_fields))
            .load::<(PageId, String, String)>(conn)?
            .into_iter()
            .map(|(id, slug, values)| (id.0, slug, values))
            .collect(),
    };
    Ok(rows
        .into_iter()
        .map(|(id, slug, text)| ItemValues { id, slug, values: CustomValues::stored(&text) })
        .filter(|item| item.values.get(name.as_str()).is_some())
        .collect())
}

/// Stores an item's values as they are (a conversion after a definition changed: not an edit,
/// so neither its version nor its `updated_at` moves).
pub fn set_custom_values(
    conn: &mut DbConnection,
    entity: FieldEntity,
    id: i64,
    values: &CustomValues,
) -> StoreResult<()> {
    let text = values.to_stored();
    match entity {
        FieldEntity::Posts => {
            diesel::update(posts::table.find(PostId(id).stored())).set(posts::custom_fields.eq(text)).execute(conn)?
        }
        FieldEntity::Pages => {
            diesel::update(pages::table.find(PageId(id).stored())).set(pages::custom_fields.eq(text)).execute(conn)?
        }
    };
    Ok(())
}

/// A post's body, to index its words again.
pub fn post_body_html(conn: &mut DbConnection, id: PostId) -> StoreResult<Option<String>> {
    Ok(posts::table.find(id.stored()).select(posts::body_html).first(conn).optional()?)
}

/// Replaces the words search finds a post by (not an edit: its version stays).
pub fn set_post_words(conn: &mut DbConnection, id: PostId, words: &str) -> StoreResult<()> {
    diesel::update(posts::table.find(id.stored())).set(posts::body_text.eq(words)).execute(conn)?;
    Ok(())
}

/// Stores the values the public sees of an item, after a definition changed.
pub fn set_public_values(conn: &mut DbConnection, entity: FieldEntity, id: i64, public: &str) -> StoreResult<()> {
    match entity {
        FieldEntity::Posts => diesel::update(posts::table.find(PostId(id).stored()))
            .set(posts::public_custom_fields.eq(public))
            .execute(conn)?,
        FieldEntity::Pages => diesel::update(pages::table.find(PageId(id).stored()))
            .set(pages::public_custom_fields.eq(public))
            .execute(conn)?,
    };
    Ok(())
}
