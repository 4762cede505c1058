//! Post revisions: a post's content before each change, numbered per post.

use colophon_domain::{ApiKeyId, AuthorId, PostContent, PostId, Revision, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::post_revisions;
use crate::{DbConnection, StoreError, StoreResult};

type RevisionRow = (PostId, i64, Timestamp, Option<AuthorId>, Option<ApiKeyId>, String, String);

const REVISION_COLUMNS: (
    post_revisions::post_id,
    post_revisions::number,
    post_revisions::created_at,
    post_revisions::editor_id,
    post_revisions::editor_key_id,
    post_revisions::fields,
    post_revisions::content,
) = (
    post_revisions::post_id,
    post_revisions::number,
    post_revisions::created_at,
    post_revisions::editor_id,
    post_revisions::editor_key_id,
    post_revisions::fields,
    post_revisions::content,
);

fn revision((post_id, number, created_at, editor, editor_key, fields, content): RevisionRow) -> StoreResult<Revision> {
    let content: PostContent = serde_json::from_str(&content)
        .map_err(|e| StoreError::Corrupt(format!("revision {number} of post {post_id}: {e}")))?;
    Ok(Revision {
        post_id,
        number,
        created_at,
        editor,
        editor_key,
        fields: fields.split(' ').filter(|f| !f.is_empty()).map(str::to_string).collect(),
        content,
    })
}

/// A revision to record: the content before a change, who made it, what it changed.
#[derive(Debug)]
pub struct NewRevision<'a> {
    pub post_id: PostId,
    pub editor: Option<AuthorId>,
    pub editor_key: Option<ApiKeyId>,
    pub fields: &'a [&'a str],
    pub content: &'a PostContent,
}

/// Records a revision numbered one past the post's newest and drops all but the newest `keep`.
/// Returns its number.
pub fn insert_revision(conn: &mut DbConnection, new: &NewRevision<'_>, keep: u32, now: Timestamp) -> StoreResult<i64> {
    let newest: Option<i64> = post_revisions::table
        .filter(post_revisions::post_id.eq(new.post_id.stored()))
        .select(diesel::dsl::max(post_revisions::number))
        .first(conn)?;
    let number = newest.unwrap_or(0) + 1;
    let content = serde_json::to_string(new.content)
        .map_err(|e| StoreError::Corrupt(format!("revision of post {}: {e}", new.post_id)))?;
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(new.post_id.stored()),
            post_revisions::number.eq(number),
            post_revisions::created_at.eq(now),
            post_revisions::editor_id.eq(new.editor),
            post_revisions::editor_key_id.eq(new.editor_key),
            post_revisions::fields.eq(new.fields.join(" ")),
            post_revisions::content.eq(content),
        ))
        .execute(conn)?;
    let oldest_kept = number - i64::from(keep.max(1)) + 1;
    if oldest_kept > 1 {
        diesel::delete(
            post_revisions::table
                .filter(post_revisions::post_id.eq(new.post_id.stored()))
                .filter(post_revisions::number.lt(oldest_kept)),
        )
        .execute(conn)?;
    }
    Ok(number)
}

/// A post's revisions, newest first, numbered below `before` (a page's cursor).
pub fn list_revisions(
    conn: &mut DbConnection,
    post: PostId,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Revision>> {
    let rows: Vec<RevisionRow> = post_revisions::table
        .filter(post_revisions::post_id.eq(post.stored()))
        .filter(post_revisions::number.lt(before.unwrap_or(i64::MAX)))
        .order(post_revisions::number.desc())
        .limit(limit)
        .select(REVISION_COLUMNS)
        .load(conn)?;
    rows.into_iter().map(revision).collect()
}

/// One revision of a post.
pub fn find_revision(conn: &mut DbConnection, post: PostId, number: i64) -> StoreResult<Option<Revision>> {
    let row: Option<RevisionRow> = post_revisions::table
        .filter(post_revisions::post_id.eq(post.stored()))
        .filter(post_revisions::number.eq(number))
        .select(REVISION_COLUMNS)
        .first(conn)
        .optional()?;
    row.map(revision).transpose()
}
