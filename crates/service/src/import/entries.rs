//! What an importer hands the service: items read from another system's export and checked
//! as any author's write is (the HTML sanitizer, the comment allowlist, lengths), each with the
//! key the export gives it, so that a second run finds what the first brought in.

use colophon_domain::{AuthorId, CommentStatus, PostHtml, PostStatus, RedirectPath, Seo, Slug, Timestamp};

/// Where an item came from: the exporting site (`wxr:https://old.example`, `ghost`) and the
/// export's own id for it. An item recorded under this key is not imported again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFrom {
    /// The exporting site.
    pub source: String,
    /// The export's id of the item (a WordPress post id, a Ghost ObjectId, a login).
    pub id: String,
}

impl ImportedFrom {
    /// The item `id` of `source`.
    pub fn new(source: &str, id: &str) -> Self {
        Self { source: source.to_string(), id: id.to_string() }
    }
}

/// A post or page ready to insert (its slug may still be taken: the writer picks a free variant).
#[derive(Debug, Clone)]
pub struct PlannedEntry {
    /// The wanted slug (a free variant is taken when it is in use).
    pub slug: Slug,
    /// The title, at most 300 characters.
    pub title: String,
    /// The excerpt, plain text.
    pub excerpt: String,
    /// The body, sanitized.
    pub body: PostHtml,
    /// Draft or published.
    pub status: PostStatus,
    /// When it was published (none for a draft).
    pub published_at: Option<Timestamp>,
    /// Whether readers may comment (posts).
    pub comments_enabled: bool,
    /// (slug, name) of its categories and tags, in order, without repeats.
    pub tags: Vec<(Slug, String)>,
    /// Search-engine fields.
    pub seo: Seo,
    /// Its address on the old site (the item's `link`), which then redirects to it.
    pub old_path: Option<RedirectPath>,
    /// Its public post meta, for the custom fields of the same names.
    pub meta: super::ImportedMeta,
}

impl PlannedEntry {
    /// When the item was made: its publication, else `now`.
    pub(crate) fn made(&self, now: Timestamp) -> Timestamp {
        self.published_at.unwrap_or(now)
    }

    /// The fields posts and pages share, under `slug` (a free one) and `author`.
    pub(crate) fn into_content(
        self,
        slug: Slug,
        author: colophon_domain::AuthorId,
        custom_fields: colophon_domain::CustomValues,
        public_custom_fields: String,
    ) -> colophon_store::NewContent {
        colophon_store::NewContent {
            slug,
            title: self.title,
            excerpt: self.excerpt,
            body_html: self.body.into_string(),
            body_markdown: None,
            publication: colophon_domain::Publication { status: self.status, published_at: self.published_at },
            author_id: author,
            sidebar_id: None,
            seo: self.seo,
            custom_fields,
            public_custom_fields,
        }
    }
}

/// A comment ready to insert, but for its parent (resolved by the writer).
#[derive(Debug, Clone)]
pub struct PlannedComment {
    /// The name shown.
    pub author_name: String,
    /// A valid e-mail, if one was given (never shown).
    pub author_email: Option<String>,
    /// A valid http(s) website, if one was given.
    pub author_url: Option<String>,
    /// The address it was posted from, if the export has it (never shown).
    pub ip: Option<String>,
    /// What the commenter wrote.
    pub body_source: String,
    /// It rendered through the comment allowlist.
    pub body_html: String,
    /// Approved, pending, spam or trash.
    pub status: CommentStatus,
    /// When it was written.
    pub created_at: Timestamp,
}

/// A comment of an imported post, with the export's ids of it and of its parent.
#[derive(Debug, Clone)]
pub struct ImportedComment {
    /// The export's id of the comment.
    pub id: String,
    /// The export's id of the comment it replies to (empty or `0`: none).
    pub parent: String,
    /// The registered author it was written by, if the export says and they came in.
    pub author: Option<AuthorId>,
    /// Its fields.
    pub planned: PlannedComment,
}

/// An author as an export names them (the export's key for them, a login or an id, is the
/// [`ImportedFrom`] they are imported with).
#[derive(Debug, Clone, Default)]
pub struct ImportedAuthor {
    /// Their display name (the key when empty).
    pub name: String,
    /// Their e-mail, matched against existing accounts.
    pub email: String,
    /// A wanted slug, when the export has one.
    pub slug: String,
    /// Their bio, as HTML (sanitized here).
    pub bio_html: String,
    /// Their website.
    pub website_url: String,
    /// Their picture.
    pub avatar_url: String,
}

/// What importing a post did.
#[derive(Debug, Clone)]
pub struct ImportedPost {
    /// The post, made now or by an earlier run.
    pub id: colophon_domain::PostId,
    /// Whether it was made now.
    pub created: bool,
    /// Comments made now.
    pub comments: u64,
    /// Comments an earlier run brought in.
    pub unchanged: u64,
    /// Comments whose parent is in neither this export nor an earlier import (made top-level).
    pub orphans: Vec<String>,
    /// Post meta left out of its custom fields, and why.
    pub notes: Vec<String>,
}
