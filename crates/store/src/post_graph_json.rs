//! The read compiler's GraphQL post: a `post(slug:)` selection set written as one JSON
//! expression, in the document's own order, keys (aliases) and formats (IDs as strings, enum
//! values in capitals, times as `DateTime` writes them), so the database returns the field's
//! whole answer. A selection holding anything this module does not know (a field that needs a
//! rule of Rust's, a cursor, an argument other than `first`) is not compiled: `None`, and the
//! resolvers answer it.
//!
//! Only names a GraphQL document can spell reach the text (see [`FieldName`]), quoted as
//! literals; `first` is a number from 1 to 100.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use colophon_domain::{Picked, Selection, UrlTemplate};

use crate::post_json::Dialect;

/// The most keys of one object: PostgreSQL's `json_build_object` takes 100 arguments.
const MAX_KEYS: usize = 50;

/// A post's selection compiled for both backends.
#[derive(Debug, Clone)]
pub struct GraphPost {
    postgres: String,
    sqlite: String,
    /// Its comments are part of the answer (the cache keys them).
    pub shows_comments: bool,
}

impl GraphPost {
    /// The selection as one expression over `posts`, or `None` when a part of it is not
    /// compiled.
    pub fn compile(selection: &Selection, url: &UrlTemplate) -> Option<Self> {
        let shows_comments = selection.has("comments");
        let postgres = post(Dialect::Postgres, selection, url)?;
        let sqlite = post(Dialect::Sqlite, selection, url)?;
        Some(Self { postgres, sqlite, shows_comments })
    }

    pub(crate) fn sql(&self, dialect: Dialect) -> &str {
        match dialect {
            Dialect::Postgres => &self.postgres,
            Dialect::Sqlite => &self.sqlite,
        }
    }
}

/// Whether a statement may stay prepared on each connection: the first 64 texts may, so that
/// a site's few documents are planned once while a client sending endless variations (aliases
/// are free) cannot fill every connection's statement cache.
pub(crate) fn keep_prepared(sql: &str) -> bool {
    static KEPT: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);
    let mut kept = KEPT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if kept.contains(sql) {
        return true;
    }
    kept.len() < 64 && kept.insert(sql.to_string())
}

/// An object of the picks, each written by `value` (`None`: not compiled).
fn object(dialect: Dialect, selection: &Selection, value: impl Fn(&Picked) -> Option<String>) -> Option<String> {
    if selection.is_empty() || selection.picks().len() > MAX_KEYS {
        return None;
    }
    let pairs =
        selection.picks().iter().map(|pick| Some((pick.key.as_str(), value(pick)?))).collect::<Option<Vec<_>>>()?;
    Some(dialect.object(&pairs))
}

/// A leaf: a field without a selection or arguments of its own.
fn leaf(pick: &Picked, sql: impl Into<String>) -> Option<String> {
    (pick.inside.is_empty() && pick.first.is_none()).then(|| sql.into())
}

/// An object field: a selection and no arguments.
fn inner(pick: &Picked) -> Option<&Selection> {
    (!pick.inside.is_empty() && pick.first.is_none()).then_some(&pick.inside)
}

fn id(column: &str) -> String {
    format!("CAST({column} AS TEXT)")
}

/// A time as the `DateTime` scalar writes it (`2010-04-20T15:00:00+00:00`, chrono's RFC 3339).
fn date_time(dialect: Dialect, column: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("(left({}, -1) || '+00:00')", dialect.time(column)),
        Dialect::Sqlite => format!("(replace({column}, ' ', 'T') || '+00:00')"),
    }
}

/// A subquery's JSON array of `row` over `from` (which orders it by `order`).
fn array(dialect: Dialect, row: &str, from: &str, order: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("(SELECT coalesce(json_agg({row} ORDER BY {order}), '[]'::json) {from})"),
        Dialect::Sqlite => format!("json((SELECT json_group_array(json({row}) ORDER BY {order}) {from}))"),
    }
}

/// A value that is JSON or NULL behind a CASE (which makes SQLite forget the JSON).
fn cased(dialect: Dialect, case: String) -> String {
    match dialect {
        Dialect::Postgres => case,
        Dialect::Sqlite => format!("json({case})"),
    }
}

fn post(dialect: Dialect, selection: &Selection, url: &UrlTemplate) -> Option<String> {
    object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Post'"),
        "id" => leaf(pick, id("posts.id")),
        "slug" | "title" | "excerpt" | "version" => leaf(pick, format!("posts.{}", pick.field.as_str())),
        "bodyHtml" => leaf(pick, "posts.body_html"),
        "commentCount" => leaf(pick, "posts.comment_count"),
        "status" => leaf(pick, "'PUBLISHED'"),
        "publishedAt" => leaf(pick, date_time(dialect, "posts.published_at")),
        "updatedAt" => leaf(pick, date_time(dialect, "posts.updated_at")),
        "commentsEnabled" => leaf(pick, dialect.boolean("posts.comments_enabled")),
        "url" => leaf(pick, dialect.url(url)),
        "featuredImage" => image(dialect, inner(pick)?, "posts.featured_image_url", "posts.featured_image_"),
        "author" => author(dialect, inner(pick)?, "posts.author_id"),
        "tags" => tags(dialect, inner(pick)?),
        "previous" => link(dialect, inner(pick)?, true),
        "next" => link(dialect, inner(pick)?, false),
        "sidebar" => sidebar(dialect, inner(pick)?),
        "comments" => comments(dialect, pick),
        _ => None,
    })
}

/// A picture (`FeaturedImage`), null when none of it is set.
fn image(dialect: Dialect, selection: &Selection, url: &str, prefix: &str) -> Option<String> {
    let column = |name: &str| format!("{prefix}{name}");
    let object = object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'FeaturedImage'"),
        "url" => leaf(pick, url),
        "alt" | "credit" | "width" | "height" => leaf(pick, column(pick.field.as_str())),
        "mediaId" => leaf(pick, id(&column("media_id"))),
        _ => None,
    })?;
    let (alt, credit, media) = (column("alt"), column("credit"), column("media_id"));
    Some(cased(
        dialect,
        format!(
            "CASE WHEN {url} IS NULL AND {alt} IS NULL AND {credit} IS NULL AND {media} IS NULL \
             THEN NULL ELSE {object} END"
        ),
    ))
}

/// The author whose id `author_id` holds (`Author`; its `postCount` is not compiled).
fn author(dialect: Dialect, selection: &Selection, author_id: &str) -> Option<String> {
    let object = object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Author'"),
        "id" => leaf(pick, id("a.id")),
        "slug" | "name" => leaf(pick, format!("a.{}", pick.field.as_str())),
        "bio" => leaf(pick, "a.bio_html"),
        "avatarUrl" => leaf(pick, "a.avatar_url"),
        "websiteUrl" => leaf(pick, "a.website_url"),
        _ => None,
    })?;
    Some(dialect.embedded(&format!("SELECT {object} FROM authors a WHERE a.id = {author_id}")))
}

fn tags(dialect: Dialect, selection: &Selection) -> Option<String> {
    let tag = object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Tag'"),
        "slug" | "name" | "description" => leaf(pick, format!("t.{}", pick.field.as_str())),
        _ => None,
    })?;
    let of_post = "FROM post_tags pt INNER JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = posts.id";
    Some(array(dialect, &tag, of_post, "pt.position"))
}

/// The older (`previous`) or newer published neighbour (`PostLink`).
fn link(dialect: Dialect, selection: &Selection, older: bool) -> Option<String> {
    let object = object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'PostLink'"),
        "id" => leaf(pick, id("n.id")),
        "slug" | "title" => leaf(pick, format!("n.{}", pick.field.as_str())),
        "publishedAt" => leaf(pick, date_time(dialect, "n.published_at")),
        _ => None,
    })?;
    Some(dialect.embedded(&crate::post_page_json::neighbour(older, &object)))
}

fn sidebar(dialect: Dialect, selection: &Selection) -> Option<String> {
    let object = object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Sidebar'"),
        "id" => leaf(pick, id("s.id")),
        "slug" | "title" => leaf(pick, format!("s.{}", pick.field.as_str())),
        "widgets" => widgets(dialect, inner(pick)?),
        _ => None,
    })?;
    Some(dialect.embedded(&format!("SELECT {object} FROM sidebars s WHERE s.id = posts.sidebar_id")))
}

/// The sidebar's widgets in order, a widget whose product or author is gone left out (as
/// `SidebarView` leaves it out); the field `kind` names is set, the others null.
fn widgets(dialect: Dialect, selection: &Selection) -> Option<String> {
    let when = |kind: &str, value: String| cased(dialect, format!("CASE WHEN w.kind = '{kind}' THEN {value} END"));
    let widget = object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Widget'"),
        "kind" => {
            leaf(pick, "CASE w.kind WHEN 'product' THEN 'PRODUCT' WHEN 'author_bio' THEN 'AUTHOR_BIO' ELSE 'HTML' END")
        }
        "html" => leaf(pick, "CASE WHEN w.kind = 'html' THEN w.html END"),
        "product" => Some(when("product", product(dialect, inner(pick)?)?)),
        "author" => Some(when("author_bio", author(dialect, inner(pick)?, "w.author_id")?)),
        _ => None,
    })?;
    let shown = "FROM sidebar_widgets w LEFT JOIN products pr ON pr.id = w.product_id \
                 WHERE w.sidebar_id = s.id AND (w.kind = 'html' OR pr.id IS NOT NULL \
                 OR EXISTS (SELECT 1 FROM authors wa WHERE wa.id = w.author_id))";
    Some(array(dialect, &widget, shown, "w.position"))
}

fn product(dialect: Dialect, selection: &Selection) -> Option<String> {
    let contributors = match dialect {
        Dialect::Postgres => "pr.contributors::json",
        Dialect::Sqlite => "json(pr.contributors)",
    };
    object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Product'"),
        "id" => leaf(pick, id("pr.id")),
        "title" | "url" | "edition" => leaf(pick, format!("pr.{}", pick.field.as_str())),
        "imageUrl" => leaf(pick, "pr.image_url"),
        "contributorLabel" => leaf(pick, "pr.contributor_label"),
        "contributors" => leaf(pick, contributors),
        "image" => image(dialect, inner(pick)?, "pr.image_url", "pr.image_"),
        _ => None,
    })
}

/// `comments(first:)` in the oldest-first order: its `edges { node }`, `nodes` and
/// `pageInfo` without cursors (a cursor is signed by the service).
fn comments(dialect: Dialect, pick: &Picked) -> Option<String> {
    let first = pick.first.unwrap_or(20);
    if !(1..=100).contains(&first) {
        return None;
    }
    let approved = "FROM comments c WHERE c.post_id = posts.id AND c.status = 'approved' ORDER BY c.created_at, c.id";
    let page = |row: String| {
        let rows = format!("FROM (SELECT c.created_at, c.id, {row} AS j {approved} LIMIT {first}) x");
        array(dialect, "x.j", &rows, "x.created_at, x.id")
    };
    object(dialect, &pick.inside, |part| match part.field.as_str() {
        "__typename" => leaf(part, "'CommentConnection'"),
        "nodes" => Some(page(comment(dialect, inner(part)?)?)),
        "edges" => {
            let edge = object(dialect, inner(part)?, |edge| match edge.field.as_str() {
                "__typename" => leaf(edge, "'CommentEdge'"),
                "node" => comment(dialect, inner(edge)?),
                _ => None,
            })?;
            Some(page(edge))
        }
        "pageInfo" => object(dialect, inner(part)?, |info| match info.field.as_str() {
            "__typename" => leaf(info, "'PageInfo'"),
            "hasPreviousPage" => leaf(info, dialect.boolean("1 = 0")),
            "hasNextPage" => {
                leaf(info, dialect.boolean(&format!("EXISTS (SELECT 1 {approved} LIMIT 1 OFFSET {first})")))
            }
            _ => None,
        }),
        _ => None,
    })
}

/// A comment as the public sees it (its `author` and `replies` are not compiled).
fn comment(dialect: Dialect, selection: &Selection) -> Option<String> {
    object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Comment'"),
        "id" => leaf(pick, id("c.id")),
        "parentId" => leaf(pick, id("c.parent_id")),
        "authorName" => leaf(pick, "c.author_name"),
        "authorUrl" => leaf(pick, "c.author_url"),
        "isRegistered" => leaf(pick, dialect.boolean("c.author_id IS NOT NULL")),
        "bodyHtml" => leaf(pick, "c.body_html"),
        "depth" => leaf(pick, "c.depth"),
        "status" => leaf(pick, "'APPROVED'"),
        "createdAt" => leaf(pick, date_time(dialect, "c.created_at")),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use colophon_domain::FieldName;

    use super::*;

    fn pick(key: &str, field: &str, inside: Vec<Picked>) -> Picked {
        Picked {
            key: FieldName::parse(key).unwrap(),
            field: FieldName::parse(field).unwrap(),
            first: None,
            inside: Selection::new(inside).unwrap(),
        }
    }

    fn template() -> UrlTemplate {
        UrlTemplate::parse("https://x.test/{slug}").unwrap()
    }

    #[test]
    fn known_fields_compile_under_their_aliases() {
        let selection = Selection::new(vec![
            pick("headline", "title", vec![]),
            pick("author", "author", vec![pick("name", "name", vec![])]),
        ])
        .unwrap();
        let compiled = GraphPost::compile(&selection, &template()).unwrap();
        assert!(compiled.postgres.starts_with("json_build_object('headline', posts.title, 'author', "));
        assert!(compiled.sqlite.starts_with("json_object('headline', posts.title, 'author', json(("));
        assert!(!compiled.shows_comments);
    }

    #[test]
    fn what_needs_rust_or_arguments_is_not_compiled() {
        for selection in [
            vec![pick("seo", "seo", vec![pick("metaTitle", "metaTitle", vec![])])],
            vec![pick("bodyMarkdown", "bodyMarkdown", vec![])],
            vec![pick("author", "author", vec![pick("postCount", "postCount", vec![])])],
            vec![pick("title", "title", vec![pick("x", "x", vec![])])],
            vec![pick("author", "author", vec![])],
            vec![pick("comments", "comments", vec![pick("edges", "edges", vec![pick("cursor", "cursor", vec![])])])],
        ] {
            let selection = Selection::new(selection).unwrap();
            assert!(GraphPost::compile(&selection, &template()).is_none(), "{selection:?}");
        }
        let mut comments = pick("c", "comments", vec![pick("nodes", "nodes", vec![pick("id", "id", vec![])])]);
        comments.first = Some(101);
        assert!(GraphPost::compile(&Selection::new(vec![comments.clone()]).unwrap(), &template()).is_none());
        comments.first = Some(100);
        let compiled = GraphPost::compile(&Selection::new(vec![comments]).unwrap(), &template()).unwrap();
        assert!(compiled.shows_comments && compiled.postgres.contains("LIMIT 100"));
    }
}
