//! Revisions, preview links and media items as GraphQL types.

use async_graphql::{ID, Json, SimpleObject};
use colophon_domain::{PostContent, Revision};
use colophon_service::{MediaView, PreviewLinkView, RevisionDiff};

use super::DateTime;
use super::post::FeaturedImageNode;

/// A post's content as a revision keeps it.
#[derive(SimpleObject)]
#[graphql(name = "PostContent")]
pub struct PostContentNode {
    title: String,
    slug: String,
    excerpt: String,
    body_html: String,
    /// The Markdown the body came from, when it was written in Markdown.
    body_markdown: Option<String>,
    featured_image: Option<FeaturedImageNode>,
    /// The tags' names.
    tags: Vec<String>,
    /// The sidebar's slug.
    sidebar: Option<String>,
    meta_title: Option<String>,
    meta_description: Option<String>,
    canonical_url: Option<String>,
    og_image: Option<String>,
    noindex: bool,
    /// draft, scheduled or published.
    status: String,
    published_at: Option<DateTime>,
    /// The site's own fields' values, as stored then, by name.
    custom_fields: Json<serde_json::Map<String, serde_json::Value>>,
}

impl From<PostContent> for PostContentNode {
    fn from(c: PostContent) -> Self {
        Self {
            title: c.title,
            slug: c.slug,
            excerpt: c.excerpt,
            body_html: c.body_html,
            body_markdown: c.body_markdown,
            featured_image: c.featured_image.map(Into::into),
            tags: c.tags,
            sidebar: c.sidebar,
            meta_title: c.seo.meta_title,
            meta_description: c.seo.meta_description,
            canonical_url: c.seo.canonical_url,
            og_image: c.seo.og_image,
            noindex: c.seo.noindex,
            status: c.status.as_str().to_string(),
            published_at: c.published_at.map(|t| DateTime(t.and_utc())),
            custom_fields: Json(c.custom_fields.as_map().clone()),
        }
    }
}

/// A post's content before a change, who made the change, and what it changed.
#[derive(SimpleObject)]
#[graphql(name = "Revision")]
pub struct RevisionNode {
    /// 1 for the first, rising; `restoreRevision` takes it.
    number: i64,
    created_at: DateTime,
    /// Who made the change (an API key's owner); null for the command line and imports.
    editor_id: Option<ID>,
    /// The API key it was made with, if any.
    editor_key_id: Option<ID>,
    /// The fields the change changed.
    fields: Vec<String>,
    /// The content before the change.
    content: PostContentNode,
}

impl From<Revision> for RevisionNode {
    fn from(r: Revision) -> Self {
        Self {
            number: r.number,
            created_at: DateTime(r.created_at.and_utc()),
            editor_id: r.editor.map(|a| ID(a.0.to_string())),
            editor_key_id: r.editor_key.map(|k| ID(k.0.to_string())),
            fields: r.fields,
            content: r.content.into(),
        }
    }
}

/// One field's two values.
#[derive(SimpleObject)]
#[graphql(name = "FieldChange")]
pub struct FieldChangeNode {
    field: String,
    from: Json<serde_json::Value>,
    to: Json<serde_json::Value>,
}

/// What changed between two states of a post.
#[derive(SimpleObject)]
#[graphql(name = "RevisionDiff")]
pub struct RevisionDiffNode {
    /// The older side's revision number; null for the current post.
    from: Option<i64>,
    /// The newer side's revision number; null for the current post.
    to: Option<i64>,
    fields: Vec<String>,
    /// Each differing field but the body.
    changes: Vec<FieldChangeNode>,
    /// A unified line diff of the body; null when the bodies are the same.
    body_diff: Option<String>,
}

impl From<RevisionDiff> for RevisionDiffNode {
    fn from(d: RevisionDiff) -> Self {
        Self {
            from: d.from,
            to: d.to,
            fields: d.fields,
            changes: d
                .changes
                .into_iter()
                .map(|(field, from, to)| FieldChangeNode { field, from: Json(from), to: Json(to) })
                .collect(),
            body_diff: d.body,
        }
    }
}

/// A preview link; `token` only in the answer that made it.
#[derive(SimpleObject)]
#[graphql(name = "PreviewLink")]
pub struct PreviewLinkNode {
    id: ID,
    post_id: ID,
    created_by: ID,
    created_at: DateTime,
    expires_at: DateTime,
    revoked_at: Option<DateTime>,
    /// Shown once: pass it to `preview(token:)`.
    token: Option<String>,
}

impl From<PreviewLinkView> for PreviewLinkNode {
    fn from(v: PreviewLinkView) -> Self {
        let l = v.link;
        Self {
            id: ID(l.id.0.to_string()),
            post_id: ID(l.post_id.0.to_string()),
            created_by: ID(l.created_by.0.to_string()),
            created_at: DateTime(l.created_at.and_utc()),
            expires_at: DateTime(l.expires_at.and_utc()),
            revoked_at: l.revoked_at.map(|t| DateTime(t.and_utc())),
            token: v.token,
        }
    }
}

/// An item of the media library.
#[derive(SimpleObject)]
#[graphql(name = "MediaItem")]
pub struct MediaItemNode {
    id: ID,
    /// Where the file is served; add `?w=640` (and `&format=webp`) for a variant.
    url: String,
    /// image/jpeg, image/png, image/webp, image/gif, image/avif or application/pdf.
    media_type: String,
    sha256: String,
    byte_size: i64,
    width: Option<i32>,
    height: Option<i32>,
    filename: String,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
    uploaded_by: Option<ID>,
    created_at: DateTime,
    updated_at: DateTime,
}

impl From<MediaView> for MediaItemNode {
    fn from(v: MediaView) -> Self {
        let m = v.item;
        Self {
            id: ID(m.id.0.to_string()),
            url: v.url,
            media_type: m.media_type.as_str().to_string(),
            sha256: m.sha256,
            byte_size: m.byte_size,
            width: m.width,
            height: m.height,
            filename: m.filename,
            alt: m.alt,
            caption: m.caption,
            credit: m.credit,
            uploaded_by: m.uploaded_by.map(|a| ID(a.0.to_string())),
            created_at: DateTime(m.created_at.and_utc()),
            updated_at: DateTime(m.updated_at.and_utc()),
        }
    }
}
