//! Standalone pages (About, Contact): content beside the posts, never in their lists, feeds or
//! previous/next, with their own slugs, SEO fields and sidebar.

use crate::{AuthorId, PageId, PostStatus, Seo, SidebarId, Slug, Timestamp};

/// A page as stored. Drafts and scheduled pages are seen only by their author and editors, and
/// `body_markdown` only by those who may edit the page.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePage {
    /// The page's id; paths that write accept it.
    pub id: PageId,
    /// The path segment of the page's URL.
    pub slug: Slug,
    /// The heading, at most 300 characters.
    pub title: String,
    /// A plain-text summary: as given, or derived from the first paragraph.
    pub excerpt: String,
    /// The body, sanitized HTML.
    pub body_html: String,
    /// The Markdown the body was rendered from; `None` when it was written as HTML.
    pub body_markdown: Option<String>,
    /// Stored status: `Draft` or `Published` (a future `published_at` reads as scheduled).
    pub status: PostStatus,
    /// When the page goes (or went) public.
    pub published_at: Option<Timestamp>,
    /// Who wrote it.
    pub author_id: AuthorId,
    /// The sidebar shown beside it, if any.
    pub sidebar_id: Option<SidebarId>,
    /// What search engines and link previews read, as set.
    pub seo: Seo,
    /// Bumped by every edit: the `ETag` and the guard against lost edits.
    pub version: i64,
    /// When it was first saved.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
}

impl SitePage {
    /// The status a reader sees at `now`.
    pub fn status_at(&self, now: Timestamp) -> PostStatus {
        match (self.status, self.published_at) {
            (PostStatus::Draft, _) => PostStatus::Draft,
            (_, Some(at)) if at > now => PostStatus::Scheduled,
            _ => PostStatus::Published,
        }
    }

    /// Whether the public may read it at `now`.
    pub fn is_visible_at(&self, now: Timestamp) -> bool {
        self.status_at(now) == PostStatus::Published
    }
}
