//! Bounds on markup, checked in one linear pass before any parser sees the text.
//!
//! HTML parsers (html5ever, under ammonia) and Markdown's list handling take time that grows with
//! the square of the nesting depth: 40,000 `>` took seconds. Real content nests a few levels, so a
//! fixed bound refuses the attack without touching real posts. The scanners here follow what a
//! parser would build closely enough to never undercount an attack: unknown or stray end tags are
//! ignored, elements that close themselves implicitly (`<p>`, `<li>`, `<td>` …) are closed the way
//! the HTML parser closes them, and void elements never open.

/// The deepest nesting of elements or Markdown containers accepted.
pub const MAX_NESTING: usize = 64;

/// Why a text was refused, in words for the field's error message.
pub fn nesting_error() -> String {
    format!("nests markup more than {MAX_NESTING} levels deep")
}

const VOID: [&str; 16] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "keygen", "frame",
];
/// Elements whose content is text up to their own end tag.
const RAW_TEXT: [&str; 10] =
    ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];
/// Start tags that close an open `<p>` (the HTML parser's "close a p element").
const CLOSES_P: [&str; 31] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "ul",
];

/// Whether `html` nests elements deeper than `max`, as an HTML parser would build them.
pub fn html_too_deep(html: &str, max: usize) -> bool {
    let bytes = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        i += offset + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find(bytes, i + 3, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        if !bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let mut end = start;
        while end < bytes.len() && !matches!(bytes[end], b'\t' | b'\n' | b'\x0c' | b' ' | b'/' | b'>') {
            end += 1;
        }
        let name = html[start..end].to_ascii_lowercase();
        i = end_of_tag(bytes, end);
        if closing {
            if let Some(open) = stack.iter().rposition(|n| *n == name) {
                stack.truncate(open);
            }
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = find_ascii_ci(bytes, i, close.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        if VOID.contains(&name.as_str()) {
            continue;
        }
        close_implied(&mut stack, &name);
        stack.push(name);
        if stack.len() > max {
            return true;
        }
    }
    false
}

/// Closes what the start tag `name` closes implicitly.
fn close_implied(stack: &mut Vec<String>, name: &str) {
    let pop_to = |stack: &mut Vec<String>, targets: &[&str], boundary: &[&str]| {
        for at in (0..stack.len()).rev() {
            if targets.contains(&stack[at].as_str()) {
                stack.truncate(at);
                return;
            }
            if boundary.contains(&stack[at].as_str()) {
                return;
            }
        }
    };
    if CLOSES_P.contains(&name) {
        pop_to(stack, &["p"], &["button", "table", "td", "th", "caption", "html", "applet", "object", "marquee"]);
    }
    match name {
        "li" => pop_to(stack, &["li"], &["ul", "ol", "table"]),
        "dt" | "dd" => pop_to(stack, &["dt", "dd"], &["dl", "table"]),
        "tr" => pop_to(stack, &["tr"], &["table"]),
        "td" | "th" => pop_to(stack, &["td", "th"], &["tr", "table"]),
        "thead" | "tbody" | "tfoot" => pop_to(stack, &["thead", "tbody", "tfoot"], &["table"]),
        "option" => pop_to(stack, &["option"], &["select", "datalist"]),
        "optgroup" => pop_to(stack, &["option", "optgroup"], &["select"]),
        _ => {}
    }
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

fn find_ascii_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|p| from + p)
}

/// The index just past the `>` that ends a tag whose name ends at `from`; quoted attribute
/// values may hold `>`.
fn end_of_tag(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'>' => return at + 1,
            b'=' => {
                at += 1;
                while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                if let Some(&quote @ (b'"' | b'\'')) = bytes.get(at) {
                    at = bytes[at + 1..].iter().position(|&b| b == quote).map_or(bytes.len(), |p| at + 1 + p + 1);
                    continue;
                }
            }
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Whether Markdown nests block containers (block quotes, lists) deeper than `max`: on each line,
/// every `>` and list marker opens a level, and indentation before a marker counts a level per
/// two columns (the least a nested list item needs). Fenced code is skipped.
pub fn markdown_too_deep(markdown: &str, max: usize) -> bool {
    let mut fence: Option<(u8, usize)> = None;
    for line in markdown.lines() {
        let bytes = line.as_bytes();
        let (indent, rest) = indentation(bytes);
        if let Some((marker, length)) = fence {
            if rest.iter().take_while(|&&b| b == marker).count() >= length {
                fence = None;
            }
            continue;
        }
        let run = rest.iter().take_while(|&&b| b == b'`' || b == b'~').count();
        if run >= 3 && rest[..run].iter().all(|&b| b == rest[0]) && indent < 4 {
            fence = Some((rest[0], run));
            continue;
        }
        let mut depth = 0;
        let mut rest = rest;
        while let Some(width) = container_marker(rest) {
            depth += 1;
            rest = indentation(&rest[width..]).1;
        }
        if depth > 0 {
            depth += indent / 2;
        }
        if depth > max {
            return true;
        }
    }
    false
}

/// Columns of leading whitespace (a tab counts four) and the rest of the line.
fn indentation(bytes: &[u8]) -> (usize, &[u8]) {
    let mut columns = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b' ' => columns += 1,
            b'\t' => columns += 4,
            _ => break,
        }
        at += 1;
    }
    (columns, &bytes[at..])
}

/// The width of a block quote or list marker at the start of `bytes`.
fn container_marker(bytes: &[u8]) -> Option<usize> {
    let followed_by_space = |at: usize| bytes.get(at).is_none_or(|b| *b == b' ' || *b == b'\t');
    match bytes.first()? {
        b'>' => Some(1),
        b'-' | b'+' | b'*' if followed_by_space(1) => Some(1),
        b'0'..=b'9' => {
            let digits = bytes.iter().take(10).take_while(|b| b.is_ascii_digit()).count();
            (digits <= 9 && matches!(bytes.get(digits), Some(b'.' | b')')) && followed_by_space(digits + 1))
                .then_some(digits + 1)
        }
        _ => None,
    }
}

/// Characters XML 1.0 forbids (so an Atom feed could not carry them) and Unicode
/// noncharacters: the first one found in `text`. Tab, newline and carriage return are allowed.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| is_forbidden(c))
}

fn is_forbidden(c: char) -> bool {
    let code = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&code)
        || (code & 0xFFFE) == 0xFFFE
}

/// The message for a text holding a forbidden character.
pub fn forbidden_char_error(c: char) -> String {
    format!("must not contain the control character or noncharacter U+{:04X}", c as u32)
}

/// `text` without the characters [`forbidden_char`] finds (for output that must stay well-formed
/// whatever is stored).
pub fn strip_forbidden(text: &str) -> std::borrow::Cow<'_, str> {
    if forbidden_char(text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().filter(|&c| !is_forbidden(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_html_nesting_as_a_parser_builds_it() {
        assert!(!html_too_deep(&"<div>".repeat(64), 64));
        assert!(html_too_deep(&"<div>".repeat(65), 64));
        assert!(html_too_deep(&"<DIV class='a>b'>".repeat(65), 64));
        assert!(!html_too_deep(&"<div></div>".repeat(10_000), 64), "siblings are not nesting");
        assert!(!html_too_deep(&"<p>one".repeat(1_000), 64), "a <p> closes the open one");
        assert!(!html_too_deep(&"<ul><li>a<li>b<li>c</ul>".repeat(100), 64));
        assert!(!html_too_deep(&"<table><tr><td>a<td>b<tr><td>c</table>".repeat(100), 64));
        assert!(!html_too_deep(&"<br><img src=x><hr>".repeat(1_000), 64), "void elements never open");
        assert!(!html_too_deep(&format!("<script>{}</script>", "<div>".repeat(100)), 64));
        assert!(!html_too_deep(&format!("<!--{}-->", "<div>".repeat(100)), 64));
        assert!(html_too_deep(&"<b>".repeat(100), 64));
        assert!(html_too_deep(&"<div/>".repeat(100), 64), "a self-closing div still opens");
        assert!(html_too_deep(&"<blockquote><p>x".repeat(70), 64));
        assert!(!html_too_deep(&"<blockquote><p>x".repeat(60), 64));
    }

    #[test]
    fn counts_markdown_containers() {
        assert!(html_too_deep(&">".repeat(100).replace('>', "<blockquote>"), 64));
        assert!(markdown_too_deep(&">".repeat(65), 64));
        assert!(!markdown_too_deep(&">".repeat(64), 64));
        assert!(markdown_too_deep(&"> ".repeat(65), 64));
        assert!(markdown_too_deep(&"- ".repeat(65), 64));
        assert!(markdown_too_deep(&"1. ".repeat(65), 64));
        let indented: String = (0..70).map(|i| format!("{}- item\n", "  ".repeat(i))).collect();
        assert!(markdown_too_deep(&indented, 64));
        let normal = "# Title\n\n> quote\n> > nested\n\n- a\n  - b\n    - c\n\n1. one\n2. two\n\n    code\n";
        assert!(!markdown_too_deep(normal, 64));
        let fenced = format!("```\n{}- deep\n```\n", " ".repeat(400));
        assert!(!markdown_too_deep(&fenced, 64), "fenced code is not structure");
        assert!(!markdown_too_deep("-1 is negative\n2024. A year\n*emphasis*", 64));
    }

    #[test]
    fn finds_what_xml_forbids() {
        assert_eq!(forbidden_char("fine\ttext\r\n"), None);
        assert_eq!(forbidden_char("a\u{FFFE}"), Some('\u{FFFE}'));
        assert_eq!(forbidden_char("a\u{FFFF}"), Some('\u{FFFF}'));
        assert_eq!(forbidden_char("a\u{1FFFF}"), Some('\u{1FFFF}'));
        assert_eq!(forbidden_char("a\u{FDD0}"), Some('\u{FDD0}'));
        assert_eq!(forbidden_char("a\u{1}"), Some('\u{1}'));
        assert_eq!(forbidden_char("a\u{85}"), Some('\u{85}'));
        assert_eq!(strip_forbidden("a\u{FFFE}b\u{0}c"), "abc");
        assert_eq!(forbidden_char("emoji 🎳 and é"), None);
    }
}
