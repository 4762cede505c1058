use crate::{AuthorId, PostId, SidebarId, Slug, TagId, Timestamp};

crate::words::words! {
    /// A post's status as clients see it. Only `Draft` and `Published` are stored: a published
    /// post whose `published_at` lies in the future is `Scheduled` until that moment passes,
    /// so it goes live without any job or restart.
    pub enum PostStatus {
        Draft = "draft",
        Scheduled = "scheduled",
        Published = "published",
    }
}

/// The picture shown above a post, with its credit line ("Image via Snorgtees").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeaturedImage {
    pub url: Option<String>,
    pub alt: Option<String>,
    pub credit: Option<String>,
}

impl FeaturedImage {
    pub fn is_empty(&self) -> bool {
        self.url.is_none() && self.alt.is_none() && self.credit.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: PostId,
    pub slug: Slug,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    /// Stored status: `Draft` or `Published` (see [`PostStatus`]).
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    pub author_id: AuthorId,
    pub featured_image: Option<FeaturedImage>,
    pub comments_enabled: bool,
    /// Approved comments only; kept in step with every status change.
    pub comment_count: i64,
    pub sidebar_id: Option<SidebarId>,
    /// Bumped by every edit; the `ETag` of the post and the guard against lost edits.
    pub version: i64,
    pub created_at: Timestamp,
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
    pub id: PostId,
    pub slug: Slug,
    pub title: String,
    pub published_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    pub id: TagId,
    pub slug: Slug,
    pub name: String,
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
