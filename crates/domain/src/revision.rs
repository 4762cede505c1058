//! Revisions: the state a post had before each change of its content, so that an edit can be
//! read again, compared and undone.

use serde::{Deserialize, Serialize};

use crate::{ApiKeyId, AuthorId, CustomValues, FeaturedImage, PostId, PostStatus, Seo, Timestamp};

/// How many revisions a post keeps unless configured otherwise; older ones are dropped.
pub const REVISIONS_KEPT: u32 = 100;

/// What a revision keeps of a post: every field an editor writes, as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostContent {
    /// The headline.
    pub title: String,
    /// The slug.
    pub slug: String,
    /// The summary, as given or derived.
    pub excerpt: String,
    /// The sanitized body.
    pub body_html: String,
    /// The Markdown the body came from, when it was written in Markdown.
    pub body_markdown: Option<String>,
    /// The picture above the post.
    pub featured_image: Option<FeaturedImage>,
    /// The tags' names, in order.
    pub tags: Vec<String>,
    /// The sidebar's slug.
    pub sidebar: Option<String>,
    /// The SEO fields as set.
    pub seo: Seo,
    /// The status readers saw then (`scheduled` for a publication still to come).
    pub status: PostStatus,
    /// When the post went or goes public.
    pub published_at: Option<Timestamp>,
    /// The site's own fields' values, as stored (revisions kept before custom fields have none).
    #[serde(default)]
    pub custom_fields: CustomValues,
}

/// The content fields, by the names the API gives them, in the order they are listed.
pub const CONTENT_FIELDS: [&str; 15] = [
    "title",
    "slug",
    "excerpt",
    "body",
    "featured_image",
    "tags",
    "sidebar",
    "meta_title",
    "meta_description",
    "canonical_url",
    "og_image",
    "noindex",
    "status",
    "published_at",
    "custom_fields",
];

impl PostContent {
    /// The names of the fields (see [`CONTENT_FIELDS`]) whose values differ between `self`
    /// and `other`; empty when they hold the same content.
    pub fn changed_fields(&self, other: &PostContent) -> Vec<&'static str> {
        let differs = [
            self.title != other.title,
            self.slug != other.slug,
            self.excerpt != other.excerpt,
            self.body_html != other.body_html || self.body_markdown != other.body_markdown,
            self.featured_image != other.featured_image,
            self.tags != other.tags,
            self.sidebar != other.sidebar,
            self.seo.meta_title != other.seo.meta_title,
            self.seo.meta_description != other.seo.meta_description,
            self.seo.canonical_url != other.seo.canonical_url,
            self.seo.og_image != other.seo.og_image,
            self.seo.noindex != other.seo.noindex,
            self.status != other.status,
            self.published_at != other.published_at,
            self.custom_fields != other.custom_fields,
        ];
        CONTENT_FIELDS.iter().zip(differs).filter(|(_, d)| *d).map(|(name, _)| *name).collect()
    }

    /// The body as an editor wrote it: the Markdown when there is some, else the HTML. Diffs
    /// compare this, line by line.
    pub fn source(&self) -> &str {
        self.body_markdown.as_deref().unwrap_or(&self.body_html)
    }
}

/// One revision of a post: its content before a change, who made the change and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// The post.
    pub post_id: PostId,
    /// 1 for the post's first revision, rising by one with each change; never reused.
    pub number: i64,
    /// When the change was made.
    pub created_at: Timestamp,
    /// The author who made it (for an API key, the key's owner); `None` for the operator's
    /// command line or an import.
    pub editor: Option<AuthorId>,
    /// The API key it was made with, if any.
    pub editor_key: Option<ApiKeyId>,
    /// The fields the change changed (see [`CONTENT_FIELDS`]).
    pub fields: Vec<String>,
    /// The content before the change.
    pub content: PostContent,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> PostContent {
        PostContent {
            title: "T".into(),
            slug: "t".into(),
            excerpt: "E".into(),
            body_html: "<p>B</p>".into(),
            body_markdown: Some("B".into()),
            featured_image: None,
            tags: vec!["a".into()],
            sidebar: None,
            seo: Seo::default(),
            status: PostStatus::Draft,
            published_at: None,
            custom_fields: CustomValues::default(),
        }
    }

    #[test]
    fn changed_fields_name_what_differs_and_nothing_else() {
        let before = content();
        assert!(before.changed_fields(&before.clone()).is_empty());
        let mut after = before.clone();
        after.body_markdown = Some("C".into());
        after.tags.push("b".into());
        after.seo.noindex = true;
        assert_eq!(before.changed_fields(&after), vec!["body", "tags", "noindex"]);
    }

    #[test]
    fn the_source_is_markdown_when_there_is_some() {
        let mut c = content();
        assert_eq!(c.source(), "B");
        c.body_markdown = None;
        assert_eq!(c.source(), "<p>B</p>");
    }

    #[test]
    fn content_survives_json() {
        let mut c = content();
        c.featured_image = Some(FeaturedImage { url: Some("https://x.test/a.png".into()), ..FeaturedImage::default() });
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<PostContent>(&json).unwrap(), c);
    }
}
