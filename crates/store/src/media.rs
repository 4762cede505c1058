//! The media library's rows (the files themselves are in a `blobs` store).

use colophon_domain::{AuthorId, MediaId, MediaItem, MediaType, Patch, PostId, ProductId, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{media, posts, products};
use crate::{DbConnection, StoreResult};

/// A media item's row; also a line of the site archive (`ArchiveRecord::Media`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = media)]
pub struct MediaRow {
    #[diesel(serialize_as = crate::columns::Write<MediaId>)]
    pub id: MediaId,
    pub sha256: String,
    #[diesel(serialize_as = crate::columns::Write<MediaType>)]
    pub media_type: MediaType,
    pub byte_size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub filename: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    #[diesel(serialize_as = crate::columns::WriteNullable<AuthorId>)]
    pub uploaded_by: Option<AuthorId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

fn media_columns() -> <MediaRow as Selectable<crate::connection::MultiBackend>>::SelectExpression {
    <MediaRow as Selectable<crate::connection::MultiBackend>>::construct_selection()
}

impl From<MediaRow> for MediaItem {
    fn from(r: MediaRow) -> Self {
        MediaItem {
            id: r.id,
            sha256: r.sha256,
            media_type: r.media_type,
            byte_size: r.byte_size,
            width: r.width,
            height: r.height,
            filename: r.filename,
            alt: r.alt,
            caption: r.caption,
            credit: r.credit,
            uploaded_by: r.uploaded_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An uploaded file's row.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub sha256: String,
    pub media_type: MediaType,
    pub byte_size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub filename: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub uploaded_by: Option<AuthorId>,
}

pub fn insert_media(conn: &mut DbConnection, new: &NewMedia, now: Timestamp) -> StoreResult<MediaItem> {
    let row: MediaRow = diesel::insert_into(media::table)
        .values((
            media::sha256.eq(&new.sha256),
            media::media_type.eq(new.media_type.stored()),
            media::byte_size.eq(new.byte_size),
            media::width.eq(new.width),
            media::height.eq(new.height),
            media::filename.eq(&new.filename),
            media::alt.eq(&new.alt),
            media::caption.eq(&new.caption),
            media::credit.eq(&new.credit),
            media::uploaded_by.eq(new.uploaded_by),
            media::created_at.eq(now),
            media::updated_at.eq(now),
        ))
        .returning(media_columns())
        .get_result(conn)?;
    Ok(row.into())
}

pub fn find_media(conn: &mut DbConnection, id: MediaId) -> StoreResult<Option<MediaItem>> {
    let row: Option<MediaRow> = media::table.find(id.stored()).select(media_columns()).first(conn).optional()?;
    Ok(row.map(Into::into))
}

/// The item holding exactly these bytes, if one does.
pub fn find_media_by_hash(conn: &mut DbConnection, sha256: &str) -> StoreResult<Option<MediaItem>> {
    let row: Option<MediaRow> =
        media::table.filter(media::sha256.eq(sha256)).select(media_columns()).first(conn).optional()?;
    Ok(row.map(Into::into))
}

/// Items newest first, with ids below `before`, of one type if asked.
pub fn list_media(
    conn: &mut DbConnection,
    media_type: Option<MediaType>,
    before: Option<MediaId>,
    limit: i64,
) -> StoreResult<Vec<MediaItem>> {
    let mut query = media::table
        .filter(media::id.lt(before.unwrap_or(MediaId(i64::MAX)).stored()))
        .order(media::id.desc())
        .limit(limit)
        .select(media_columns())
        .into_boxed();
    if let Some(media_type) = media_type {
        query = query.filter(media::media_type.eq(media_type.stored()));
    }
    let rows: Vec<MediaRow> = query.load(conn)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// New texts for an item; the default changes nothing.
#[derive(Debug, Clone, Default)]
pub struct MediaChanges {
    pub alt: Patch<String>,
    pub caption: Patch<String>,
    pub credit: Patch<String>,
    pub filename: Option<String>,
}

impl MediaChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        crate::names_set(&[
            ("alt", self.alt.changes()),
            ("caption", self.caption.changes()),
            ("credit", self.credit.changes()),
            ("filename", self.filename.is_some()),
        ])
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = media)]
struct MediaChangeset<'a> {
    alt: Option<Option<&'a str>>,
    caption: Option<Option<&'a str>>,
    credit: Option<Option<&'a str>>,
    filename: Option<&'a str>,
    updated_at: Timestamp,
}

pub fn update_media(
    conn: &mut DbConnection,
    id: MediaId,
    changes: &MediaChanges,
    now: Timestamp,
) -> StoreResult<Option<MediaItem>> {
    let changeset = MediaChangeset {
        alt: changes.alt.as_deref().into_option(),
        caption: changes.caption.as_deref().into_option(),
        credit: changes.credit.as_deref().into_option(),
        filename: changes.filename.as_deref(),
        updated_at: now,
    };
    let row: Option<MediaRow> = diesel::update(media::table.find(id.stored()))
        .set(changeset)
        .returning(media_columns())
        .get_result(conn)
        .optional()?;
    Ok(row.map(Into::into))
}

pub fn delete_media(conn: &mut DbConnection, id: MediaId) -> StoreResult<bool> {
    Ok(diesel::delete(media::table.find(id.stored())).execute(conn)? == 1)
}

/// The posts whose featured image and the products whose picture show an item.
pub fn media_users(conn: &mut DbConnection, id: MediaId) -> StoreResult<(Vec<PostId>, Vec<ProductId>)> {
    let posts: Vec<PostId> =
        posts::table.filter(posts::featured_image_media_id.eq(Some(id))).select(posts::id).load(conn)?;
    let products: Vec<ProductId> =
        products::table.filter(products::image_media_id.eq(Some(id))).select(products::id).load(conn)?;
    Ok((posts, products))
}

/// Moves the stored URLs of pictures that show media items from `old` (a base URL such as
/// `http://127.0.0.1:8080/media`) to `new`: posts' featured images and products' images whose
/// item is set and whose URL lies under `old`. Returns how many rows moved.
pub fn rebase_media_urls(conn: &mut DbConnection, old: &str, new: &str) -> StoreResult<usize> {
    use diesel::sql_types::{Integer, Text};
    let prefix = format!("{}/", old.trim_end_matches('/'));
    let new = format!("{}/", new.trim_end_matches('/'));
    // Characters, as `substr` counts them on both backends.
    let length = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX - 1);
    let mut moved = 0;
    for (table, url, item) in
        [("posts", "featured_image_url", "featured_image_media_id"), ("products", "image_url", "image_media_id")]
    {
        let statement = format!(
            "UPDATE {table} SET {url} = #1 || substr({url}, #2) WHERE {item} IS NOT NULL AND substr({url}, 1, #3) = #4"
        );
        let statement = match conn {
            DbConnection::Pg(_) => statement.replace('#', "$"),
            DbConnection::Sqlite(_) => statement.replace('#', "?"),
        };
        moved += diesel::sql_query(statement)
            .bind::<Text, _>(&new)
            .bind::<Integer, _>(length + 1)
            .bind::<Integer, _>(length)
            .bind::<Text, _>(&prefix)
            .execute(conn)?;
    }
    Ok(moved)
}
