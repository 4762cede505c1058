//! Ghost's editor documents as HTML, for exports whose posts carry no `html`: Lexical (Ghost 5)
//! and Mobiledoc (Ghost 1–4). The cards and nodes a blog post uses are rendered (paragraphs,
//! headings, lists, quotes, links, text formats, images, code, HTML, Markdown and embed cards);
//! others are left out. The output goes through the post sanitizer like any author's HTML.

use colophon_domain::PostHtml;
use colophon_domain::html::escape;
use serde_json::Value;

/// Deeper documents are refused rather than walked (a hostile export cannot exhaust the stack;
/// serde_json itself stops at 128 levels of JSON, about 64 of nodes).
const MAX_DEPTH: usize = 32;

/// A Lexical document (the `lexical` field, itself JSON text) as HTML.
pub fn lexical_to_html(document: &str) -> Result<String, String> {
    let document: Value = serde_json::from_str(document).map_err(|e| format!("lexical is not JSON: {e}"))?;
    let mut out = String::new();
    for node in children(&document["root"]) {
        lexical_node(node, &mut out, 0)?;
    }
    Ok(out)
}

fn children(node: &Value) -> impl Iterator<Item = &Value> {
    node["children"].as_array().into_iter().flatten()
}

fn text_of(node: &Value, key: &str) -> String {
    node[key].as_str().unwrap_or_default().to_string()
}

fn lexical_children(node: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    for child in children(node) {
        lexical_node(child, out, depth + 1)?;
    }
    Ok(())
}

fn wrapped(tag: &str, node: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    out.push_str(&format!("<{tag}>"));
    lexical_children(node, out, depth)?;
    out.push_str(&format!("</{tag}>"));
    Ok(())
}

fn lexical_node(node: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("the document nests deeper than {MAX_DEPTH} levels"));
    }
    let kind = node["type"].as_str().unwrap_or_default();
    match kind {
        "paragraph" | "extended-paragraph" => wrapped("p", node, out, depth)?,
        "heading" | "extended-heading" => {
            let heading = |t: &&str| matches!(*t, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
            let tag = node["tag"].as_str().filter(heading).unwrap_or("h2");
            wrapped(tag, node, out, depth)?;
        }
        "quote" | "extended-quote" | "aside" => wrapped("blockquote", node, out, depth)?,
        "list" => wrapped(if node["listType"] == "number" { "ol" } else { "ul" }, node, out, depth)?,
        "listitem" => wrapped("li", node, out, depth)?,
        "text" | "extended-text" => {
            out.push_str(&formatted(&text_of(node, "text"), node["format"].as_u64().unwrap_or(0)));
        }
        "link" | "autolink" => {
            out.push_str(&format!("<a href=\"{}\">", escape(&text_of(node, "url"))));
            lexical_children(node, out, depth)?;
            out.push_str("</a>");
        }
        "linebreak" => out.push_str("<br>"),
        "horizontalrule" => out.push_str("<hr>"),
        "image" => out.push_str(&figure(&text_of(node, "src"), &text_of(node, "alt"), &text_of(node, "caption"))),
        "codeblock" | "code" => out.push_str(&format!("<pre><code>{}</code></pre>", escape(&text_of(node, "code")))),
        "html" | "embed" => out.push_str(node["html"].as_str().unwrap_or_default()),
        "bookmark" => out.push_str(&bookmark(&text_of(node, "url"), node["metadata"]["title"].as_str())),
        "markdown" => out.push_str(&markdown(&text_of(node, "markdown"))?),
        _ => lexical_children(node, out, depth)?,
    }
    Ok(())
}

/// Lexical's text format bits: bold 1, italic 2, strikethrough 4, underline 8, code 16.
fn formatted(text: &str, format: u64) -> String {
    let mut html = escape(text);
    for (bit, tag) in [(16, "code"), (8, "u"), (4, "s"), (2, "em"), (1, "strong")] {
        if format & bit != 0 {
            html = format!("<{tag}>{html}</{tag}>");
        }
    }
    html
}

fn figure(src: &str, alt: &str, caption: &str) -> String {
    let caption = if caption.is_empty() { String::new() } else { format!("<figcaption>{caption}</figcaption>") };
    format!("<figure><img src=\"{}\" alt=\"{}\">{caption}</figure>", escape(src), escape(alt))
}

/// A bookmark card: a link with the page's title (its address when it has none).
fn bookmark(url: &str, title: Option<&str>) -> String {
    format!("<p><a href=\"{}\">{}</a></p>", escape(url), escape(title.unwrap_or(url)))
}

fn markdown(source: &str) -> Result<String, String> {
    PostHtml::from_markdown(source).map(PostHtml::into_string).map_err(|e| format!("a Markdown card: {e}"))
}

/// A Mobiledoc document (the `mobiledoc` field, JSON text) as HTML.
pub fn mobiledoc_to_html(document: &str) -> Result<String, String> {
    let doc: Value = serde_json::from_str(document).map_err(|e| format!("mobiledoc is not JSON: {e}"))?;
    let empty = Vec::new();
    let list = |key: &str| doc[key].as_array().unwrap_or(&empty).clone();
    let (markups, atoms, cards) = (list("markups"), list("atoms"), list("cards"));
    let mut out = String::new();
    for section in doc["sections"].as_array().unwrap_or(&empty) {
        match section[0].as_u64() {
            Some(1) => {
                let tag = match section[1].as_str().map(str::to_ascii_lowercase).as_deref() {
                    Some(tag @ ("p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote")) => tag.to_string(),
                    Some("aside") => "blockquote".to_string(),
                    _ => "p".to_string(),
                };
                out.push_str(&format!("<{tag}>{}</{tag}>", markers(&section[2], &markups, &atoms)?));
            }
            Some(3) => {
                let tag = if section[1] == "ol" { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>"));
                for item in section[2].as_array().unwrap_or(&empty) {
                    out.push_str(&format!("<li>{}</li>", markers(item, &markups, &atoms)?));
                }
                out.push_str(&format!("</{tag}>"));
            }
            Some(2) => out.push_str(&figure(section[1].as_str().unwrap_or_default(), "", "")),
            Some(10) => {
                let card = section[1].as_u64().and_then(|i| cards.get(i as usize));
                if let Some(card) = card {
                    out.push_str(&mobiledoc_card(card[0].as_str().unwrap_or_default(), &card[1])?);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn mobiledoc_card(name: &str, payload: &Value) -> Result<String, String> {
    let text = |key: &str| payload[key].as_str().unwrap_or_default().to_string();
    Ok(match name {
        "html" | "embed" => text("html"),
        "markdown" | "card-markdown" => markdown(&text("markdown"))?,
        "image" => figure(&text("src"), &text("alt"), &text("caption")),
        "code" => format!("<pre><code>{}</code></pre>", escape(&text("code"))),
        "hr" => "<hr>".into(),
        "bookmark" => bookmark(&text("url"), payload["metadata"]["title"].as_str()),
        _ => String::new(),
    })
}

/// A Mobiledoc section's markers: `[kind, opened markups, closed count, text or atom]`.
fn markers(markers: &Value, markups: &[Value], atoms: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut open: Vec<String> = Vec::new();
    for marker in markers.as_array().into_iter().flatten() {
        for index in marker[1].as_array().into_iter().flatten() {
            let markup = index.as_u64().and_then(|i| markups.get(i as usize)).ok_or("a marker names no markup")?;
            let tag = match markup[0].as_str().map(str::to_ascii_lowercase).as_deref() {
                Some(tag @ ("a" | "b" | "strong" | "i" | "em" | "code" | "s" | "sub" | "sup" | "u")) => tag.to_string(),
                _ => "span".to_string(),
            };
            let attributes = markup[1].as_array().cloned().unwrap_or_default();
            let href = attributes
                .chunks(2)
                .find(|pair| pair[0] == "href")
                .and_then(|pair| pair.get(1)?.as_str().map(str::to_string));
            match href.filter(|_| tag == "a") {
                Some(href) => out.push_str(&format!("<a href=\"{}\">", escape(&href))),
                None => out.push_str(&format!("<{tag}>")),
            }
            open.push(tag);
            if open.len() > MAX_DEPTH {
                return Err(format!("the document nests deeper than {MAX_DEPTH} levels"));
            }
        }
        match marker[0].as_u64() {
            Some(1) => {
                let atom = marker[3].as_u64().and_then(|i| atoms.get(i as usize));
                match atom.map(|a| (a[0].as_str().unwrap_or_default(), a[1].as_str().unwrap_or_default())) {
                    Some(("soft-return", _)) => out.push_str("<br>"),
                    Some((_, text)) => out.push_str(&escape(text)),
                    None => {}
                }
            }
            _ => out.push_str(&escape(marker[3].as_str().unwrap_or_default())),
        }
        // Never more than are open: a hostile count (2^64) closes what there is and stops.
        let closed = marker[2].as_u64().unwrap_or(0).min(open.len() as u64);
        for _ in 0..closed {
            if let Some(tag) = open.pop() {
                out.push_str(&format!("</{tag}>"));
            }
        }
    }
    while let Some(tag) = open.pop() {
        out.push_str(&format!("</{tag}>"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paragraphs_formats_links_and_cards() {
        let doc = r#"{"root":{"children":[
            {"type":"heading","tag":"h2","children":[{"type":"text","text":"Abide","format":0}]},
            {"type":"paragraph","children":[{"type":"text","text":"The ","format":0},
                {"type":"text","text":"Dude","format":3},{"type":"linebreak"},
                {"type":"link","url":"https://dude.example","children":[{"type":"text","text":"<site>","format":0}]}]},
            {"type":"list","listType":"number","children":[{"type":"listitem","children":[{"type":"text","text":"one"}]}]},
            {"type":"markdown","markdown":"*rug*"},
            {"type":"image","src":"https://dude.example/rug.jpg","alt":"A rug","caption":"Image via Snorgtees"}]}}"#;
        let html = lexical_to_html(doc).unwrap();
        assert!(html.starts_with("<h2>Abide</h2><p>The <strong><em>Dude</em></strong><br>"), "{html}");
        assert!(html.contains("<a href=\"https://dude.example\">&lt;site&gt;</a></p>"), "{html}");
        assert!(html.contains("<ol><li>one</li></ol>"), "{html}");
        assert!(html.contains("<em>rug</em>"), "{html}");
        assert!(html.contains("<figcaption>Image via Snorgtees</figcaption>"), "{html}");
    }

    #[test]
    fn lexical_depth_is_bounded() {
        let deep = format!(
            "{{\"root\":{{\"children\":[{}{{\"type\":\"text\",\"text\":\"x\"}}{}]}}}}",
            "{\"type\":\"quote\",\"children\":[".repeat(40),
            "]}".repeat(40)
        );
        assert!(lexical_to_html(&deep).unwrap_err().contains("deeper"));
    }

    #[test]
    fn a_hostile_closed_count_stops_at_what_is_open() {
        let doc = r#"{"markups":[["b"]],"sections":[[1,"p",[[0,[0],18446744073709551615,"x"]]]]}"#;
        assert_eq!(mobiledoc_to_html(doc).unwrap(), "<p><b>x</b></p>");
    }

    #[test]
    fn mobiledoc_sections_markups_atoms_and_cards() {
        let doc = r#"{"version":"0.3.1","atoms":[["soft-return","",{}]],
            "cards":[["html",{"html":"<p>raw</p>"}],["image",{"src":"https://x.example/a.png","caption":"cap"}]],
            "markups":[["strong"],["a",["href","https://dude.example"]]],
            "sections":[[1,"p",[[0,[],0,"Hello "],[0,[0],1,"bold"],[0,[],0," and "],[0,[1],1,"link"],[1,[],0,0],[0,[],0,"after"]]],
                        [3,"ul",[[[0,[],0,"item"]]]],[10,0],[10,1],[1,"h2",[[0,[],0,"<Title>"]]]]}"#;
        let html = mobiledoc_to_html(doc).unwrap();
        assert_eq!(
            html,
            "<p>Hello <strong>bold</strong> and <a href=\"https://dude.example\">link</a><br>after</p>\
             <ul><li>item</li></ul><p>raw</p>\
             <figure><img src=\"https://x.example/a.png\" alt=\"\"><figcaption>cap</figcaption></figure>\
             <h2>&lt;Title&gt;</h2>"
        );
    }
}
