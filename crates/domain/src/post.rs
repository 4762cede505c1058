use crate::{Content, PostId, Slug, TagId, Timestamp};

crate::words::words! {
    /// A post's status as clients see it. Only `Draft` and `Published` are stored: a published
    /// post whose `published_at` lies in the future is `Scheduled` until that moment passes,
    /// so it goes live without any job or restart.
    pub enum PostStatus {
        /// Not public: only its author and editors see it.
        Draft = "draft",
        /// Published with a `published_at` still to come; never stored.
        Scheduled = "scheduled",
        /// Public since its `published_at`.
        Published = "published",
    }
}

/// The picture shown above a post, with its credit line ("Image via Snorgtees").
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FeaturedImage {
    /// Where the picture is, an absolute http(s) URL.
    pub url: Option<String>,
    /// Text that stands in for the picture for readers who cannot see it.
    pub alt: Option<String>,
    /// The credit line shown with the picture.
    pub credit: Option<String>,
    /// The media library's item it shows, if it shows one (then `url` is the item's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<crate::MediaId>,
    /// Pixels across, when known (a media item's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    /// Pixels down, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
}

impl FeaturedImage {
    /// Whether no part of the image is set.
    pub fn is_empty(&self) -> bool {
        self.url.is_none() && self.alt.is_none() && self.credit.is_none() && self.media_id.is_none()
    }
}

/// A blog post as stored: its [`Content`] (read through it: `post.title`) and what only posts
/// have. Drafts and scheduled posts are seen only by their author and editors, and
/// `body_markdown` only by those who may edit the post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// The post's id; paths accept it in place of the slug.
    pub id: PostId,
    /// What posts and pages share; after a rename, a published post's old slugs redirect here.
    pub content: Content,
    /// The picture shown above the post, if any.
    pub featured_image: Option<FeaturedImage>,
    /// Whether readers may submit comments.
    pub comments_enabled: bool,
    /// Approved comments only; kept in step with every status change.
    pub comment_count: i64,
}

/// Enough of a post to link to it (previous / next navigation).
#[derive(Debug, Clone, PartialEq)]
pub struct PostLink {
    /// The linked post's id.
    pub id: PostId,
    /// Its slug, for the link's URL.
    pub slug: Slug,
    /// Its title, the link's text.
    pub title: String,
    /// When it went public.
    pub published_at: Option<Timestamp>,
}

/// A label that groups posts; its slug is derived from its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// The tag's id.
    pub id: TagId,
    /// Derived from the name; what post lists filter by.
    pub slug: Slug,
    /// The name as it was first written ("Personal Finance").
    pub name: String,
    /// What the tag's page says about it (plain text; empty when none was written).
    pub description: String,
}
