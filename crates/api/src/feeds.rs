//! Atom feeds: the site's newest posts, and a post's newest approved comments.

use actix_web::{HttpResponse, web};
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, FixedOffset};
use colophon_domain::Timestamp;
use colophon_service::{Caller, PostListQuery};

use crate::problem::ApiError;

/// The site's public base URL (`COLOPHON_PUBLIC_URL`), for absolute links in feeds.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub String);

const FEED_ITEMS: i64 = 50;

fn time(ts: Timestamp) -> DateTime<FixedOffset> {
    ts.and_utc().fixed_offset()
}

fn link(href: String, rel: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link
}

fn person(name: String) -> Person {
    Person { name, ..Person::default() }
}

fn html(value: String) -> Content {
    let mut content = Content::default();
    content.set_content_type("html".to_string());
    content.set_value(value);
    content
}

/// The feed as XML. Characters XML cannot carry are refused on input, but rows written before
/// that rule (or behind the API) may hold some: they are left out, so the feed stays well-formed.
fn respond(feed: Feed) -> HttpResponse {
    let xml = colophon_domain::markup::strip_forbidden(&feed.to_string()).into_owned();
    HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(xml)
}

/// `GET /feed.atom`: the newest published posts.
pub async fn posts(colophon: crate::cache::Service, base: web::Data<PublicUrl>) -> Result<HttpResponse, ApiError> {
    let query = PostListQuery { limit: Some(FEED_ITEMS), ..PostListQuery::default() };
    let page = colophon.list_post_summaries(Caller::Anonymous, query).await?;
    let base = &base.0;
    let entries: Vec<Entry> = page
        .items
        .into_iter()
        .map(|s| {
            let url = format!("{base}/api/v1/posts/{}", s.post.slug);
            Entry {
                title: Text::plain(s.post.title),
                id: url.clone(),
                updated: time(s.post.updated_at),
                published: s.post.published_at.map(time),
                authors: vec![person(s.author.name)],
                links: vec![link(url, "alternate")],
                summary: Some(Text::plain(s.post.excerpt)),
                ..Entry::default()
            }
        })
        .collect();
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or_else(|| time(colophon.now()));
    Ok(respond(Feed {
        title: Text::plain("Colophon"),
        id: format!("{base}/feed.atom"),
        updated,
        links: vec![link(format!("{base}/feed.atom"), "self")],
        entries,
        ..Feed::default()
    }))
}

/// `GET /posts/{slug}/comments.atom`: a post's newest approved comments.
pub async fn comments(
    colophon: crate::cache::Service,
    base: web::Data<PublicUrl>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (post, comments) = colophon.comment_feed(slug.into_inner(), FEED_ITEMS).await?;
    let base = &base.0;
    let post_url = format!("{base}/api/v1/posts/{}", post.slug);
    let entries: Vec<Entry> = comments
        .into_iter()
        .map(|c| Entry {
            title: Text::plain(format!("Comment by {} on {}", c.author_name, post.title)),
            id: format!("{base}/api/v1/comments/{}", c.id),
            updated: time(c.updated_at),
            published: Some(time(c.created_at)),
            authors: vec![Person { name: c.author_name, uri: c.author_url, ..Person::default() }],
            links: vec![link(post_url.clone(), "related")],
            content: Some(html(c.body_html)),
            ..Entry::default()
        })
        .collect();
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or_else(|| time(post.updated_at));
    Ok(respond(Feed {
        title: Text::plain(format!("Comments on {}", post.title)),
        id: format!("{base}/posts/{}/comments.atom", post.slug),
        updated,
        links: vec![link(format!("{base}/posts/{}/comments.atom", post.slug), "self"), link(post_url, "related")],
        entries,
        ..Feed::default()
    }))
}
