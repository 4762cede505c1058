//! Batched inserts with explicit ids, for generating large data sets (`colophon seed
//! --synthetic`). A multi-row insert does not compile for the shared backend type, so each
//! statement is compiled once per backend.

use colophon_domain::{AuthorId, CommentId, PostId, ProductId, SidebarId, TagId, Timestamp};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::schema::{authors, comments, post_tags, posts, products, sidebar_widgets, sidebars, tags};
use crate::{DbConnection, StoreResult};

/// Runs the same diesel code against whichever backend the connection holds.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Pg($c) => $body,
            $crate::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use per_backend;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = authors)]
/// An author with its password hash, written by bulk loads (explicit ids) and archived (the hash
/// left out unless asked for).
pub struct NewAuthorRow {
    #[diesel(serialize_as = crate::columns::Write<AuthorId>)]
    pub id: AuthorId,
    pub slug: String,
    pub name: String,
    pub email: Option<String>,
    #[diesel(serialize_as = crate::columns::Write<colophon_domain::Role>)]
    pub role: colophon_domain::Role,
    pub password_hash: Option<String>,
    pub token_version: i64,
    pub bio_html: String,
    pub avatar_url: Option<String>,
    pub website_url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = post_tags)]
pub struct PostTagRow {
    #[diesel(serialize_as = crate::columns::Write<PostId>)]
    pub post_id: PostId,
    #[diesel(serialize_as = crate::columns::Write<TagId>)]
    pub tag_id: TagId,
    pub position: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sidebar_widgets)]
/// A widget written by bulk loads (its id is the database's).
pub struct NewWidgetRow {
    #[diesel(serialize_as = crate::columns::Write<SidebarId>)]
    pub sidebar_id: SidebarId,
    pub position: i32,
    #[diesel(serialize_as = crate::columns::Write<colophon_domain::WidgetKind>)]
    pub kind: colophon_domain::WidgetKind,
    #[diesel(serialize_as = crate::columns::WriteNullable<ProductId>)]
    pub product_id: Option<ProductId>,
    #[diesel(serialize_as = crate::columns::WriteNullable<AuthorId>)]
    pub author_id: Option<AuthorId>,
    pub html: Option<String>,
}

/// A post written by a bulk load, with the text search indexes it by.
#[derive(Debug, Clone)]
pub struct BulkPostRow {
    pub post: crate::posts::PostRow,
    pub body_text: Option<String>,
}

/// Rows per statement: under SQLite's bound-parameter limit for the widest table (posts).
const CHUNK: usize = 500;

macro_rules! bulk_insert {
    ($name:ident, $record:ty, $table:path) => {
        pub fn $name(conn: &mut DbConnection, rows: &[$record]) -> StoreResult<()> {
            for chunk in rows.chunks(CHUNK) {
                // Owned rows: a row with a typed column is inserted by value.
                per_backend!(conn, |c| diesel::insert_into($table).values(chunk.to_vec()).execute(c))?;
            }
            Ok(())
        }
    };
}

bulk_insert!(bulk_insert_authors, NewAuthorRow, authors::table);

pub fn bulk_insert_posts(conn: &mut DbConnection, rows: &[BulkPostRow]) -> StoreResult<()> {
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<_> = chunk.iter().map(|r| (r.post.clone(), posts::body_text.eq(r.body_text.clone()))).collect();
        per_backend!(conn, |c| diesel::insert_into(posts::table).values(values).execute(c))?;
    }
    Ok(())
}
bulk_insert!(bulk_insert_comments, crate::rows::CommentRow, comments::table);
bulk_insert!(bulk_insert_tags, crate::rows::TagRow, tags::table);
bulk_insert!(bulk_insert_post_tags, PostTagRow, post_tags::table);
bulk_insert!(bulk_insert_products, crate::rows::ProductRow, products::table);
bulk_insert!(bulk_insert_sidebars, crate::rows::SidebarRow, sidebars::table);
bulk_insert!(bulk_insert_widgets, NewWidgetRow, sidebar_widgets::table);

/// The highest id of each table that new explicit ids must follow (counted from, so plain numbers).
#[derive(Debug, Clone, Copy, Default)]
pub struct MaxIds {
    pub authors: i64,
    pub posts: i64,
    pub comments: i64,
    pub tags: i64,
    pub products: i64,
    pub sidebars: i64,
}

pub fn max_ids(conn: &mut DbConnection) -> StoreResult<MaxIds> {
    use diesel::dsl::max;
    Ok(MaxIds {
        authors: authors::table.select(max(authors::id)).first::<Option<AuthorId>>(conn)?.map_or(0, |id| id.0),
        posts: posts::table.select(max(posts::id)).first::<Option<PostId>>(conn)?.map_or(0, |id| id.0),
        comments: comments::table.select(max(comments::id)).first::<Option<CommentId>>(conn)?.map_or(0, |id| id.0),
        tags: tags::table.select(max(tags::id)).first::<Option<TagId>>(conn)?.map_or(0, |id| id.0),
        products: products::table.select(max(products::id)).first::<Option<ProductId>>(conn)?.map_or(0, |id| id.0),
        sidebars: sidebars::table.select(max(sidebars::id)).first::<Option<SidebarId>>(conn)?.map_or(0, |id| id.0),
    })
}

/// After inserts with explicit ids, moves PostgreSQL's sequences past them (SQLite's
/// AUTOINCREMENT follows by itself) and refreshes the planner's statistics.
pub fn after_bulk_load(conn: &mut DbConnection) -> StoreResult<()> {
    match conn {
        DbConnection::Pg(c) => {
            let tables = [
                "authors",
                "posts",
                "comments",
                "tags",
                "products",
                "sidebars",
                "sidebar_widgets",
                "pages",
                "slug_redirects",
                "blocklist",
                "media",
                "post_revisions",
            ];
            for table in tables {
                c.batch_execute(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
                ))?;
            }
            c.batch_execute("ANALYZE")?;
        }
        DbConnection::Sqlite(c) => c.batch_execute("ANALYZE")?,
    }
    Ok(())
}
