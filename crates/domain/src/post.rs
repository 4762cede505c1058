use crate::{AuthorId, PostId, Seo, SidebarId, Slug, TagId, Timestamp};

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

/// A blog post as stored. Drafts and scheduled posts are seen only by their author and editors,
/// and `body_markdown` only by those who may edit the post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// The post's id; paths accept it in place of the slug.
    pub id: PostId,
    /// The path segment of the post's URL; after a rename, a published post's old slugs redirect here.
    pub slug: Slug,
    /// The headline, at most 300 characters.
    pub title: String,
    /// A plain-text summary for lists and feeds: as given, or derived from the first paragraph.
    pub excerpt: String,
    /// The body, sanitized HTML: the only form readers are served.
    pub body_html: String,
    /// The Markdown the body was rendered from; `None` when it was written as HTML.
    pub body_markdown: Option<String>,
    /// Stored status: `Draft` or `Published` (see [`PostStatus`]).
    pub status: PostStatus,
    /// When the post goes (or went) public; a draft may keep a planned time, or have none.
    pub published_at: Option<Timestamp>,
    /// The author the post is published under.
    pub author_id: AuthorId,
    /// The picture shown above the post, if any.
    pub featured_image: Option<FeaturedImage>,
    /// Whether readers may submit comments.
    pub comments_enabled: bool,
    /// Approved comments only; kept in step with every status change.
    pub comment_count: i64,
    /// The sidebar shown beside the post, if any.
    pub sidebar_id: Option<SidebarId>,
    /// What search engines and link previews read, as set (empty fields are derived).
    pub seo: Seo,
    /// Bumped by every edit; the `ETag` of the post and the guard against lost edits.
    pub version: i64,
    /// When the post was first saved.
    pub created_at: Timestamp,
    /// When the post was last changed.
    pub updated_at: Timestamp,
}

impl Post {
    /// The status a reader sees at `now`.
    pub fn status_at(&self, now: Timestamp) -> PostStatus {
        match (self.status, self.published_at) {
            (PostStatus::Draft, _) => PostStatus::Draft,
            (_, Some(at)) if at > now => PostStatus::Scheduled,
            _ => PostStatus::Published,
        }
    }

    /// Whether the public may read the post at `now`.
    pub fn is_visible_at(&self, now: Timestamp) -> bool {
        self.status_at(now) == PostStatus::Published
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32) -> Timestamp {
        NaiveDate::from_ymd_opt(2026, 1, day).unwrap().and_hms_opt(12, 0, 0).unwrap()
    }

    fn post(status: PostStatus, published_at: Option<Timestamp>) -> Post {
        Post {
            id: PostId(1),
            slug: Slug::parse("p").unwrap(),
            title: "P".into(),
            excerpt: String::new(),
            body_html: String::new(),
            body_markdown: None,
            status,
            published_at,
            author_id: AuthorId(1),
            featured_image: None,
            comments_enabled: true,
            comment_count: 0,
            sidebar_id: None,
            seo: Seo::default(),
            version: 1,
            created_at: at(1),
            updated_at: at(1),
        }
    }

    #[test]
    fn future_publication_is_scheduled_until_it_passes() {
        let scheduled = post(PostStatus::Published, Some(at(10)));
        assert_eq!(scheduled.status_at(at(9)), PostStatus::Scheduled);
        assert!(!scheduled.is_visible_at(at(9)));
        assert_eq!(scheduled.status_at(at(10)), PostStatus::Published);
        assert!(scheduled.is_visible_at(at(11)));
        assert!(!post(PostStatus::Draft, Some(at(1))).is_visible_at(at(11)));
    }
}
