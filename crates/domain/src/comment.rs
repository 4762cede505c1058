use crate::{AuthorId, CommentId, PostId, Timestamp};

crate::words::words! {
    /// Where a comment stands: only `Approved` ones are public.
    pub enum CommentStatus {
        Pending = "pending",
        Approved = "approved",
        Spam = "spam",
        Trash = "trash",
    }
}

crate::words::words! {
    /// The order of a post's comments.
    #[derive(Default)]
    pub enum CommentOrder {
        /// Oldest first, each with its `parent_id` (the page as the seed shows it).
        #[default]
        Oldest = "oldest",
        /// Each top-level comment followed by its replies, depth first; `depth` is the nesting
        /// level. Pages count top-level comments, so a reply never lands on another page than
        /// its thread.
        Thread = "thread",
    }
}

/// A reader's comment. `author_email`, `ip` and `user_agent` are private: kept for
/// moderation, never served. `body_source` is what the reader typed; only the sanitized
/// `body_html` is ever served.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: CommentId,
    pub post_id: PostId,
    pub parent_id: Option<CommentId>,
    /// Set when the commenter was signed in: a registered comment.
    pub author_id: Option<AuthorId>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub author_url: Option<String>,
    pub body_source: String,
    pub body_html: String,
    pub status: CommentStatus,
    /// 0 for a top-level comment, parent's depth + 1 for a reply.
    pub depth: i32,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Comment {
    pub fn is_registered(&self) -> bool {
        self.author_id.is_some()
    }
}
