//! Bounds on markup, checked before the sanitizer parses it for good.
//!
//! HTML tree building (html5ever, under ammonia) and Markdown's list handling take time that grows
//! with the square of the nesting depth: 40,000 `>` took seconds. Real content nests a few levels,
//! so a fixed bound refuses the attack without touching real posts.
//!
//! HTML is measured by the real parser, not by a guess at what it will build: comments closed
//! the odd ways (`<!-->`), quotes, scope boundaries, foreign content and the formatting elements
//! the parser reopens all count exactly as html5ever builds them. The input is fed in small
//! chunks to a tree sink that only records parents, and feeding stops at the first element deeper
//! than the bound, so the parser never gets to build the deep tree that costs.

use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, ParseOpts, QualName, local_name, ns, parse_fragment};

/// The deepest nesting of elements or Markdown containers accepted.
pub const MAX_NESTING: usize = 64;

/// Why a text was refused, in words for the field's error message.
pub fn nesting_error() -> String {
    format!("nests markup more than {MAX_NESTING} levels deep")
}

/// How much input the parser gets between two looks at the depth it reached.
const CHUNK: usize = 2 * 1024;

/// Whether `html`, parsed as a fragment the way the sanitizer parses it, nests elements deeper
/// than `max`.
pub fn html_too_deep(html: &str, max: usize) -> bool {
    let sink = DepthSink::new(max);
    let exceeded = sink.exceeded.clone();
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let mut parser = parse_fragment(sink, ParseOpts::default(), context, Vec::new(), false);
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        parser.process(StrTendril::from_slice(&rest[..cut]));
        if exceeded.get() {
            return true;
        }
        rest = &rest[cut..];
    }
    parser.finish()
}

/// A tree sink that keeps only the shape of the tree: each node's parent and children.
struct DepthSink {
    max: usize,
    exceeded: std::rc::Rc<Cell<bool>>,
    nodes: RefCell<Vec<Node>>,
    templates: RefCell<HashMap<usize, usize>>,
}

struct Node {
    name: QualName,
    element: bool,
    parent: Option<usize>,
    children: Vec<usize>,
    annotation_xml_integration_point: bool,
}

const DOCUMENT: usize = 0;

impl DepthSink {
    fn new(max: usize) -> Self {
        let document = Node {
            name: QualName::new(None, ns!(), local_name!("")),
            element: false,
            parent: None,
            children: Vec::new(),
            annotation_xml_integration_point: false,
        };
        Self { max, exceeded: Default::default(), nodes: RefCell::new(vec![document]), templates: Default::default() }
    }

    fn push(&self, name: QualName, element: bool, integration_point: bool) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node {
            name,
            element,
            parent: None,
            children: Vec::new(),
            annotation_xml_integration_point: integration_point,
        });
        nodes.len() - 1
    }

    fn attach(&self, parent: usize, child: usize, before: Option<usize>) {
        {
            let mut nodes = self.nodes.borrow_mut();
            if let Some(old) = nodes[child].parent.take() {
                nodes[old].children.retain(|&c| c != child);
            }
            nodes[child].parent = Some(parent);
            let siblings = &mut nodes[parent].children;
            match before.and_then(|b| siblings.iter().position(|&c| c == b)) {
                Some(at) => siblings.insert(at, child),
                None => siblings.push(child),
            }
        }
        // Walks up at most `max + 2` steps: enough to know whether the node is too deep. The
        // fragment's own `html` root is not the author's: it does not count.
        let nodes = self.nodes.borrow();
        if !nodes[child].element {
            return;
        }
        let mut depth = 0;
        let mut at = Some(child);
        while let Some(node) = at {
            if node == DOCUMENT {
                break;
            }
            depth += 1;
            if depth > self.max + 1 {
                self.exceeded.set(true);
                return;
            }
            at = nodes[node].parent;
        }
    }

    /// How deep the deepest element is, not counting the fragment's `html` root (reparenting can
    /// deepen whole subtrees after they were attached).
    fn deepest(&self) -> usize {
        let nodes = self.nodes.borrow();
        let mut deepest: usize = 0;
        let mut stack = vec![(DOCUMENT, 0_usize)];
        while let Some((node, depth)) = stack.pop() {
            if nodes[node].element {
                deepest = deepest.max(depth);
            }
            stack.extend(nodes[node].children.iter().map(|&c| (c, depth + 1)));
        }
        deepest.saturating_sub(1)
    }
}

impl TreeSink for DepthSink {
    type Handle = usize;
    type Output = bool;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> bool {
        self.exceeded.get() || self.deepest() > self.max
    }

    fn parse_error(&self, _message: std::borrow::Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        DOCUMENT
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| &nodes[*target].name)
    }

    fn create_element(&self, name: QualName, _attrs: Vec<Attribute>, flags: ElementFlags) -> usize {
        let element = self.push(name, true, flags.mathml_annotation_xml_integration_point);
        if flags.template {
            let contents = self.push(QualName::new(None, ns!(), local_name!("")), false, false);
            self.templates.borrow_mut().insert(element, contents);
        }
        element
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        self.push(QualName::new(None, ns!(), local_name!("")), false, false)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.push(QualName::new(None, ns!(), local_name!("")), false, false)
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        if let NodeOrText::AppendNode(child) = child {
            self.attach(*parent, child, None);
        }
    }

    fn append_based_on_parent_node(&self, element: &usize, prev_element: &usize, child: NodeOrText<usize>) {
        let parent = self.nodes.borrow()[*element].parent;
        match parent {
            Some(_) => self.append_before_sibling(element, child),
            None => self.append(prev_element, child),
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public: StrTendril, _system: StrTendril) {}

    fn get_template_contents(&self, target: &usize) -> usize {
        self.templates.borrow().get(target).copied().unwrap_or(*target)
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        if let NodeOrText::AppendNode(node) = new_node {
            let parent = self.nodes.borrow()[*sibling].parent;
            if let Some(parent) = parent {
                self.attach(parent, node, Some(*sibling));
            }
        }
    }

    fn add_attrs_if_missing(&self, _target: &usize, _attrs: Vec<Attribute>) {}

    fn remove_from_parent(&self, target: &usize) {
        let mut nodes = self.nodes.borrow_mut();
        if let Some(parent) = nodes[*target].parent.take() {
            nodes[parent].children.retain(|&c| c != *target);
        }
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let mut nodes = self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[*node].children);
        for &child in &children {
            nodes[child].parent = Some(*new_parent);
        }
        nodes[*new_parent].children.extend(children);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &usize) -> bool {
        self.nodes.borrow()[*handle].annotation_xml_integration_point
    }
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
    fn measures_html_nesting_as_the_parser_builds_it() {
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
    }

    /// What an outside tester slipped past a scanner that guessed at the parser.
    #[test]
    fn the_parser_is_not_fooled() {
        let divs = "<div>".repeat(2_000);
        for (name, html) in [
            ("abruptly closed comment", format!("<!-->{divs}-->")),
            ("another abrupt comment", format!("<!--->{divs}-->")),
            ("--!> closes a comment", format!("<!--x--!>{divs}-->")),
            ("a quote after = that is no value", format!("<x =\"a>{divs}\">")),
            ("a doubled =", format!("<x a==\"b>{divs}\">")),
            ("scope boundaries ignore end tags", "<div><object></div>".repeat(2_000)),
            ("marquee too", "<div><marquee></div>".repeat(2_000)),
            ("noscript inside svg is no raw text", format!("<svg><noscript>{divs}")),
        ] {
            assert!(html_too_deep(&html, 64), "{name}");
        }
        let reopened: String = (0..80)
            .map(|k| format!("<div>{}</div>x", (0..60).map(|j| format!("<b id={}>", k * 60 + j)).collect::<String>()))
            .collect();
        assert!(html_too_deep(&reopened, 64), "formatting elements the parser reopens");
    }

    #[test]
    fn deep_input_is_refused_without_building_it() {
        let started = std::time::Instant::now();
        assert!(html_too_deep(&"<div>".repeat(50_000), 64));
        assert!(html_too_deep(&format!("<!-->{}", "<div>".repeat(50_000)), 64));
        // Not a speed target (those live in bench/markup.sh), a guard against building the tree:
        // building 50,000 levels takes seconds.
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
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
