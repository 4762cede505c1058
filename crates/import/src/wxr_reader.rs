//! A streaming reader of WXR (WordPress eXtended RSS), the export of WordPress and Squarespace:
//! it yields the site, then each author and each item (post, page, attachment) with its comments,
//! one at a time, so memory stays bounded by the largest item, whatever the file's size.
//!
//! Elements are matched by their prefixed names (`wp:post_id`, `content:encoded`), as every WXR
//! exporter writes them. Text is UTF-8, or ISO-8859-1 / windows-1252 when the XML declaration says
//! so; bytes that are not valid UTF-8 become U+FFFD rather than stopping the import.

use std::cell::Cell;
use std::io::{BufRead, Read};
use std::rc::Rc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// The longest text of one element kept (a post's body included); an item with a longer one is
/// reported and skipped.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// Public post meta pairs kept per item (a custom field kind has at most 50).
pub const MAX_META: usize = 100;

/// The most bytes one XML event (a text, a CDATA section, a tag) may span: quick-xml reads an
/// event whole, so a larger one stops the file here rather than filling memory.
pub const MAX_EVENT_BYTES: u64 = 64 * 1024 * 1024;

/// The input, counting what is read since the last event ended.
struct Bounded<R> {
    inner: R,
    since_event: Rc<Cell<u64>>,
}

impl<R: BufRead> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.len().min(buf.len());
        buf[..n].copy_from_slice(&self.inner.fill_buf()?[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let since = self.since_event.get();
        if since > MAX_EVENT_BYTES {
            return Err(std::io::Error::other(format!("an element spans more than {} MiB", MAX_EVENT_BYTES >> 20)));
        }
        // Never more than the bound leaves (an input held in memory hands over all of itself).
        let room = usize::try_from(MAX_EVENT_BYTES + 1 - since).unwrap_or(usize::MAX);
        let buf = self.inner.fill_buf()?;
        Ok(&buf[..buf.len().min(room)])
    }

    fn consume(&mut self, amount: usize) {
        self.since_event.set(self.since_event.get() + amount as u64);
        self.inner.consume(amount);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrSite {
    /// `wp:base_blog_url`, else the channel's `link`.
    pub base_url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrAuthor {
    pub id: String,
    pub login: String,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrCategory {
    /// `category` (a WordPress category) or `post_tag`.
    pub domain: String,
    pub nicename: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrComment {
    pub id: String,
    pub author: String,
    pub author_email: String,
    pub author_url: String,
    pub author_ip: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    /// `1`, `0`, `spam` or `trash`.
    pub approved: String,
    /// `0` for a top-level comment.
    pub parent: String,
    /// Empty or `comment` for a reader's comment; `pingback`, `trackback`.
    pub kind: String,
    pub user_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WxrItem {
    pub title: String,
    pub link: String,
    pub guid: String,
    pub pub_date: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub post_id: String,
    pub post_date: String,
    pub post_date_gmt: String,
    pub post_name: String,
    pub status: String,
    pub post_type: String,
    pub comment_status: String,
    pub attachment_url: String,
    /// `_wp_attachment_image_alt` of an attachment.
    pub attachment_alt: String,
    pub categories: Vec<WxrCategory>,
    /// `_thumbnail_id`: the attachment shown as the featured image.
    pub thumbnail_id: String,
    /// Public post meta (keys not starting with `_`), at most [`MAX_META`] pairs.
    pub meta: Vec<(String, String)>,
    pub comments: Vec<WxrComment>,
    /// An element's text was longer than [`MAX_TEXT_BYTES`].
    pub oversized: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WxrEntry {
    Site(WxrSite),
    Author(WxrAuthor),
    Item(Box<WxrItem>),
}

/// The file is not well-formed XML: where (a byte offset; [`line_and_column`] turns it into a
/// line and column) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WxrSyntaxError {
    pub offset: u64,
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf8,
    Latin1,
    Windows1252,
}

pub struct WxrReader<R: BufRead> {
    reader: Reader<Bounded<R>>,
    since_event: Rc<Cell<u64>>,
    buf: Vec<u8>,
    /// The names of the open elements, outermost first.
    open: Vec<String>,
    text: String,
    text_overflow: bool,
    charset: Charset,
    site: Option<WxrSite>,
    site_sent: bool,
    author: Option<WxrAuthor>,
    item: Option<WxrItem>,
    comment: Option<WxrComment>,
    category: Option<WxrCategory>,
    meta: Option<(String, String)>,
    finished: bool,
}

impl<R: BufRead> WxrReader<R> {
    pub fn new(input: R) -> Self {
        let since_event = Rc::new(Cell::new(0));
        let mut reader = Reader::from_reader(Bounded { inner: input, since_event: since_event.clone() });
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        Self {
            reader,
            since_event,
            buf: Vec::new(),
            open: Vec::new(),
            text: String::new(),
            text_overflow: false,
            charset: Charset::Utf8,
            site: None,
            site_sent: false,
            author: None,
            item: None,
            comment: None,
            category: None,
            meta: None,
            finished: false,
        }
    }

    fn syntax_error(&self, message: impl Into<String>) -> WxrSyntaxError {
        WxrSyntaxError {
            offset: self.reader.error_position().max(self.reader.buffer_position()),
            message: message.into(),
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.text.len() + text.len() > MAX_TEXT_BYTES {
            self.text_overflow = true;
        } else {
            self.text.push_str(text);
        }
    }

    fn decode(&self, bytes: &[u8]) -> String {
        match self.charset {
            Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Charset::Latin1 => bytes.iter().map(|&b| b as char).collect(),
            Charset::Windows1252 => bytes.iter().map(|&b| windows_1252(b)).collect(),
        }
    }

    fn start(&mut self, name: &str, element: &BytesStart) {
        self.text.clear();
        self.text_overflow = false;
        let parent = self.open.last().map(String::as_str);
        match (parent, name) {
            (Some("channel"), "item") => self.item = Some(WxrItem::default()),
            (Some("channel"), "wp:author") => self.author = Some(WxrAuthor::default()),
            (Some("item"), "wp:comment") => self.comment = Some(WxrComment::default()),
            (Some("item"), "wp:postmeta") => self.meta = Some(Default::default()),
            (Some("item"), "category") => {
                let attribute = |key: &str| {
                    element
                        .try_get_attribute(key)
                        .ok()
                        .flatten()
                        .map(|a| self.decode(&a.value).replace("&amp;", "&"))
                        .unwrap_or_default()
                };
                self.category = Some(WxrCategory {
                    domain: attribute("domain"),
                    nicename: attribute("nicename"),
                    name: String::new(),
                });
            }
            _ => {}
        }
    }

    /// An element ended: its text goes where it belongs. Returns a finished entry.
    fn end(&mut self, name: &str) -> Option<WxrEntry> {
        let text = std::mem::take(&mut self.text);
        let overflow = std::mem::take(&mut self.text_overflow);
        let parent = self.open.last().map(String::as_str);
        if let Some(comment) = self.comment.as_mut() {
            let field = match name {
                "wp:comment_id" => &mut comment.id,
                "wp:comment_author" => &mut comment.author,
                "wp:comment_author_email" => &mut comment.author_email,
                "wp:comment_author_url" => &mut comment.author_url,
                "wp:comment_author_IP" => &mut comment.author_ip,
                "wp:comment_date" => &mut comment.date,
                "wp:comment_date_gmt" => &mut comment.date_gmt,
                "wp:comment_content" => &mut comment.content,
                "wp:comment_approved" => &mut comment.approved,
                "wp:comment_parent" => &mut comment.parent,
                "wp:comment_type" => &mut comment.kind,
                "wp:comment_user_id" => &mut comment.user_id,
                "wp:comment" => {
                    let done = self.comment.take()?;
                    if let Some(item) = self.item.as_mut() {
                        item.comments.push(done);
                    }
                    return None;
                }
                _ => return None,
            };
            *field = text;
            if let Some(item) = self.item.as_mut().filter(|_| overflow) {
                item.oversized = true;
            }
            return None;
        }
        if let Some(meta) = self.meta.as_mut() {
            match name {
                "wp:meta_key" => meta.0 = text,
                "wp:meta_value" => meta.1 = text,
                "wp:postmeta" => {
                    let (key, value) = self.meta.take()?;
                    if let Some(item) = self.item.as_mut() {
                        match key.trim() {
                            "_thumbnail_id" => item.thumbnail_id = value.trim().to_string(),
                            "_wp_attachment_image_alt" => item.attachment_alt = value,
                            public if !public.starts_with('_') && !public.is_empty() && item.meta.len() < MAX_META => {
                                item.meta.push((public.to_string(), value));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            return None;
        }
        if let Some(mut category) = self.category.take() {
            if name == "category" {
                category.name = text;
                if let Some(item) = self.item.as_mut() {
                    item.categories.push(category);
                }
                return None;
            }
            self.category = Some(category);
        }
        if let Some(item) = self.item.as_mut() {
            item.oversized |= overflow;
            let field = match (parent, name) {
                (_, "item") => return self.item.take().map(|item| WxrEntry::Item(Box::new(item))),
                (Some("item"), "title") => &mut item.title,
                (Some("item"), "link") => &mut item.link,
                (Some("item"), "guid") => &mut item.guid,
                (Some("item"), "pubDate") => &mut item.pub_date,
                (Some("item"), "dc:creator") => &mut item.creator,
                (Some("item"), "content:encoded") => &mut item.content,
                (Some("item"), "excerpt:encoded") => &mut item.excerpt,
                (Some("item"), "wp:post_id") => &mut item.post_id,
                (Some("item"), "wp:post_date") => &mut item.post_date,
                (Some("item"), "wp:post_date_gmt") => &mut item.post_date_gmt,
                (Some("item"), "wp:post_name") => &mut item.post_name,
                (Some("item"), "wp:status") => &mut item.status,
                (Some("item"), "wp:post_type") => &mut item.post_type,
                (Some("item"), "wp:comment_status") => &mut item.comment_status,
                (Some("item"), "wp:attachment_url") => &mut item.attachment_url,
                _ => return None,
            };
            *field = text;
            return None;
        }
        if let Some(author) = self.author.as_mut() {
            let field = match name {
                "wp:author" => return self.author.take().map(WxrEntry::Author),
                "wp:author_id" => &mut author.id,
                "wp:author_login" => &mut author.login,
                "wp:author_email" => &mut author.email,
                "wp:author_display_name" => &mut author.display_name,
                _ => return None,
            };
            *field = text;
            return None;
        }
        match (parent, name) {
            (Some("channel"), "link") => {
                self.site.get_or_insert_with(WxrSite::default).base_url.get_or_insert_if_empty(text);
            }
            (Some("channel"), "wp:base_blog_url") => self.site.get_or_insert_with(WxrSite::default).base_url = text,
            _ => {}
        }
        None
    }

    fn next_entry(&mut self) -> Result<Option<WxrEntry>, WxrSyntaxError> {
        loop {
            // The site comes before the first author or item (its URL keys what they become).
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event.into_owned(),
                Err(error) => return Err(self.syntax_error(error.to_string())),
            };
            self.buf.clear();
            self.since_event.set(0);
            match event {
                Event::Decl(decl) => {
                    if let Some(Ok(encoding)) = decl.encoding() {
                        self.charset = match encoding.to_ascii_lowercase().as_slice() {
                            b"iso-8859-1" | b"latin1" | b"latin-1" => Charset::Latin1,
                            b"windows-1252" | b"cp1252" => Charset::Windows1252,
                            _ => Charset::Utf8,
                        };
                    }
                }
                Event::Start(element) => {
                    let name = self.decode(element.name().as_ref());
                    if self.open.is_empty() && name != "rss" {
                        return Err(
                            self.syntax_error(format!("not a WXR file: the root element is <{name}>, not <rss>"))
                        );
                    }
                    let entering_entry = matches!(name.as_str(), "item" | "wp:author");
                    self.start(&name, &element);
                    self.open.push(name);
                    if entering_entry && !self.site_sent {
                        self.site_sent = true;
                        return Ok(Some(WxrEntry::Site(self.site.clone().unwrap_or_default())));
                    }
                }
                Event::End(_) => {
                    let name = self.open.pop().unwrap_or_default();
                    if let Some(entry) = self.end(&name) {
                        return Ok(Some(entry));
                    }
                }
                Event::Text(text) => {
                    let text = self.decode(&text);
                    self.push_text(&text);
                }
                Event::CData(data) => {
                    let text = self.decode(&data);
                    self.push_text(&text);
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = self.decode(&reference);
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(text) => text.to_string(),
                                // An HTML entity outside CDATA (&nbsp;): kept as written, for
                                // the HTML sanitizer to read.
                                None => format!("&{name};"),
                            }
                        }
                        Err(error) => return Err(self.syntax_error(error.to_string())),
                    };
                    self.push_text(&resolved);
                }
                Event::Eof => {
                    if let Some(open) = self.open.last() {
                        return Err(self.syntax_error(format!("the file ends inside <{open}>")));
                    }
                    if self.reader.buffer_position() == 0 {
                        return Err(self.syntax_error("the file is empty"));
                    }
                    if !self.site_sent {
                        self.site_sent = true;
                        return Ok(Some(WxrEntry::Site(self.site.clone().unwrap_or_default())));
                    }
                    return Ok(None);
                }
                // Entities declared in a DTD would come back as unresolved `&name;` text (or, in a
                // parser that expands them, as a billion laughs): such a file is refused.
                Event::DocType(doctype) if doctype.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) => {
                    return Err(self.syntax_error("the file declares entities in a DTD, which WXR never does"));
                }
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Empty(_) => {}
            }
        }
    }
}

impl<R: BufRead> Iterator for WxrReader<R> {
    type Item = Result<WxrEntry, WxrSyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let next = self.next_entry();
        if !matches!(next, Ok(Some(_))) {
            self.finished = true;
        }
        next.transpose()
    }
}

trait SetIfEmpty {
    fn get_or_insert_if_empty(&mut self, value: String);
}

impl SetIfEmpty for String {
    fn get_or_insert_if_empty(&mut self, value: String) {
        if self.is_empty() {
            *self = value;
        }
    }
}

/// Windows-1252: Latin-1 but for 0x80–0x9F, which hold typographic characters.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[(byte - 0x80) as usize],
        _ => byte as char,
    }
}

/// The 1-based line and column of a byte offset in a text (for syntax errors).
pub fn line_and_column(input: impl std::io::Read, offset: u64) -> (u64, u64) {
    let (mut line, mut column) = (1, 1);
    for byte in std::io::BufReader::new(input).bytes().take(offset as usize).map_while(Result::ok) {
        if byte == b'\n' {
            line += 1;
            column = 1;
        } else if byte & 0xC0 != 0x80 {
            column += 1;
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Result<Vec<WxrEntry>, WxrSyntaxError> {
        WxrReader::new(xml.as_bytes()).collect()
    }

    #[test]
    fn reads_items_with_entities_cdata_and_comments() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><link>https://blog.example</link><wp:base_blog_url>https://blog.example/</wp:base_blog_url>
<wp:author><wp:author_login><![CDATA[steve]]></wp:author_login><wp:author_display_name>Steve &amp; Co</wp:author_display_name></wp:author>
<item><title>Fish &amp; Chips &#8217;10</title><content:encoded><![CDATA[<p>a &amp; b</p>]]></content:encoded>
<category domain="post_tag" nicename="social"><![CDATA[Social]]></category><wp:post_name/>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>42</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_content><![CDATA[Hi]]></wp:comment_content></wp:comment>
</item></channel></rss>"#;
        let entries = read(xml).unwrap();
        assert_eq!(entries[0], WxrEntry::Site(WxrSite { base_url: "https://blog.example/".into() }));
        let WxrEntry::Author(author) = &entries[1] else { panic!("{entries:?}") };
        assert_eq!((author.login.as_str(), author.display_name.as_str()), ("steve", "Steve & Co"));
        let WxrEntry::Item(item) = &entries[2] else { panic!("{entries:?}") };
        assert_eq!(item.title, "Fish & Chips \u{2019}10");
        assert_eq!(item.content, "<p>a &amp; b</p>", "CDATA is kept as written");
        assert_eq!(
            item.categories[0],
            WxrCategory { domain: "post_tag".into(), nicename: "social".into(), name: "Social".into() }
        );
        assert_eq!(item.thumbnail_id, "42");
        assert_eq!(item.comments[0].id, "7");
        assert_eq!(item.comments[0].content, "Hi");
        assert_eq!(entries.len(), 3);
    }

    #[test]
    fn an_element_larger_than_the_bound_stops_the_file() {
        let huge = format!(
            "<rss><channel><item><title>{}</title></item></channel></rss>",
            "x".repeat((MAX_EVENT_BYTES + 10) as usize)
        );
        let error = read(&huge).unwrap_err();
        assert!(error.message.contains("spans more than"), "{error:?}");
    }

    #[test]
    fn latin1_is_decoded_as_declared() {
        let mut xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><title>Caf".to_vec();
        xml.extend([0xE9]);
        xml.extend(b"</title></item></channel></rss>");
        let entries: Vec<_> = WxrReader::new(xml.as_slice()).collect::<Result<_, _>>().unwrap();
        let WxrEntry::Item(item) = &entries[1] else { panic!() };
        assert_eq!(item.title, "Caf\u{e9}");
    }

    #[test]
    fn malformed_files_stop_with_a_position() {
        let error = read("<rss><channel><item><title>x</wrong></item></channel></rss>").unwrap_err();
        assert_eq!(line_and_column("<rss><channel><item><title>x</wrong>".as_bytes(), error.offset).0, 1);
        assert!(error.message.contains("wrong"), "{error:?}");
        assert!(read("<rss><channel><item>").unwrap_err().message.contains("ends inside <item>"));
        assert!(read("<html></html>").unwrap_err().message.contains("not a WXR file"));
        assert!(read("").is_err());
        assert_eq!(line_and_column("ab\ncd\né".as_bytes(), 8), (3, 2));
    }
}
