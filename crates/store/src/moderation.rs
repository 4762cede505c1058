//! Site settings, the spam blocklist, and the comment lookups spam rules need.

use colophon_domain::{BlockRule, BlockRuleId, BlockRuleKind, Comment, CommentId, CommentStatus, PostId, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::columns::written;
use crate::rows::{CommentRow, convert};
use crate::schema::{blocklist, comments, settings};
use crate::{DbConnection, StoreResult};

pub fn get_setting(conn: &mut DbConnection, key: &str) -> StoreResult<Option<String>> {
    Ok(settings::table.find(key).select(settings::value).first(conn).optional()?)
}

/// Sets a setting, in the caller's transaction.
pub fn set_setting(conn: &mut DbConnection, key: &str, value: &str, now: Timestamp) -> StoreResult<()> {
    let changed = diesel::update(settings::table.find(key))
        .set((settings::value.eq(value), settings::updated_at.eq(now)))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value), settings::updated_at.eq(now)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn list_blocklist(conn: &mut DbConnection) -> StoreResult<Vec<BlockRule>> {
    let rows: Vec<(BlockRuleId, BlockRuleKind, String, Timestamp)> = blocklist::table
        .order(blocklist::id.asc())
        .select((blocklist::id, blocklist::kind, blocklist::value, blocklist::created_at))
        .load(conn)?;
    rows.into_iter().map(block_rule).collect()
}

pub fn insert_block_rule(
    conn: &mut DbConnection,
    kind: BlockRuleKind,
    value: &str,
    now: Timestamp,
) -> StoreResult<BlockRule> {
    let row = diesel::insert_into(blocklist::table)
        .values((blocklist::kind.eq(kind.stored()), blocklist::value.eq(value), blocklist::created_at.eq(now)))
        .returning((blocklist::id, blocklist::kind, blocklist::value, blocklist::created_at))
        .get_result(conn)?;
    block_rule(row)
}

fn block_rule(
    (id, kind, value, created_at): (BlockRuleId, BlockRuleKind, String, Timestamp),
) -> StoreResult<BlockRule> {
    Ok(BlockRule { id, kind, value, created_at })
}

pub fn delete_block_rule(conn: &mut DbConnection, id: BlockRuleId) -> StoreResult<bool> {
    Ok(diesel::delete(blocklist::table.find(id.stored())).execute(conn)? == 1)
}

/// Whether the same text came from the same address on the same post since `since`.
pub fn is_duplicate_comment(
    conn: &mut DbConnection,
    post: PostId,
    ip: Option<&str>,
    body_source: &str,
    since: Timestamp,
) -> StoreResult<bool> {
    let query = comments::table
        .filter(comments::post_id.eq(post.stored()))
        .filter(comments::created_at.ge(since))
        .filter(comments::body_source.eq(body_source))
        .into_boxed();
    let query = match ip {
        Some(ip) => query.filter(comments::ip.eq(ip)),
        None => query.filter(comments::ip.is_null()),
    };
    Ok(query.select(comments::id).first::<CommentId>(conn).optional()?.is_some())
}

/// Whether this name and e-mail together already have an approved comment (WordPress's
/// "comment author must have a previously approved comment").
pub fn commenter_has_approved_comment(conn: &mut DbConnection, name: &str, email: &str) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        comments::table
            .filter(comments::author_email.eq(email))
            .filter(comments::author_name.eq(name))
            .filter(comments::status.eq(CommentStatus::Approved.stored())),
    ))
    .get_result(conn)?)
}

/// The approved replies of these comments, oldest first, in one query.
pub fn approved_replies(conn: &mut DbConnection, parents: &[CommentId]) -> StoreResult<Vec<Comment>> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    let ids = written(parents);
    let rows: Vec<CommentRow> = comments::table
        .filter(comments::parent_id.assume_not_null().eq_any(ids))
        .filter(comments::status.eq(CommentStatus::Approved.stored()))
        .order((comments::created_at.asc(), comments::id.asc()))
        .load(conn)?;
    convert(rows, CommentRow::into_domain)
}

/// Every approved comment of a post, oldest first, at most `cap` (for thread order).
pub fn all_approved_comments(conn: &mut DbConnection, post: PostId, cap: i64) -> StoreResult<Vec<Comment>> {
    let rows: Vec<CommentRow> = comments::table
        .filter(comments::post_id.eq(post.stored()))
        .filter(comments::status.eq(CommentStatus::Approved.stored()))
        .order((comments::created_at.asc(), comments::id.asc()))
        .limit(cap)
        .load(conn)?;
    convert(rows, CommentRow::into_domain)
}

/// The newest approved comments of a post (for its Atom feed).
pub fn latest_approved_comments(conn: &mut DbConnection, post: PostId, limit: i64) -> StoreResult<Vec<Comment>> {
    let rows: Vec<CommentRow> = comments::table
        .filter(comments::post_id.eq(post.stored()))
        .filter(comments::status.eq(CommentStatus::Approved.stored()))
        .order((comments::created_at.desc(), comments::id.desc()))
        .limit(limit)
        .load(conn)?;
    convert(rows, CommentRow::into_domain)
}
