use crate::{AuthorId, CommentId, PostId, Timestamp};

crate::words::words! {
    /// Where a comment stands: only `Approved` ones are public.
    pub enum CommentStatus {
        /// Held for a moderator; not shown.
        Pending = "pending",
        /// Shown to the public, and counted in the post's comment count.
        Approved = "approved",
        /// Marked as spam by a moderator, a blocklist rule or the bot checks; never shown.
        Spam = "spam",
        /// Thrown away by a moderator; never shown.
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
    /// The comment's id, as replies and moderators name it.
    pub id: CommentId,
    /// The post commented on.
    pub post_id: PostId,
    /// The comment this one replies to; `None` for a top-level comment.
    pub parent_id: Option<CommentId>,
    /// Set when the commenter was signed in: a registered comment.
    pub author_id: Option<AuthorId>,
    /// The name shown with the comment: as the reader typed it, or the signed-in author's name.
    pub author_name: String,
    /// The commenter's e-mail, lowercased, when given.
    pub author_email: Option<String>,
    /// The commenter's website, an absolute http(s) URL, when given.
    pub author_url: Option<String>,
    /// The text as typed, trimmed, line endings made `\n`.
    pub body_source: String,
    /// The body rendered and sanitized once, on submission: the only form served.
    pub body_html: String,
    /// Where the comment stands; only approved comments are public.
    pub status: CommentStatus,
    /// 0 for a top-level comment, parent's depth + 1 for a reply.
    pub depth: i32,
    /// The address the comment came from, when known: for blocklist and duplicate checks.
    pub ip: Option<String>,
    /// The submitting client's `User-Agent`, cut to 512 characters.
    pub user_agent: Option<String>,
    /// When the comment was submitted.
    pub created_at: Timestamp,
    /// When the comment last changed (its status, by moderation).
    pub updated_at: Timestamp,
}

impl Comment {
    /// Whether a signed-in author wrote the comment.
    pub fn is_registered(&self) -> bool {
        self.author_id.is_some()
    }
}
