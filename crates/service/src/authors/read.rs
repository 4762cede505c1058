use std::collections::HashMap;

use colophon_domain::{Author, AuthorId, Page};
use colophon_store as store;

use crate::Paging;
use crate::SlugKey;
use crate::cache_keys::CacheKey;
use crate::{AuthorProfile, Colophon, CursorPage, ServiceError, ServiceResult};

const LIST: &str = "authors";

impl Colophon {
    /// Public author profiles in the order they joined, with their published post counts.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_authors(&self, paging: Paging) -> ServiceResult<CursorPage<AuthorProfile>> {
        let Paging { limit, cursor } = paging;
        let (limit, after) = self.id_page_args(LIST, limit, cursor)?;
        let codec = self.cursors().clone();
        let page = self
            .db(move |conn, now| {
                let rows = store::list_authors(conn, after.map(AuthorId), limit.probe())?;
                let page = Page::from_probe(rows, limit, |a| a.id.0);
                let ids: Vec<_> = page.items.iter().map(|a| a.id).collect();
                let counts = store::published_post_counts(conn, &ids, now)?;
                Ok(CursorPage {
                    items: page.items.into_iter().map(|author| profile(author, &counts)).collect(),
                    next_cursor: page.next.map(|id| codec.encode(LIST, &[id])),
                })
            })
            .await?;
        self.saw(&page);
        self.saw_key(CacheKey::Authors);
        Ok(page)
    }

    /// One public author profile by slug, with its published post count.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_author(&self, slug: SlugKey) -> ServiceResult<AuthorProfile> {
        let profile = self
            .db(move |conn, now| {
                let slug = slug.found("author")?;
                let author = store::find_author_by_slug(conn, &slug)?.ok_or(ServiceError::NotFound("author"))?;
                let counts = store::published_post_counts(conn, &[author.id], now)?;
                Ok(profile(author, &counts))
            })
            .await;
        // Found by slug: a new slug (an author renamed or created) changes what this finds.
        self.saw_key(CacheKey::Authors);
        self.saw_found(profile, CacheKey::Authors)
    }

    /// Authors by id in one query (GraphQL's batched loader).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn authors_by_ids(&self, ids: Vec<AuthorId>) -> ServiceResult<Vec<Author>> {
        let authors = self.db(move |conn, _| Ok(store::authors_by_ids(conn, &ids)?)).await?;
        self.saw(&authors);
        Ok(authors)
    }

    /// Published post counts by author in one query (GraphQL's batched loader).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn published_post_counts(&self, ids: Vec<AuthorId>) -> ServiceResult<HashMap<AuthorId, i64>> {
        for id in &ids {
            self.saw_key(CacheKey::AuthorPosts(*id));
        }
        self.db(move |conn, now| Ok(store::published_post_counts(conn, &ids, now)?)).await
    }
}

fn profile(author: Author, counts: &HashMap<AuthorId, i64>) -> AuthorProfile {
    AuthorProfile { post_count: counts.get(&author.id).copied().unwrap_or(0), author }
}
