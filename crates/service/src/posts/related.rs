//! Related posts: other published posts sharing the most tags, then the newest.

use std::collections::HashMap;

use colophon_domain::{Post, PostId, Timestamp};
use colophon_store::{self as store, DbConnection};

use crate::cache_keys::CacheKey;
use crate::{Colophon, ServiceError, ServiceResult};

/// Related posts shown when the caller does not say how many.
pub const RELATED_DEFAULT: i64 = 5;
/// The most related posts a post shows.
pub const RELATED_MAX: i64 = 10;

/// The number of related posts asked for, checked.
pub(crate) fn related_limit(limit: Option<i64>) -> ServiceResult<i64> {
    match limit.unwrap_or(RELATED_DEFAULT) {
        n @ 1..=RELATED_MAX => Ok(n),
        n => Err(ServiceError::bad_request("related_limit", format!("must be between 1 and {RELATED_MAX}, got {n}"))),
    }
}

/// The related posts of each of `posts`, in order: two statements whatever their number.
pub(crate) fn related(
    conn: &mut DbConnection,
    posts: &[PostId],
    limit: i64,
    now: Timestamp,
) -> ServiceResult<HashMap<PostId, Vec<Post>>> {
    let ids = store::related_posts(conn, posts, limit, now)?;
    let mut wanted: Vec<PostId> = ids.values().flatten().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let found: HashMap<PostId, Post> = store::posts_by_ids(conn, &wanted)?.into_iter().map(|p| (p.id, p)).collect();
    Ok(ids
        .into_iter()
        .map(|(source, related)| (source, related.iter().filter_map(|id| found.get(id).cloned()).collect()))
        .collect())
}

impl Colophon {
    /// The related posts of many posts at once (GraphQL's batched loader): three statements.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn related_of_posts(
        &self,
        posts: Vec<PostId>,
        limit: Option<i64>,
    ) -> ServiceResult<HashMap<PostId, Vec<Post>>> {
        let limit = related_limit(limit)?;
        let (related, tags) = self
            .db(move |conn, now| {
                let tags = store::tags_for_posts(conn, &posts)?;
                Ok((related(conn, &posts, limit, now)?, tags))
            })
            .await?;
        // Which posts are related changes with the lists of the posts' tags.
        for (post, post_tags) in tags {
            self.saw_key(CacheKey::Post(post));
            for tag in post_tags {
                self.saw_key(CacheKey::TagPosts(tag.slug.into_string()));
            }
        }
        for posts in related.values() {
            self.saw(posts);
        }
        Ok(related)
    }
}
