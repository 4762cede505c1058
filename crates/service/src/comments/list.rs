use colophon_domain::{Comment, CommentId, Page, PageLimit, PostId, Slug};
use colophon_store::{self as store, CommentKey};

use crate::cursor::{micros_to_timestamp, timestamp_to_micros};
use crate::{Colophon, CursorCodec, CursorPage, ServiceError, ServiceResult};

const LIST: &str = "comments";

impl Colophon {
    /// The approved comments of a readable post, oldest first.
    pub async fn list_comments(
        &self,
        post_slug: String,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> ServiceResult<CursorPage<Comment>> {
        let (limit, after) = self.comment_page_args(limit, cursor)?;
        let codec = self.cursors().clone();
        self.db(move |conn, now| {
            let slug = Slug::parse(post_slug).map_err(|_| ServiceError::NotFound("post"))?;
            let post = match store::find_post_by_slug(conn, &slug)? {
                Some(post) if post.is_visible_at(now) => post,
                _ => return Err(ServiceError::NotFound("post")),
            };
            let rows = store::list_approved_comments(conn, post.id, after, limit.probe())?;
            Ok(page(&codec, rows, limit))
        })
        .await
    }

    /// The approved comments of a post the caller already holds as readable (GraphQL's
    /// `Post.comments`), oldest first.
    pub async fn list_comments_of(
        &self,
        post: PostId,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> ServiceResult<CursorPage<Comment>> {
        let (limit, after) = self.comment_page_args(limit, cursor)?;
        let codec = self.cursors().clone();
        self.db(move |conn, _| {
            Ok(page(&codec, store::list_approved_comments(conn, post, after, limit.probe())?, limit))
        })
        .await
    }

    /// The cursor that continues a comment list after `comment` (a Relay edge's cursor).
    pub fn comment_cursor(&self, comment: &Comment) -> String {
        encode(self.cursors(), CommentKey::of(comment))
    }

    fn comment_page_args(
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

fn page(codec: &CursorCodec, rows: Vec<Comment>, limit: PageLimit) -> CursorPage<Comment> {
    let page = Page::from_probe(rows, limit, CommentKey::of);
    CursorPage { next_cursor: page.next.map(|key| encode(codec, key)), items: page.items }
}

fn encode(codec: &CursorCodec, key: CommentKey) -> String {
    codec.encode(LIST, &[timestamp_to_micros(key.created_at), key.id.0])
}
