//! The read compiler's GraphQL post: a `post(slug:)` selection set written as one JSON
//! expression, in the document's own order, keys (aliases) and formats (IDs as strings, enum
//! values in capitals, times as `DateTime` writes them), so the database returns the field's
//! whole answer. A selection holding anything this module does not know (a field that needs a
//! rule of Rust's, a cursor, an argument other than `first`) is not compiled: `None`, and the
//! resolvers answer it.
//!
//! Only names a GraphQL document can spell reach the text (see [`FieldName`]), quoted as
//! literals; `first` is a number from 1 to 100.

use colophon_domain::{Picked, Selection, UrlTemplate};

use crate::post_json::{Dialect, TAGS_OF_POST};
use crate::post_page_json::{APPROVED_COMMENTS, Shows, WIDGETS_SHOWN, neighbour};

/// The most keys of one object: PostgreSQL's `json_build_object` takes 100 arguments.
const MAX_KEYS: usize = 50;

/// The most `comments` connections of one post: each is a subquery of its own (the resolvers'
/// loader shares identical ones), so a document repeating it under aliases is not compiled.
const MAX_CONNECTIONS: usize = 2;

/// A post's selection compiled for both backends.
#[derive(Debug, Clone)]
pub struct GraphPost {
    postgres: String,
    sqlite: String,
    /// The parts of the page it shows (the cache keys them).
    pub shows: Shows,
}

impl GraphPost {
    /// The selection as one expression over `posts`, or `None` when a part of it is not
    /// compiled.
    pub fn compile(selection: &Selection, url: &UrlTemplate) -> Option<Self> {
        let connections = selection.picks().iter().filter(|p| p.field.as_str() == "comments").count();
        if connections > MAX_CONNECTIONS {
            return None;
        }
        let shows = Shows {
            author: selection.has("author"),
            tags: selection.has("tags"),
            links: selection.has("previous") || selection.has("next"),
            sidebar: selection.has("sidebar"),
            comments: connections > 0,
        };
        let postgres = post(Dialect::Postgres, selection, url)?;
        let sqlite = post(Dialect::Sqlite, selection, url)?;
        Some(Self { postgres, sqlite, shows })
    }

    pub(crate) fn sql(&self, dialect: Dialect) -> &str {
        match dialect {
            Dialect::Postgres => &self.postgres,
            Dialect::Sqlite => &self.sqlite,
        }
    }
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
        Dialect::Postgres => format!("colophon_date_time({column})"),
        Dialect::Sqlite => format!("(replace({column}, ' ', 'T') || '+00:00')"),
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
    Some(dialect.image_when_set(url, prefix, &object))
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
    Some(dialect.array(&tag, TAGS_OF_POST, "pt.position"))
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
    Some(dialect.embedded(&neighbour(older, &object)))
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
    let when = |kind: &str, value: String| dialect.cased(format!("CASE WHEN w.kind = '{kind}' THEN {value} END"));
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
    Some(dialect.array(&widget, WIDGETS_SHOWN, "w.position"))
}

fn product(dialect: Dialect, selection: &Selection) -> Option<String> {
    object(dialect, selection, |pick| match pick.field.as_str() {
        "__typename" => leaf(pick, "'Product'"),
        "id" => leaf(pick, id("pr.id")),
        "title" | "url" | "edition" => leaf(pick, format!("pr.{}", pick.field.as_str())),
        "imageUrl" => leaf(pick, "pr.image_url"),
        "contributorLabel" => leaf(pick, "pr.contributor_label"),
        "contributors" => leaf(pick, dialect.contributors()),
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
    let approved = APPROVED_COMMENTS;
    let page = |row: String| {
        let rows = format!("FROM (SELECT c.created_at, c.id, {row} AS j {approved} LIMIT {first}) x");
        dialect.array("x.j", &rows, "x.created_at, x.id")
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
        assert!(!compiled.shows.comments && compiled.shows.author && !compiled.shows.links);
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
        let three: Vec<Picked> = ["a", "b", "c"]
            .iter()
            .map(|key| pick(key, "comments", vec![pick("nodes", "nodes", vec![pick("id", "id", vec![])])]))
            .collect();
        assert!(GraphPost::compile(&Selection::new(three.clone()).unwrap(), &template()).is_none());
        assert!(GraphPost::compile(&Selection::new(three[..2].to_vec()).unwrap(), &template()).is_some());
        comments.first = Some(100);
        let compiled = GraphPost::compile(&Selection::new(vec![comments]).unwrap(), &template()).unwrap();
        assert!(compiled.shows.comments && compiled.postgres.contains("LIMIT 100"));
    }
}
