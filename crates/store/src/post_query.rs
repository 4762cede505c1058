//! The public post list under a condition and an order, in one statement: the parsed condition
//! becomes a WHERE clause of bound parameters (never text of the client's), the order an ORDER BY
//! with the id as the last tie-breaker, and a cursor's position a keyset condition.

use colophon_domain::{
    Comparison, FilterValue, Post, PostCondition, PostField, PostId, PostOrder, PostStatus, SortField, SortValue,
    Timestamp,
};
use diesel::dsl::not;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::columns::Stored;
use crate::connection::MultiBackend;
use crate::posts::post_columns;
use crate::rows::convert;
use crate::schema::{authors, posts};
use crate::{DbConnection, PostRow, StoreError, StoreResult};

type Condition = Box<dyn BoxableExpression<posts::table, MultiBackend, SqlType = Bool>>;

/// Where a sorted page ends: the sort keys' values of its last post, and that post's id.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedPosition {
    /// One value per sort key.
    pub values: Vec<SortValue>,
    /// The last post's id, the final tie-breaker.
    pub id: PostId,
}

/// Published posts visible at `now` that meet `condition`, in `order`, strictly after `after`.
pub fn list_matching(
    conn: &mut DbConnection,
    condition: Option<&PostCondition>,
    order: &PostOrder,
    after: Option<&SortedPosition>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<Post>> {
    let rows: Vec<PostRow> = matching(condition, order, after, now)?.limit(limit).select(post_columns()).load(conn)?;
    convert(rows, PostRow::into_domain)
}

/// The statement of [`list_matching`] before its selection: the read compiler selects the
/// answer's JSON from the same rows.
pub(crate) fn matching(
    condition: Option<&PostCondition>,
    order: &PostOrder,
    after: Option<&SortedPosition>,
    now: Timestamp,
) -> StoreResult<posts::BoxedQuery<'static, MultiBackend>> {
    let mut query = posts::table
        .filter(posts::status.eq(PostStatus::Published.stored()))
        .filter(posts::published_at.le(now))
        .into_boxed();
    if let Some(condition) = condition {
        query = query.filter(where_clause(condition, Place::Conjunct)?);
    }
    if let Some(position) = after {
        let keys = order.keys();
        if position.values.len() != keys.len() {
            return Err(StoreError::Config("a position has one value per sort key".into()));
        }
        // The first key's bound alone lets an index on it start at the position.
        let first = (keys[0].field, &position.values[0]);
        query = query.filter(if keys[0].descending { at_most(first)? } else { at_least(first)? });
        query = query.filter(beyond(order, position)?);
    }
    for key in order.keys() {
        query = match (key.field, key.descending) {
            (SortField::PublishedAt, false) => query.then_order_by(posts::published_at.asc()),
            (SortField::PublishedAt, true) => query.then_order_by(posts::published_at.desc()),
            (SortField::UpdatedAt, false) => query.then_order_by(posts::updated_at.asc()),
            (SortField::UpdatedAt, true) => query.then_order_by(posts::updated_at.desc()),
            (SortField::Title, false) => query.then_order_by(posts::title.asc()),
            (SortField::Title, true) => query.then_order_by(posts::title.desc()),
            (SortField::CommentCount, false) => query.then_order_by(posts::comment_count.asc()),
            (SortField::CommentCount, true) => query.then_order_by(posts::comment_count.desc()),
        };
    }
    // The id breaks ties in the last key's direction, so one index serves the whole order.
    Ok(if order.ties_descending() {
        query.then_order_by(posts::id.desc())
    } else {
        query.then_order_by(posts::id.asc())
    })
}

/// Where a tag condition stands decides how PostgreSQL can plan it: joined by `and` (negated or
/// not), `EXISTS` becomes a semi- or anti-join the planner may start from either side; inside
/// an `or` it stays a subplan, which PostgreSQL may choose to run hashed over every post of the
/// tag (205 ms at a million posts) unless told to probe per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Conjunct,
    Alternative,
}

/// The WHERE clause of a condition.
fn where_clause(condition: &PostCondition, place: Place) -> StoreResult<Condition> {
    Ok(match condition {
        PostCondition::Compare { field, op, value } => compare(*field, *op, value, place)?,
        PostCondition::In { field, values } => one_of(*field, values, place)?,
        PostCondition::Not(inner) => Box::new(not(where_clause(inner, place)?)),
        PostCondition::All(parts) => joined(parts, place, |a, b| Box::new(a.and(b)))?,
        PostCondition::Any(parts) => match merged_tags(parts).as_slice() {
            // Only tags: one subquery, planned as if it stood alone.
            [only] => where_clause(only, place)?,
            parts => joined(parts, Place::Alternative, |a, b| Box::new(a.or(b)))?,
        },
    })
}

/// `tag:a,tag:[b,c]` is `tag:[a,b,c]`: one subquery, which the planner can start from.
fn merged_tags(parts: &[PostCondition]) -> Vec<PostCondition> {
    let mut slugs = Vec::new();
    let mut rest = Vec::new();
    for part in parts {
        match part {
            PostCondition::Compare { field: PostField::Tag, op: Comparison::Eq, value } => slugs.push(value.clone()),
            PostCondition::In { field: PostField::Tag, values } => slugs.extend(values.iter().cloned()),
            other => rest.push(other.clone()),
        }
    }
    if !slugs.is_empty() {
        rest.insert(0, PostCondition::In { field: PostField::Tag, values: slugs });
    }
    rest
}

fn joined(
    parts: &[PostCondition],
    place: Place,
    join: fn(Condition, Condition) -> Condition,
) -> StoreResult<Condition> {
    let mut clauses = parts.iter().map(|p| where_clause(p, place));
    let first = clauses.next().ok_or_else(|| StoreError::Config("an empty group".into()))??;
    clauses.try_fold(first, |joined, next| Ok(join(joined, next?)))
}

macro_rules! compared {
    ($column:expr, $op:expr, $value:expr) => {{
        let column = $column;
        let value = $value;
        let clause: Condition = match $op {
            Comparison::Eq => Box::new(column.eq(value)),
            Comparison::Ne => Box::new(column.ne(value)),
            Comparison::Lt => Box::new(column.lt(value)),
            Comparison::Le => Box::new(column.le(value)),
            Comparison::Gt => Box::new(column.gt(value)),
            Comparison::Ge => Box::new(column.ge(value)),
        };
        clause
    }};
}

fn compare(field: PostField, op: Comparison, value: &FilterValue, place: Place) -> StoreResult<Condition> {
    Ok(match field {
        // "Not tagged x" is every post without that tag, as Ghost reads it; not "tagged
        // something other than x".
        PostField::Tag | PostField::Author => {
            let held = one_of(field, std::slice::from_ref(value), place)?;
            match op {
                Comparison::Eq => held,
                Comparison::Ne => Box::new(not(held)),
                _ => return Err(mismatch(field)),
            }
        }
        PostField::Slug => compared!(posts::slug, op, slug(field, value)?),
        PostField::Title => compared!(posts::title, op, text(field, value)?),
        PostField::PublishedAt => compared!(posts::published_at.assume_not_null(), op, time(field, value)?),
        PostField::UpdatedAt => compared!(posts::updated_at, op, time(field, value)?),
        PostField::CommentCount => compared!(posts::comment_count, op, count(field, value)?),
    })
}

fn one_of(field: PostField, values: &[FilterValue], place: Place) -> StoreResult<Condition> {
    Ok(match field {
        PostField::Tag => {
            let slugs = values.iter().map(|v| slug(field, v)).collect::<StoreResult<Vec<_>>>()?;
            Box::new(TaggedWith { slugs, per_row: place == Place::Alternative })
        }
        PostField::Author => {
            let slugs = values.iter().map(|v| slug(field, v)).collect::<StoreResult<Vec<_>>>()?;
            let authored = authors::table.filter(authors::slug.eq_any(slugs)).select(authors::id);
            Box::new(posts::author_id.eq_any(authored))
        }
        PostField::Slug => {
            Box::new(posts::slug.eq_any(values.iter().map(|v| slug(field, v)).collect::<StoreResult<Vec<_>>>()?))
        }
        PostField::Title => {
            Box::new(posts::title.eq_any(values.iter().map(|v| text(field, v)).collect::<StoreResult<Vec<_>>>()?))
        }
        PostField::PublishedAt => Box::new(
            posts::published_at
                .assume_not_null()
                .eq_any(values.iter().map(|v| time(field, v)).collect::<StoreResult<Vec<_>>>()?),
        ),
        PostField::UpdatedAt => {
            Box::new(posts::updated_at.eq_any(values.iter().map(|v| time(field, v)).collect::<StoreResult<Vec<_>>>()?))
        }
        PostField::CommentCount => Box::new(
            posts::comment_count.eq_any(values.iter().map(|v| count(field, v)).collect::<StoreResult<Vec<_>>>()?),
        ),
    })
}

/// Posts after `position` in `order`: past it on the first key, or level on it and past it on
/// the next, and so on down to the id.
fn beyond(order: &PostOrder, position: &SortedPosition) -> StoreResult<Condition> {
    let keys = order.keys();
    let mut alternatives: Vec<Condition> = Vec::with_capacity(keys.len() + 1);
    for level in 0..=keys.len() {
        let mut clause: Condition = match keys.get(level) {
            Some(key) => {
                let at = (key.field, &position.values[level]);
                if key.descending { below(at)? } else { above(at)? }
            }
            None if order.ties_descending() => Box::new(posts::id.lt(position.id.stored())),
            None => Box::new(posts::id.gt(position.id.stored())),
        };
        for (key, value) in keys[..level].iter().zip(&position.values) {
            clause = Box::new(level_with((key.field, value))?.and(clause));
        }
        alternatives.push(clause);
    }
    let mut alternatives = alternatives.into_iter();
    let first = alternatives.next().ok_or_else(|| StoreError::Config("an order has a key".into()))?;
    Ok(alternatives.fold(first, |any, next| Box::new(any.or(next))))
}

macro_rules! on_sort_field {
    ($at:expr, $method:ident) => {{
        let (field, value) = $at;
        let clause: Condition = match (field, value) {
            (SortField::PublishedAt, SortValue::Time(t)) => Box::new(posts::published_at.assume_not_null().$method(*t)),
            (SortField::UpdatedAt, SortValue::Time(t)) => Box::new(posts::updated_at.$method(*t)),
            (SortField::Title, SortValue::Text(t)) => Box::new(posts::title.$method(t.clone())),
            (SortField::CommentCount, SortValue::Count(n)) => Box::new(posts::comment_count.$method(*n)),
            _ => return Err(StoreError::Config(format!("a position's value does not fit {}", field.name()))),
        };
        Ok(clause)
    }};
}

fn level_with(at: (SortField, &SortValue)) -> StoreResult<Condition> {
    on_sort_field!(at, eq)
}
fn above(at: (SortField, &SortValue)) -> StoreResult<Condition> {
    on_sort_field!(at, gt)
}
fn below(at: (SortField, &SortValue)) -> StoreResult<Condition> {
    on_sort_field!(at, lt)
}
fn at_least(at: (SortField, &SortValue)) -> StoreResult<Condition> {
    on_sort_field!(at, ge)
}
fn at_most(at: (SortField, &SortValue)) -> StoreResult<Condition> {
    on_sort_field!(at, le)
}

fn mismatch(field: PostField) -> StoreError {
    StoreError::Config(format!("a value that does not fit {}", field.name()))
}

fn slug(field: PostField, value: &FilterValue) -> StoreResult<String> {
    match value {
        FilterValue::Slug(s) => Ok(s.as_str().to_string()),
        _ => Err(mismatch(field)),
    }
}

fn text(field: PostField, value: &FilterValue) -> StoreResult<String> {
    match value {
        FilterValue::Text(s) => Ok(s.clone()),
        _ => Err(mismatch(field)),
    }
}

fn time(field: PostField, value: &FilterValue) -> StoreResult<Timestamp> {
    match value {
        FilterValue::Time(t) => Ok(*t),
        _ => Err(mismatch(field)),
    }
}

fn count(field: PostField, value: &FilterValue) -> StoreResult<i64> {
    match value {
        FilterValue::Count(n) => Ok(*n),
        _ => Err(mismatch(field)),
    }
}

/// `EXISTS (SELECT 1 FROM post_tags … WHERE post_tags.post_id = posts.id AND tags.slug IN (…))`:
/// one index probe per post the outer scan reaches, so the first page stops after a few dozen.
/// `posts.id IN (subquery)` lets PostgreSQL hash every post of the tag first (100,000 of a
/// million posts: 100–200 ms), and under `NOT` or `OR` it always does. Diesel cannot name the
/// outer table inside a subquery, hence the hand-written fragment (its values are bound).
#[derive(Debug, Clone)]
struct TaggedWith {
    slugs: Vec<String>,
    /// A condition on the outer row alone (`posts.id IS NOT NULL`, always true) keeps PostgreSQL
    /// from turning the subquery into a hashed `IN`: it probes `post_tags` per row instead.
    per_row: bool,
}

impl diesel::query_builder::QueryId for TaggedWith {
    type QueryId = ();
    // The text varies with the number of slugs: never cached by type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::expression::Expression for TaggedWith {
    type SqlType = Bool;
}

impl diesel::expression::AppearsOnTable<posts::table> for TaggedWith {}

impl diesel::expression::SelectableExpression<posts::table> for TaggedWith {}

impl diesel::expression::ValidGrouping<()> for TaggedWith {
    type IsAggregate = diesel::expression::is_aggregate::No;
}

impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for TaggedWith
where
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    DB: diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        out.push_sql(
            "EXISTS (SELECT 1 FROM post_tags INNER JOIN tags ON tags.id = post_tags.tag_id \
             WHERE post_tags.post_id = posts.id AND tags.slug IN (",
        );
        for (i, slug) in self.slugs.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_bind_param::<diesel::sql_types::Text, _>(slug)?;
        }
        out.push_sql(if self.per_row { ") AND posts.id IS NOT NULL)" } else { "))" });
        Ok(())
    }
}
