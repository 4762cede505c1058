//! Writing posts: create, partial update (guarded by `If-Match`), delete.

use colophon_domain::Patch;
use colophon_service::{FeaturedImageInput, PostDetail, PostInput, SeoInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::content_body::{create_body, update_body};
use super::content_writes::content_writes;
use super::posts::PostBody;
use crate::rest::schemas;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeaturedImageInputBody {
    #[schema(schema_with = schemas::optional_http_url)]
    pub url: Option<String>,
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub alt: Option<String>,
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub credit: Option<String>,
    /// A media library item (not with `url`): its URL and size come with it, and its alt text
    /// and credit unless given here.
    #[schema(minimum = 1)]
    pub media_id: Option<i64>,
}

impl From<FeaturedImageInputBody> for FeaturedImageInput {
    fn from(b: FeaturedImageInputBody) -> Self {
        Self { url: b.url, alt: b.alt, credit: b.credit, media_id: b.media_id.map(colophon_domain::MediaId) }
    }
}

/// Search-engine and link-preview fields. Absent: left as they are; `null`: cleared, so that the
/// default shows again (the title, the excerpt, the public URL, the featured image).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeoInputBody {
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<300>)]
    pub meta_title: Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_text::<500>)]
    pub meta_description: Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub canonical_url: Patch<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::optional_http_url)]
    pub og_image: Patch<String>,
    /// Keep search engines out (and out of the sitemap).
    pub noindex: Option<bool>,
}

impl From<SeoInputBody> for SeoInput {
    fn from(b: SeoInputBody) -> Self {
        Self {
            meta_title: b.meta_title,
            meta_description: b.meta_description,
            canonical_url: b.canonical_url,
            og_image: b.og_image,
            noindex: b.noindex,
        }
    }
}

create_body! {
    /// A new post. Send `body_markdown` or `body_html`, not both; the slug is derived from the
    /// title when absent, the excerpt from the body's first paragraph.
    CreatePostBody {
        pub featured_image: Option<FeaturedImageInputBody>,
        #[schema(example = json!(["Social Networking"]), max_items = 20)]
        pub tags: Option<Vec<String>>,
        pub comments_enabled: Option<bool>,
    } {
        /// An author's slug (editors only; default: the caller).
        #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
        pub author: Option<String>,
    }
}

update_body! {
    /// A partial update: absent fields stay as they are; `null` clears `excerpt` (derive it
    /// again), `published_at`, `featured_image` and `sidebar`.
    UpdatePostBody {
        #[serde(default)]
        #[schema(value_type = Option<FeaturedImageInputBody>)]
        pub featured_image: Patch<FeaturedImageInputBody>,
        #[schema(max_items = 20)]
        pub tags: Option<Vec<String>>,
        pub comments_enabled: Option<bool>,
    } {
        #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
        pub author: Option<String>,
    }
}

impl From<CreatePostBody> for PostInput {
    fn from(mut b: CreatePostBody) -> Self {
        Self {
            content: b.content(),
            featured_image: b.featured_image.map(Into::into).into(),
            tags: b.tags,
            comments_enabled: b.comments_enabled,
            author: b.author,
        }
    }
}

impl From<UpdatePostBody> for PostInput {
    fn from(mut b: UpdatePostBody) -> Self {
        Self {
            content: b.content(),
            featured_image: std::mem::take(&mut b.featured_image).map(Into::into),
            tags: b.tags,
            comments_enabled: b.comments_enabled,
            author: b.author,
        }
    }
}

content_writes! {
    tag: "posts", collection: "/api/v1/posts", item: "/api/v1/posts/{post}", param: "post",
    param_doc: "The post's id, or its slug",
    answer: PostBody, version: |v: &PostDetail| v.summary.post.version, slug: |v: &PostDetail| v.summary.post.slug.clone(),
    /// Creates a post (contributors: drafts only; authors publish their own).
    create: "create_post", CreatePostBody => create_post;
    /// Partially updates a post. With `If-Match` (the post's `ETag`), an edit based on an older
    /// version is refused with 412 and nothing is written.
    update: "update_post", UpdatePostBody => update_post;
    /// Deletes a post and its comments.
    delete: "delete_post" => delete_post;
}
