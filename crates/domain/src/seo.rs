//! What search engines and link previews read about a post or a page, and the public address of
//! each, from the frontend's URL templates.

use crate::{Timestamp, truncate_words};

/// The longest meta description derived from an excerpt, in characters (what search engines show).
pub const META_DESCRIPTION_DERIVED: usize = 160;

/// SEO fields as stored: each empty one is derived when shown (see [`Seo::effective`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Seo {
    /// The `<title>` a frontend writes; the item's title when empty.
    pub meta_title: Option<String>,
    /// The `<meta name="description">`; the excerpt (cut at 160 characters) when empty.
    pub meta_description: Option<String>,
    /// `<link rel="canonical">`; the item's public URL when empty.
    pub canonical_url: Option<String>,
    /// The `og:image` link previews show; the featured image when empty.
    pub og_image: Option<String>,
    /// Keep search engines out: left out of the sitemap, and frontends write `noindex`.
    pub noindex: bool,
}

/// The SEO fields as a frontend writes them: every default filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveSeo {
    /// The page title.
    pub meta_title: String,
    /// The description.
    pub meta_description: String,
    /// The canonical address, when the item has a public one.
    pub canonical_url: Option<String>,
    /// The preview image, when there is one.
    pub og_image: Option<String>,
    /// Whether search engines are asked to stay out.
    pub noindex: bool,
}

impl Seo {
    /// The fields with their defaults: title, excerpt, public URL and featured image.
    pub fn effective(&self, title: &str, excerpt: &str, url: Option<&str>, image: Option<&str>) -> EffectiveSeo {
        EffectiveSeo {
            meta_title: self.meta_title.clone().unwrap_or_else(|| title.to_string()),
            meta_description: self
                .meta_description
                .clone()
                .unwrap_or_else(|| truncate_words(excerpt, META_DESCRIPTION_DERIVED)),
            canonical_url: self.canonical_url.clone().or_else(|| url.map(str::to_string)),
            og_image: self.og_image.clone().or_else(|| image.map(str::to_string)),
            noindex: self.noindex,
        }
    }
}

/// Where the frontend shows an item: an absolute http(s) URL with placeholders, `{slug}` or
/// `{id}` among them, and the publication date's `{yyyy}`, `{mm}` and `{dd}` if wanted
/// (`https://example.com/{yyyy}/{mm}/{slug}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate(String);

const PLACEHOLDERS: [&str; 5] = ["slug", "id", "yyyy", "mm", "dd"];

impl UrlTemplate {
    /// Parses a template. Refused: not http(s), an unknown or unclosed placeholder, or none of
    /// `{slug}` and `{id}` (every item would have the same address).
    pub fn parse(template: &str) -> Result<Self, String> {
        let template = template.trim();
        let lower = template.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) || template.len() > 500 {
            return Err("must be an absolute http(s) URL of at most 500 characters".into());
        }
        // The read compiler writes the template's text into SQL as a literal: nothing that
        // could mean more than itself there (a backslash, a control character) is let in.
        if template.chars().any(|c| c == '\\' || c.is_control()) {
            return Err("must not hold a backslash or a control character".into());
        }
        let mut rest = template;
        let mut names = Vec::new();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').ok_or("has a { without its }")? + open;
            let name = &rest[open + 1..close];
            if !PLACEHOLDERS.contains(&name) {
                return Err(format!("knows {{slug}}, {{id}}, {{yyyy}}, {{mm}} and {{dd}}, not {{{name}}}"));
            }
            names.push(name);
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err("has a } without its {".into());
        }
        if !names.iter().any(|n| matches!(*n, "slug" | "id")) {
            return Err("needs {slug} or {id}".into());
        }
        Ok(Self(template.to_string()))
    }

    /// The template's text and placeholders in order, for a database to fill in.
    pub fn parts(&self) -> Vec<UrlPart<'_>> {
        let mut parts = Vec::new();
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map_or(rest.len(), |c| c + open);
            if open > 0 {
                parts.push(UrlPart::Text(&rest[..open]));
            }
            parts.push(match &rest[open + 1..close] {
                "slug" => UrlPart::Slug,
                "id" => UrlPart::Id,
                "yyyy" => UrlPart::Year,
                "mm" => UrlPart::Month,
                _ => UrlPart::Day,
            });
            rest = rest.get(close + 1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            parts.push(UrlPart::Text(rest));
        }
        parts
    }

    /// The address of the item with this slug and id, published at `published_at`; `None` when
    /// the template names a date and the item has none (a draft with no planned date).
    pub fn render(&self, slug: &str, id: i64, published_at: Option<Timestamp>) -> Option<String> {
        use chrono::Datelike;
        let needs_date = ["{yyyy}", "{mm}", "{dd}"].iter().any(|p| self.0.contains(p));
        let date = published_at.filter(|_| needs_date);
        if needs_date && date.is_none() {
            return None;
        }
        let mut url = self.0.replace("{slug}", slug).replace("{id}", &id.to_string());
        if let Some(date) = date {
            url = url
                .replace("{yyyy}", &format!("{:04}", date.year()))
                .replace("{mm}", &format!("{:02}", date.month()))
                .replace("{dd}", &format!("{:02}", date.day()));
        }
        Some(url)
    }
}

/// A piece of a [`UrlTemplate`]: text as written, or a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPart<'a> {
    /// Text as written.
    Text(&'a str),
    /// `{slug}`.
    Slug,
    /// `{id}`.
    Id,
    /// `{yyyy}` of the publication date.
    Year,
    /// `{mm}`.
    Month,
    /// `{dd}`.
    Day,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_parts() {
        let template = UrlTemplate::parse("https://example.com/{yyyy}/{mm}/{dd}/{slug}-{id}").unwrap();
        assert_eq!(
            template.parts(),
            [
                UrlPart::Text("https://example.com/"),
                UrlPart::Year,
                UrlPart::Text("/"),
                UrlPart::Month,
                UrlPart::Text("/"),
                UrlPart::Day,
                UrlPart::Text("/"),
                UrlPart::Slug,
                UrlPart::Text("-"),
                UrlPart::Id,
            ]
        );
        assert_eq!(UrlTemplate::parse("http://x.test/{slug}/").unwrap().parts().last(), Some(&UrlPart::Text("/")));
    }

    #[test]
    fn templates_fill_their_placeholders() {
        let template = UrlTemplate::parse("https://example.com/{yyyy}/{mm}/{dd}/{slug}").unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2010, 3, 7).unwrap().and_hms_opt(9, 0, 0);
        assert_eq!(template.render("the-rug", 4, at).as_deref(), Some("https://example.com/2010/03/07/the-rug"));
        assert_eq!(template.render("draft", 5, None), None, "a dated address needs a date");
        let by_id = UrlTemplate::parse("http://site.test/p/{id}").unwrap();
        assert_eq!(by_id.render("x", 42, None).as_deref(), Some("http://site.test/p/42"));
        for bad in [
            "/relative/{slug}",
            "https://x.test/{year}/{slug}",
            "https://x.test/{slug",
            "https://x.test/",
            "ftp://x/{slug}",
            "https://x.test/a\\b/{slug}",
            "https://x.test/\u{0}/{slug}",
        ] {
            assert!(UrlTemplate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn empty_fields_take_their_defaults() {
        let seo = Seo::default();
        let long = "word ".repeat(60);
        let effective =
            seo.effective("The Rug", &long, Some("https://x.test/the-rug"), Some("https://img.test/rug.jpg"));
        assert_eq!(effective.meta_title, "The Rug");
        assert!(effective.meta_description.chars().count() <= META_DESCRIPTION_DERIVED);
        assert_eq!(effective.canonical_url.as_deref(), Some("https://x.test/the-rug"));
        assert_eq!(effective.og_image.as_deref(), Some("https://img.test/rug.jpg"));
        let set = Seo { meta_title: Some("Rug | Shop".into()), noindex: true, ..Seo::default() };
        let effective = set.effective("The Rug", "", None, None);
        assert_eq!(effective.meta_title, "Rug | Shop");
        assert!(effective.noindex && effective.canonical_url.is_none() && effective.og_image.is_none());
    }
}
