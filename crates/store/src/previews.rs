//! Preview links: the stored half of a draft's shareable link (its secret only as a hash).

use colophon_domain::{ApiKeyId, AuthorId, PostId, PreviewLink, PreviewLinkId, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::preview_links;
use crate::{DbConnection, StoreResult};

type LinkRow = (PreviewLinkId, PostId, AuthorId, i64, Timestamp, Timestamp, Option<Timestamp>, Option<ApiKeyId>);

const LINK_COLUMNS: (
    preview_links::id,
    preview_links::post_id,
    preview_links::created_by,
    preview_links::token_version,
    preview_links::created_at,
    preview_links::expires_at,
    preview_links::revoked_at,
    preview_links::api_key_id,
) = (
    preview_links::id,
    preview_links::post_id,
    preview_links::created_by,
    preview_links::token_version,
    preview_links::created_at,
    preview_links::expires_at,
    preview_links::revoked_at,
    preview_links::api_key_id,
);

fn link((id, post_id, created_by, token_version, created_at, expires_at, revoked_at, api_key): LinkRow) -> PreviewLink {
    PreviewLink { id, post_id, created_by, token_version, created_at, expires_at, revoked_at, api_key }
}

/// A link to store.
#[derive(Debug)]
pub struct NewPreviewLink<'a> {
    pub post_id: PostId,
    pub created_by: AuthorId,
    pub token_version: i64,
    /// The API key it was made with, if it was: it ends with the key.
    pub api_key: Option<ApiKeyId>,
    pub secret_hash: &'a str,
    pub expires_at: Timestamp,
}

pub fn insert_preview_link(
    conn: &mut DbConnection,
    new: &NewPreviewLink<'_>,
    now: Timestamp,
) -> StoreResult<PreviewLink> {
    let row: LinkRow = diesel::insert_into(preview_links::table)
        .values((
            preview_links::post_id.eq(new.post_id.stored()),
            preview_links::created_by.eq(new.created_by.stored()),
            preview_links::token_version.eq(new.token_version),
            preview_links::api_key_id.eq(new.api_key),
            preview_links::secret_hash.eq(new.secret_hash),
            preview_links::created_at.eq(now),
            preview_links::expires_at.eq(new.expires_at),
        ))
        .returning(LINK_COLUMNS)
        .get_result(conn)?;
    Ok(link(row))
}

/// A link and the hash of its secret.
pub fn find_preview_link(conn: &mut DbConnection, id: PreviewLinkId) -> StoreResult<Option<(PreviewLink, String)>> {
    let row: Option<(LinkRow, String)> = preview_links::table
        .find(id.stored())
        .select((LINK_COLUMNS, preview_links::secret_hash))
        .first(conn)
        .optional()?;
    Ok(row.map(|(row, hash)| (link(row), hash)))
}

/// A post's links, newest first, with ids below `before`.
pub fn list_preview_links(
    conn: &mut DbConnection,
    post: PostId,
    before: Option<PreviewLinkId>,
    limit: i64,
) -> StoreResult<Vec<PreviewLink>> {
    let rows: Vec<LinkRow> = preview_links::table
        .filter(preview_links::post_id.eq(post.stored()))
        .filter(preview_links::id.lt(before.unwrap_or(PreviewLinkId(i64::MAX)).stored()))
        .order(preview_links::id.desc())
        .limit(limit)
        .select(LINK_COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(link).collect())
}

/// Marks a link revoked (once); `false` when it was not there or already revoked.
pub fn revoke_preview_link(conn: &mut DbConnection, id: PreviewLinkId, now: Timestamp) -> StoreResult<bool> {
    let updated = diesel::update(preview_links::table.find(id.stored()).filter(preview_links::revoked_at.is_null()))
        .set(preview_links::revoked_at.eq(now))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Revokes every live link made with an API key (when the key is revoked or rotated).
pub fn revoke_preview_links_of_key(conn: &mut DbConnection, key: ApiKeyId, now: Timestamp) -> StoreResult<usize> {
    Ok(diesel::update(
        preview_links::table
            .filter(preview_links::api_key_id.eq(Some(key)))
            .filter(preview_links::revoked_at.is_null()),
    )
    .set(preview_links::revoked_at.eq(now))
    .execute(conn)?)
}
