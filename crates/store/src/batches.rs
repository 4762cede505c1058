//! Per-post reads for many posts in one statement each (GraphQL lists ask for the comments and
//! neighbours of up to a hundred posts at once). Each post gets its own `ORDER BY … LIMIT` probe
//! of an index: a post with ten thousand comments costs what a post with ten costs, which a
//! window function over all of them would not.
//!
//! PostgreSQL runs one statement of fixed text per read, the posts passed as arrays and probed
//! with `CROSS JOIN LATERAL`, so it is prepared once and never planned again. SQLite has neither
//! arrays nor `LATERAL`; it gets one `UNION ALL` term per post, which it plans cheaply.

use std::collections::HashMap;

use colophon_domain::{Comment, CommentId, CommentStatus, PostId, PostLink, PostStatus, Timestamp};
use diesel::PgConnection;
use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Timestamp as SqlTimestamp, Untyped};

use crate::columns::{CommentStatusColumn, PostStatusColumn};
use crate::id_columns::{CommentIdColumn, PostIdColumn};
use crate::rows::{CommentRow, convert, slug};
use crate::{CommentKey, DbConnection, PostKey, StoreResult};

/// SQLite allows 500 terms in one compound select; two per post for neighbours.
const POSTS_PER_STATEMENT: usize = 200;

const COMMENT_COLUMNS: &str = "id, post_id, parent_id, author_id, author_name, author_email, author_url, \
                               body_source, body_html, status, depth, ip, user_agent, created_at, updated_at";

/// The approved comments of each post, oldest first, at most `limit` per post, strictly after
/// `after` when given: one statement per 200 posts.
pub fn approved_comments_of_posts(
    conn: &mut DbConnection,
    posts: &[PostId],
    after: Option<CommentKey>,
    limit: i64,
) -> StoreResult<HashMap<PostId, Vec<Comment>>> {
    let mut by_post: HashMap<PostId, Vec<Comment>> = posts.iter().map(|id| (*id, Vec::new())).collect();
    let rows: Vec<CommentRow> = match conn {
        DbConnection::Pg(c) => LateralComments { posts: posts.to_vec(), after, limit }.load(c)?,
        DbConnection::Sqlite(_) => {
            let mut rows = Vec::new();
            for chunk in posts.chunks(POSTS_PER_STATEMENT) {
                rows.extend(CommentsOfPosts { posts: chunk, after, limit }.load::<CommentRow>(conn)?);
            }
            rows
        }
    };
    for comment in convert(rows, CommentRow::into_domain)? {
        by_post.entry(comment.post_id).or_default().push(comment);
    }
    Ok(by_post)
}

struct CommentsOfPosts<'a> {
    posts: &'a [PostId],
    after: Option<CommentKey>,
    limit: i64,
}

impl<DB: Backend> QueryFragment<DB> for CommentsOfPosts<'_>
where
    Timestamp: diesel::serialize::ToSql<SqlTimestamp, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    PostId: diesel::serialize::ToSql<PostIdColumn, DB>,
    CommentId: diesel::serialize::ToSql<CommentIdColumn, DB>,
    CommentStatus: diesel::serialize::ToSql<CommentStatusColumn, DB>,
    PostStatus: diesel::serialize::ToSql<PostStatusColumn, DB>,
    DB: diesel::sql_types::HasSqlType<CommentStatusColumn>
        + diesel::sql_types::HasSqlType<PostStatusColumn>
        + diesel::sql_types::HasSqlType<PostIdColumn>
        + diesel::sql_types::HasSqlType<CommentIdColumn>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        for (i, post) in self.posts.iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ALL ");
            }
            out.push_sql(&format!("SELECT * FROM (SELECT {COMMENT_COLUMNS} FROM comments WHERE post_id = "));
            out.push_bind_param::<PostIdColumn, _>(post)?;
            out.push_sql(" AND status = ");
            out.push_bind_param::<CommentStatusColumn, _>(&CommentStatus::Approved)?;
            if let Some(key) = &self.after {
                out.push_sql(" AND created_at >= ");
                out.push_bind_param::<SqlTimestamp, _>(&key.created_at)?;
                out.push_sql(" AND (created_at > ");
                out.push_bind_param::<SqlTimestamp, _>(&key.created_at)?;
                out.push_sql(" OR id > ");
                out.push_bind_param::<CommentIdColumn, _>(&key.id)?;
                out.push_sql(")");
            }
            out.push_sql(" ORDER BY created_at, id LIMIT ");
            out.push_bind_param::<BigInt, _>(&self.limit)?;
            out.push_sql(&format!(") AS of_post_{i}"));
        }
        Ok(())
    }
}

impl QueryId for CommentsOfPosts<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for CommentsOfPosts<'_> {
    type SqlType = Untyped;
}

impl RunQueryDsl<DbConnection> for CommentsOfPosts<'_> {}

/// A post's older and newer published neighbours.
pub type Neighbours = (Option<PostLink>, Option<PostLink>);

/// The published neighbours (at `now`) of each post that has a place in the published order:
/// one statement per 200 posts.
pub fn neighbours_of_posts(
    conn: &mut DbConnection,
    posts: &[PostKey],
    now: Timestamp,
) -> StoreResult<HashMap<PostId, Neighbours>> {
    let mut by_post: HashMap<PostId, Neighbours> = posts.iter().map(|k| (k.id, (None, None))).collect();
    let rows: Vec<NeighbourOfRow> = match conn {
        DbConnection::Pg(c) => {
            let ids = posts.iter().map(|k| k.id).collect();
            let dates = posts.iter().map(|k| k.published_at).collect();
            LateralNeighbours { ids, dates, now }.load(c)?
        }
        DbConnection::Sqlite(_) => {
            let mut rows = Vec::new();
            for chunk in posts.chunks(POSTS_PER_STATEMENT) {
                rows.extend(NeighboursOfPosts { posts: chunk, now }.load::<NeighbourOfRow>(conn)?);
            }
            rows
        }
    };
    for row in rows {
        let link = PostLink { id: row.id, slug: slug(row.slug)?, title: row.title, published_at: row.published_at };
        let entry = by_post.entry(row.of_post).or_default();
        if row.older { entry.0 = Some(link) } else { entry.1 = Some(link) }
    }
    Ok(by_post)
}

#[derive(QueryableByName)]
struct NeighbourOfRow {
    #[diesel(sql_type = PostIdColumn)]
    of_post: PostId,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    older: bool,
    #[diesel(sql_type = PostIdColumn)]
    id: PostId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    slug: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<SqlTimestamp>)]
    published_at: Option<Timestamp>,
}

struct NeighboursOfPosts<'a> {
    posts: &'a [PostKey],
    now: Timestamp,
}

impl<DB: Backend> QueryFragment<DB> for NeighboursOfPosts<'_>
where
    Timestamp: diesel::serialize::ToSql<SqlTimestamp, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    PostId: diesel::serialize::ToSql<PostIdColumn, DB>,
    CommentId: diesel::serialize::ToSql<CommentIdColumn, DB>,
    CommentStatus: diesel::serialize::ToSql<CommentStatusColumn, DB>,
    PostStatus: diesel::serialize::ToSql<PostStatusColumn, DB>,
    DB: diesel::sql_types::HasSqlType<CommentStatusColumn>
        + diesel::sql_types::HasSqlType<PostStatusColumn>
        + diesel::sql_types::HasSqlType<PostIdColumn>
        + diesel::sql_types::HasSqlType<CommentIdColumn>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        let mut first = true;
        for (i, key) in self.posts.iter().enumerate() {
            for older in [true, false] {
                if !first {
                    out.push_sql(" UNION ALL ");
                }
                first = false;
                // The same probe as `neighbours`: the plain bound on published_at lets the index
                // scan start at the post.
                let (bound, strict, order, flag) =
                    if older { ("<=", "<", "DESC", "1 = 1") } else { (">=", ">", "ASC", "1 = 0") };
                out.push_sql("SELECT * FROM (SELECT ");
                out.push_bind_param::<PostIdColumn, _>(&key.id)?;
                out.push_sql(&format!(
                    " AS of_post, {flag} AS older, id, slug, title, published_at FROM posts WHERE status = "
                ));
                out.push_bind_param::<PostStatusColumn, _>(&PostStatus::Published)?;
                out.push_sql(" AND published_at <= ");
                out.push_bind_param::<SqlTimestamp, _>(&self.now)?;
                out.push_sql(&format!(" AND published_at {bound} "));
                out.push_bind_param::<SqlTimestamp, _>(&key.published_at)?;
                out.push_sql(&format!(" AND (published_at {strict} "));
                out.push_bind_param::<SqlTimestamp, _>(&key.published_at)?;
                out.push_sql(&format!(" OR id {strict} "));
                out.push_bind_param::<PostIdColumn, _>(&key.id)?;
                out.push_sql(&format!(") ORDER BY published_at {order}, id {order} LIMIT 1) AS side_{i}_{older}"));
            }
        }
        Ok(())
    }
}

impl QueryId for NeighboursOfPosts<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for NeighboursOfPosts<'_> {
    type SqlType = Untyped;
}

impl RunQueryDsl<DbConnection> for NeighboursOfPosts<'_> {}

/// PostgreSQL: the comments of every post in `posts`, one index probe each, in one statement
/// (two texts: with a cursor and without).
struct LateralComments {
    posts: Vec<PostId>,
    after: Option<CommentKey>,
    limit: i64,
}

impl QueryFragment<Pg> for LateralComments {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT c.* FROM unnest(");
        out.push_bind_param::<Array<PostIdColumn>, _>(&self.posts)?;
        out.push_sql(&format!(
            ") AS k(post_id) CROSS JOIN LATERAL (SELECT {COMMENT_COLUMNS} FROM comments \
             WHERE comments.post_id = k.post_id AND status = "
        ));
        out.push_bind_param::<CommentStatusColumn, _>(&CommentStatus::Approved)?;
        if let Some(key) = &self.after {
            out.push_sql(" AND created_at >= ");
            out.push_bind_param::<SqlTimestamp, _>(&key.created_at)?;
            out.push_sql(" AND (created_at > ");
            out.push_bind_param::<SqlTimestamp, _>(&key.created_at)?;
            out.push_sql(" OR id > ");
            out.push_bind_param::<CommentIdColumn, _>(&key.id)?;
            out.push_sql(")");
        }
        out.push_sql(" ORDER BY created_at, id LIMIT ");
        out.push_bind_param::<BigInt, _>(&self.limit)?;
        out.push_sql(") AS c");
        Ok(())
    }
}

impl QueryId for LateralComments {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for LateralComments {
    type SqlType = Untyped;
}

impl RunQueryDsl<PgConnection> for LateralComments {}

/// PostgreSQL: the older and the newer neighbour of every post, in one statement of fixed text.
struct LateralNeighbours {
    ids: Vec<PostId>,
    dates: Vec<Timestamp>,
    now: Timestamp,
}

impl QueryFragment<Pg> for LateralNeighbours {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for (i, older) in [true, false].into_iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ALL ");
            }
            let (bound, strict, order) = if older { ("<=", "<", "DESC") } else { (">=", ">", "ASC") };
            out.push_sql(&format!(
                "SELECT k.id AS of_post, {older} AS older, n.id, n.slug, n.title, n.published_at FROM unnest("
            ));
            out.push_bind_param::<Array<PostIdColumn>, _>(&self.ids)?;
            out.push_sql(", ");
            out.push_bind_param::<Array<SqlTimestamp>, _>(&self.dates)?;
            out.push_sql(
                ") AS k(id, published_at) CROSS JOIN LATERAL (SELECT id, slug, title, published_at FROM posts \
                 WHERE status = ",
            );
            out.push_bind_param::<PostStatusColumn, _>(&PostStatus::Published)?;
            out.push_sql(" AND published_at <= ");
            out.push_bind_param::<SqlTimestamp, _>(&self.now)?;
            out.push_sql(&format!(
                " AND published_at {bound} k.published_at AND (published_at {strict} k.published_at OR id {strict} k.id) \
                 ORDER BY published_at {order}, id {order} LIMIT 1) AS n"
            ));
        }
        Ok(())
    }
}

impl QueryId for LateralNeighbours {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for LateralNeighbours {
    type SqlType = Untyped;
}

impl RunQueryDsl<PgConnection> for LateralNeighbours {}
