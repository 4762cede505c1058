//! What posts and pages share: their content, who wrote it, where it shows and when it is
//! public. A `Post` and a `SitePage` each hold one, and read as one (`post.title`).

use crate::{AuthorId, CustomValues, PostStatus, Publication, Seo, SidebarId, Slug, Timestamp};

/// The fields every piece of written content has, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    /// The path segment of its URL.
    pub slug: Slug,
    /// The headline, at most 300 characters.
    pub title: String,
    /// A plain-text summary for lists and feeds: as given, or derived from the first paragraph.
    pub excerpt: String,
    /// The body, sanitized HTML: the only form readers are served.
    pub body_html: String,
    /// The Markdown the body was rendered from; `None` when it was written as HTML.
    pub body_markdown: Option<String>,
    /// Stored status: `Draft` or `Published` (see [`Publication`]).
    pub status: PostStatus,
    /// When it goes (or went) public; a draft may keep a planned time, or have none.
    pub published_at: Option<Timestamp>,
    /// The author it is published under.
    pub author_id: AuthorId,
    /// The sidebar shown beside it, if any.
    pub sidebar_id: Option<SidebarId>,
    /// What search engines and link previews read, as set (empty fields are derived).
    pub seo: Seo,
    /// The site's own fields' values, as stored (those of deleted definitions too: see
    /// [`CustomValues::shown`]).
    pub custom_fields: CustomValues,
    /// Bumped by every edit; the `ETag` and the guard against lost edits.
    pub version: i64,
    /// When it was first saved.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
}

impl Content {
    /// Its status and publication time.
    pub fn publication(&self) -> Publication {
        Publication { status: self.status, published_at: self.published_at }
    }

    /// The status a reader sees at `now`.
    pub fn status_at(&self, now: Timestamp) -> PostStatus {
        self.publication().status_at(now)
    }

    /// Whether the public may read it at `now`.
    pub fn is_visible_at(&self, now: Timestamp) -> bool {
        self.publication().is_visible_at(now)
    }
}

/// A post or a page reads as the content it holds.
macro_rules! reads_as_content {
    ($($holder:ty),*) => {$(
        impl std::ops::Deref for $holder {
            type Target = Content;
            fn deref(&self) -> &Content {
                &self.content
            }
        }
        impl std::ops::DerefMut for $holder {
            fn deref_mut(&mut self) -> &mut Content {
                &mut self.content
            }
        }
    )*};
}

reads_as_content!(crate::Post, crate::SitePage);
