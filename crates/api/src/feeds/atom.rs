//! Atom 1.0: the feeds of posts, and a post's newest approved comments.

use actix_web::{HttpResponse, web};
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, FixedOffset};
use colophon_domain::Timestamp;

use super::{Channel, FEED_ITEMS, PublicUrl, well_formed};
use crate::problem::ApiError;

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

fn respond(feed: Feed) -> HttpResponse {
    HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(well_formed(&feed.to_string()))
}

/// The feed as Atom 1.0.
pub(super) fn render(channel: Channel) -> HttpResponse {
    let entries: Vec<Entry> = channel
        .items
        .into_iter()
        .map(|item| Entry {
            title: Text::plain(item.title),
            id: item.id,
            updated: item.updated.fixed_offset(),
            published: item.published.map(|t| t.fixed_offset()),
            authors: vec![person(item.author)],
            links: vec![link(item.url, "alternate")],
            summary: Some(Text::plain(item.summary)),
            categories: item
                .tags
                .into_iter()
                .map(|term| atom_syndication::Category { term, ..atom_syndication::Category::default() })
                .collect(),
            ..Entry::default()
        })
        .collect();
    respond(Feed {
        title: Text::plain(channel.title),
        id: channel.self_url.clone(),
        updated: channel.updated.fixed_offset(),
        links: vec![link(channel.self_url, "self"), link(channel.home_url, "alternate")],
        entries,
        ..Feed::default()
    })
}

/// `GET /posts/{slug}/comments.atom`: a post's newest approved comments.
pub async fn comments(
    colophon: crate::cache::Service,
    base: web::Data<PublicUrl>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (post, comments) = colophon.comment_feed(slug.into_inner().into(), FEED_ITEMS).await?;
    let base = &base.0;
    let post_url = colophon.site_urls().post(&post).unwrap_or_else(|| format!("{base}/api/v1/posts/{}", post.slug));
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
