//! Full-text search over posts: published ones for everyone, drafts and scheduled posts for
//! those who may read them.

use std::collections::HashMap;

use colophon_domain::{PostId, PostStatus, Role, SearchQuery, Slug, highlight_html};
use colophon_store::{self as store, SearchFilter, SearchKey};

use crate::cache_keys::CacheKey;
use crate::posts::list::summarize;
use crate::{Caller, Colophon, CursorPage, PostSummary, ServiceError, ServiceResult};

const SEARCH: &str = "search";

/// A search as the caller gave it, not yet parsed.
#[derive(Debug, Clone, Default)]
pub struct PostSearch {
    /// What to find: words, `"phrases"`, `-exclusions`, `prefix*`.
    pub query: String,
    /// Only posts of the author with this slug.
    pub author: Option<String>,
    /// Only posts with the tag of this slug.
    pub tag: Option<String>,
    /// Staff only: search posts of this status (contributors and authors: their own).
    pub status: Option<PostStatus>,
    /// Results per page, 1 to 100 (20 when absent).
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// One post a search found.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// The post, with its author and tags.
    pub summary: PostSummary,
    /// How well it matched: higher is better (comparable within one search only).
    pub score: f64,
    /// Words of its body around the best match, HTML-escaped, matched words in `<mark>`.
    pub snippet_html: String,
    /// The cursor that continues the search after this result (a Relay edge's cursor).
    pub cursor: String,
}

impl Colophon {
    /// Posts matching `search`, best first: title weighs more than excerpt, excerpt more than
    /// body. Three statements whatever the page size: the ranked page with its snippets, the
    /// posts, their authors and tags.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn search_posts(&self, caller: Caller, search: PostSearch) -> ServiceResult<CursorPage<SearchResult>> {
        let query = SearchQuery::parse(&search.query).map_err(|m| ServiceError::bad_request("q", m))?;
        let limit =
            colophon_domain::PageLimit::parse(search.limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let slug = |value: Option<String>, field: &'static str| {
            value
                .filter(|s| !s.is_empty())
                .map(Slug::parse)
                .transpose()
                .map_err(|m| ServiceError::bad_request(field, m))
        };
        let status = search.status.unwrap_or(PostStatus::Published);
        let author_id = match status {
            PostStatus::Published => None,
            _ => {
                let actor = caller.actor()?;
                (actor.role < Role::Editor).then_some(actor.id)
            }
        };
        let filter = SearchFilter {
            status,
            author_id,
            author: slug(search.author, "author")?,
            tag: slug(search.tag, "tag")?,
            language: self.search_language().to_string(),
        };
        // A cursor belongs to its search: the same words, filters and status.
        let fingerprint = fingerprint(&format!(
            "{}|{:?}|{:?}|{status:?}|{author_id:?}",
            query.normalized(),
            filter.author,
            filter.tag
        ));
        let after = match search.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => {
                let [bits, id, print] = self.cursors().decode::<3>(SEARCH, cursor)?;
                if print != fingerprint {
                    return Err(ServiceError::bad_request("cursor", "belongs to another search"));
                }
                Some(SearchKey { score: f64::from_bits(bits as u64), id: PostId(id) })
            }
        };
        let codec = self.cursors().clone();
        let urls = self.site_urls().clone();
        // Shared: a read may run twice (on a replica, then on the primary).
        let highlighter = std::sync::Arc::new(colophon_domain::Highlighter::new(&query, self.search_language()));
        let page = self
            .db(move |conn, now| {
                let mut hits = store::search_posts(conn, &query, &filter, after, limit.probe(), now)?;
                let more = hits.len() as i64 > i64::from(limit.get());
                hits.truncate(limit.get() as usize);
                let ids: Vec<PostId> = hits.iter().map(|h| h.id).collect();
                let mut posts: HashMap<PostId, _> =
                    store::posts_by_ids(conn, &ids)?.into_iter().map(|p| (p.id, p)).collect();
                let found: Vec<_> = ids.iter().filter_map(|id| posts.remove(id)).collect();
                let mut summaries: HashMap<PostId, PostSummary> =
                    summarize(conn, found, now, &urls, false)?.into_iter().map(|s| (s.post.id, s)).collect();
                let cursor =
                    |hit: &store::SearchHit| codec.encode(SEARCH, &[hit.score.to_bits() as i64, hit.id.0, fingerprint]);
                let next_cursor = hits.last().filter(|_| more).map(cursor);
                let items = hits
                    .into_iter()
                    .filter_map(|hit| {
                        let summary = summaries.remove(&hit.id)?;
                        let cursor = cursor(&hit);
                        let snippet = highlighter.best_snippet(&hit.body_text, &hit.excerpt);
                        Some(SearchResult { summary, score: hit.score, snippet_html: highlight_html(&snippet), cursor })
                    })
                    .collect();
                Ok(CursorPage { items, next_cursor })
            })
            .await?;
        self.saw(&page.items.iter().map(|r| r.summary.clone()).collect::<Vec<_>>());
        self.saw_key(CacheKey::Published);
        Ok(page)
    }
}

/// At start-up: the index speaks the configured language, and every post has its indexed text
/// (posts written before search existed, or behind Colophon's back, get it now).
pub(crate) fn prepare_search(conn: &mut store::DbConnection, language: &str) -> ServiceResult<()> {
    if language.is_empty() || language.len() > 63 || !language.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(ServiceError::Internal(std::sync::Arc::new(store::StoreError::Config(format!(
            "COLOPHON_SEARCH_LANGUAGE={language:?}: a text search configuration's name (english, german, simple…)"
        )))));
    }
    let gate = store::WriteGate::open();
    if store::write_transaction(&gate, conn, |conn| store::set_search_language(conn, language))? {
        tracing::info!(language, "re-indexed posts for search in the configured language");
    }
    let mut indexed = 0;
    loop {
        let batch = store::posts_without_search_text(conn, 500)?;
        if batch.is_empty() {
            break;
        }
        indexed += batch.len();
        store::write_transaction(&gate, conn, |conn| {
            batch.iter().try_for_each(|(id, html)| store::set_search_text(conn, *id, html))
        })?;
    }
    if indexed > 0 {
        tracing::info!(posts = indexed, "indexed posts for search");
    }
    Ok(())
}

/// A stable 48-bit fingerprint of a search (FNV-1a), to tie its cursors to it.
fn fingerprint(text: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (hash >> 16) as i64
}
