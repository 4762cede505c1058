use colophon_domain::{Comment, CommentId, CommentStatus, EventKind, Page, PageLimit, PostId};
use colophon_store::{self as store, QueueKey};

use crate::cache_keys::CacheKey;
use crate::catalog::{curating_writer, curator};
use crate::cursor::{micros_to_timestamp, timestamp_to_micros};
use crate::webhooks::data;
use crate::write::Changed;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, CursorPage, ServiceError, ServiceResult};

const QUEUE: &str = "moderation";

/// The moderation queue's filters and paging, as sent.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// Only comments of this status; every status when absent.
    pub status: Option<CommentStatus>,
    /// Only comments on this post.
    pub post_id: Option<PostId>,
    /// Comments per page, 1 to 100 (20 when absent).
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before; absent or empty for the first page.
    pub cursor: Option<String>,
}

impl Colophon {
    /// Comments for moderators, newest first, private fields included (e-mail, address and
    /// user agent are what moderators judge spam by).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn moderation_queue(&self, caller: Caller, query: QueueQuery) -> ServiceResult<CursorPage<Comment>> {
        curator(caller)?;
        let limit = PageLimit::parse(query.limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let after = match query.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => {
                let [micros, id] = self.cursors().decode::<2>(QUEUE, cursor)?;
                Some(QueueKey { created_at: micros_to_timestamp(micros)?, id: CommentId(id) })
            }
        };
        let codec = self.cursors().clone();
        self.db(move |conn, _| {
            let rows = store::list_for_moderation(conn, query.status, query.post_id, after, limit.probe())?;
            let page = Page::from_probe(rows, limit, QueueKey::of);
            Ok(CursorPage {
                next_cursor: page.next.map(|k| codec.encode(QUEUE, &[timestamp_to_micros(k.created_at), k.id.0])),
                items: page.items,
            })
        })
        .await
    }

    /// Changes a comment's status; the post's approved count follows in the same transaction.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn moderate_comment(
        &self,
        caller: Caller,
        id: CommentId,
        status: CommentStatus,
    ) -> ServiceResult<Comment> {
        let writer = curating_writer(caller)?;
        self.write(writer, move |conn, now, changed| {
            let (before, after) =
                store::change_comment_status(conn, id, status, now)?.ok_or(ServiceError::NotFound("comment"))?;
            comment_changed(&before, &after, changed);
            Ok(Written::new(after, Action::CommentModerate, Target::Comment(id)).fields(&["status"]))
        })
        .await
    }

    /// Deletes a comment; its replies move up to its parent.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_comment(&self, caller: Caller, id: CommentId) -> ServiceResult<()> {
        let writer = curating_writer(caller)?;
        self.write(writer, move |conn, _, changed| {
            let comment = store::find_comment(conn, id)?.ok_or(ServiceError::NotFound("comment"))?;
            let gone = serde_json::json!({ "id": id.0, "post_id": comment.post_id.0 });
            let target = Target::Comment(id);
            changed.emit(EventKind::CommentDeleted, &target, gone);
            // Its replies move up a level, whatever its own status.
            changed.add(CacheKey::Comments(comment.post_id));
            if comment.status == CommentStatus::Approved {
                changed.extend([CacheKey::Post(comment.post_id), CacheKey::CommentCounts]);
            }
            store::delete_comment(conn, &comment)?;
            Ok(Written::new((), Action::CommentDelete, target))
        })
        .await
    }
}

/// Readers see approved comments only: a change between held, spam and trash changes nothing
/// they see; approving or unapproving changes the post's comments and its count.
fn comment_changed(before: &Comment, after: &Comment, changed: &mut Changed) {
    let (was, is) = (before.status == CommentStatus::Approved, after.status == CommentStatus::Approved);
    if was != is {
        changed.extend([CacheKey::Comments(after.post_id), CacheKey::Post(after.post_id), CacheKey::CommentCounts]);
        let kind = if is { EventKind::CommentApproved } else { EventKind::CommentUnapproved };
        changed.emit(kind, &Target::Comment(after.id), data::comment(after));
    }
}

/// The most comments one bulk request may change.
pub const MAX_BULK: usize = 100;

impl Colophon {
    /// Sets the status of many comments at once, all or none.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn moderate_comments(
        &self,
        caller: Caller,
        ids: Vec<CommentId>,
        status: CommentStatus,
    ) -> ServiceResult<Vec<Comment>> {
        let writer = curating_writer(caller)?;
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(ServiceError::invalid("ids", format!("give 1 to {MAX_BULK} comment ids")));
        }
        self.write(writer, move |conn, now, changed| {
            let mut comments = Vec::with_capacity(ids.len());
            for id in &ids {
                let (before, after) =
                    store::change_comment_status(conn, *id, status, now)?.ok_or(ServiceError::NotFound("comment"))?;
                comment_changed(&before, &after, changed);
                comments.push(after);
            }
            let targets = ids.into_iter().map(Target::Comment).collect();
            Ok(Written::each(comments, Action::CommentModerate, targets, &["status"]))
        })
        .await
    }
}
