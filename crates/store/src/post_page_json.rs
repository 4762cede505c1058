//! The read compiler's post page: a published post with its author, tags, neighbours, sidebar
//! (products and author bios) and first page of comments, selected as JSON in one statement,
//! with the few values the service adds or keys the cache by beside it (the SEO inputs, which
//! need the excerpt cut at a word; the ids of everything shown).
//!
//! The statement's text depends only on the dialect, the URL template and whether comments are
//! asked for, so each connection keeps it prepared; the post's key, the time and the page size
//! are bound.

use colophon_domain::{AuthorId, PostId, SidebarId, SummaryField, Timestamp};
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp as SqlTimestamp, Untyped};

use crate::post_graph_json::GraphPost;
use crate::post_json::{Dialect, ListShape, keep_prepared};
use crate::{DbConnection, StoreResult};

/// Which post: an id, or a slug (already known to be a valid one).
#[derive(Debug, Clone)]
pub enum PageKey {
    Id(PostId),
    Slug(String),
}

impl PageKey {
    fn is_id(&self) -> bool {
        matches!(self, Self::Id(_))
    }
}

/// A published post's page as the database wrote it, and what the service needs besides.
#[derive(Debug, Clone, QueryableByName)]
pub struct JsonPage {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub author_id: i64,
    #[diesel(sql_type = BigInt)]
    pub version: i64,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub excerpt: String,
    #[diesel(sql_type = Nullable<SqlTimestamp>)]
    pub published_at: Option<Timestamp>,
    #[diesel(sql_type = Nullable<Text>)]
    pub meta_title: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub meta_description: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub canonical_url: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub og_image: Option<String>,
    #[diesel(sql_type = Bool)]
    pub noindex: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub featured_image_url: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub body_markdown: Option<String>,
    /// Comma-separated.
    #[diesel(sql_type = Nullable<Text>)]
    pub tag_slugs: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub previous_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub next_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub sidebar_id: Option<i64>,
    /// `product:3,author_bio:1`: what the sidebar's widgets show.
    #[diesel(sql_type = Nullable<Text>)]
    pub sidebar_keys: Option<String>,
    /// The first page of approved comments, a JSON array (when asked for).
    #[diesel(sql_type = Nullable<Text>)]
    pub comments: Option<String>,
    /// The last comment shown, when more follow it: where the next page starts.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub comments_last_id: Option<i64>,
    #[diesel(sql_type = Nullable<SqlTimestamp>)]
    pub comments_last_at: Option<Timestamp>,
    /// The post: every field of a listed post, then `version`, `body_html`, `previous`, `next`
    /// and `sidebar`.
    #[diesel(sql_type = Text)]
    pub json: String,
}

impl JsonPage {
    pub fn id(&self) -> PostId {
        PostId(self.id)
    }

    pub fn author(&self) -> AuthorId {
        AuthorId(self.author_id)
    }

    pub fn sidebar(&self) -> Option<SidebarId> {
        self.sidebar_id.map(SidebarId)
    }
}

/// The published post at `key`, visible at `now`, with its first `comments` approved comments
/// when asked for.
pub fn post_page_json(
    conn: &mut DbConnection,
    key: &PageKey,
    now: Timestamp,
    comments: Option<i64>,
    shape: &ListShape,
) -> StoreResult<Option<JsonPage>> {
    let dialect = Dialect::of(conn);
    let shown = comments.unwrap_or(1);
    let json = rest_json(dialect, shape);
    let page = PageSql { json: &json, shows: Shows::all(comments.is_some()), rest: true, by_id: key.is_id() };
    let mut sql = page_sql(dialect, page);
    let mut cacheable = true;
    if dialect == Dialect::Sqlite {
        // A bound LIMIT on the comments doubles SQLite's time for the page (1.15 ms against
        // 0.57): the number (1 to 100, never text of the client's) is written in. Each size is a
        // statement of its own, so only round sizes stay prepared: a client stepping through
        // every size cannot fill each connection's statement cache.
        sql = sql.replace("LIMIT {shown})", &format!("LIMIT {shown})"));
        cacheable = shown % 10 == 0;
    }
    run(conn, dialect, PageQuery { sql, key, now, shown, last: shown - 1, cacheable })
}

/// The published post at `key`, visible at `now`, with `post` (a GraphQL selection) as its JSON.
pub fn post_page_graph(
    conn: &mut DbConnection,
    key: &PageKey,
    now: Timestamp,
    post: &GraphPost,
) -> StoreResult<Option<JsonPage>> {
    let dialect = Dialect::of(conn);
    let page = PageSql { json: post.sql(dialect), shows: post.shows, rest: false, by_id: key.is_id() };
    let sql = page_sql(dialect, page);
    let cacheable = keep_prepared(&sql);
    run(conn, dialect, PageQuery { sql, key, now, shown: 1, last: 0, cacheable })
}

fn run(conn: &mut DbConnection, dialect: Dialect, mut query: PageQuery<'_>) -> StoreResult<Option<JsonPage>> {
    if dialect == Dialect::Sqlite {
        // SQLite (built with STAT4) plans again whenever a value it estimated a range with
        // changes, and the time changes with every request: a subquery hides the value from the
        // estimate, and the prepared statement stays (0.82 ms a page became 0.59 ms).
        query.sql = query.sql.replace("{now}", "(SELECT {now})");
    }
    Ok(query.load::<JsonPage>(conn)?.pop())
}

/// The newest published post older than the page's (`older`), or the oldest newer one,
/// selecting `what` of it (`n`).
pub(crate) fn neighbour(older: bool, what: &str) -> String {
    let (bound, strict, id, order) = if older { ("<=", "<", "<", "DESC") } else { (">=", ">", ">", "ASC") };
    format!(
        "(SELECT {what} FROM posts n WHERE n.status = 'published' AND n.published_at <= {{now}} \
         AND n.published_at {bound} posts.published_at AND (n.published_at {strict} posts.published_at \
         OR (n.published_at = posts.published_at AND n.id {id} posts.id)) \
         ORDER BY n.published_at {order}, n.id {order} LIMIT 1)"
    )
}

/// The post as REST's `PostBody` writes it (before what the service adds).
fn rest_json(dialect: Dialect, shape: &ListShape) -> String {
    let link_json = |older: bool| {
        let object = dialect.object(&[
            ("id", "n.id".into()),
            ("slug", "n.slug".into()),
            ("title", "n.title".into()),
            ("published_at", dialect.time("n.published_at")),
        ]);
        dialect.embedded(&neighbour(older, &object))
    };
    let whole = ListShape { fields: SummaryField::ALL.to_vec(), ..shape.clone() };
    let mut pairs = dialect.summary_pairs(&whole);
    pairs.push(("version", "posts.version".into()));
    pairs.push(("body_html", "posts.body_html".into()));
    pairs.push(("previous", link_json(true)));
    pairs.push(("next", link_json(false)));
    pairs.push(("sidebar", sidebar(dialect)));
    dialect.object(&pairs)
}

/// The parts of a page an answer shows, whose ids the statement reports beside the JSON for
/// the cache's keys (the post's own id always).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shows {
    pub author: bool,
    pub tags: bool,
    /// Previous and next.
    pub links: bool,
    pub sidebar: bool,
    pub comments: bool,
}

impl Shows {
    /// REST's page: everything, the comments when asked for.
    pub fn all(comments: bool) -> Self {
        Self { author: true, tags: true, links: true, sidebar: true, comments }
    }
}

/// A page's statement: the post's `json`, what it `shows`, and whether it is REST's (which
/// reports the SEO inputs and the Markdown, and pages its comments beside the JSON).
struct PageSql<'a> {
    json: &'a str,
    shows: Shows,
    rest: bool,
    by_id: bool,
}

/// The statement, its binds marked `{key}`, `{now}`, `{shown}` and `{last}`: no text of a URL
/// template can hold a brace (`UrlTemplate::parse` refuses one outside its placeholders), and
/// an unknown mark fails the statement rather than bind anything.
fn page_sql(dialect: Dialect, page: PageSql<'_>) -> String {
    let approved = APPROVED_COMMENTS;
    let rest_comments = page.rest && page.shows.comments;
    let (comments, last_id, last_at) = if rest_comments {
        let more = format!("EXISTS (SELECT 1 {approved} LIMIT 1 OFFSET {{shown}})");
        (
            dialect.as_text(&comment_page(dialect, approved)),
            format!("CASE WHEN {more} THEN (SELECT c.id {approved} LIMIT 1 OFFSET {{last}}) END"),
            format!("CASE WHEN {more} THEN (SELECT c.created_at {approved} LIMIT 1 OFFSET {{last}}) END"),
        )
    } else {
        ("NULL".to_string(), "NULL".to_string(), "NULL".to_string())
    };
    let sidebar_keys = match dialect {
        Dialect::Postgres => "string_agg",
        Dialect::Sqlite => "group_concat",
    };
    let sidebar_keys = format!(
        "(SELECT {sidebar_keys}(w.kind || ':' || CAST(coalesce(w.product_id, w.author_id) AS TEXT), ',') \
         FROM sidebar_widgets w WHERE w.sidebar_id = posts.sidebar_id AND w.kind <> 'html')"
    );
    let either = |shown: bool, sql: String| if shown { sql } else { "NULL".to_string() };
    let rest = |column: &str| if page.rest { format!("posts.{column}") } else { "NULL".to_string() };
    format!(
        "SELECT posts.id AS id, posts.author_id AS author_id, posts.version AS version, posts.slug AS slug, \
         posts.title AS title, posts.excerpt AS excerpt, posts.published_at AS published_at, \
         {meta_title} AS meta_title, {meta_description} AS meta_description, \
         {canonical_url} AS canonical_url, {og_image} AS og_image, posts.noindex AS noindex, \
         posts.featured_image_url AS featured_image_url, {body_markdown} AS body_markdown, \
         {tag_slugs} AS tag_slugs, {previous_id} AS previous_id, {next_id} AS next_id, \
         posts.sidebar_id AS sidebar_id, {sidebar_keys} AS sidebar_keys, \
         {comments} AS comments, {last_id} AS comments_last_id, {last_at} AS comments_last_at, \
         {json} AS json \
         FROM posts WHERE {key} AND posts.status = 'published' AND posts.published_at <= {{now}}",
        meta_title = rest("meta_title"),
        meta_description = rest("meta_description"),
        canonical_url = rest("canonical_url"),
        og_image = rest("og_image"),
        body_markdown = rest("body_markdown"),
        tag_slugs = either(page.shows.tags, dialect.tag_slugs().to_string()),
        previous_id = either(page.shows.links, neighbour(true, "n.id")),
        next_id = either(page.shows.links, neighbour(false, "n.id")),
        sidebar_keys = either(page.shows.sidebar, sidebar_keys),
        json = dialect.as_text(page.json),
        key = if page.by_id { "posts.id = {key}" } else { "posts.slug = {key}" },
    )
}

/// The first `{shown}` approved comments, oldest first, as `CommentBody` writes them.
fn comment_page(dialect: Dialect, approved: &str) -> String {
    let registered = match dialect {
        Dialect::Postgres => "c.author_id IS NOT NULL".to_string(),
        Dialect::Sqlite => dialect.boolean("c.author_id IS NOT NULL"),
    };
    let comment = dialect.object(&[
        ("id", "c.id".into()),
        ("post_id", "c.post_id".into()),
        ("parent_id", "c.parent_id".into()),
        ("depth", "c.depth".into()),
        ("author_name", "c.author_name".into()),
        ("author_url", "c.author_url".into()),
        ("is_registered", registered),
        ("author_id", "c.author_id".into()),
        ("body_html", "c.body_html".into()),
        ("created_at", dialect.time("c.created_at")),
    ]);
    let rows = format!("FROM (SELECT c.created_at, c.id, {comment} AS j {approved} LIMIT {{shown}}) x");
    dialect.array("x.j", &rows, "x.created_at, x.id")
}

/// The approved comments of the post `posts` (`c`), oldest first.
pub(crate) const APPROVED_COMMENTS: &str =
    "FROM comments c WHERE c.post_id = posts.id AND c.status = 'approved' ORDER BY c.created_at, c.id";

/// The widgets of the sidebar `s` (`w`, with its product `pr`) a sidebar shows: a widget whose
/// product or author is gone is left out.
pub(crate) const WIDGETS_SHOWN: &str = "FROM sidebar_widgets w LEFT JOIN products pr ON pr.id = w.product_id \
     WHERE w.sidebar_id = s.id AND (w.kind = 'html' OR pr.id IS NOT NULL \
     OR EXISTS (SELECT 1 FROM authors wa WHERE wa.id = w.author_id))";

/// The post's sidebar as `SidebarBody` writes it: widgets in order, a widget whose product or
/// author is gone left out.
fn sidebar(dialect: Dialect) -> String {
    let product = dialect.object(&[
        ("id", "pr.id".into()),
        ("title", "pr.title".into()),
        ("url", "pr.url".into()),
        ("image_url", "pr.image_url".into()),
        ("image", dialect.image("pr.image_url", "pr.image_")),
        ("contributor_label", "pr.contributor_label".into()),
        ("contributors", dialect.contributors().into()),
        ("edition", "pr.edition".into()),
    ]);
    let widget = format!(
        "CASE w.kind WHEN 'product' THEN {product} WHEN 'author_bio' THEN {author} ELSE {html} END",
        product = dialect.object(&[("kind", "'product'".into()), ("product", product)]),
        author = dialect.object(&[("kind", "'author_bio'".into()), ("author", dialect.author_of("w.author_id"))]),
        html = dialect.object(&[("kind", "'html'".into()), ("html", "w.html".into())]),
    );
    let widgets = dialect.array(&widget, WIDGETS_SHOWN, "w.position");
    let sidebar = dialect.object(&[
        ("id", "s.id".into()),
        ("slug", "s.slug".into()),
        ("title", "s.title".into()),
        ("widgets", widgets),
    ]);
    dialect.embedded(&format!("SELECT {sidebar} FROM sidebars s WHERE s.id = posts.sidebar_id"))
}

/// The page statement with its binds.
struct PageQuery<'a> {
    sql: String,
    key: &'a PageKey,
    now: Timestamp,
    shown: i64,
    last: i64,
    cacheable: bool,
}

impl<DB: Backend> QueryFragment<DB> for PageQuery<'_>
where
    DB: diesel::sql_types::HasSqlType<Text> + diesel::sql_types::HasSqlType<BigInt>,
    DB: diesel::sql_types::HasSqlType<SqlTimestamp>,
    String: diesel::serialize::ToSql<Text, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    Timestamp: diesel::serialize::ToSql<SqlTimestamp, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if !self.cacheable {
            out.unsafe_to_cache_prepared();
        }
        let mut rest = self.sql.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| c + open).unwrap_or(rest.len());
            out.push_sql(&rest[..open]);
            match &rest[open + 1..close] {
                "now" => out.push_bind_param::<SqlTimestamp, _>(&self.now)?,
                "shown" => out.push_bind_param::<BigInt, _>(&self.shown)?,
                "last" => out.push_bind_param::<BigInt, _>(&self.last)?,
                "key" => match self.key {
                    PageKey::Id(id) => out.push_bind_param::<BigInt, _>(&id.0)?,
                    PageKey::Slug(slug) => out.push_bind_param::<Text, _>(slug)?,
                },
                mark => {
                    let unknown = format!("the page statement has an unknown mark {{{mark}}}");
                    return Err(diesel::result::Error::QueryBuilderError(unknown.into()));
                }
            }
            rest = rest.get(close + 1..).unwrap_or_default();
        }
        out.push_sql(rest);
        Ok(())
    }
}

impl QueryId for PageQuery<'_> {
    type QueryId = ();
    // The text varies with the dialect and the template: prepared statements are found by it.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for PageQuery<'_> {
    type SqlType = Untyped;
}

impl RunQueryDsl<DbConnection> for PageQuery<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_is_a_bind_the_query_knows() {
        let shape = ListShape {
            fields: SummaryField::ALL.to_vec(),
            url: colophon_domain::UrlTemplate::parse("https://x.test/{yyyy}/{slug}").unwrap(),
            staff: false,
        };
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let json = rest_json(dialect, &shape);
            let sql = page_sql(dialect, PageSql { json: &json, shows: Shows::all(true), rest: true, by_id: false });
            let marks: std::collections::BTreeSet<&str> =
                sql.split('{').skip(1).map(|part| part.split('}').next().unwrap()).collect();
            assert_eq!(marks.into_iter().collect::<Vec<_>>(), ["key", "last", "now", "shown"], "{sql}");
        }
    }
}
