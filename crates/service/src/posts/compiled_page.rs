//! A post's page answered by the read compiler: one statement selects the published post with
//! its author, tags, neighbours, sidebar and first comments as JSON; Rust adds what needs a rule
//! of its own (the SEO defaults, the Markdown for those who may edit, the signed comment cursor)
//! at the end of the object, and records what the answer shows for the cache.

use colophon_domain::{CommentId, CommentOrder, PostId, PostStatus, ProductId, Seo, Slug, SummaryField};
use colophon_store::{self as store, CommentKey, ListShape, PageKey, Shows};

use crate::cache_keys::CacheKey;
use crate::{Caller, Colophon, Key, PageIncludes, ServiceError, ServiceResult};

/// A post's page as JSON, and its version (for the `ETag`).
#[derive(Debug, Clone)]
pub struct PostJson {
    /// The whole answer.
    pub json: String,
    /// The post's version.
    pub version: i64,
}

/// The SEO fields in the order REST's `SeoBody` writes them.
#[derive(serde::Serialize)]
struct SeoJson<'a> {
    meta_title: &'a str,
    meta_description: &'a str,
    canonical_url: Option<&'a str>,
    og_image: Option<&'a str>,
    noindex: bool,
}

impl Colophon {
    /// The answer of a post's page in one statement, when the post is published: `None` for
    /// what the statement does not answer (a draft, a renamed or missing post, comments in
    /// thread order, related posts), which [`Self::get_post`] does.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn post_page_json(
        &self,
        caller: Caller,
        key: Key,
        includes: PageIncludes,
    ) -> ServiceResult<Option<PostJson>> {
        if includes.related.is_some() || includes.comments.is_some_and(|c| c.order != CommentOrder::Oldest) {
            return Ok(None);
        }
        let Some(key) = page_key(key) else { return Ok(None) };
        let comments = includes.comments.map(|c| self.comment_page_args(c.limit, None)).transpose()?.map(|(l, _)| l);
        let urls = self.site_urls().clone();
        let shape = ListShape { fields: SummaryField::ALL.to_vec(), url: urls.posts.clone(), staff: caller.is_staff() };
        let shown = comments.map(|limit| i64::from(limit.get()));
        let found = self.db(move |conn, now| Ok(store::post_page_json(conn, &key, now, shown, &shape)?)).await?;
        let Some(page) = found else { return Ok(None) };
        let url = urls.posts.render(&page.slug, page.id, page.published_at);
        let seo = Seo {
            meta_title: page.meta_title.clone(),
            meta_description: page.meta_description.clone(),
            canonical_url: page.canonical_url.clone(),
            og_image: page.og_image.clone(),
            noindex: page.noindex,
        }
        .effective(&page.title, &page.excerpt, url.as_deref(), page.featured_image_url.as_deref());
        let seo = SeoJson {
            meta_title: &seo.meta_title,
            meta_description: &seo.meta_description,
            canonical_url: seo.canonical_url.as_deref(),
            og_image: seo.og_image.as_deref(),
            noindex: seo.noindex,
        };
        let editable = caller.as_actor().is_some_and(|a| a.can_edit_by(page.author(), PostStatus::Published));
        let object = page.json.trim_end().strip_suffix('}').ok_or_else(|| ServiceError::internal("a post's JSON"))?;
        let mut json = String::with_capacity(page.json.len() + page.comments.as_ref().map_or(0, String::len) + 512);
        json.push_str(object);
        json.push_str(",\"seo\":");
        json.push_str(&serde_json::to_string(&seo).map_err(|e| ServiceError::internal_while("serialize", e))?);
        if let Some(markdown) = page.body_markdown.as_ref().filter(|_| editable) {
            json.push_str(",\"body_markdown\":");
            json.push_str(&serde_json::Value::from(markdown.as_str()).to_string());
        }
        if let Some(comments) = &page.comments {
            let next = match (page.comments_last_at, page.comments_last_id) {
                (Some(created_at), Some(last)) => {
                    let key = CommentKey { created_at, id: CommentId(last) };
                    format!("\"{}\"", crate::comments::comment_cursor(self.cursors(), key))
                }
                _ => "null".to_string(),
            };
            json.push_str(&format!(",\"comments\":{{\"data\":{comments},\"next_cursor\":{next}}}"));
        }
        json.push('}');
        self.saw_page(&page, Shows::all(page.comments.is_some()));
        Ok(Some(PostJson { json, version: page.version }))
    }

    /// Everything a compiled page shows, as [`crate::PostDetail`] reports it: of `shows`, the
    /// parts the answer holds.
    pub(super) fn saw_page(&self, page: &store::JsonPage, shows: Shows) {
        let id = page.id();
        let mut keys = vec![CacheKey::Post(id)];
        if shows.author {
            keys.push(CacheKey::Author(page.author()));
        }
        if shows.links {
            keys.push(CacheKey::Around(id));
            keys.extend([page.previous_id, page.next_id].into_iter().flatten().map(|n| CacheKey::Link(PostId(n))));
        }
        keys.extend(page.tag_slugs.iter().flat_map(|s| s.split(',')).map(|slug| CacheKey::Tag(slug.to_string())));
        if let Some(sidebar) = page.sidebar().filter(|_| shows.sidebar) {
            keys.push(CacheKey::Sidebar(sidebar));
        }
        for shown in page.sidebar_keys.iter().flat_map(|s| s.split(',')) {
            match shown.split_once(':').map(|(kind, n)| (kind, n.parse::<i64>())) {
                Some(("product", Ok(n))) => keys.push(CacheKey::Product(ProductId(n))),
                Some((_, Ok(n))) => keys.push(CacheKey::Author(colophon_domain::AuthorId(n))),
                _ => {}
            }
        }
        if shows.comments {
            keys.push(CacheKey::Comments(id));
        }
        for key in keys {
            self.saw_key(key);
        }
    }
}

/// The page's key; `None` for a slug no post can have.
pub(super) fn page_key(key: Key) -> Option<PageKey> {
    match key {
        Key::Id(id) => Some(PageKey::Id(PostId(id))),
        Key::Slug(slug) => Slug::parse(&slug).ok().map(|slug| PageKey::Slug(slug.into_string())),
    }
}
