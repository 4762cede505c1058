use std::collections::HashMap;

use colophon_domain::{Comment, CommentId, CommentOrder, CommentStatus, Page, PageLimit, Post, PostId, Timestamp};
use colophon_store::{self as store, CommentKey, DbConnection};

use crate::Paging;
use crate::SlugKey;
use crate::cache_keys::CacheKey;
use crate::cursor::{micros_to_timestamp, timestamp_to_micros};
use crate::{Colophon, CursorCodec, CursorPage, ServiceError, ServiceResult};

const LIST: &str = "comments";
const THREAD: &str = "comment-thread";

fn readable_post(conn: &mut DbConnection, slug: &SlugKey, now: Timestamp) -> ServiceResult<Post> {
    let slug = slug.found("post")?;
    match store::find_post_by_slug(conn, &slug)? {
        Some(post) if post.is_visible_at(now) => Ok(post),
        _ => Err(ServiceError::NotFound("post")),
    }
}

impl Colophon {
    /// The approved comments of a readable post, in the order asked for.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_comments(
        &self,
        post_slug: SlugKey,
        paging: Paging,
        order: CommentOrder,
    ) -> ServiceResult<CursorPage<Comment>> {
        let Paging { limit, cursor } = paging;
        let service = self.clone();
        let (post, page) = self
            .db(move |conn, now| {
                let post = readable_post(conn, &post_slug, now)?;
                let page = service.comments_page(conn, post.id, limit, cursor, order)?;
                Ok((post, page))
            })
            .await?;
        // The list exists only while its post is readable.
        self.saw(&post);
        self.saw_key(CacheKey::Comments(post.id));
        Ok(page)
    }

    /// One approved comment of a readable post (where a new comment's `Location` points).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_comment(&self, id: CommentId) -> ServiceResult<Comment> {
        let comment = self
            .db(move |conn, now| {
                let comment = store::find_comment(conn, id)?
                    .filter(|c| c.status == CommentStatus::Approved)
                    .ok_or(ServiceError::NotFound("comment"))?;
                match store::find_post(conn, comment.post_id)? {
                    Some(post) if post.is_visible_at(now) => Ok(comment),
                    _ => Err(ServiceError::NotFound("comment")),
                }
            })
            .await?;
        self.saw(&comment);
        self.saw_key(CacheKey::Post(comment.post_id));
        Ok(comment)
    }

    /// The approved replies of each comment, oldest first, in one query (GraphQL's
    /// `Comment.replies` loader).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn approved_replies(&self, parents: Vec<CommentId>) -> ServiceResult<HashMap<CommentId, Vec<Comment>>> {
        let replies = self
            .db(move |conn, _| {
                let mut replies: HashMap<CommentId, Vec<Comment>> = HashMap::new();
                for reply in store::approved_replies(conn, &parents)? {
                    if let Some(parent) = reply.parent_id {
                        replies.entry(parent).or_default().push(reply);
                    }
                }
                Ok(replies)
            })
            .await?;
        // (The parents came from their post's comments, whose key covers replies yet to come.)
        for replies in replies.values() {
            self.saw(replies);
        }
        Ok(replies)
    }

    /// A readable post and its newest approved comments (its Atom feed).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn comment_feed(&self, post_slug: SlugKey, limit: i64) -> ServiceResult<(Post, Vec<Comment>)> {
        let (post, comments) = self
            .db(move |conn, now| {
                let post = readable_post(conn, &post_slug, now)?;
                let comments = store::latest_approved_comments(conn, post.id, limit)?;
                Ok((post, comments))
            })
            .await?;
        self.saw(&post);
        self.saw_key(CacheKey::Comments(post.id));
        Ok((post, comments))
    }

    pub(crate) fn comments_page(
        &self,
        conn: &mut DbConnection,
        post: PostId,
        limit: Option<i64>,
        cursor: Option<String>,
        order: CommentOrder,
    ) -> ServiceResult<CursorPage<Comment>> {
        match order {
            CommentOrder::Oldest => {
                let (limit, after) = self.comment_page_args(limit, cursor)?;
                Ok(page(self.cursors(), store::list_approved_comments(conn, post, after, limit.probe())?, limit))
            }
            CommentOrder::Thread => self.thread_page(conn, post, limit, cursor),
        }
    }

    /// Thread order, computed in memory over the post's approved comments (at most the
    /// configured cap). A reply whose parent is not visible is shown as a thread of its own.
    fn thread_page(
        &self,
        conn: &mut DbConnection,
        post: PostId,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> ServiceResult<CursorPage<Comment>> {
        let (limit, after) = self.thread_page_args(limit, cursor)?;
        let cap = self.comment_settings().thread_cap;
        let all = store::all_approved_comments(conn, post, cap + 1)?;
        self.threads(all, limit, after)
    }

    fn thread_page_args(
        &self,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> ServiceResult<(PageLimit, Option<CommentKey>)> {
        let limit = PageLimit::parse(limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let after = match cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => {
                let [micros, id] = self.cursors().decode::<2>(THREAD, cursor)?;
                Some(CommentKey { created_at: micros_to_timestamp(micros)?, id: CommentId(id) })
            }
        };
        Ok((limit, after))
    }

    /// One page of threads from all of a post's approved comments, oldest first.
    fn threads(
        &self,
        all: Vec<Comment>,
        limit: PageLimit,
        after: Option<CommentKey>,
    ) -> ServiceResult<CursorPage<Comment>> {
        let cap = self.comment_settings().thread_cap;
        if all.len() as i64 > cap {
            return Err(ServiceError::bad_request(
                "order",
                format!("thread order serves posts with up to {cap} approved comments; use the default order"),
            ));
        }
        let visible: std::collections::HashSet<CommentId> = all.iter().map(|c| c.id).collect();
        let mut children: HashMap<CommentId, Vec<Comment>> = HashMap::new();
        let mut roots = Vec::new();
        for comment in all {
            match comment.parent_id.filter(|p| visible.contains(p)) {
                Some(parent) => children.entry(parent).or_default().push(comment),
                None => roots.push(comment),
            }
        }
        let roots: Vec<Comment> =
            roots.into_iter().filter(|r| after.is_none_or(|a| (r.created_at, r.id) > (a.created_at, a.id))).collect();
        let roots = Page::from_probe(roots, limit, CommentKey::of);
        let mut items = Vec::new();
        for root in roots.items {
            flatten(root, 0, &mut children, &mut items);
        }
        let next_cursor =
            roots.next.map(|k| self.cursors().encode(THREAD, &[timestamp_to_micros(k.created_at), k.id.0]));
        Ok(CursorPage { items, next_cursor })
    }

    /// One page of approved comments for each of several posts the caller already holds as
    /// readable, in one statement whatever their number (GraphQL's `Post.comments`, batched
    /// across a list of posts).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn comments_of_posts(
        &self,
        posts: Vec<PostId>,
        paging: Paging,
        order: CommentOrder,
    ) -> ServiceResult<HashMap<PostId, CursorPage<Comment>>> {
        let Paging { limit, cursor } = paging;
        for post in &posts {
            self.saw_key(CacheKey::Comments(*post));
        }
        let service = self.clone();
        self.db(move |conn, _| match order {
            CommentOrder::Oldest => {
                let (limit, after) = service.comment_page_args(limit, cursor)?;
                let by_post = store::approved_comments_of_posts(conn, &posts, after, limit.probe())?;
                Ok(by_post.into_iter().map(|(id, rows)| (id, page(service.cursors(), rows, limit))).collect())
            }
            CommentOrder::Thread => {
                let (limit, after) = service.thread_page_args(limit, cursor)?;
                let cap = service.comment_settings().thread_cap;
                store::approved_comments_of_posts(conn, &posts, None, cap + 1)?
                    .into_iter()
                    .map(|(id, all)| Ok((id, service.threads(all, limit, after)?)))
                    .collect()
            }
        })
        .await
    }

    /// The cursor that continues a thread-order list after the thread of `root`.
    pub fn comment_thread_cursor(&self, root: &Comment) -> String {
        self.cursors().encode(THREAD, &[timestamp_to_micros(root.created_at), root.id.0])
    }

    /// The cursor that continues a comment list after `comment` (a Relay edge's cursor).
    pub fn comment_cursor(&self, comment: &Comment) -> String {
        encode(self.cursors(), CommentKey::of(comment))
    }

    pub(crate) fn comment_page_args(
        &self,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> ServiceResult<(PageLimit, Option<CommentKey>)> {
        let limit = PageLimit::parse(limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let after = match cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => {
                let [micros, id] = self.cursors().decode::<2>(LIST, cursor)?;
                Some(CommentKey { created_at: micros_to_timestamp(micros)?, id: CommentId(id) })
            }
        };
        Ok((limit, after))
    }
}

/// Depth first: a comment, then each of its replies with theirs, oldest first.
fn flatten(mut comment: Comment, depth: i32, children: &mut HashMap<CommentId, Vec<Comment>>, out: &mut Vec<Comment>) {
    comment.depth = depth;
    let replies = children.remove(&comment.id).unwrap_or_default();
    out.push(comment);
    for reply in replies {
        flatten(reply, depth + 1, children, out);
    }
}

fn page(codec: &CursorCodec, rows: Vec<Comment>, limit: PageLimit) -> CursorPage<Comment> {
    let page = Page::from_probe(rows, limit, CommentKey::of);
    CursorPage { next_cursor: page.next.map(|key| encode(codec, key)), items: page.items }
}

/// The cursor of the comment list that continues after the comment `key` names.
pub(crate) fn encode(codec: &CursorCodec, key: CommentKey) -> String {
    codec.encode(LIST, &[timestamp_to_micros(key.created_at), key.id.0])
}
