use crate::{AuthorId, CommentId, PostId, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Pending,
    Approved,
    Spam,
    Trash,
}

impl CommentStatus {
    pub const ALL: [CommentStatus; 4] =
        [CommentStatus::Pending, CommentStatus::Approved, CommentStatus::Spam, CommentStatus::Trash];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Trash => "trash",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| "must be one of pending, approved, spam, trash".to_string())
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
