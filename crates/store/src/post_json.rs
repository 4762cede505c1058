//! The read compiler's post lists: a list's answer selected as JSON by the database itself, one
//! statement per page (the posts, their authors, tags and addresses), in the dialect of each
//! backend (`json_build_object`/`json_agg` on PostgreSQL, `json_object`/`json_group_array` on
//! SQLite). Rust joins the rows' JSON text; it never rebuilds a post field by field.
//!
//! Only text this module writes reaches the SQL: the fields are a closed set, the URL template is
//! the operator's validated setting (quoted as a literal), and every value a client sends is a
//! bound parameter of the WHERE clause ([`crate::post_query`]).

use colophon_domain::{
    AuthorId, FieldEntity, PostCondition, PostId, PostOrder, SortColumns, SummaryField, Timestamp, UrlPart, UrlTemplate,
};
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use crate::post_query::{SortedPosition, matching};
use crate::schema::posts;
use crate::{DbConnection, StoreResult};

/// The rows of `post_tags` and `tags` of the post `posts`.
pub(crate) const TAGS_OF_POST: &str =
    "FROM post_tags pt INNER JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts.id";

/// What a compiled list answers: which fields of each post, and where the frontend shows one.
#[derive(Debug, Clone)]
pub struct ListShape {
    /// The fields, in the order the answer writes them (no repeats).
    pub fields: Vec<SummaryField>,
    /// The post's public address.
    pub url: UrlTemplate,
    /// Whether the caller is staff (sees custom fields that are not public).
    pub staff: bool,
}

/// One post of a compiled list: its JSON, and what the service needs besides (its position for
/// the next cursor, and the keys of what the JSON shows).
#[derive(Debug, Clone)]
pub struct JsonPost {
    pub id: PostId,
    pub author_id: AuthorId,
    /// The slugs of its tags, when the answer shows them.
    pub tag_slugs: Vec<String>,
    /// The values of the order's keys.
    pub position: SortedPosition,
    /// The post as the answer writes it.
    pub json: String,
}

type Row = (PostId, AuthorId, Option<Timestamp>, Timestamp, Timestamp, String, i64, Option<String>, String);

/// The published posts of [`crate::list_matching`], each as its JSON in `shape`.
pub fn list_matching_json(
    conn: &mut DbConnection,
    condition: Option<&PostCondition>,
    order: &PostOrder,
    after: Option<&SortedPosition>,
    limit: i64,
    now: Timestamp,
    shape: &ListShape,
) -> StoreResult<Vec<JsonPost>> {
    let dialect = Dialect::of(conn);
    // The whole answer's statement is one text per order, kept prepared; a selection of fields
    // (one of thousands) is planned each time rather than fill the connection's statement cache.
    let cacheable = shape.fields == SummaryField::ALL;
    let slugs = if shape.fields.contains(&SummaryField::Tags) { dialect.tag_slugs() } else { "NULL" };
    let rows: Vec<Row> = matching(condition, order, after, now)?
        .limit(limit)
        .select((
            posts::id,
            posts::author_id,
            posts::published_at,
            posts::created_at,
            posts::updated_at,
            posts::title,
            posts::comment_count,
            Written::<Nullable<Text>>::new(slugs.to_string(), cacheable),
            Written::<Text>::new(dialect.summary(shape), cacheable),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, author_id, published_at, created_at, updated_at, title, comment_count, slugs, json)| {
            let columns = SortColumns { published_at, created_at, updated_at, title: &title, comment_count };
            let values = order.position_in(&columns);
            JsonPost {
                id,
                author_id,
                tag_slugs: slugs.map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_default(),
                position: SortedPosition { values, id },
                json,
            }
        })
        .collect())
}

/// Whether a statement whose text varies with the request may stay prepared on each
/// connection: the first 64 texts may, so that a site's few documents are planned once while a
/// client sending endless variations (GraphQL aliases are free) cannot fill every connection's
/// statement cache (diesel's has no bound). First come, first kept, until a restart.
pub(crate) fn keep_prepared(sql: &str) -> bool {
    static KEPT: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);
    let mut kept = KEPT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if kept.contains(sql) {
        return true;
    }
    kept.len() < 64 && kept.insert(sql.to_string())
}

/// SQL text this module wrote, selected as a value of type `T`. Unlike diesel's `sql()` (which it
/// otherwise is), a statement holding it may stay prepared when the text is one of few.
#[derive(Debug, Clone)]
struct Written<T> {
    sql: String,
    cacheable: bool,
    kind: std::marker::PhantomData<T>,
}

impl<T> Written<T> {
    fn new(sql: String, cacheable: bool) -> Self {
        Self { sql, cacheable, kind: std::marker::PhantomData }
    }
}

impl<T> diesel::query_builder::QueryId for Written<T> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<T: diesel::sql_types::SqlType + diesel::expression::TypedExpressionType> diesel::expression::Expression
    for Written<T>
{
    type SqlType = T;
}

impl<T, QS> diesel::expression::AppearsOnTable<QS> for Written<T> where Self: diesel::expression::Expression {}

impl<T, QS> diesel::expression::SelectableExpression<QS> for Written<T> where Self: diesel::expression::Expression {}

impl<T> diesel::expression::ValidGrouping<()> for Written<T> {
    type IsAggregate = diesel::expression::is_aggregate::No;
}

impl<T, DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for Written<T> {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if !self.cacheable {
            out.unsafe_to_cache_prepared();
        }
        out.push_sql(&self.sql);
        Ok(())
    }
}

/// The SQL each backend writes JSON in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Postgres,
    Sqlite,
}

impl Dialect {
    pub(crate) fn of(conn: &DbConnection) -> Self {
        match conn {
            DbConnection::Pg(_) => Self::Postgres,
            DbConnection::Sqlite(_) => Self::Sqlite,
        }
    }

    /// An object of `pairs` (a name and the SQL of its value, itself JSON where the value is).
    pub(crate) fn object(self, pairs: &[(&str, String)]) -> String {
        let function = match self {
            Self::Postgres => "json_build_object",
            Self::Sqlite => "json_object",
        };
        let args: Vec<String> = pairs.iter().map(|(name, value)| format!("'{name}', {value}")).collect();
        format!("{function}({})", args.join(", "))
    }

    /// A scalar subquery's JSON: SQLite forgets that a subquery's text is JSON unless told.
    pub(crate) fn embedded(self, subquery: &str) -> String {
        match self {
            Self::Postgres => format!("({subquery})"),
            Self::Sqlite => format!("json(({subquery}))"),
        }
    }

    /// A boolean column as JSON (SQLite keeps 0 and 1).
    pub(crate) fn boolean(self, column: &str) -> String {
        match self {
            Self::Postgres => column.to_string(),
            Self::Sqlite => format!("json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"),
        }
    }

    /// A time as answers write it: `2010-04-20T15:00:00Z`, a fraction only when there is one.
    pub(crate) fn time(self, column: &str) -> String {
        match self {
            Self::Postgres => format!("colophon_time({column})"),
            // Stored as `2010-04-20 15:00:00.250`, the fraction already written that way.
            Self::Sqlite => format!("(replace({column}, ' ', 'T') || 'Z')"),
        }
    }

    /// The post's public address from the template's parts; null when the template needs a
    /// date the post lacks.
    pub(crate) fn url(self, template: &UrlTemplate) -> String {
        let date = |format: &str, start: u8, len: u8| match self {
            Self::Postgres => format!("to_char(posts.published_at, '{format}')"),
            Self::Sqlite => format!("substr(posts.published_at, {start}, {len})"),
        };
        let parts: Vec<String> = template
            .parts()
            .into_iter()
            .map(|part| match part {
                UrlPart::Text(text) => format!("'{}'", text.replace('\'', "''")),
                UrlPart::Slug => "posts.slug".to_string(),
                UrlPart::Id => "CAST(posts.id AS TEXT)".to_string(),
                UrlPart::Year => date("YYYY", 1, 4),
                UrlPart::Month => date("MM", 6, 2),
                UrlPart::Day => date("DD", 9, 2),
            })
            .collect();
        format!("({})", parts.join(" || "))
    }

    fn author(self) -> String {
        self.author_of("posts.author_id")
    }

    /// The author whose id `id` holds, as answers show one (`AuthorRef`).
    pub(crate) fn author_of(self, id: &str) -> String {
        let object = self.object(&[
            ("id", "a.id".into()),
            ("slug", "a.slug".into()),
            ("name", "a.name".into()),
            ("bio", "a.bio_html".into()),
            ("avatar_url", "a.avatar_url".into()),
            ("website_url", "a.website_url".into()),
        ]);
        self.embedded(&format!("SELECT {object} FROM authors a WHERE a.id = {id}"))
    }

    pub(crate) fn featured_image(self) -> String {
        self.image("posts.featured_image_url", "posts.featured_image_")
    }

    /// A picture as `FeaturedImageBody` writes it, null when none of it is set: its URL column
    /// and the prefix of its `alt`, `credit`, `media_id`, `width` and `height` columns.
    pub(crate) fn image(self, url: &str, prefix: &str) -> String {
        let column = |name: &str| format!("{prefix}{name}");
        let object = self.object(&[
            ("url", url.to_string()),
            ("alt", column("alt")),
            ("credit", column("credit")),
            ("media_id", column("media_id")),
            ("width", column("width")),
            ("height", column("height")),
        ]);
        self.image_when_set(url, prefix, &object)
    }

    /// `object`, a picture's JSON, or null when none of the picture (`url`, the columns of
    /// `prefix`) is set.
    pub(crate) fn image_when_set(self, url: &str, prefix: &str, object: &str) -> String {
        self.cased(format!(
            "CASE WHEN {url} IS NULL AND {prefix}alt IS NULL AND {prefix}credit IS NULL \
             AND {prefix}media_id IS NULL THEN NULL ELSE {object} END"
        ))
    }

    /// A value that is JSON or NULL behind a CASE: SQLite keeps a value's JSON-ness only
    /// through json(), and a CASE loses it.
    pub(crate) fn cased(self, case: String) -> String {
        match self {
            Self::Postgres => case,
            Self::Sqlite => format!("json({case})"),
        }
    }

    /// A subquery's JSON array of `row`, each row of `from` in the order `order`; `[]` when
    /// there is none.
    pub(crate) fn array(self, row: &str, from: &str, order: &str) -> String {
        match self {
            Self::Postgres => format!("(SELECT coalesce(json_agg({row} ORDER BY {order}), '[]'::json) {from})"),
            Self::Sqlite => format!("json((SELECT json_group_array(json({row}) ORDER BY {order}) {from}))"),
        }
    }

    /// A product's `contributors` (stored as a JSON array's text) as JSON.
    pub(crate) fn contributors(self) -> &'static str {
        match self {
            Self::Postgres => "pr.contributors::json",
            Self::Sqlite => "json(pr.contributors)",
        }
    }

    pub(crate) fn tags(self) -> String {
        let tag = self.object(&[("slug", "t.slug".into()), ("name", "t.name".into())]);
        self.array(&tag, TAGS_OF_POST, "pt.position")
    }

    /// The slugs of the post's tags, comma-separated (a slug has no comma).
    pub(crate) fn tag_slugs(self) -> &'static str {
        match self {
            Self::Postgres => {
                "(SELECT string_agg(t.slug, ',' ORDER BY pt.position) FROM post_tags pt \
                 INNER JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts.id)"
            }
            Self::Sqlite => {
                "(SELECT group_concat(t.slug, ',' ORDER BY pt.position) FROM post_tags pt \
                 INNER JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts.id)"
            }
        }
    }

    /// The values of `table`'s custom fields (`entity`'s definitions) as a JSON object, by name:
    /// for the public, the column kept in step with the definitions (passed through: filtering
    /// per row cost 2.5 times the rest of a list's post); for staff, those with a definition,
    /// filtered here. An item without values costs one comparison.
    pub(crate) fn custom_fields(self, table: &str, entity: FieldEntity, staff: bool) -> String {
        let entity = entity.as_str();
        // No braces in the text: the page statement's binds are marks in braces.
        match (self, staff) {
            (Self::Postgres, false) => format!("{table}.public_custom_fields::json"),
            (Self::Sqlite, false) => format!("json({table}.public_custom_fields)"),
            (Self::Postgres, true) => format!(
                "CASE WHEN length({table}.custom_fields) <= 2 THEN json_build_object() ELSE (SELECT \
                 coalesce(json_object_agg(d.name, j.value ORDER BY d.name COLLATE \"C\"), json_build_object()) \
                 FROM field_definitions d JOIN json_each({table}.custom_fields::json) j ON j.key = d.name \
                 WHERE d.entity = '{entity}') END"
            ),
            // `->` keeps a value's JSON form (json_each would read `true` as 1).
            (Self::Sqlite, true) => format!(
                "json(CASE WHEN length({table}.custom_fields) <= 2 THEN json_object() ELSE (SELECT \
                 json_group_object(d.name, json({table}.custom_fields -> ('$.' || d.name)) ORDER BY d.name) \
                 FROM field_definitions d WHERE d.entity = '{entity}' \
                 AND json_type({table}.custom_fields, '$.' || d.name) IS NOT NULL) END)"
            ),
        }
    }

    /// A listed post's JSON (a published post, so its status is `published`).
    pub(crate) fn summary(self, shape: &ListShape) -> String {
        self.as_text(&self.object(&self.summary_pairs(shape)))
    }

    /// A JSON value as text (PostgreSQL's `json` is a type of its own; SQLite's is text).
    pub(crate) fn as_text(self, json: &str) -> String {
        match self {
            Self::Postgres => format!("{json}::text"),
            Self::Sqlite => json.to_string(),
        }
    }

    /// The name and value of each field of `shape`.
    pub(crate) fn summary_pairs(self, shape: &ListShape) -> Vec<(&'static str, String)> {
        shape
            .fields
            .iter()
            .map(|field| {
                let value = match field {
                    SummaryField::Id => "posts.id".to_string(),
                    SummaryField::Slug => "posts.slug".to_string(),
                    SummaryField::Title => "posts.title".to_string(),
                    SummaryField::Excerpt => "posts.excerpt".to_string(),
                    SummaryField::Status => "'published'".to_string(),
                    SummaryField::PublishedAt => self.time("posts.published_at"),
                    SummaryField::UpdatedAt => self.time("posts.updated_at"),
                    SummaryField::Author => self.author(),
                    SummaryField::FeaturedImage => self.featured_image(),
                    SummaryField::Tags => self.tags(),
                    SummaryField::CommentsEnabled => self.boolean("posts.comments_enabled"),
                    SummaryField::CommentCount => "posts.comment_count".to_string(),
                    SummaryField::Url => self.url(&shape.url),
                    SummaryField::CustomFields => self.custom_fields("posts", FieldEntity::Posts, shape.staff),
                };
                (field.name(), value)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_in_the_address_stays_inside_its_literal() {
        let url = UrlTemplate::parse("https://x.test/it's/{slug}").unwrap();
        assert_eq!(Dialect::Postgres.url(&url), "('https://x.test/it''s/' || posts.slug)");
    }

    #[test]
    fn only_the_fields_asked_for_are_built() {
        let shape = ListShape {
            fields: vec![SummaryField::Title],
            url: UrlTemplate::parse("https://x.test/{slug}").unwrap(),
            staff: false,
        };
        assert_eq!(Dialect::Sqlite.summary(&shape), "json_object('title', posts.title)");
    }
}
