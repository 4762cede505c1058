//! Feeds of the site, of a tag and of an author, each in Atom, RSS 2.0 and JSON Feed 1.1, and
//! the Atom feed of a post's comments. Entries link where the frontend shows each post.

mod atom;
mod json;
mod rss;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_service::{FeedOf, FeedView};

use crate::problem::ApiError;

pub use atom::comments;

/// The site's public base URL (`COLOPHON_PUBLIC_URL`), for absolute links in feeds.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub String);

/// Entries per feed.
const FEED_ITEMS: i64 = 50;

/// What every format says of a feed.
struct Channel {
    title: String,
    /// The feed's own address, in this format.
    self_url: String,
    /// The site's.
    home_url: String,
    items: Vec<Item>,
    updated: DateTime<Utc>,
}

struct Item {
    /// Stable across edits: the API's address of the post.
    id: String,
    url: String,
    title: String,
    summary: String,
    author: String,
    tags: Vec<String>,
    published: Option<DateTime<Utc>>,
    updated: DateTime<Utc>,
}

#[derive(Clone, Copy)]
enum Format {
    Atom,
    Rss,
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Atom => "atom",
            Format::Rss => "rss",
            Format::Json => "json",
        }
    }
}

fn channel(view: FeedView, base: &str, path: &str, format: Format, now: DateTime<Utc>) -> Channel {
    let items: Vec<Item> = view
        .items
        .into_iter()
        .map(|s| {
            let id = format!("{base}/api/v1/posts/{}", s.post.slug);
            Item {
                url: s.url.clone().unwrap_or_else(|| id.clone()),
                id,
                title: s.post.content.title,
                summary: s.post.content.excerpt,
                author: s.author.name,
                tags: s.tags.into_iter().map(|t| t.name).collect(),
                published: s.post.content.published_at.map(|t| t.and_utc()),
                updated: s.post.content.updated_at.and_utc(),
            }
        })
        .collect();
    let updated = items.iter().map(|i| i.updated).max().unwrap_or(now);
    let title = match view.of {
        Some(name) => format!("Colophon: {name}"),
        None => "Colophon".to_string(),
    };
    Channel {
        title,
        self_url: format!("{base}{path}.{}", format.extension()),
        home_url: base.to_string(),
        items,
        updated,
    }
}

async fn answer(
    colophon: crate::cache::Service,
    base: web::Data<PublicUrl>,
    of: FeedOf,
    path: String,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let now = colophon.now().and_utc();
    let view = colophon.feed(of, FEED_ITEMS).await?;
    let channel = channel(view, &base.0, &path, format, now);
    Ok(match format {
        Format::Atom => atom::render(channel),
        Format::Rss => rss::render(channel),
        Format::Json => json::render(channel),
    })
}

macro_rules! site_feed {
    ($name:ident, $format:expr, $doc:literal) => {
        #[doc = $doc]
        pub async fn $name(
            colophon: crate::cache::Service,
            base: web::Data<PublicUrl>,
        ) -> Result<HttpResponse, ApiError> {
            answer(colophon, base, FeedOf::Site, "/feed".into(), $format).await
        }
    };
}

macro_rules! slug_feed {
    ($name:ident, $of:ident, $prefix:literal, $format:expr, $doc:literal) => {
        #[doc = $doc]
        pub async fn $name(
            colophon: crate::cache::Service,
            base: web::Data<PublicUrl>,
            slug: web::Path<String>,
        ) -> Result<HttpResponse, ApiError> {
            let slug = slug.into_inner();
            let path = format!(concat!($prefix, "/{}/feed"), slug);
            answer(colophon, base, FeedOf::$of(slug), path, $format).await
        }
    };
}

site_feed!(site_atom, Format::Atom, "`GET /feed.atom`: the newest published posts.");
site_feed!(site_rss, Format::Rss, "`GET /feed.rss`: the newest published posts.");
site_feed!(site_json, Format::Json, "`GET /feed.json`: the newest published posts.");
slug_feed!(tag_atom, Tag, "/tags", Format::Atom, "`GET /tags/{slug}/feed.atom`: a tag's newest posts.");
slug_feed!(tag_rss, Tag, "/tags", Format::Rss, "`GET /tags/{slug}/feed.rss`: a tag's newest posts.");
slug_feed!(tag_json, Tag, "/tags", Format::Json, "`GET /tags/{slug}/feed.json`: a tag's newest posts.");
slug_feed!(author_atom, Author, "/authors", Format::Atom, "`GET /authors/{slug}/feed.atom`: an author's newest posts.");
slug_feed!(author_rss, Author, "/authors", Format::Rss, "`GET /authors/{slug}/feed.rss`: an author's newest posts.");
slug_feed!(author_json, Author, "/authors", Format::Json, "`GET /authors/{slug}/feed.json`: an author's newest posts.");

/// XML cannot carry some characters; rows written before that rule (or behind the API) may
/// hold some: they are left out, so a feed stays well-formed.
fn well_formed(xml: &str) -> String {
    colophon_domain::markup::strip_forbidden(xml).into_owned()
}
