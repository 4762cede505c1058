use colophon_domain::{AuthorId, Comment, CommentId, CommentStatus, PostId, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::rows::{CommentRow, convert};
use crate::schema::{comments, posts};
use crate::{DbConnection, StoreResult};

#[derive(Debug, Clone)]
pub struct NewComment {
    pub post_id: PostId,
    pub parent_id: Option<CommentId>,
    pub author_id: Option<AuthorId>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub author_url: Option<String>,
    pub body_source: String,
    pub body_html: String,
    pub status: CommentStatus,
    pub depth: i32,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: Timestamp,
}

/// Inserts a comment and, when it is approved, counts it on its post (same transaction
/// as the caller's).
pub fn insert_comment(conn: &mut DbConnection, new: &NewComment) -> StoreResult<Comment> {
    let row: CommentRow = diesel::insert_into(comments::table)
        .values((
            comments::post_id.eq(new.post_id.stored()),
            comments::parent_id.eq(new.parent_id),
            comments::author_id.eq(new.author_id),
            comments::author_name.eq(&new.author_name),
            comments::author_email.eq(&new.author_email),
            comments::author_url.eq(&new.author_url),
            comments::body_source.eq(&new.body_source),
            comments::body_html.eq(&new.body_html),
            comments::status.eq(new.status.stored()),
            comments::depth.eq(new.depth),
            comments::ip.eq(&new.ip),
            comments::user_agent.eq(&new.user_agent),
            comments::created_at.eq(new.created_at),
            comments::updated_at.eq(new.created_at),
        ))
        .returning(comments::all_columns)
        .get_result(conn)?;
    if new.status == CommentStatus::Approved {
        adjust_comment_count(conn, new.post_id, 1)?;
    }
    row.into_domain()
}

/// Moves a post's approved-comment count by `delta`, in the caller's transaction.
pub fn adjust_comment_count(conn: &mut DbConnection, post: PostId, delta: i64) -> StoreResult<()> {
    diesel::update(posts::table.find(post.stored()))
        .set(posts::comment_count.eq(posts::comment_count + delta))
        .execute(conn)?;
    Ok(())
}

/// The position of a comment in oldest-first order: the keyset cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentKey {
    pub created_at: Timestamp,
    pub id: CommentId,
}

impl CommentKey {
    pub fn of(comment: &Comment) -> Self {
        Self { created_at: comment.created_at, id: comment.id }
    }
}

/// A post's approved comments, oldest first, strictly after `after`.
pub fn list_approved_comments(
    conn: &mut DbConnection,
    post: PostId,
    after: Option<CommentKey>,
    limit: i64,
) -> StoreResult<Vec<Comment>> {
    // Two fixed shapes rather than one boxed query: diesel keeps prepared statements only for
    // queries whose SQL cannot change, and this is the hottest read after the post itself.
    let approved = comments::table
        .filter(comments::post_id.eq(post.stored()))
        .filter(comments::status.eq(CommentStatus::Approved.stored()));
    let order = (comments::created_at.asc(), comments::id.asc());
    let rows: Vec<CommentRow> = match after {
        Some(key) => approved
            .filter(comments::created_at.ge(key.created_at))
            .filter(
                comments::created_at
                    .gt(key.created_at)
                    .or(comments::created_at.eq(key.created_at).and(comments::id.gt(key.id.stored()))),
            )
            .order(order)
            .limit(limit)
            .load(conn)?,
        None => approved.order(order).limit(limit).load(conn)?,
    };
    convert(rows, CommentRow::into_domain)
}

/// Approved comments of a post counted afresh (the reference for the stored counter).
pub fn count_approved_comments(conn: &mut DbConnection, post: PostId) -> StoreResult<i64> {
    Ok(comments::table
        .filter(comments::post_id.eq(post.stored()))
        .filter(comments::status.eq(CommentStatus::Approved.stored()))
        .count()
        .get_result(conn)?)
}

pub fn find_comment(conn: &mut DbConnection, id: CommentId) -> StoreResult<Option<Comment>> {
    let row: Option<CommentRow> = comments::table.find(id.stored()).first(conn).optional()?;
    row.map(CommentRow::into_domain).transpose()
}

/// The position in the moderation queue, newest first.
pub type QueueKey = CommentKey;

/// The moderation queue: comments of a status (and post), newest first.
pub fn list_for_moderation(
    conn: &mut DbConnection,
    status: Option<CommentStatus>,
    post: Option<PostId>,
    after: Option<QueueKey>,
    limit: i64,
) -> StoreResult<Vec<Comment>> {
    let mut query = comments::table.into_boxed();
    if let Some(status) = status {
        query = query.filter(comments::status.eq(status.stored()));
    }
    if let Some(post) = post {
        query = query.filter(comments::post_id.eq(post.stored()));
    }
    if let Some(key) = after {
        query = query.filter(comments::created_at.le(key.created_at)).filter(
            comments::created_at
                .lt(key.created_at)
                .or(comments::created_at.eq(key.created_at).and(comments::id.lt(key.id.stored()))),
        );
    }
    let rows: Vec<CommentRow> =
        query.order((comments::created_at.desc(), comments::id.desc())).limit(limit).load(conn)?;
    convert(rows, CommentRow::into_domain)
}

/// Changes a comment's status and keeps its post's approved count in step, in the caller's
/// transaction: the comment as it was and as it is now, `None` when there is no such comment.
///
/// The change is one `UPDATE … WHERE status = <the status read>`: when moderators change one
/// comment at once, the second update finds the status already changed (PostgreSQL re-checks the
/// condition once the first commits), reads it again and counts from what it finds, so the
/// approved count never moves twice for one change.
pub fn change_comment_status(
    conn: &mut DbConnection,
    id: CommentId,
    status: CommentStatus,
    now: Timestamp,
) -> StoreResult<Option<(Comment, Comment)>> {
    loop {
        let Some(comment) = find_comment(conn, id)? else { return Ok(None) };
        if comment.status == status {
            return Ok(Some((comment.clone(), comment)));
        }
        let row: Option<CommentRow> =
            diesel::update(comments::table.find(id.stored()).filter(comments::status.eq(comment.status.stored())))
                .set((comments::status.eq(status.stored()), comments::updated_at.eq(now)))
                .returning(comments::all_columns)
                .get_result(conn)
                .optional()?;
        let Some(row) = row else { continue };
        let was = comment.status == CommentStatus::Approved;
        let is = status == CommentStatus::Approved;
        if was != is {
            adjust_comment_count(conn, comment.post_id, if is { 1 } else { -1 })?;
        }
        return Ok(Some((comment, row.into_domain()?)));
    }
}

/// Deletes a comment. Its replies move up to its parent (a deleted comment loses nothing but
/// itself), and its post's approved count follows, in the caller's transaction.
pub fn delete_comment(conn: &mut DbConnection, comment: &Comment) -> StoreResult<()> {
    diesel::update(comments::table.filter(comments::parent_id.eq(Some(comment.id))))
        .set((comments::parent_id.eq(comment.parent_id), comments::depth.eq(comment.depth)))
        .execute(conn)?;
    diesel::delete(comments::table.find(comment.id.stored())).execute(conn)?;
    if comment.status == CommentStatus::Approved {
        adjust_comment_count(conn, comment.post_id, -1)?;
    }
    Ok(())
}
