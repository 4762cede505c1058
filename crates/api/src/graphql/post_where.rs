//! `posts(where:, orderBy:)`: typed inputs per public field, read into the same condition and
//! order as REST's `filter=` and `sort=`.

use async_graphql::{Enum, InputObject};
use colophon_domain::{
    Comparison, FILTER_MAX_DEPTH, FilterValue, PostCondition, PostField, PostOrder, SortField, SortKey,
};
use colophon_service::{ServiceError, ServiceResult};

use super::types::DateTime;

/// Posts meeting every condition given; `and`, `or` and `not` combine conditions.
#[derive(InputObject, Default)]
#[graphql(name = "PostWhere")]
pub struct PostWhere {
    /// One of the post's tags, by slug.
    tag: Option<StringFilter>,
    /// The post's author, by slug.
    author: Option<StringFilter>,
    /// The post's slug.
    slug: Option<StringFilter>,
    /// The title, compared whole.
    title: Option<StringFilter>,
    /// When the post went public.
    published_at: Option<DateTimeFilter>,
    /// When it was last edited.
    updated_at: Option<DateTimeFilter>,
    /// Its approved comments.
    comment_count: Option<CountFilter>,
    /// Every one of these holds.
    and: Option<Vec<PostWhere>>,
    /// At least one of these holds.
    or: Option<Vec<PostWhere>>,
    /// This does not hold.
    not: Option<Box<PostWhere>>,
}

/// Compares a slug or a title whole: equal, not equal (for tags: not tagged), one of.
#[derive(InputObject)]
struct StringFilter {
    eq: Option<String>,
    ne: Option<String>,
    #[graphql(name = "in")]
    one_of: Option<Vec<String>>,
}

/// Compares a moment.
#[derive(InputObject)]
struct DateTimeFilter {
    eq: Option<DateTime>,
    ne: Option<DateTime>,
    lt: Option<DateTime>,
    lte: Option<DateTime>,
    gt: Option<DateTime>,
    gte: Option<DateTime>,
}

/// Compares a count.
#[derive(InputObject)]
struct CountFilter {
    eq: Option<i32>,
    ne: Option<i32>,
    lt: Option<i32>,
    lte: Option<i32>,
    gt: Option<i32>,
    gte: Option<i32>,
    #[graphql(name = "in")]
    one_of: Option<Vec<i32>>,
}

/// A field posts can be sorted by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "PostSortField", remote = "colophon_domain::SortField")]
enum PostSortField {
    PublishedAt,
    UpdatedAt,
    Title,
    CommentCount,
}

/// Smallest or largest first.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
#[graphql(name = "SortDirection")]
enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// One key of an order; the post's id breaks the last tie.
#[derive(InputObject)]
#[graphql(name = "PostOrderBy")]
pub struct PostOrderBy {
    field: PostSortField,
    #[graphql(default)]
    direction: SortDirection,
}

/// The order of `orderBy`, if one was given.
pub fn post_order(order_by: Option<Vec<PostOrderBy>>) -> ServiceResult<Option<PostOrder>> {
    let Some(keys) = order_by else { return Ok(None) };
    let keys = keys
        .into_iter()
        .map(|k| SortKey { field: SortField::from(k.field), descending: k.direction == SortDirection::Desc })
        .collect();
    PostOrder::new(keys).map(Some).map_err(|m| ServiceError::bad_request("orderBy", m))
}

/// The condition of `where`, if one was given.
pub fn post_condition(filter: Option<PostWhere>) -> ServiceResult<Option<PostCondition>> {
    let Some(filter) = filter else { return Ok(None) };
    let condition = filter.condition(0).map_err(|m| ServiceError::bad_request("where", m))?;
    condition.check_bounds().map_err(|m| ServiceError::bad_request("where", m))?;
    Ok(Some(condition))
}

impl PostWhere {
    fn condition(self, depth: usize) -> Result<PostCondition, String> {
        if depth > FILTER_MAX_DEPTH {
            return Err(format!("nests more than {FILTER_MAX_DEPTH} levels of and, or and not"));
        }
        let mut parts = Vec::new();
        if let Some(f) = self.tag {
            f.push(PostField::Tag, &mut parts)?;
        }
        if let Some(f) = self.author {
            f.push(PostField::Author, &mut parts)?;
        }
        if let Some(f) = self.slug {
            f.push(PostField::Slug, &mut parts)?;
        }
        if let Some(f) = self.title {
            f.push(PostField::Title, &mut parts)?;
        }
        if let Some(f) = self.published_at {
            f.push(PostField::PublishedAt, &mut parts)?;
        }
        if let Some(f) = self.updated_at {
            f.push(PostField::UpdatedAt, &mut parts)?;
        }
        if let Some(f) = self.comment_count {
            f.push(&mut parts)?;
        }
        for group in self.and.into_iter().flatten() {
            parts.push(group.condition(depth + 1)?);
        }
        if let Some(alternatives) = self.or {
            let alternatives =
                alternatives.into_iter().map(|a| a.condition(depth + 1)).collect::<Result<Vec<_>, String>>()?;
            if alternatives.is_empty() {
                return Err("`or` needs at least one condition".into());
            }
            parts.push(PostCondition::Any(alternatives));
        }
        if let Some(negated) = self.not {
            parts.push(PostCondition::Not(Box::new(negated.condition(depth + 1)?)));
        }
        match parts.len() {
            0 => Err("a condition names no field".into()),
            1 => Ok(parts.remove(0)),
            _ => Ok(PostCondition::All(parts)),
        }
    }
}

/// Adds one comparison per operator given, and the list if given.
fn push_all(
    field: PostField,
    comparisons: impl IntoIterator<Item = (Comparison, Option<FilterValue>)>,
    values: Option<Vec<FilterValue>>,
    parts: &mut Vec<PostCondition>,
) -> Result<(), String> {
    for (op, value) in comparisons {
        if let Some(value) = value {
            parts.push(PostCondition::compare(field, op, value)?);
        }
    }
    if let Some(values) = values {
        parts.push(PostCondition::one_of(field, values)?);
    }
    Ok(())
}

impl StringFilter {
    fn push(self, field: PostField, parts: &mut Vec<PostCondition>) -> Result<(), String> {
        let value = |s: String| field.value(&s);
        let values = self.one_of.map(|v| v.into_iter().map(value).collect::<Result<Vec<_>, _>>()).transpose()?;
        let eq = self.eq.map(value).transpose()?;
        let ne = self.ne.map(value).transpose()?;
        push_all(field, [(Comparison::Eq, eq), (Comparison::Ne, ne)], values, parts)
    }
}

impl DateTimeFilter {
    fn push(self, field: PostField, parts: &mut Vec<PostCondition>) -> Result<(), String> {
        let time = |t: Option<DateTime>| {
            t.map(|t| FilterValue::time(t.0.naive_utc()).map_err(|m| format!("{field}: {m}"))).transpose()
        };
        let comparisons = [
            (Comparison::Eq, time(self.eq)?),
            (Comparison::Ne, time(self.ne)?),
            (Comparison::Lt, time(self.lt)?),
            (Comparison::Le, time(self.lte)?),
            (Comparison::Gt, time(self.gt)?),
            (Comparison::Ge, time(self.gte)?),
        ];
        push_all(field, comparisons, None, parts)
    }
}

impl CountFilter {
    fn push(self, parts: &mut Vec<PostCondition>) -> Result<(), String> {
        let count = |n: Option<i32>| n.map(|n| FilterValue::Count(i64::from(n)));
        let comparisons = [
            (Comparison::Eq, count(self.eq)),
            (Comparison::Ne, count(self.ne)),
            (Comparison::Lt, count(self.lt)),
            (Comparison::Le, count(self.lte)),
            (Comparison::Gt, count(self.gt)),
            (Comparison::Ge, count(self.gte)),
        ];
        let values = self.one_of.map(|v| v.into_iter().map(|n| FilterValue::Count(i64::from(n))).collect());
        push_all(PostField::CommentCount, comparisons, values, parts)
    }
}
