//! Full-text search over posts. PostgreSQL: the weighted `tsvector` its trigger keeps, a GIN
//! index, `websearch_to_tsquery` (with `to_tsquery` for prefixes), `ts_rank_cd`, `ts_headline`.
//! SQLite: the FTS5 table its triggers keep, `bm25` with column weights, `snippet`. Both rank
//! higher scores first, and page by (score, id): the same data gives the same scores, so pages
//! are stable while nothing changes.

use colophon_domain::{AuthorId, PostId, PostStatus, SEARCH_TEXT_MAX, SearchQuery, Slug, Timestamp, search_text};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp as SqlTimestamp};

use crate::columns::PostStatusColumn;
use crate::connection::MultiBackend;
use crate::id_columns::{AuthorIdColumn, PostIdColumn};
use crate::schema::{posts, search_config};
use crate::{DbConnection, StoreError, StoreResult};

/// Which posts a search looks in.
#[derive(Debug, Clone)]
pub struct SearchFilter {
    /// Posts of this status as readers see it at `now` (the public: `Published`).
    pub status: PostStatus,
    /// Only this author's posts (an author's own drafts), by id.
    pub author_id: Option<AuthorId>,
    /// Only the posts of the author with this slug.
    pub author: Option<Slug>,
    /// Only posts with the tag of this slug.
    pub tag: Option<Slug>,
    /// The language the index speaks (PostgreSQL's text search configuration).
    pub language: String,
}

/// A place in ranked results: the keyset cursor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchKey {
    pub score: f64,
    pub id: PostId,
}

/// One result: the post, its score (higher ranks first), and the texts its snippet is cut from.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub id: PostId,
    pub score: f64,
    pub body_text: String,
    pub excerpt: String,
}

#[derive(QueryableByName)]
struct HitRow {
    #[diesel(sql_type = PostIdColumn)]
    id: PostId,
    #[diesel(sql_type = Double)]
    score: f64,
    #[diesel(sql_type = Nullable<Text>)]
    body_text: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    excerpt: Option<String>,
}

impl From<HitRow> for SearchHit {
    fn from(r: HitRow) -> Self {
        Self {
            id: r.id,
            score: r.score,
            body_text: r.body_text.unwrap_or_default(),
            excerpt: r.excerpt.unwrap_or_default(),
        }
    }
}

/// The most matches a search ranks: SQLite the newest this many, PostgreSQL the first its index
/// finds (in table order, roughly the oldest). A query whose words are everywhere would
/// otherwise rank every post of the site, for anyone who asks; rarer words, most queries, match
/// fewer and are ranked whole.
pub const SEARCH_CANDIDATES: i64 = 500;

/// Title, excerpt and body weigh 10, 5 and 1 in SQLite's bm25 (PostgreSQL: weights A, B, C).
const SQLITE_WEIGHTS: &str = "10.0, 5.0, 1.0";

/// The matching posts, best first, after `after`, at most `limit`.
pub fn search_posts(
    conn: &mut DbConnection,
    query: &SearchQuery,
    filter: &SearchFilter,
    after: Option<SearchKey>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<SearchHit>> {
    match conn {
        DbConnection::Pg(_) => search_pg(conn, query, filter, after, limit, now),
        DbConnection::Sqlite(_) => search_sqlite(conn, query, filter, after, limit, now),
    }
}

/// A value a search statement binds, in the order its SQL numbers them.
enum Bind {
    Text(String),
    Status(PostStatus),
    Time(Timestamp),
    Author(AuthorId),
    Double(f64),
    Int(i64),
}

/// Numbers parameters as the backend writes them (`$1` or `?1`) and keeps what to bind.
struct Params {
    mark: char,
    binds: Vec<Bind>,
}

impl Params {
    fn new(mark: char) -> Self {
        Self { mark, binds: Vec::new() }
    }

    /// The placeholder for `value`.
    fn push(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("{}{}", self.mark, self.binds.len())
    }

    fn query(
        self,
        sql: String,
    ) -> diesel::query_builder::BoxedSqlQuery<'static, MultiBackend, diesel::query_builder::SqlQuery> {
        let mut query = diesel::sql_query(sql).into_boxed();
        for bind in self.binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::Status(v) => query.bind::<PostStatusColumn, _>(v),
                Bind::Time(v) => query.bind::<SqlTimestamp, _>(v),
                Bind::Author(v) => query.bind::<AuthorIdColumn, _>(v),
                Bind::Double(v) => query.bind::<Double, _>(v),
                Bind::Int(v) => query.bind::<BigInt, _>(v),
            };
        }
        query
    }
}

/// The filter's conditions on `p`.
fn conditions(filter: &SearchFilter, params: &mut Params, now: Timestamp) -> String {
    let stored = if filter.status == PostStatus::Draft { PostStatus::Draft } else { PostStatus::Published };
    let mut sql = format!(" AND p.status = {}", params.push(Bind::Status(stored)));
    match filter.status {
        PostStatus::Scheduled => sql.push_str(&format!(" AND p.published_at > {}", params.push(Bind::Time(now)))),
        PostStatus::Published => sql.push_str(&format!(" AND p.published_at <= {}", params.push(Bind::Time(now)))),
        PostStatus::Draft => {}
    }
    if let Some(id) = filter.author_id {
        sql.push_str(&format!(" AND p.author_id = {}", params.push(Bind::Author(id))));
    }
    if let Some(slug) = &filter.author {
        let slug = params.push(Bind::Text(slug.as_str().to_string()));
        sql.push_str(&format!(" AND p.author_id IN (SELECT id FROM authors WHERE slug = {slug})"));
    }
    if let Some(slug) = &filter.tag {
        let slug = params.push(Bind::Text(slug.as_str().to_string()));
        sql.push_str(&format!(
            " AND p.id IN (SELECT pt.post_id FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.slug = {slug})"
        ));
    }
    sql
}

/// Rows after `after` in (score, id) order, best first.
fn keyset(after: Option<SearchKey>, params: &mut Params, of: &str) -> String {
    match after {
        Some(key) => {
            let score = params.push(Bind::Double(key.score));
            let id = params.push(Bind::Int(key.id.0));
            format!(" WHERE {of}score < {score} OR ({of}score = {score} AND {of}id < {id})")
        }
        None => String::new(),
    }
}

fn search_pg(
    conn: &mut DbConnection,
    query: &SearchQuery,
    filter: &SearchFilter,
    after: Option<SearchKey>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<SearchHit>> {
    let mut params = Params::new('$');
    // The language as a constant (not read from search_config in the statement), so that the
    // planner folds the query into a constant: read per row, it was parsed again for every row.
    let config = format!("{}::regconfig", params.push(Bind::Text(filter.language.clone())));
    let (websearch, prefixes) = (query.websearch(), query.prefixes());
    let q = match (websearch.is_empty(), prefixes.is_empty()) {
        (false, true) => format!("websearch_to_tsquery({config}, {})", params.push(Bind::Text(websearch))),
        (true, false) => format!("to_tsquery({config}, {})", params.push(Bind::Text(prefixes))),
        _ => {
            let web = params.push(Bind::Text(websearch));
            let pre = params.push(Bind::Text(prefixes));
            format!("(websearch_to_tsquery({config}, {web}) && to_tsquery({config}, {pre}))")
        }
    };
    let conditions = conditions(filter, &mut params, now);
    let keyset = keyset(after, &mut params, "");
    let limit = params.push(Bind::Int(limit));
    let candidates = params.push(Bind::Int(SEARCH_CANDIDATES));
    // The first matches the GIN index finds (in table order), ranked. Asking for the newest made
    // the planner walk the keyset index and read every post's vector until enough matched
    // (370 ms for a rare word beside a common one at 100,000 posts), or read every match to
    // sort them by date. Snippets are cut in Rust (`Highlighter`): ts_headline took 0.4 ms a
    // result, four fifths of a search's time.
    let sql = format!(
        "SELECT page.id, page.score, page.body_text, page.excerpt \
         FROM (SELECT * FROM (SELECT m.id, m.excerpt, m.body_text, ts_rank_cd(m.search_vector, {q}, 1)::float8 AS score \
               FROM (SELECT p.id, p.excerpt, p.body_text, p.search_vector FROM posts p \
                     WHERE p.search_vector @@ {q}{conditions} \
                     LIMIT {candidates}) m) hits{keyset} \
               ORDER BY score DESC, id DESC LIMIT {limit}) page \
         ORDER BY page.score DESC, page.id DESC"
    );
    let rows: Vec<HitRow> = params.query(sql).load(conn)?;
    Ok(rows.into_iter().map(SearchHit::from).collect())
}

fn search_sqlite(
    conn: &mut DbConnection,
    query: &SearchQuery,
    filter: &SearchFilter,
    after: Option<SearchKey>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<SearchHit>> {
    let mut params = Params::new('?');
    let expression = query.fts5();
    let matching = params.push(Bind::Text(expression.clone()));
    let conditions = conditions(filter, &mut params, now);
    let keyset = keyset(after, &mut params, "ranked.");
    let limit = params.push(Bind::Int(limit));
    let candidates = params.push(Bind::Int(SEARCH_CANDIDATES));
    // The newest matches first (FTS5 reads its lists in rowid order), ranked; the texts of the
    // page's rows only.
    let sql = format!(
        "SELECT ranked.id, ranked.score, p.body_text, p.excerpt FROM \
           (SELECT p.id AS id, -bm25(posts_fts, {SQLITE_WEIGHTS}) AS score \
            FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid \
            WHERE posts_fts MATCH {matching}{conditions} \
            ORDER BY posts_fts.rowid DESC LIMIT {candidates}) ranked JOIN posts p ON p.id = ranked.id{keyset} \
         ORDER BY ranked.score DESC, ranked.id DESC LIMIT {limit}"
    );
    let rows: Vec<HitRow> = params.query(sql).load(conn)?;
    Ok(rows.into_iter().map(SearchHit::from).collect())
}

/// Makes the index speak `language`, re-indexing when it spoke another; `Ok(false)` when it
/// already did. PostgreSQL: any installed text search configuration (`english`, `german`,
/// `simple`…), checked first. SQLite: `english` stems with Porter; any other language rebuilds
/// the index without stemming.
pub fn set_search_language(conn: &mut DbConnection, language: &str) -> StoreResult<bool> {
    let current: String = search_config::table.select(search_config::language).first(conn)?;
    if current == language {
        return Ok(false);
    }
    match conn {
        DbConnection::Pg(_) => {
            #[derive(QueryableByName)]
            struct Known {
                #[diesel(sql_type = BigInt)]
                n: i64,
            }
            let known: Known = diesel::sql_query("SELECT count(*) AS n FROM pg_ts_config WHERE cfgname = $1")
                .bind::<Text, _>(language)
                .get_result(conn)?;
            if known.n == 0 {
                return Err(StoreError::Config(format!(
                    "COLOPHON_SEARCH_LANGUAGE: PostgreSQL has no text search configuration named {language:?}"
                )));
            }
            diesel::update(search_config::table).set(search_config::language.eq(language)).execute(conn)?;
            // The trigger computes the vector anew from the current language.
            diesel::sql_query("UPDATE posts SET title = title").execute(conn)?;
        }
        DbConnection::Sqlite(_) => {
            let tokenizer = if language == "english" {
                "porter unicode61 remove_diacritics 2"
            } else {
                "unicode61 remove_diacritics 2"
            };
            diesel::update(search_config::table).set(search_config::language.eq(language)).execute(conn)?;
            diesel::sql_query("DROP TABLE posts_fts").execute(conn)?;
            diesel::sql_query(format!(
                "CREATE VIRTUAL TABLE posts_fts USING fts5(title, excerpt, body_text, content = 'posts', \
                 content_rowid = 'id', tokenize = '{tokenizer}')"
            ))
            .execute(conn)?;
            diesel::sql_query("INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')").execute(conn)?;
        }
    }
    Ok(true)
}

/// Posts whose indexed text is missing (written before search existed, or behind Colophon's
/// back), a batch at a time.
pub fn posts_without_search_text(conn: &mut DbConnection, limit: i64) -> StoreResult<Vec<(PostId, String)>> {
    Ok(posts::table
        .filter(posts::body_text.is_null())
        .select((posts::id, posts::body_html))
        .order(posts::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Writes a post's indexed text (the search triggers index it).
pub fn set_search_text(conn: &mut DbConnection, id: PostId, html: &str) -> StoreResult<()> {
    let text: String = search_text(html).chars().take(SEARCH_TEXT_MAX).collect();
    diesel::update(posts::table.find(crate::columns::Stored::stored(id)))
        .set(posts::body_text.eq(text))
        .execute(conn)?;
    Ok(())
}
