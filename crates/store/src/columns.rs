//! Typed columns: each stored closed set of words (a post's or a comment's status, a role, a
//! widget's or blocklist rule's kind) has an SQL type of its own, so the schema accepts only the
//! domain's enum there: a status literal or a typo cannot reach a query, and a stored value the
//! domain does not know fails loudly when read.
//!
//! The SQL types are local, the enums are the domain's: that is what lets these impls exist
//! without diesel in the domain. Each type is text in both databases (fixed OIDs, so PostgreSQL
//! needs no type lookup), and the two-backend connection learns of it through `lookup_sql_type`
//! as diesel's `MultiConnection` documentation describes.

use colophon_domain::{
    BlockRuleKind, CommentStatus, DeliveryState, EventKind, MediaType, PostStatus, Role, WidgetKind,
};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::expression::TypedExpressionType;
use diesel::internal::derives::as_expression::Bound;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{HasSqlType, Nullable, SqlType, Text, is_nullable};
use diesel::sqlite::Sqlite;

use crate::connection::MultiBackend;

/// A domain value as an expression of its column's type, for filters, inserts and updates:
/// `posts::status.eq(PostStatus::Published.stored())`. (Diesel's `AsExpression` cannot be
/// implemented here for the domain's types: only their crate could, and it knows no diesel.)
pub trait Stored: Sized {
    type Column;

    fn stored(self) -> Bound<Self::Column, Self>;
}

/// A domain value on its way into its column, for row structs that are inserted whole:
/// `#[diesel(serialize_as = Write<PostStatus>)]`.
#[derive(Debug, Clone, Copy)]
pub struct Write<T>(pub(crate) T);

/// Many domain values for `eq_any`, which binds each as it is: `posts::id.eq_any(written(&ids))`.
pub(crate) fn written<T: Copy>(values: &[T]) -> Vec<Write<T>> {
    values.iter().map(|&value| Write(value)).collect()
}

/// An optional domain value on its way into its nullable column, for row structs that are
/// inserted whole: `#[diesel(serialize_as = WriteNullable<SidebarId>)]` (diesel's derive asks
/// the value inside an `Option` field to be an expression of the nullable type itself).
#[derive(Debug, Clone, Copy)]
pub struct WriteNullable<T>(Option<T>);

impl<T> From<Option<T>> for WriteNullable<T> {
    fn from(value: Option<T>) -> Self {
        WriteNullable(value)
    }
}

impl<T, ST> AsExpression<Nullable<ST>> for WriteNullable<T>
where
    ST: SqlType<IsNull = is_nullable::NotNull>,
    Nullable<ST>: TypedExpressionType,
{
    type Expression = Bound<Nullable<ST>, Option<T>>;

    fn as_expression(self) -> Self::Expression {
        Bound::new(self.0)
    }
}

/// Declares a text column type for a domain enum: how the enum is written (`$write`) and read.
macro_rules! text_column {
    ($(#[$doc:meta])* $column:ident => $value:ty, write: $write:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
        #[diesel(postgres_type(oid = 25, array_oid = 1009))]
        #[diesel(sqlite_type(name = "Text"))]
        pub struct $column;

        impl HasSqlType<$column> for MultiBackend {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                MultiBackend::lookup_sql_type::<$column>(lookup)
            }
        }

        impl ToSql<$column, Pg> for $value {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                let text: &'static str = ($write)(*self);
                <str as ToSql<Text, Pg>>::to_sql(text, out)
            }
        }

        impl ToSql<$column, Sqlite> for $value {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                let text: &'static str = ($write)(*self);
                <str as ToSql<Text, Sqlite>>::to_sql(text, out)
            }
        }

        impl ToSql<$column, MultiBackend> for $value {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value(($column, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<$column, Pg> for $value {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                <$value>::parse(&text).map_err(|e| format!("stored {} {text:?}: {e}", stringify!($value)).into())
            }
        }

        impl FromSql<$column, Sqlite> for $value {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
                <$value>::parse(&text).map_err(|e| format!("stored {} {text:?}: {e}", stringify!($value)).into())
            }
        }

        impl FromSql<$column, MultiBackend> for $value {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<$value, $column>()
            }
        }

        impl<DB: Backend> Queryable<$column, DB> for $value
        where
            $value: FromSql<$column, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl From<$value> for Write<$value> {
            fn from(value: $value) -> Self {
                Write(value)
            }
        }

        impl AsExpression<$column> for Write<$value> {
            type Expression = Bound<$column, $value>;

            fn as_expression(self) -> Self::Expression {
                Bound::new(self.0)
            }
        }

        impl Stored for $value {
            type Column = $column;

            fn stored(self) -> Bound<$column, Self> {
                Bound::new(self)
            }
        }
    };
}

text_column!(
    /// `posts.status`: only `draft` and `published` are stored; a scheduled post is a published
    /// one whose time has not come, so `Scheduled` is written as `published`.
    PostStatusColumn => PostStatus,
    write: |status: PostStatus| match status {
        PostStatus::Draft => "draft",
        PostStatus::Scheduled | PostStatus::Published => "published",
    }
);
text_column!(
    /// `comments.status`.
    CommentStatusColumn => CommentStatus,
    write: CommentStatus::as_str
);
text_column!(
    /// `authors.role`.
    RoleColumn => Role,
    write: Role::as_str
);
text_column!(
    /// `sidebar_widgets.kind`.
    WidgetKindColumn => WidgetKind,
    write: WidgetKind::as_str
);
text_column!(
    /// `blocklist.kind`.
    BlockRuleKindColumn => BlockRuleKind,
    write: BlockRuleKind::as_str
);
text_column!(
    /// `events.kind`.
    EventKindColumn => EventKind,
    write: EventKind::as_str
);
text_column!(
    /// `webhook_deliveries.state`.
    DeliveryStateColumn => DeliveryState,
    write: DeliveryState::as_str
);
text_column!(
    /// `media.media_type`.
    MediaTypeColumn => MediaType,
    write: MediaType::as_str
);
