//! Small HTML helpers that need no parser.

/// Escapes text for use inside HTML element content or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain text to HTML: blank-line-separated blocks become paragraphs, single newlines `<br>`.
/// `render` turns each line's text into HTML (escaping, or sanitizing an allowlist).
pub fn paragraphs(text: &str, render: impl Fn(&str) -> String) -> String {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    normalized
        .split("\n\n")
        .map(str::trim)
        .filter(|block| !block.is_empty())
        .map(|block| {
            let lines: Vec<String> = block.lines().map(|line| render(line.trim())).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn splits_paragraphs_and_lines() {
        assert_eq!(paragraphs("one\ntwo\n\n\nthree", escape), "<p>one<br>two</p>\n<p>three</p>");
        assert_eq!(paragraphs("a < b", escape), "<p>a &lt; b</p>");
        assert_eq!(paragraphs("  \n\n ", escape), "");
    }
}
