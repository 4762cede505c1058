use std::collections::HashMap;

use colophon_domain::{Author, AuthorId, Role, Slug, Timestamp};
use diesel::prelude::*;

use crate::rows::{convert, AuthorRow, AUTHOR_COLUMNS};
use crate::schema::{authors, posts};
use crate::{DbConnection, StoreResult};

/// An author to insert; `email` must already be lowercased by its domain type.
#[derive(Debug, Clone)]
pub struct NewAuthor {
    pub slug: Slug,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub password_hash: Option<String>,
    pub bio_html: String,
    pub avatar_url: Option<String>,
    pub website_url: Option<String>,
    pub now: Timestamp,
}

pub fn insert_author(conn: &mut DbConnection, new: &NewAuthor) -> StoreResult<Author> {
    let row: AuthorRow = diesel::insert_into(authors::table)
        .values((
            authors::slug.eq(new.slug.as_str()),
            authors::name.eq(&new.name),
            authors::email.eq(&new.email),
            authors::role.eq(new.role.as_str()),
            authors::password_hash.eq(&new.password_hash),
            authors::token_version.eq(0_i64),
            authors::bio_html.eq(&new.bio_html),
            authors::avatar_url.eq(&new.avatar_url),
            authors::website_url.eq(&new.website_url),
            authors::created_at.eq(new.now),
            authors::updated_at.eq(new.now),
        ))
        .returning(AUTHOR_COLUMNS)
        .get_result(conn)?;
    row.into_domain()
}

pub fn find_author_by_slug(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<Author>> {
    let row: Option<AuthorRow> =
        authors::table.filter(authors::slug.eq(slug.as_str())).select(AUTHOR_COLUMNS).first(conn).optional()?;
    row.map(AuthorRow::into_domain).transpose()
}

pub fn find_author(conn: &mut DbConnection, id: AuthorId) -> StoreResult<Option<Author>> {
    let row: Option<AuthorRow> = authors::table.find(id.0).select(AUTHOR_COLUMNS).first(conn).optional()?;
    row.map(AuthorRow::into_domain).transpose()
}

/// The authors with these ids, in one query (any order).
pub fn authors_by_ids(conn: &mut DbConnection, ids: &[AuthorId]) -> StoreResult<Vec<Author>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let rows: Vec<AuthorRow> = authors::table.filter(authors::id.eq_any(ids)).select(AUTHOR_COLUMNS).load(conn)?;
    convert(rows, AuthorRow::into_domain)
}

/// Authors ordered by id, after the given id.
pub fn list_authors(conn: &mut DbConnection, after: Option<AuthorId>, limit: i64) -> StoreResult<Vec<Author>> {
    let rows: Vec<AuthorRow> = authors::table
        .filter(authors::id.gt(after.map_or(0, |id| id.0)))
        .order(authors::id.asc())
        .limit(limit)
        .select(AUTHOR_COLUMNS)
        .load(conn)?;
    convert(rows, AuthorRow::into_domain)
}

/// How many posts of each author the public can read at `now`, in one query.
pub fn published_post_counts(
    conn: &mut DbConnection,
    ids: &[AuthorId],
    now: Timestamp,
) -> StoreResult<HashMap<AuthorId, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let counts: Vec<(i64, i64)> = posts::table
        .filter(posts::author_id.eq_any(ids))
        .filter(posts::status.eq("published"))
        .filter(posts::published_at.le(now))
        .group_by(posts::author_id)
        .select((posts::author_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().map(|(id, n)| (AuthorId(id), n)).collect())
}

pub fn count_authors(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(authors::table.count().get_result(conn)?)
}
