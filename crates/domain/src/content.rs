//! Post bodies: Markdown rendered with pulldown-cmark, author HTML and rendered Markdown both
//! sanitized with ammonia's broad default allowlist. No scripts, event handlers, `style`, or
//! `javascript:` URLs survive, whoever wrote them (admins included).

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html::push_html};

/// The longest derived excerpt, in characters.
pub const EXCERPT_MAX: usize = 300;
/// The longest body accepted, in bytes (Markdown or HTML, before rendering).
pub const BODY_MAX: usize = 512 * 1024;

static POST_POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder.clean_content_tags(["script", "style"].into_iter().collect());
    builder
});

/// Sanitized post HTML: the only way to get one is through the sanitizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostHtml(String);

impl PostHtml {
    pub fn from_markdown(markdown: &str) -> Result<Self, String> {
        check_size(markdown)?;
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
        let mut html = String::with_capacity(markdown.len() * 5 / 4);
        push_html(&mut html, Parser::new_ext(markdown, options));
        Ok(Self(POST_POLICY.clean(&html).to_string()))
    }

    pub fn from_html(html: &str) -> Result<Self, String> {
        check_size(html)?;
        Ok(Self(POST_POLICY.clean(html).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The first paragraph as plain text, at most [`EXCERPT_MAX`] characters, cut at a word.
    pub fn derive_excerpt(&self) -> String {
        let html = &self.0;
        let first_paragraph = html
            .find("<p>")
            .and_then(|start| html[start..].find("</p>").map(|end| &html[start + 3..start + end]))
            .unwrap_or(html);
        truncate_words(&plain_text(first_paragraph), EXCERPT_MAX)
    }
}

fn check_size(text: &str) -> Result<(), String> {
    if text.len() > BODY_MAX { Err(format!("must be at most {} KiB", BODY_MAX / 1024)) } else { Ok(()) }
}

/// Text content of an HTML fragment, entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let text = TEXT_ONLY.clean(html).to_string();
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, cut at the last space before the limit, with an ellipsis.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > max / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// A post excerpt: given (plain text, at most 300 characters) or derived from the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt(String);

impl Excerpt {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.chars().count() > EXCERPT_MAX {
            return Err(format!("must be at most {EXCERPT_MAX} characters"));
        }
        Ok(Self(plain_text(value)))
    }

    pub fn derive(body: &PostHtml) -> Self {
        Self(body.derive_excerpt())
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_sanitized() {
        let html =
            PostHtml::from_markdown("# Title\n\nHello *world* <script>alert(1)</script>\n\n[x](javascript:alert(1))")
                .unwrap();
        assert!(html.as_str().contains("<h1>Title</h1>"));
        assert!(html.as_str().contains("<em>world</em>"));
        assert!(!html.as_str().contains("script"));
        assert!(!html.as_str().contains("javascript"));
    }

    #[test]
    fn author_html_loses_handlers_and_scripts() {
        let html = PostHtml::from_html(r#"<p onclick="x()">Hi <img src=x onerror=alert(1)><a href="javascript:x">l</a></p><script>x</script><style>p{}</style>"#).unwrap();
        let out = html.as_str();
        for bad in ["onclick", "onerror", "javascript", "<script", "<style"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(out.contains("<p>Hi"));
    }

    #[test]
    fn excerpt_is_the_first_paragraph_in_plain_text() {
        let body = PostHtml::from_markdown("Do you *cross* the streams? A &amp; B.\n\nSecond paragraph.").unwrap();
        assert_eq!(body.derive_excerpt(), "Do you cross the streams? A & B.");
        let long = PostHtml::from_markdown(&"word ".repeat(200)).unwrap();
        let excerpt = long.derive_excerpt();
        assert!(excerpt.chars().count() <= EXCERPT_MAX);
        assert!(excerpt.ends_with('…'));
        assert!(Excerpt::parse(&"x".repeat(301)).is_err());
    }
}
