//! Standalone pages (About, Contact): content beside the posts, never in their lists, feeds or
//! previous/next, with their own slugs, SEO fields and sidebar.

use crate::{Content, PageId};

/// A page as stored: its [`Content`] (read through it: `page.title`). Drafts and scheduled pages
/// are seen only by their author and editors, and `body_markdown` only by those who may edit it.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePage {
    /// The page's id; paths accept it in place of the slug.
    pub id: PageId,
    /// What posts and pages share.
    pub content: Content,
}
