//! The fields posts and pages share, as a client sends them and as parsed: every bad value is
//! reported with its field name, all at once.

use chrono::{DateTime, Utc};
use colophon_domain::{BoundedText, Excerpt, HttpUrl, Patch, PostHtml, PostStatus, Slug, ValidationErrors};
use colophon_store::SeoChanges;

/// The fields posts and pages share, for create (absent = default) and update (absent =
/// unchanged). A page's input is this alone; a post's adds its own ([`crate::PostInput`]).
#[derive(Debug, Clone, Default)]
pub struct ContentInput {
    /// The headline, at most 300 characters; required on create.
    pub title: Option<String>,
    /// The path segment; derived from the title on create when absent. Digits alone are refused,
    /// and a taken slug gets a numbered variant (`the-rug-2`).
    pub slug: Option<String>,
    /// The body as Markdown: rendered, sanitized, and kept for editing. Not with `body_html`.
    pub body_markdown: Option<String>,
    /// The body as HTML, sanitized. Not with `body_markdown`.
    pub body_html: Option<String>,
    /// Cleared: derived from the body again.
    pub excerpt: Patch<String>,
    /// `draft` (the default on create), `published`, or `scheduled` with a future `published_at`.
    pub status: Option<PostStatus>,
    /// When it goes public, from 1970 to 9999; publishing without one means now.
    pub published_at: Patch<DateTime<Utc>>,
    /// A sidebar's slug.
    pub sidebar: Patch<String>,
    /// Search-engine and link-preview fields.
    pub seo: SeoInput,
    /// The site's own fields: each key set to its value, or removed by `null`; the others stay.
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

/// SEO fields as sent: an absent field is left as it is, a cleared one derived again.
#[derive(Debug, Clone, Default)]
pub struct SeoInput {
    /// The page title, at most 300 characters (the title when empty).
    pub meta_title: Patch<String>,
    /// The description, at most 500 characters (the excerpt when empty).
    pub meta_description: Patch<String>,
    /// The canonical address, an absolute http(s) URL (the public URL when empty).
    pub canonical_url: Patch<String>,
    /// The link-preview image, an absolute http(s) URL (the featured image when empty).
    pub og_image: Patch<String>,
    /// Keep search engines out (and out of the sitemap).
    pub noindex: Option<bool>,
}

pub type Title = BoundedText<300>;
type MetaTitle = BoundedText<300>;
type MetaDescription = BoundedText<500>;

/// The body as given, rendered and sanitized, with the Markdown source kept when there was one.
pub struct Body {
    pub html: PostHtml,
    pub markdown: Option<String>,
    /// The words search indexes the body by, worked out here, off the write transaction.
    pub text: String,
}

impl Body {
    fn new(html: PostHtml, markdown: Option<String>) -> Self {
        let text = colophon_domain::search_text(html.as_str());
        Self { html, markdown, text }
    }

    /// No body (a post created without one).
    pub fn empty() -> Self {
        Self { html: PostHtml::empty(), markdown: None, text: String::new() }
    }
}

/// The shared fields, parsed; `Keep` or `None` where the input left a field out.
#[derive(Default)]
pub struct ParsedContent {
    pub title: Option<Title>,
    pub slug: Option<Slug>,
    pub body: Option<Body>,
    pub excerpt: Patch<Excerpt>,
    pub status: Option<PostStatus>,
    pub published_at: Patch<DateTime<Utc>>,
    pub sidebar: Patch<Slug>,
    pub seo: SeoChanges,
    /// Checked in the write's transaction, against the definitions it reads.
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A slug given for content or an author: digits alone would read as an id in their paths.
pub fn addressable_slug(value: String) -> Result<Slug, String> {
    let slug = Slug::parse(value)?;
    if slug.looks_like_an_id() {
        return Err("needs a letter or a hyphen: a slug of digits alone would read as an id".into());
    }
    Ok(slug)
}

/// Parses the shared fields, each bad value reported under its field's name.
pub fn parse_content(input: ContentInput, errors: &mut ValidationErrors) -> ParsedContent {
    let title = input.title.and_then(|t| errors.check("title", Title::parse(t)));
    let slug = input.slug.and_then(|s| errors.check("slug", addressable_slug(s)));
    let published_at = patched(input.published_at, "published_at", publication_date, errors);
    let excerpt = patched(input.excerpt, "excerpt", |text| Excerpt::parse(&text), errors);
    let sidebar = patched(input.sidebar, "sidebar", Slug::parse, errors);
    let body = match (input.body_markdown, input.body_html) {
        (Some(_), Some(_)) => {
            errors.push("body_html", "send body_markdown or body_html, not both");
            None
        }
        (Some(markdown), None) => errors
            .check("body_markdown", PostHtml::from_markdown(&markdown))
            .map(|html| Body::new(html, Some(markdown))),
        (None, Some(html)) => errors.check("body_html", PostHtml::from_html(&html)).map(|html| Body::new(html, None)),
        (None, None) => None,
    };
    let seo = parse_seo(input.seo, errors);
    let custom_fields = input.custom_fields;
    ParsedContent { title, slug, body, excerpt, status: input.status, published_at, sidebar, seo, custom_fields }
}

/// A patched field parsed: a value that does not parse is reported and leaves the field as is.
pub fn patched<T, U>(
    patch: Patch<T>,
    field: &str,
    parse: impl FnOnce(T) -> Result<U, String>,
    errors: &mut ValidationErrors,
) -> Patch<U> {
    match patch.try_map(parse) {
        Ok(parsed) => parsed,
        Err(message) => {
            errors.push(field, message);
            Patch::Keep
        }
    }
}

fn parse_seo(seo: SeoInput, errors: &mut ValidationErrors) -> SeoChanges {
    let text = |patch: Patch<String>, field: &str, parse: fn(String) -> Result<String, String>, errors: &mut _| {
        patched(patch, field, parse, errors)
    };
    SeoChanges {
        meta_title: text(seo.meta_title, "seo.meta_title", |v| MetaTitle::parse(v).map(MetaTitle::into_string), errors),
        meta_description: text(
            seo.meta_description,
            "seo.meta_description",
            |v| MetaDescription::parse(v).map(MetaDescription::into_string),
            errors,
        ),
        canonical_url: text(
            seo.canonical_url,
            "seo.canonical_url",
            |v| HttpUrl::parse(v).map(HttpUrl::into_string),
            errors,
        ),
        og_image: text(seo.og_image, "seo.og_image", |v| HttpUrl::parse(v).map(HttpUrl::into_string), errors),
        noindex: seo.noindex,
    }
}

/// Publication dates from 1970 to 9999: both backends store and compare them alike (SQLite
/// compares the text, PostgreSQL refuses years it cannot hold), and no post is older.
fn publication_date(at: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    use chrono::Datelike;
    if (1970..=9999).contains(&at.year()) { Ok(at) } else { Err("must be a date from 1970 to 9999".into()) }
}

impl SeoInput {
    /// The SEO fields of a new item: the given ones, the rest empty.
    pub fn new_seo(changes: &SeoChanges) -> colophon_domain::Seo {
        colophon_domain::Seo {
            meta_title: changes.meta_title.clone().set(),
            meta_description: changes.meta_description.clone().set(),
            canonical_url: changes.canonical_url.clone().set(),
            og_image: changes.og_image.clone().set(),
            noindex: changes.noindex.unwrap_or(false),
        }
    }
}
