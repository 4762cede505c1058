//! A post's previous and next published posts, for its page.

use colophon_domain::{Post, PostId, PostLink, PostStatus, Timestamp};
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Timestamp as SqlTimestamp, Untyped};

use crate::columns::PostStatusColumn;
use crate::id_columns::PostIdColumn;
use crate::rows::slug;
use crate::{DbConnection, PostKey, StoreResult};

/// The published posts just before (older) and just after (newer) `post` at `now`.
pub fn neighbours(
    conn: &mut DbConnection,
    post: &Post,
    now: Timestamp,
) -> StoreResult<(Option<PostLink>, Option<PostLink>)> {
    let Some(key) = PostKey::of(post) else { return Ok((None, None)) };
    let rows: Vec<NeighbourRow> = NeighboursQuery { now, key }.load(conn)?;
    let (mut previous, mut next) = (None, None);
    for row in rows {
        let link = PostLink { id: row.id, slug: slug(row.slug)?, title: row.title, published_at: row.published_at };
        if row.side == "previous" { previous = Some(link) } else { next = Some(link) }
    }
    Ok((previous, next))
}

#[derive(QueryableByName)]
struct NeighbourRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    side: String,
    #[diesel(sql_type = PostIdColumn)]
    id: PostId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    slug: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<SqlTimestamp>)]
    published_at: Option<Timestamp>,
}

/// Both neighbours in one statement, each an index probe on `(published_at, id)`: the plain
/// bound on `published_at` is what lets the index scan start at the post instead of at the top.
/// A query type of its own rather than `sql_query` because its SQL never changes, so diesel
/// keeps it prepared (`sql_query` is parsed and planned again on every page view).
#[derive(Debug, Clone, Copy)]
struct NeighboursQuery {
    now: Timestamp,
    key: PostKey,
}

impl NeighboursQuery {
    fn side<'b, DB>(&'b self, out: &mut AstPass<'_, 'b, DB>, older: bool) -> QueryResult<()>
    where
        DB: Backend + diesel::sql_types::HasSqlType<PostStatusColumn> + diesel::sql_types::HasSqlType<PostIdColumn>,
        Timestamp: diesel::serialize::ToSql<SqlTimestamp, DB>,
        PostId: diesel::serialize::ToSql<PostIdColumn, DB>,
        PostStatus: diesel::serialize::ToSql<PostStatusColumn, DB>,
    {
        let (name, bound, strict, id, order) =
            if older { ("previous", "<=", "<", "<", "DESC") } else { ("next", ">=", ">", ">", "ASC") };
        out.push_sql(&format!("SELECT * FROM (SELECT '{name}' AS side, id, slug, title, published_at FROM posts "));
        out.push_sql("WHERE status = ");
        out.push_bind_param::<PostStatusColumn, _>(&PostStatus::Published)?;
        out.push_sql(" AND published_at <= ");
        out.push_bind_param::<SqlTimestamp, _>(&self.now)?;
        out.push_sql(&format!(" AND published_at {bound} "));
        out.push_bind_param::<SqlTimestamp, _>(&self.key.published_at)?;
        out.push_sql(&format!(" AND (published_at {strict} "));
        out.push_bind_param::<SqlTimestamp, _>(&self.key.published_at)?;
        out.push_sql(" OR (published_at = ");
        out.push_bind_param::<SqlTimestamp, _>(&self.key.published_at)?;
        out.push_sql(&format!(" AND id {id} "));
        out.push_bind_param::<PostIdColumn, _>(&self.key.id)?;
        out.push_sql(&format!(")) ORDER BY published_at {order}, id {order} LIMIT 1) AS {name}_side"));
        Ok(())
    }
}

impl<DB: Backend> QueryFragment<DB> for NeighboursQuery
where
    Timestamp: diesel::serialize::ToSql<SqlTimestamp, DB>,
    PostId: diesel::serialize::ToSql<PostIdColumn, DB>,
    PostStatus: diesel::serialize::ToSql<PostStatusColumn, DB>,
    DB: diesel::sql_types::HasSqlType<PostStatusColumn> + diesel::sql_types::HasSqlType<PostIdColumn>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.side(&mut out, true)?;
        out.push_sql(" UNION ALL ");
        self.side(&mut out, false)
    }
}

impl QueryId for NeighboursQuery {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for NeighboursQuery {
    type SqlType = Untyped;
}

impl RunQueryDsl<DbConnection> for NeighboursQuery {}
