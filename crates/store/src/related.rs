//! Related posts: other published posts sharing the most tags with a post, then the newest.

use std::collections::HashMap;

use colophon_domain::{PostId, PostStatus, Timestamp};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp as SqlTimestamp};

use crate::columns::PostStatusColumn;
use crate::id_columns::PostIdColumn;
use crate::{DbConnection, StoreResult};

/// Candidates per shared tag: the newest this many posts of each tag are compared, so that a
/// tag on half the site costs a post page no more than a rare one.
pub const RELATED_PER_TAG: i64 = 200;

#[derive(QueryableByName)]
struct RelatedRow {
    #[diesel(sql_type = PostIdColumn)]
    source: PostId,
    #[diesel(sql_type = PostIdColumn)]
    id: PostId,
}

/// For each of `posts`, up to `limit` other posts the public can read at `now`, those sharing
/// the most tags first, then the newest: one statement whatever the number of posts.
pub fn related_posts(
    conn: &mut DbConnection,
    posts: &[PostId],
    limit: i64,
    now: Timestamp,
) -> StoreResult<HashMap<PostId, Vec<PostId>>> {
    let mut related: HashMap<PostId, Vec<PostId>> = posts.iter().map(|id| (*id, Vec::new())).collect();
    if posts.is_empty() {
        return Ok(related);
    }
    let mark = if matches!(conn, DbConnection::Pg(_)) { '$' } else { '?' };
    // Ids are numbers: written into the statement, the rest bound.
    let ids: Vec<String> = posts.iter().map(|id| id.0.to_string()).collect();
    let sql = format!(
        "SELECT source, id FROM ( \
           SELECT src.post_id AS source, p.id AS id, \
                  ROW_NUMBER() OVER (PARTITION BY src.post_id ORDER BY COUNT(*) DESC, p.published_at DESC, p.id DESC) AS place \
           FROM post_tags src \
           JOIN post_tags other ON other.tag_id = src.tag_id AND other.post_id <> src.post_id \
           JOIN posts p ON p.id = other.post_id \
           WHERE src.post_id IN ({ids}) AND p.status = {mark}1 AND p.published_at <= {mark}2 \
             AND other.post_id IN (SELECT c.post_id FROM post_tags c WHERE c.tag_id = src.tag_id \
                                   ORDER BY c.post_id DESC LIMIT {mark}3) \
           GROUP BY src.post_id, p.id, p.published_at \
         ) ranked WHERE place <= {mark}4 ORDER BY source, place",
        ids = ids.join(", "),
    );
    let rows: Vec<RelatedRow> = diesel::sql_query(sql)
        .bind::<PostStatusColumn, _>(PostStatus::Published)
        .bind::<SqlTimestamp, _>(now)
        .bind::<BigInt, _>(RELATED_PER_TAG)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    for row in rows {
        related.entry(row.source).or_default().push(row.id);
    }
    Ok(related)
}
