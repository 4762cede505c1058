//! Reader comments: exactly the seed page's HTML allowlist, rendered once, on write.
//!
//! Allowed: `<a href title>`, `<abbr title>`, `<acronym title>`, `<b>`, `<blockquote cite>`,
//! `<code>`, `<em>`, `<i>`, `<strike>`, `<strong>`. Only `http`, `https` and `mailto` URLs survive
//! (no relative ones); links get `rel="nofollow ugc noopener"`. Blank-line-separated text becomes
//! paragraphs and single newlines `<br>`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Stands in for a newline while the allowlist is applied: text nodes keep it, attribute values
/// lose it, so every one left afterwards is a line break in text.
const NEWLINE: char = '\u{E000}';

/// The only tags a comment may contain; every other tag is stripped.
pub const COMMENT_TAGS: [&str; 10] = ["a", "abbr", "acronym", "b", "blockquote", "code", "em", "i", "strike", "strong"];
/// The only URL schemes a comment's `href` and `cite` may use; relative URLs are dropped too.
pub const COMMENT_URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];
/// The `rel` of every link in a comment: no endorsement for search engines, no `window.opener`.
pub const COMMENT_LINK_REL: &str = "nofollow ugc noopener";

/// The allowed attributes of each allowed tag.
pub fn comment_attributes() -> HashMap<&'static str, HashSet<&'static str>> {
    HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        ("abbr", HashSet::from(["title"])),
        ("acronym", HashSet::from(["title"])),
        ("blockquote", HashSet::from(["cite"])),
    ])
}

fn policy(extra_tags: &[&'static str]) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(COMMENT_TAGS.iter().chain(extra_tags).copied().collect())
        .tag_attributes(comment_attributes())
        .generic_attributes(HashSet::new())
        .url_schemes(COMMENT_URL_SCHEMES.into_iter().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some(COMMENT_LINK_REL))
        .clean_content_tags(HashSet::from(["script", "style", "template", "textarea", "title", "noscript", "xmp"]))
        .strip_comments(true)
        .attribute_filter(|_, attribute, value| {
            let value = value.replace(NEWLINE, " ");
            // ammonia checks `href` but does not know `cite` is a URL: check both ourselves.
            if (attribute == "href" || attribute == "cite") && !allowed_url(&value) {
                return None;
            }
            Some(Cow::Owned(value))
        });
    builder
}

/// Whether a URL, read the way a browser reads it (tabs and newlines removed, surrounding
/// spaces and control characters trimmed), uses one of the allowed schemes.
fn allowed_url(value: &str) -> bool {
    let normalized: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    COMMENT_URL_SCHEMES.iter().any(|scheme| normalized.starts_with(&format!("{scheme}:")))
}

/// Pass one: the reader's markup through the exact allowlist.
static READER_POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| policy(&[]));
/// Pass two: the same allowlist plus the paragraphs and breaks we add, to balance the nesting.
static LAYOUT_POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| policy(&["p", "br"]));

/// A comment body as the reader typed it: 1 to 10,000 characters, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    /// The longest body accepted, in characters (not bytes).
    pub const MAX_CHARS: usize = 10_000;

    /// Trims the body and makes its line endings `\n`. Refused: an empty body, more than
    /// [`Self::MAX_CHARS`] characters, a forbidden character, or markup nested too deep.
    pub fn parse(value: impl AsRef<str>) -> Result<Self, String> {
        let text = value.as_ref().replace("\r\n", "\n").replace('\r', "\n").replace(NEWLINE, "");
        let text = text.trim();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        if let Some(c) = crate::markup::forbidden_char(text) {
            return Err(crate::markup::forbidden_char_error(c));
        }
        if crate::markup::html_too_deep(text, crate::markup::MAX_NESTING) {
            return Err(crate::markup::nesting_error());
        }
        Ok(Self(text.to_string()))
    }

    /// The body as typed (trimmed, line endings normalised), before rendering.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The sanitized HTML served for this body.
    pub fn render(&self) -> String {
        let marked = self.0.replace('\n', &NEWLINE.to_string());
        let clean = READER_POLICY.clean(&marked).to_string();
        let paragraphs: Vec<String> = clean
            .split(&format!("{NEWLINE}{NEWLINE}"))
            .map(|block| block.trim_matches(|c: char| c == NEWLINE || c.is_whitespace()))
            .filter(|block| !block.is_empty())
            .map(|block| format!("<p>{}</p>", block.replace(NEWLINE, "<br>")))
            .collect();
        // Balancing can leave an empty paragraph where a blockquote closed one.
        LAYOUT_POLICY.clean(&paragraphs.concat()).to_string().replace("<p></p>", "")
    }

    /// How many links the reader put in: every link the sanitizer keeps (however its URL is
    /// written: `https:host/x` has no slashes but is a link all the same) and every bare URL in
    /// the text around them.
    pub fn link_count(&self) -> usize {
        count_links(&self.render())
    }
}

/// Links in sanitized comment HTML: `<a>` elements that kept an `href`, and URL-like words in
/// the text outside them.
pub fn count_links(html: &str) -> usize {
    let mut anchors = 0;
    let mut outside = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        outside.push_str(&rest[..start]);
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        anchors += usize::from(rest[start..tag_end].contains(" href="));
        rest = match rest[tag_end..].find("</a>") {
            Some(close) => &rest[tag_end + close + 4..],
            None => "",
        };
    }
    outside.push_str(rest);
    let text = crate::plain_text(&outside).to_ascii_lowercase();
    let bare = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == '<' || c == '"')
        .filter(|word| word.starts_with("http:") || word.starts_with("https:") || word.starts_with("www."))
        .count();
    anchors + bare
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        CommentBody::parse(text).unwrap().render()
    }

    #[test]
    fn keeps_the_allowlist_and_nothing_else() {
        assert_eq!(
            render(
                r#"<a href="https://example.com" title="t" onclick="x()">l</a> <b>b</b> <i>i</i> <em>e</em> <strong>s</strong> <strike>k</strike> <code>c</code> <abbr title="a">A</abbr> <acronym title="b">B</acronym> <blockquote cite="https://x.org">q</blockquote>"#
            ),
            r#"<p><a href="https://example.com" title="t" rel="nofollow ugc noopener">l</a> <b>b</b> <i>i</i> <em>e</em> <strong>s</strong> <strike>k</strike> <code>c</code> <abbr title="a">A</abbr> <acronym title="b">B</acronym> </p><blockquote cite="https://x.org">q</blockquote>"#
        );
        assert_eq!(render("<script>alert(1)</script>hi"), "<p>hi</p>");
        assert_eq!(render(r#"<a href="javascript:alert(1)">x</a>"#), r#"<p><a rel="nofollow ugc noopener">x</a></p>"#);
        assert_eq!(render(r#"<a href="/relative">x</a>"#), r#"<p><a rel="nofollow ugc noopener">x</a></p>"#);
        assert_eq!(render("<p>typed</p><br><img src=x>"), "<p>typed</p>");
        assert_eq!(render("a < b & c"), "<p>a &lt; b &amp; c</p>");
    }

    #[test]
    fn blank_lines_make_paragraphs_and_newlines_breaks() {
        assert_eq!(render("one\ntwo\n\nthree\r\n\r\nfour"), "<p>one<br>two</p><p>three</p><p>four</p>");
        // Bold carried across a paragraph break stays bold, in well-formed markup.
        assert_eq!(render("<b>bold\n\nstill</b>"), "<p><b>bold</b></p><p><b>still</b></p>");
        assert_eq!(
            render("<a title=\"x\ny\" href=\"https://a.b\">l</a>"),
            "<p><a title=\"x y\" href=\"https://a.b\" rel=\"nofollow ugc noopener\">l</a></p>"
        );
    }

    #[test]
    fn cite_urls_are_checked_like_hrefs() {
        assert_eq!(render(r#"<blockquote cite="javascript:alert(1)">q</blockquote>"#), "<blockquote>q</blockquote>");
        assert_eq!(render("<blockquote cite=\" java\tscript:x\">q</blockquote>"), "<blockquote>q</blockquote>");
        assert_eq!(render(r#"<blockquote cite="/relative">q</blockquote>"#), "<blockquote>q</blockquote>");
        assert!(render(r#"<blockquote cite="https://ok.example">q</blockquote>"#).contains("cite="));
    }

    #[test]
    fn bodies_are_bounded() {
        assert!(CommentBody::parse("   \n ").is_err());
        assert!(CommentBody::parse("x".repeat(10_001)).is_err());
        assert!(CommentBody::parse("x".repeat(10_000)).is_ok());
        assert!(CommentBody::parse("a\u{0}b").is_err());
        assert!(CommentBody::parse("a\u{FFFE}b").is_err());
        assert!(CommentBody::parse("<blockquote>".repeat(65)).is_err());
    }

    #[test]
    fn counts_links() {
        let body = CommentBody::parse("see https://a.com and <a href=\"http://b.com\">b</a> and www.c.com").unwrap();
        assert_eq!(body.link_count(), 3);
        assert_eq!(CommentBody::parse("no links here").unwrap().link_count(), 0);
        // Written without slashes, a link is still a link (browsers follow it).
        let sneaky = CommentBody::parse(
            "<a href=\"https:a.example/x\">1</a> <a href=\"https:b.example/x\">2</a> <a href=\"HTTPS:c.example\">3</a> <a href=\"https:d.example\">4</a>",
        )
        .unwrap();
        assert_eq!(sneaky.link_count(), 4);
        // A link whose text is its URL counts once.
        assert_eq!(CommentBody::parse("<a href=\"https://a.com\">https://a.com</a>").unwrap().link_count(), 1);
        // An anchor the sanitizer stripped of its URL is no link.
        assert_eq!(CommentBody::parse("<a href=\"javascript:x\">x</a>").unwrap().link_count(), 0);
    }
}
