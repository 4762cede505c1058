//! WXR items turned into what Colophon stores, without touching the database: the same checks
//! as any author's write (the HTML sanitizer, the comment allowlist, lengths), so a dry run finds
//! every problem a real run would.

use chrono::{DateTime, NaiveDateTime};
use colophon_domain::{
    BoundedText, CommentBody, CommentStatus, EXCERPT_MAX, Email, Excerpt, FeaturedImage, HttpUrl, PostHtml, PostStatus,
    RedirectPath, Seo, Slug, Timestamp, plain_text, truncate_words,
};

use colophon_service::{ImportedMeta, PlannedComment, PlannedEntry};

use crate::wxr_reader::{WxrComment, WxrItem};

/// What an item is, by `wp:post_type` and `wp:status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Post,
    Page,
    Attachment,
    /// WordPress internals (menu items, revisions, auto-drafts, custom types): not content.
    Ignored,
}

pub fn kind_of(item: &WxrItem) -> ItemKind {
    match (item.post_type.trim(), item.status.trim()) {
        // A trashed post is one its site threw away: left out, like an auto-draft, not a failure.
        (_, "auto-draft" | "trash") => ItemKind::Ignored,
        ("post" | "", _) => ItemKind::Post,
        ("page", _) => ItemKind::Page,
        ("attachment", _) => ItemKind::Attachment,
        _ => ItemKind::Ignored,
    }
}

/// A post's or page's fields, checked. `Err` says why it cannot be imported.
pub fn plan_entry(item: &WxrItem) -> Result<PlannedEntry, String> {
    if item.oversized {
        return Err(format!("a field is longer than {} MiB", crate::wxr_reader::MAX_TEXT_BYTES >> 20));
    }
    let status = match item.status.trim() {
        "publish" | "future" | "" => PostStatus::Published,
        "draft" | "pending" | "private" => PostStatus::Draft,
        other => return Err(format!("unknown status {other:?}")),
    };
    let date = parse_wp_date(&item.post_date_gmt)
        .or_else(|| parse_wp_date(&item.post_date))
        .or_else(|| DateTime::parse_from_rfc2822(item.pub_date.trim()).ok().map(|d| d.naive_utc()));
    // A draft has no date until it is published (as when written here).
    let published_at = match status {
        PostStatus::Published => Some(date.ok_or("it is published but carries no date")?),
        _ => None,
    };
    let title = BoundedText::<300>::parse(item.title.trim()).map_err(|e| format!("title: {e}"))?;
    let title = title.into_string();
    let slug = slug_of(item).ok_or("neither its slug nor its title gives a slug")?;
    let body = PostHtml::from_html(&autop(&item.content)).map_err(|e| format!("body: {e}"))?;
    // A longer excerpt than Colophon keeps (Squarespace writes them as HTML) is cut at a word,
    // and one that is nothing but markup gives way to the body's: the post still comes in.
    let excerpt = match item.excerpt.trim() {
        "" => Excerpt::derive(&body),
        given => {
            Excerpt::parse(&truncate_words(&plain_text(given), EXCERPT_MAX)).unwrap_or_else(|_| Excerpt::derive(&body))
        }
    };
    let mut tags: Vec<(Slug, String)> = Vec::new();
    for category in &item.categories {
        if !matches!(category.domain.as_str(), "category" | "post_tag") {
            continue;
        }
        let name = category.name.trim();
        let slug = Slug::parse(category.nicename.trim()).ok().or_else(|| Slug::derive(name));
        let fits = !name.is_empty() && name.chars().count() <= 100;
        if let Some(slug) = slug.filter(|slug| fits && !tags.iter().any(|(s, _)| s == slug)) {
            tags.push((slug, name.to_string()));
        }
    }
    Ok(PlannedEntry {
        slug,
        title: if title.is_empty() { "(untitled)".into() } else { title },
        excerpt: excerpt.into_string(),
        body,
        status,
        published_at,
        comments_enabled: item.comment_status.trim() != "closed",
        tags,
        seo: Seo::default(),
        old_path: RedirectPath::parse(&item.link).ok().filter(|p| !p.is_root()),
        meta: ImportedMeta { pairs: item.meta.clone(), create_fields: false },
    })
}

/// `wp:post_name` (percent-encoded by WordPress), else the title's words.
fn slug_of(item: &WxrItem) -> Option<Slug> {
    let name = percent_decode(item.post_name.trim());
    Slug::parse(name.clone()).ok().or_else(|| Slug::derive(&name)).or_else(|| Slug::derive(&item.title))
}

/// WordPress keeps bodies with bare line breaks and adds paragraphs when it shows them
/// (`wpautop`): a body without block markup gets its paragraphs here, as the blog showed it.
fn autop(content: &str) -> String {
    const BLOCKS: [&str; 10] = ["<p", "<div", "<h1", "<h2", "<h3", "<ul", "<ol", "<table", "<blockquote", "<pre"];
    let lower = content.to_ascii_lowercase();
    if BLOCKS.iter().any(|tag| lower.contains(tag)) {
        content.to_string()
    } else {
        colophon_domain::html::paragraphs(content, str::to_string)
    }
}

/// `2010-04-29 09:00:00`; WordPress writes `0000-00-00 00:00:00` for "none".
fn parse_wp_date(value: &str) -> Option<Timestamp> {
    NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%d %H:%M:%S").ok()
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The featured image an attachment gives: its URL, alt text and caption (as the credit line,
/// where Squarespace and WordPress themes show "Image via …").
pub fn featured_image_of(attachment: &WxrItem) -> Option<FeaturedImage> {
    let url = HttpUrl::parse(attachment.attachment_url.trim()).ok()?;
    let text = |value: &str| Some(value.trim().to_string()).filter(|v| !v.is_empty() && v.chars().count() <= 300);
    Some(FeaturedImage {
        url: Some(url.into_string()),
        alt: text(&attachment.attachment_alt),
        credit: text(&colophon_domain::plain_text(&attachment.excerpt)),
        ..FeaturedImage::default()
    })
}

/// Whether a comment is a reader's (pingbacks and trackbacks are not imported).
pub fn is_readers_comment(comment: &WxrComment) -> bool {
    matches!(comment.kind.trim(), "" | "comment")
}

pub fn plan_comment(comment: &WxrComment, fallback_date: Option<Timestamp>) -> Result<PlannedComment, String> {
    let status = match comment.approved.trim() {
        "1" | "approve" | "approved" => CommentStatus::Approved,
        "0" | "hold" | "" => CommentStatus::Pending,
        "spam" => CommentStatus::Spam,
        "trash" | "post-trashed" => CommentStatus::Trash,
        other => return Err(format!("unknown status {other:?}")),
    };
    let body = CommentBody::parse(comment.content.trim()).map_err(|e| format!("body: {e}"))?;
    let name: String = comment.author.trim().chars().take(80).collect();
    let created_at = parse_wp_date(&comment.date_gmt)
        .or_else(|| parse_wp_date(&comment.date))
        .or(fallback_date)
        .ok_or("it carries no date")?;
    Ok(PlannedComment {
        author_name: if name.is_empty() { "Anonymous".into() } else { name },
        author_email: Email::parse(comment.author_email.trim()).ok().map(|e| e.as_str().to_string()),
        author_url: HttpUrl::parse(comment.author_url.trim()).ok().map(HttpUrl::into_string),
        ip: comment.author_ip.trim().parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string()),
        body_source: comment.content.trim().to_string(),
        body_html: body.render(),
        status,
        created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_without_paragraphs_get_them() {
        assert_eq!(autop("one\ntwo\n\nthree"), "<p>one<br>two</p>\n<p>three</p>");
        assert_eq!(autop("<p>kept</p>\n\nas is"), "<p>kept</p>\n\nas is");
    }

    #[test]
    fn slugs_are_percent_decoded() {
        let item = WxrItem { post_name: "caf%c3%a9-ole".into(), title: "x".into(), ..Default::default() };
        assert_eq!(slug_of(&item).unwrap().as_str(), Slug::derive("café-ole").unwrap().as_str());
        let untitled = WxrItem { title: "The Dude Abides".into(), ..Default::default() };
        assert_eq!(slug_of(&untitled).unwrap().as_str(), "the-dude-abides");
    }

    #[test]
    fn statuses_and_dates() {
        let item = |status: &str, gmt: &str| WxrItem {
            title: "T".into(),
            status: status.into(),
            post_date_gmt: gmt.into(),
            post_date: "2010-04-29 05:00:00".into(),
            ..Default::default()
        };
        let published = plan_entry(&item("publish", "2010-04-29 09:00:00")).unwrap();
        assert_eq!(published.published_at.unwrap().to_string(), "2010-04-29 09:00:00", "GMT preferred");
        let draft = plan_entry(&item("draft", "0000-00-00 00:00:00")).unwrap();
        assert_eq!(draft.status, PostStatus::Draft);
        assert_eq!(draft.published_at, None);
        let local = plan_entry(&item("publish", "0000-00-00 00:00:00")).unwrap();
        assert_eq!(local.published_at.unwrap().to_string(), "2010-04-29 05:00:00", "else the local date");
        assert!(plan_entry(&item("trash", "")).unwrap_err().contains("unknown status"));
        assert_eq!(kind_of(&item("trash", "")), ItemKind::Ignored);
    }
}
