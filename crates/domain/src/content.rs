//! Post bodies: Markdown rendered with pulldown-cmark, author HTML and rendered Markdown both
//! sanitized with ammonia's broad default allowlist. No scripts, event handlers, `style`, or
//! `javascript:` URLs survive, whoever wrote them (admins included).

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html::write_html_fmt};

use crate::markup::{
    MAX_NESTING, forbidden_char, forbidden_char_error, html_too_deep, markdown_too_deep, nesting_error,
};

/// The longest derived excerpt, in characters.
pub const EXCERPT_MAX: usize = 300;
/// The longest body accepted, in bytes (Markdown or HTML, before rendering).
pub const BODY_MAX: usize = 512 * 1024;
/// The largest rendered body stored, in bytes: Markdown can multiply its size (a table's header
/// row pads every later row), so the output is bounded too, while it is written. Sanitizing takes
/// time in proportion to it: at this size, about 50 ms.
pub const RENDERED_MAX: usize = 512 * 1024;

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

/// Sanitized post HTML: the only way to get one is through the sanitizer (or from the
/// database, which only ever stored sanitized HTML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostHtml(String);

impl PostHtml {
    /// Renders and sanitizes Markdown. Refused: more than [`BODY_MAX`] bytes, nesting deeper than
    /// [`MAX_NESTING`] (checked before the Markdown parser runs, and again on its output before the
    /// sanitizer runs), or more than [`RENDERED_MAX`] bytes of output.
    pub fn from_markdown(markdown: &str) -> Result<Self, String> {
        check_text(markdown)?;
        if markdown_too_deep(markdown, MAX_NESTING) {
            return Err(nesting_error());
        }
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
        let mut html = Bounded(String::with_capacity(markdown.len() * 5 / 4));
        write_html_fmt(&mut html, Parser::new_ext(markdown, options)).map_err(|_| too_large_rendered())?;
        Self::sanitize(&html.0)
    }

    /// Sanitizes author HTML, refused past [`BODY_MAX`] bytes or [`MAX_NESTING`] levels.
    pub fn from_html(html: &str) -> Result<Self, String> {
        check_text(html)?;
        Self::sanitize(html)
    }

    fn sanitize(html: &str) -> Result<Self, String> {
        if html_too_deep(html, MAX_NESTING) {
            return Err(nesting_error());
        }
        let clean = POST_POLICY.clean(html).to_string();
        if clean.len() > RENDERED_MAX {
            return Err(too_large_rendered());
        }
        Ok(Self(clean))
    }

    /// HTML read back from the database: it was sanitized when it was written, and is not
    /// checked against the input limits again (they may have changed since, and a stored post
    /// must stay editable whatever it holds).
    pub fn stored(html: String) -> Self {
        Self(html)
    }

    /// An empty body, for a post created without one.
    pub fn empty() -> Self {
        Self(String::new())
    }

    /// The sanitized HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The sanitized HTML, to store or serve.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The first paragraph as plain text, at most [`EXCERPT_MAX`] characters, cut at a word.
    /// Only the start of the body is read: a 300-character excerpt never needs more, and a body
    /// without paragraphs (a long table) would otherwise be sanitized a second time whole.
    pub fn derive_excerpt(&self) -> String {
        const SOURCE_MAX: usize = 16 * 1024;
        let mut end = self.0.len().min(SOURCE_MAX);
        while !self.0.is_char_boundary(end) {
            end -= 1;
        }
        let html = &self.0[..end];
        let first_paragraph = html
            .find("<p>")
            .and_then(|start| html[start..].find("</p>").map(|end| &html[start + 3..start + end]))
            .unwrap_or(html);
        truncate_words(&plain_text(first_paragraph), EXCERPT_MAX)
    }
}

/// A `fmt::Write` that fails once [`RENDERED_MAX`] bytes are written, which stops the renderer.
struct Bounded(String);

impl std::fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.0.len() + s.len() > RENDERED_MAX {
            return Err(std::fmt::Error);
        }
        self.0.push_str(s);
        Ok(())
    }
}

fn too_large_rendered() -> String {
    format!("renders to more than {} KiB of HTML", RENDERED_MAX / 1024)
}

fn check_text(text: &str) -> Result<(), String> {
    if text.len() > BODY_MAX {
        return Err(format!("must be at most {} KiB", BODY_MAX / 1024));
    }
    match forbidden_char(text) {
        Some(c) => Err(forbidden_char_error(c)),
        None => Ok(()),
    }
}

/// Text content of an HTML fragment, entities decoded, whitespace collapsed. Text that spelled
/// out markup (`&lt;img onerror=…&gt;`) must not turn into markup: a `<` that would open a tag
/// becomes `‹` (U+2039), so the text stays text even where a frontend inserts it as HTML.
pub fn plain_text(html: &str) -> String {
    let text = TEXT_ONLY.clean(html).to_string();
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    defang(&decoded.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Replaces each `<` that an HTML parser would read as the start of a tag, comment or
/// declaration.
fn defang(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let opens_markup =
            c == '<' && chars.peek().is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        out.push(if opens_markup { '\u{2039}' } else { c });
    }
    out
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
    /// An excerpt as given: trimmed, at most [`EXCERPT_MAX`] characters, and stored as plain text
    /// (markup removed). Refused when nothing but markup was given.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.chars().count() > EXCERPT_MAX {
            return Err(format!("must be at most {EXCERPT_MAX} characters"));
        }
        if let Some(c) = forbidden_char(value) {
            return Err(forbidden_char_error(c));
        }
        let text = plain_text(value);
        if text.is_empty() && !value.is_empty() {
            // Nothing but markup: say so rather than store an empty excerpt.
            return Err("is plain text: nothing is left once the markup is removed".into());
        }
        Ok(Self(text))
    }

    /// The excerpt derived from a body: see [`PostHtml::derive_excerpt`].
    pub fn derive(body: &PostHtml) -> Self {
        Self(body.derive_excerpt())
    }

    /// The excerpt's plain text.
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
    fn nesting_and_rendered_size_are_bounded() {
        assert!(PostHtml::from_markdown(&">".repeat(40_000)).unwrap_err().contains("levels deep"));
        assert!(PostHtml::from_html(&"<div>".repeat(40_000)).unwrap_err().contains("levels deep"));
        assert!(PostHtml::from_markdown(&"<div>".repeat(1_000)).unwrap_err().contains("levels deep"));
        assert!(PostHtml::from_markdown(&"> ".repeat(30)).is_ok());
        // A 2,000-column header row pads each of 2,000 one-cell rows to 2,000 cells.
        let table = format!("|{}\n|{}\n{}", "a|".repeat(2_000), "-|".repeat(2_000), "|x\n".repeat(2_000));
        assert!(table.len() < BODY_MAX);
        assert!(PostHtml::from_markdown(&table).unwrap_err().contains("KiB of HTML"));
        let stored = PostHtml::stored("x".repeat(BODY_MAX * 2));
        assert!(!stored.derive_excerpt().is_empty(), "stored HTML is never re-checked");
    }

    #[test]
    fn escaped_markup_stays_text_in_excerpts() {
        let body = PostHtml::from_html("<p>&lt;img src=x onerror=alert(1)&gt; and a &lt; b</p>").unwrap();
        let excerpt = body.derive_excerpt();
        assert!(!excerpt.contains("<img"), "{excerpt}");
        assert_eq!(excerpt, "\u{2039}img src=x onerror=alert(1)> and a < b");
        let given = Excerpt::parse("&lt;script&gt;alert(1)&lt;/script&gt;").unwrap().into_string();
        assert!(!given.contains("<script") && !given.contains("</"), "{given}");
        assert!(Excerpt::parse("bad \u{FFFE}").is_err());
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
