//! What posts and pages share, in the store: a new row's values, an update's changes and a row's
//! conversion, written once for both tables (`posts` and `pages` name the same columns).

use colophon_domain::{AuthorId, CustomValues, Patch, Publication, Seo, SidebarId, Slug};

/// The fields of a new post or page that both share.
#[derive(Debug, Clone)]
pub struct NewContent {
    pub slug: Slug,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    /// `Draft` or `Published` (scheduled is read from a future time).
    pub publication: Publication,
    pub author_id: AuthorId,
    pub sidebar_id: Option<SidebarId>,
    pub seo: Seo,
    /// The site's own fields' values, checked.
    pub custom_fields: CustomValues,
    /// The values the public sees, as stored for the read compiler (`CustomValues::public_text`).
    pub public_custom_fields: String,
}

/// A body as stored: sanitized HTML and the Markdown it was rendered from, if any.
#[derive(Debug, Clone)]
pub struct StoredBody {
    pub html: String,
    pub markdown: Option<String>,
}

/// Changes to the SEO fields: each nullable one kept, cleared (then derived again) or set.
#[derive(Debug, Clone, Default)]
pub struct SeoChanges {
    pub meta_title: Patch<String>,
    pub meta_description: Patch<String>,
    pub canonical_url: Patch<String>,
    pub og_image: Patch<String>,
    pub noindex: Option<bool>,
}

/// Changes to the fields posts and pages share; the default changes nothing.
#[derive(Debug, Clone, Default)]
pub struct ContentChanges {
    pub slug: Option<Slug>,
    pub title: Option<String>,
    pub excerpt: Option<String>,
    pub body: Option<StoredBody>,
    pub publication: Option<Publication>,
    pub sidebar_id: Patch<SidebarId>,
    pub seo: SeoChanges,
    /// All of the site's own fields' values, when any changes, with the public ones' text.
    pub custom_fields: Option<(CustomValues, String)>,
}

impl ContentChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        crate::names_set(&[
            ("slug", self.slug.is_some()),
            ("title", self.title.is_some()),
            ("excerpt", self.excerpt.is_some()),
            ("body", self.body.is_some()),
            ("status", self.publication.is_some()),
            ("published_at", self.publication.is_some()),
            ("sidebar", self.sidebar_id.changes()),
            ("seo.meta_title", self.seo.meta_title.changes()),
            ("seo.meta_description", self.seo.meta_description.changes()),
            ("seo.canonical_url", self.seo.canonical_url.changes()),
            ("seo.og_image", self.seo.og_image.changes()),
            ("seo.noindex", self.seo.noindex.is_some()),
            ("custom_fields", self.custom_fields.is_some()),
        ])
    }
}

/// The column assignments of a new row's shared fields, for `$table` (`posts` or `pages`),
/// version 1, made `$now`.
macro_rules! content_values {
    ($table:ident, $new:expr, $now:expr) => {{
        use $crate::columns::Stored;
        let new: &$crate::content::NewContent = $new;
        (
            (
                $table::slug.eq(new.slug.as_str()),
                $table::title.eq(&new.title),
                $table::excerpt.eq(&new.excerpt),
                $table::body_html.eq(&new.body_html),
                $table::body_markdown.eq(&new.body_markdown),
                $table::status.eq(new.publication.status.stored()),
                $table::published_at.eq(new.publication.published_at),
                $table::author_id.eq(new.author_id.stored()),
                $table::sidebar_id.eq(new.sidebar_id),
                $table::custom_fields.eq(new.custom_fields.to_stored()),
                $table::public_custom_fields.eq(&new.public_custom_fields),
            ),
            (
                $table::meta_title.eq(&new.seo.meta_title),
                $table::meta_description.eq(&new.seo.meta_description),
                $table::canonical_url.eq(&new.seo.canonical_url),
                $table::og_image.eq(&new.seo.og_image),
                $table::noindex.eq(new.seo.noindex),
                $table::version.eq(1_i64),
                $table::created_at.eq($now),
                $table::updated_at.eq($now),
            ),
        )
    }};
}
pub(crate) use content_values;

/// The changeset of an update's shared fields for `$table`: the fields set, `updated_at`, and
/// the version bumped.
macro_rules! content_changeset {
    ($table:ident, $changes:expr, $now:expr) => {{
        use $crate::columns::Stored;
        let changes: &$crate::content::ContentChanges = $changes;
        let publication = changes.publication;
        (
            (
                changes.slug.as_ref().map(|slug| $table::slug.eq(slug.as_str())),
                changes.title.as_deref().map(|title| $table::title.eq(title)),
                changes.excerpt.as_deref().map(|excerpt| $table::excerpt.eq(excerpt)),
                changes.body.as_ref().map(|body| $table::body_html.eq(body.html.as_str())),
                changes.body.as_ref().map(|body| $table::body_markdown.eq(body.markdown.as_deref())),
                publication.map(|p| $table::status.eq(p.status.stored())),
                publication.map(|p| $table::published_at.eq(p.published_at)),
                changes.sidebar_id.into_option().map(|sidebar| $table::sidebar_id.eq(sidebar)),
                changes.custom_fields.as_ref().map(|(values, _)| $table::custom_fields.eq(values.to_stored())),
                changes.custom_fields.as_ref().map(|(_, public)| $table::public_custom_fields.eq(public.as_str())),
            ),
            (
                changes.seo.meta_title.as_ref().into_option().map(|v| $table::meta_title.eq(v.map(String::as_str))),
                changes
                    .seo
                    .meta_description
                    .as_ref()
                    .into_option()
                    .map(|v| $table::meta_description.eq(v.map(String::as_str))),
                changes
                    .seo
                    .canonical_url
                    .as_ref()
                    .into_option()
                    .map(|v| $table::canonical_url.eq(v.map(String::as_str))),
                changes.seo.og_image.as_ref().into_option().map(|v| $table::og_image.eq(v.map(String::as_str))),
                changes.seo.noindex.map(|noindex| $table::noindex.eq(noindex)),
                $table::updated_at.eq($now),
                $table::version.eq($table::version + 1),
            ),
        )
    }};
}
pub(crate) use content_changeset;

/// The [`colophon_domain::Content`] of a row that has the shared columns.
macro_rules! content_of_row {
    ($row:expr) => {
        colophon_domain::Content {
            slug: $crate::rows::slug($row.slug)?,
            title: $row.title,
            excerpt: $row.excerpt,
            body_html: $row.body_html,
            body_markdown: $row.body_markdown,
            status: $row.status,
            published_at: $row.published_at,
            author_id: $row.author_id,
            sidebar_id: $row.sidebar_id,
            seo: colophon_domain::Seo {
                meta_title: $row.meta_title,
                meta_description: $row.meta_description,
                canonical_url: $row.canonical_url,
                og_image: $row.og_image,
                noindex: $row.noindex,
            },
            custom_fields: colophon_domain::CustomValues::stored(&$row.custom_fields),
            version: $row.version,
            created_at: $row.created_at,
            updated_at: $row.updated_at,
        }
    };
}
pub(crate) use content_of_row;

/// Keeps the rows of `$table` (posts or pages) in `$status` as readers see it at `$now`: a
/// scheduled item is stored as published with a time still to come.
macro_rules! with_status {
    ($query:expr, $table:ident, $status:expr, $now:expr) => {
        match $status {
            PostStatus::Draft => $query.filter($table::status.eq(PostStatus::Draft.stored())),
            PostStatus::Scheduled => {
                $query.filter($table::status.eq(PostStatus::Published.stored())).filter($table::published_at.gt($now))
            }
            PostStatus::Published => {
                $query.filter($table::status.eq(PostStatus::Published.stored())).filter($table::published_at.le($now))
            }
        }
    };
}
pub(crate) use with_status;

/// The stored values of an item without custom fields (an archive line written before them).
pub(crate) fn no_custom_fields() -> String {
    "{}".to_string()
}
