//! Parsing a post's fields as a client sent them into domain values: every bad value is
//! reported with its field name, all at once.

use chrono::{DateTime, Utc};
use colophon_domain::{BoundedText, Excerpt, FeaturedImage, HttpUrl, PostHtml, PostStatus, Slug, ValidationErrors};

/// A post's fields as sent, for create (absent = default) and update (absent = unchanged).
/// `Some(None)` clears a nullable field.
#[derive(Debug, Clone, Default)]
pub struct PostInput {
    /// The headline, at most 300 characters; required on create.
    pub title: Option<String>,
    /// The path segment; derived from the title on create when absent. Digits alone are refused,
    /// and a taken slug gets a numbered variant (`the-rug-2`).
    pub slug: Option<String>,
    /// The body as Markdown: rendered, sanitized, and kept for editing. Not with `body_html`.
    pub body_markdown: Option<String>,
    /// The body as HTML, sanitized. Not with `body_markdown`.
    pub body_html: Option<String>,
    /// `Some(None)` asks for an excerpt derived from the body again.
    pub excerpt: Option<Option<String>>,
    /// `draft` (the default on create), `published`, or `scheduled` with a future `published_at`.
    pub status: Option<PostStatus>,
    /// When the post goes public, from 1970 to 9999; publishing without one means now.
    pub published_at: Option<Option<DateTime<Utc>>>,
    /// The picture shown above the post.
    pub featured_image: Option<Option<FeaturedImageInput>>,
    /// Tag names (at most 20, each at most 50 characters), replacing the post's; new ones are created.
    pub tags: Option<Vec<String>>,
    /// Whether readers may comment; on by default.
    pub comments_enabled: Option<bool>,
    /// A sidebar's slug.
    pub sidebar: Option<Option<String>>,
    /// An author's slug: editors may write under another author's name.
    pub author: Option<String>,
    /// Search-engine and link-preview fields; each given one is set (`Some(None)` clears it).
    pub seo: Option<SeoInput>,
}

/// SEO fields as sent: an absent field is left as it is, a null one cleared (then derived).
#[derive(Debug, Clone, Default)]
pub struct SeoInput {
    /// The page title, at most 300 characters (the title when empty).
    pub meta_title: Option<Option<String>>,
    /// The description, at most 500 characters (the excerpt when empty).
    pub meta_description: Option<Option<String>>,
    /// The canonical address, an absolute http(s) URL (the public URL when empty).
    pub canonical_url: Option<Option<String>>,
    /// The link-preview image, an absolute http(s) URL (the featured image when empty).
    pub og_image: Option<Option<String>>,
    /// Keep search engines out (and out of the sitemap).
    pub noindex: Option<bool>,
}

/// SEO fields parsed: `None` unchanged, `Some(None)` cleared.
#[derive(Debug, Clone, Default)]
pub struct ParsedSeo {
    pub meta_title: Option<Option<String>>,
    pub meta_description: Option<Option<String>>,
    pub canonical_url: Option<Option<String>>,
    pub og_image: Option<Option<String>>,
    pub noindex: Option<bool>,
}

impl ParsedSeo {
    /// The fields of a new post: the given ones, the rest empty.
    pub fn new_seo(&self) -> colophon_domain::Seo {
        colophon_domain::Seo {
            meta_title: self.meta_title.clone().flatten(),
            meta_description: self.meta_description.clone().flatten(),
            canonical_url: self.canonical_url.clone().flatten(),
            og_image: self.og_image.clone().flatten(),
            noindex: self.noindex.unwrap_or(false),
        }
    }
}

type MetaTitle = BoundedText<300>;
type MetaDescription = BoundedText<500>;

fn parse_seo(seo: SeoInput, errors: &mut ValidationErrors) -> ParsedSeo {
    fn field<T>(
        value: Option<Option<String>>,
        name: &str,
        parse: impl Fn(String) -> Result<T, String>,
        text: impl Fn(T) -> String,
        errors: &mut ValidationErrors,
    ) -> Option<Option<String>> {
        match value? {
            None => Some(None),
            Some(v) => errors.check(name, parse(v)).map(|v| Some(text(v))),
        }
    }
    ParsedSeo {
        meta_title: field(seo.meta_title, "seo.meta_title", MetaTitle::parse, MetaTitle::into_string, errors),
        meta_description: field(
            seo.meta_description,
            "seo.meta_description",
            MetaDescription::parse,
            MetaDescription::into_string,
            errors,
        ),
        canonical_url: field(seo.canonical_url, "seo.canonical_url", HttpUrl::parse, HttpUrl::into_string, errors),
        og_image: field(seo.og_image, "seo.og_image", HttpUrl::parse, HttpUrl::into_string, errors),
        noindex: seo.noindex,
    }
}

/// The picture above a post, as sent; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct FeaturedImageInput {
    /// Where the picture is, an absolute http(s) URL.
    pub url: Option<String>,
    /// Text that stands in for the picture, at most 300 characters.
    pub alt: Option<String>,
    /// The credit line, at most 300 characters.
    pub credit: Option<String>,
    /// A media library item to show (its URL and size are taken from it, and its alt text and
    /// credit unless given here). Not with `url`.
    pub media_id: Option<colophon_domain::MediaId>,
}

pub const MAX_TAGS: usize = 20;
pub type Title = BoundedText<300>;
type TagName = BoundedText<50>;
type ImageText = BoundedText<300>;

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
}

/// The parsed fields; `None` where the input left the field out.
#[derive(Default)]
pub struct ParsedPost {
    pub title: Option<Title>,
    pub slug: Option<Slug>,
    pub body: Option<Body>,
    pub excerpt: Option<Option<Excerpt>>,
    pub status: Option<PostStatus>,
    pub published_at: Option<Option<DateTime<Utc>>>,
    pub featured_image: Option<Option<FeaturedImage>>,
    pub tags: Option<Vec<(Slug, String)>>,
    pub comments_enabled: Option<bool>,
    pub sidebar: Option<Option<Slug>>,
    pub author: Option<Slug>,
    pub seo: ParsedSeo,
}

/// A slug given for a post or an author: digits alone would read as an id in their paths.
pub fn addressable_slug(value: String) -> Result<Slug, String> {
    let slug = Slug::parse(value)?;
    if slug.looks_like_an_id() {
        return Err("needs a letter or a hyphen: a slug of digits alone would read as an id".into());
    }
    Ok(slug)
}

pub fn parse(input: PostInput) -> Result<ParsedPost, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut parsed = ParsedPost { comments_enabled: input.comments_enabled, ..ParsedPost::default() };
    if let Some(at) = input.published_at {
        parsed.published_at = match at {
            None => Some(None),
            Some(at) => errors.check("published_at", publication_date(at)).map(Some),
        };
    }
    if let Some(title) = input.title {
        parsed.title = errors.check("title", Title::parse(title));
    }
    if let Some(slug) = input.slug {
        parsed.slug = errors.check("slug", addressable_slug(slug));
    }
    parsed.body = match (input.body_markdown, input.body_html) {
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
    if let Some(excerpt) = input.excerpt {
        parsed.excerpt = match excerpt {
            None => Some(None),
            Some(text) => errors.check("excerpt", Excerpt::parse(&text)).map(Some),
        };
    }
    parsed.status = input.status;
    if let Some(image) = input.featured_image {
        parsed.featured_image = match image {
            None => Some(None),
            Some(image) => parse_image(image, &mut errors).map(Some),
        };
    }
    if let Some(tags) = input.tags {
        parsed.tags = parse_tags(tags, &mut errors);
    }
    if let Some(sidebar) = input.sidebar {
        parsed.sidebar = match sidebar {
            None => Some(None),
            Some(slug) => errors.check("sidebar", Slug::parse(slug)).map(Some),
        };
    }
    if let Some(author) = input.author {
        parsed.author = errors.check("author", Slug::parse(author));
    }
    if let Some(seo) = input.seo {
        parsed.seo = parse_seo(seo, &mut errors);
    }
    errors.into_result().map(|()| parsed)
}

/// Publication dates from 1970 to 9999: both backends store and compare them alike (SQLite
/// compares the text, PostgreSQL refuses years it cannot hold), and no post is older.
fn publication_date(at: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    use chrono::Datelike;
    if (1970..=9999).contains(&at.year()) { Ok(at) } else { Err("must be a date from 1970 to 9999".into()) }
}

fn parse_image(image: FeaturedImageInput, errors: &mut ValidationErrors) -> Option<FeaturedImage> {
    let url = image.url.and_then(|u| errors.check("featured_image.url", HttpUrl::parse(u)));
    let alt = image.alt.and_then(|a| errors.check("featured_image.alt", ImageText::parse(a)));
    let credit = image.credit.and_then(|c| errors.check("featured_image.credit", ImageText::parse(c)));
    if url.is_some() && image.media_id.is_some() {
        errors.push("featured_image.media_id", "send url or media_id, not both");
    }
    Some(FeaturedImage {
        url: url.map(HttpUrl::into_string),
        alt: alt.map(ImageText::into_string),
        credit: credit.map(ImageText::into_string),
        media_id: image.media_id,
        width: None,
        height: None,
    })
}

fn parse_tags(tags: Vec<String>, errors: &mut ValidationErrors) -> Option<Vec<(Slug, String)>> {
    if tags.len() > MAX_TAGS {
        errors.push("tags", format!("at most {MAX_TAGS} tags"));
        return None;
    }
    let mut parsed: Vec<(Slug, String)> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.into_iter().enumerate() {
        let field = format!("tags[{i}]");
        let Some(name) = errors.check(&field, TagName::parse(tag)) else { continue };
        let Some(slug) = Slug::derive(name.as_str()) else {
            errors.push(field, "needs at least one letter or digit");
            continue;
        };
        if !parsed.iter().any(|(s, _)| *s == slug) {
            parsed.push((slug, name.into_string()));
        }
    }
    Some(parsed)
}
