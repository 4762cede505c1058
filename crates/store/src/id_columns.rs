//! Typed id columns: each table's id, and every foreign key naming it, has an SQL type of its
//! own (`PostIdColumn` for `posts.id`, `comments.post_id`, `post_tags.post_id`…), so a query
//! takes a `PostId` there and nothing else: not a bare `i64`, not a `CommentId`. Stored as
//! `BIGINT` (PostgreSQL) and `INTEGER` (SQLite), exactly as before; only the Rust side changed.
//!
//! The same construction as [`crate::columns`]: local SQL types, the domain's ids, written with
//! `.stored()` (or `Write<T>` in inserted rows) because `AsExpression` for the domain's types
//! can only be implemented in their own crate. `Option<Id>` needs nothing: diesel's own impls
//! carry it into the nullable columns.
//!
//! ```
//! # use colophon_domain::PostId;
//! # use colophon_store::{columns::Stored, schema::posts};
//! # use diesel::prelude::*;
//! let _by_id = posts::table.find(PostId(42).stored());
//! let _of_post = posts::table.filter(posts::id.eq(PostId(42).stored()));
//! ```
//!
//! A bare number does not compile:
//!
//! ```compile_fail
//! # use colophon_store::schema::posts;
//! # use diesel::prelude::*;
//! let _by_id = posts::table.find(42_i64);
//! ```
//!
//! Nor does another table's id:
//!
//! ```compile_fail
//! # use colophon_domain::CommentId;
//! # use colophon_store::{columns::Stored, schema::posts};
//! # use diesel::prelude::*;
//! let _by_id = posts::table.find(CommentId(42).stored());
//! ```

use colophon_domain::{
    ApiKeyId, AuditId, AuthorId, BlockRuleId, CommentId, DeliveryId, EventId, MediaId, PageId, PostId, PreviewLinkId,
    ProductId, SidebarId, TagId, WebhookId,
};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::internal::derives::as_expression::Bound;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{BigInt, HasSqlType, SqlOrd};
use diesel::sqlite::Sqlite;

use crate::columns::{Stored, Write};
use crate::connection::MultiBackend;

/// Declares the id column type `$column` of the domain id `$id`.
macro_rules! id_column {
    ($($column:ident => $id:ident),* $(,)?) => {$(
        #[doc = concat!("Columns holding a [`", stringify!($id), "`].")]
        #[derive(Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
        #[diesel(postgres_type(oid = 20, array_oid = 1016))]
        #[diesel(sqlite_type(name = "Long"))]
        pub struct $column;

        impl SqlOrd for $column {}

        impl HasSqlType<$column> for MultiBackend {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                MultiBackend::lookup_sql_type::<$column>(lookup)
            }
        }

        impl ToSql<$column, Pg> for $id {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <i64 as ToSql<BigInt, Pg>>::to_sql(&self.0, out)
            }
        }

        impl ToSql<$column, Sqlite> for $id {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <i64 as ToSql<BigInt, Sqlite>>::to_sql(&self.0, out)
            }
        }

        impl ToSql<$column, MultiBackend> for $id {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value(($column, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<$column, Pg> for $id {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                <i64 as FromSql<BigInt, Pg>>::from_sql(bytes).map($id)
            }
        }

        impl FromSql<$column, Sqlite> for $id {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                <i64 as FromSql<BigInt, Sqlite>>::from_sql(bytes).map($id)
            }
        }

        impl FromSql<$column, MultiBackend> for $id {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<$id, $column>()
            }
        }

        impl<DB: Backend> Queryable<$column, DB> for $id
        where
            $id: FromSql<$column, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl From<$id> for Write<$id> {
            fn from(value: $id) -> Self {
                Write(value)
            }
        }

        impl<DB: Backend> ToSql<$column, DB> for Write<$id>
        where
            $id: ToSql<$column, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl AsExpression<$column> for Write<$id> {
            type Expression = Bound<$column, $id>;

            fn as_expression(self) -> Self::Expression {
                Bound::new(self.0)
            }
        }

        impl Stored for $id {
            type Column = $column;

            fn stored(self) -> Bound<$column, Self> {
                Bound::new(self)
            }
        }
    )*};
}

id_column!(
    ApiKeyIdColumn => ApiKeyId,
    AuditIdColumn => AuditId,
    AuthorIdColumn => AuthorId,
    PostIdColumn => PostId,
    PageIdColumn => PageId,
    CommentIdColumn => CommentId,
    ProductIdColumn => ProductId,
    SidebarIdColumn => SidebarId,
    TagIdColumn => TagId,
    BlockRuleIdColumn => BlockRuleId,
    WebhookIdColumn => WebhookId,
    EventIdColumn => EventId,
    DeliveryIdColumn => DeliveryId,
    MediaIdColumn => MediaId,
    PreviewLinkIdColumn => PreviewLinkId,
);
