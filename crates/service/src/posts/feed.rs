//! Feeds and sitemaps: what a feed reader or a search engine's crawler is given.

use colophon_domain::Timestamp;
use colophon_store as store;

use crate::SlugKey;
use crate::cache_keys::CacheKey;
use crate::{Caller, Colophon, PostListQuery, PostSummary, ServiceError, ServiceResult};

/// Which posts a feed carries.
#[derive(Debug, Clone)]
pub enum FeedOf {
    /// The whole site's.
    Site,
    /// One tag's, by slug.
    Tag(String),
    /// One author's, by slug.
    Author(String),
}

/// A feed's posts, newest first, and what the feed is of.
#[derive(Debug, Clone)]
pub struct FeedView {
    /// The tag's or author's name; `None` for the site.
    pub of: Option<String>,
    /// The newest posts.
    pub items: Vec<PostSummary>,
}

/// One address in a sitemap.
#[derive(Debug, Clone)]
pub struct SitemapUrl {
    /// The public address.
    pub loc: String,
    /// When what it shows last changed.
    pub lastmod: Timestamp,
}

/// A sitemap, or (past [`Colophon::sitemap_size`] addresses) an index of numbered ones.
#[derive(Debug, Clone)]
pub enum Sitemap {
    /// The addresses themselves.
    Urls(Vec<SitemapUrl>),
    /// How many numbered sitemaps there are (`1..=n`).
    Index(u32),
}

impl Colophon {
    /// The newest `limit` posts of the site, a tag or an author; 404 for a tag or author
    /// nobody can read posts of.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn feed(&self, of: FeedOf, limit: i64) -> ServiceResult<FeedView> {
        let (name, query) = match &of {
            FeedOf::Site => (None, PostListQuery::default()),
            FeedOf::Tag(slug) => {
                let tag = self.get_tag(SlugKey::new(slug.clone())).await?;
                (Some(tag.tag.name), PostListQuery { tag: Some(slug.clone()), ..PostListQuery::default() })
            }
            FeedOf::Author(slug) => {
                let author = self.get_author(SlugKey::new(slug.clone())).await?;
                (Some(author.author.name), PostListQuery { author: Some(slug.clone()), ..PostListQuery::default() })
            }
        };
        let page = self.list_post_summaries(Caller::Anonymous, PostListQuery { limit: Some(limit), ..query }).await?;
        Ok(FeedView { of: name, items: page.items })
    }

    /// `/sitemap.xml` (`page` `None`: every address, or the index past the size) or one
    /// numbered sitemap of the index (404 past the last).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn sitemap(&self, page: Option<u32>) -> ServiceResult<Sitemap> {
        let size = self.sitemap_size().max(1);
        let urls = self.site_urls().clone();
        let sitemap = self
            .db(move |conn, now| {
                // Pages first (a site has a few), then posts in id order.
                let pages: Vec<SitemapUrl> = store::indexable_pages(conn, now)?
                    .into_iter()
                    .filter_map(|p| {
                        let loc = urls.pages.render(p.slug.as_str(), p.id.0, p.published_at)?;
                        Some(SitemapUrl { loc, lastmod: p.updated_at })
                    })
                    .collect();
                let count = pages.len() as i64 + store::count_indexable_posts(conn, now)?;
                let files = u32::try_from((count + size - 1) / size).unwrap_or(u32::MAX).max(1);
                let offset = match page {
                    None if count > size => return Ok(Sitemap::Index(files)),
                    None => 0,
                    Some(n) if n >= 1 && n <= files && count > size => i64::from(n - 1) * size,
                    Some(_) => return Err(ServiceError::NotFound("sitemap")),
                };
                let skip = usize::try_from(offset).unwrap_or(usize::MAX);
                let mut entries: Vec<SitemapUrl> = pages.iter().skip(skip).take(size as usize).cloned().collect();
                let post_offset = (offset - pages.len() as i64).max(0);
                let wanted = size - entries.len() as i64;
                if wanted > 0 {
                    let posts = store::indexable_posts(conn, now, post_offset, wanted)?;
                    entries.extend(posts.into_iter().filter_map(|p| {
                        let loc = urls.posts.render(p.slug.as_str(), p.id.0, p.published_at)?;
                        Some(SitemapUrl { loc, lastmod: p.updated_at })
                    }));
                }
                Ok(Sitemap::Urls(entries))
            })
            .await?;
        // Any visible post's address, date or noindex: one key for them all.
        self.saw_key(CacheKey::Published);
        self.saw_key(CacheKey::Posts);
        self.saw_key(CacheKey::Pages);
        Ok(sitemap)
    }
}
