//! Parsing a post's fields as a client sent them into domain values: every bad value is
//! reported with its field name, all at once. What posts share with pages is parsed by
//! [`crate::content`].

use colophon_domain::{BoundedText, FeaturedImage, HttpUrl, Patch, Slug, ValidationErrors};
use colophon_store::{NewPost, PostChanges};

use crate::content::{ContentInput, ParsedContent, parse_content};

/// A post's fields as sent, for create (absent = default) and update (absent = unchanged): what
/// posts and pages share, and a post's own.
#[derive(Debug, Clone, Default)]
pub struct PostInput {
    /// Title, slug, body, excerpt, publication, sidebar and SEO fields.
    pub content: ContentInput,
    /// The picture shown above the post.
    pub featured_image: Patch<FeaturedImageInput>,
    /// Tag names (at most 20, each at most 50 characters), replacing the post's; new ones are created.
    pub tags: Option<Vec<String>>,
    /// Whether readers may comment; on by default.
    pub comments_enabled: Option<bool>,
    /// An author's slug: editors may write under another author's name.
    pub author: Option<String>,
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
type TagName = BoundedText<50>;
type ImageText = BoundedText<300>;

/// The parsed fields; `None` or `Keep` where the input left the field out.
#[derive(Default)]
pub struct ParsedPost {
    pub content: ParsedContent,
    pub featured_image: Patch<FeaturedImage>,
    pub tags: Option<Vec<(Slug, String)>>,
    pub settings: Settings,
    pub author: Option<Slug>,
}

/// A post's own simple fields, stored as sent (`None`: the default on create, unchanged on
/// update). A new one is a field here, in [`PostInput`] and in the store: the use cases pass
/// them through [`Settings::new_post`] and [`Settings::changes`] without naming them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    pub comments_enabled: Option<bool>,
}

impl Settings {
    fn parse(input: &PostInput) -> Self {
        Self { comments_enabled: input.comments_enabled }
    }

    /// A new post's settings, on top of `base` (which has their defaults).
    pub fn new_post(self, base: NewPost) -> NewPost {
        NewPost { comments_enabled: self.comments_enabled.unwrap_or(base.comments_enabled), ..base }
    }

    /// The changes of a post's settings, on top of `base` (which leaves them alone).
    pub fn changes(self, base: PostChanges) -> PostChanges {
        PostChanges { comments_enabled: self.comments_enabled, ..base }
    }
}

pub fn parse(input: PostInput) -> Result<ParsedPost, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let settings = Settings::parse(&input);
    let content = parse_content(input.content, &mut errors);
    let featured_image = match input.featured_image {
        Patch::Keep => Patch::Keep,
        Patch::Clear => Patch::Clear,
        Patch::Set(image) => parse_image(image, &mut errors).map_or(Patch::Keep, Patch::Set),
    };
    let tags = input.tags.and_then(|tags| parse_tags(tags, &mut errors));
    let author = input.author.and_then(|author| errors.check("author", Slug::parse(author)));
    let parsed = ParsedPost { content, featured_image, tags, settings, author };
    errors.into_result().map(|()| parsed)
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
