use std::collections::HashMap;

use colophon_domain::{Author, AuthorId, Patch, PostStatus, Role, Slug, Timestamp};
use diesel::prelude::*;

use crate::columns::written;
use crate::columns::{RoleColumn, Stored};
use crate::rows::{AuthorRow, author_columns, convert};
use crate::schema::{authors, posts};
use crate::{DbConnection, StoreResult};
use diesel::internal::derives::as_expression::Bound;

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
            authors::role.eq(new.role.stored()),
            authors::password_hash.eq(&new.password_hash),
            authors::token_version.eq(0_i64),
            authors::bio_html.eq(&new.bio_html),
            authors::avatar_url.eq(&new.avatar_url),
            authors::website_url.eq(&new.website_url),
            authors::created_at.eq(new.now),
            authors::updated_at.eq(new.now),
        ))
        .returning(author_columns())
        .get_result(conn)?;
    row.into_domain()
}

pub fn find_author_by_slug(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<Author>> {
    let row: Option<AuthorRow> =
        authors::table.filter(authors::slug.eq(slug.as_str())).select(AuthorRow::as_select()).first(conn).optional()?;
    row.map(AuthorRow::into_domain).transpose()
}

pub fn find_author(conn: &mut DbConnection, id: AuthorId) -> StoreResult<Option<Author>> {
    let row: Option<AuthorRow> =
        authors::table.find(id.stored()).select(AuthorRow::as_select()).first(conn).optional()?;
    row.map(AuthorRow::into_domain).transpose()
}

/// The authors with these ids, in one query (any order).
pub fn authors_by_ids(conn: &mut DbConnection, ids: &[AuthorId]) -> StoreResult<Vec<Author>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = written(ids);
    let rows: Vec<AuthorRow> =
        authors::table.filter(authors::id.eq_any(ids)).select(AuthorRow::as_select()).load(conn)?;
    convert(rows, AuthorRow::into_domain)
}

/// Authors ordered by id, after the given id.
pub fn list_authors(conn: &mut DbConnection, after: Option<AuthorId>, limit: i64) -> StoreResult<Vec<Author>> {
    let rows: Vec<AuthorRow> = authors::table
        .filter(authors::id.gt(after.unwrap_or(AuthorId(0)).stored()))
        .order(authors::id.asc())
        .limit(limit)
        .select(AuthorRow::as_select())
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
    let ids = written(ids);
    let counts: Vec<(AuthorId, i64)> = posts::table
        .filter(posts::author_id.eq_any(ids))
        .filter(posts::status.eq(PostStatus::Published.stored()))
        .filter(posts::published_at.le(now))
        .group_by(posts::author_id)
        .select((posts::author_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

pub fn count_authors(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(authors::table.count().get_result(conn)?)
}

/// Changes to an author's record; the default changes nothing.
#[derive(Debug, Clone, Default)]
pub struct AuthorChanges {
    pub slug: Option<Slug>,
    pub name: Option<String>,
    pub email: Patch<String>,
    pub role: Option<Role>,
    pub bio_html: Option<String>,
    pub avatar_url: Patch<String>,
    pub website_url: Patch<String>,
}

impl AuthorChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        crate::names_set(&[
            ("slug", self.slug.is_some()),
            ("name", self.name.is_some()),
            ("email", self.email.changes()),
            ("role", self.role.is_some()),
            ("bio", self.bio_html.is_some()),
            ("avatar_url", self.avatar_url.changes()),
            ("website_url", self.website_url.changes()),
        ])
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = authors)]
struct AuthorChangeset<'a> {
    slug: Option<&'a str>,
    name: Option<&'a str>,
    email: Option<Option<&'a str>>,
    role: Option<Bound<RoleColumn, Role>>,
    bio_html: Option<&'a str>,
    avatar_url: Option<Option<&'a str>>,
    website_url: Option<Option<&'a str>>,
    updated_at: Timestamp,
}

/// Applies the changes; a role change also bumps the token version, ending every session.
pub fn update_author(
    conn: &mut DbConnection,
    id: AuthorId,
    changes: &AuthorChanges,
    now: Timestamp,
) -> StoreResult<Author> {
    let changeset = AuthorChangeset {
        slug: changes.slug.as_ref().map(Slug::as_str),
        name: changes.name.as_deref(),
        email: changes.email.as_deref().into_option(),
        role: changes.role.map(Stored::stored),
        bio_html: changes.bio_html.as_deref(),
        avatar_url: changes.avatar_url.as_deref().into_option(),
        website_url: changes.website_url.as_deref().into_option(),
        updated_at: now,
    };
    let bump = i64::from(changes.role.is_some());
    let row: AuthorRow = diesel::update(authors::table.find(id.stored()))
        .set((changeset, authors::token_version.eq(authors::token_version + bump)))
        .returning(author_columns())
        .get_result(conn)?;
    row.into_domain()
}

pub fn delete_author(conn: &mut DbConnection, id: AuthorId) -> StoreResult<()> {
    match diesel::delete(authors::table.find(id.stored())).execute(conn)? {
        0 => Err(crate::StoreError::NotFound),
        _ => Ok(()),
    }
}

/// All posts of an author, whatever their status.
pub fn count_posts_of(conn: &mut DbConnection, id: AuthorId) -> StoreResult<i64> {
    Ok(posts::table.filter(posts::author_id.eq(id.stored())).count().get_result(conn)?)
}

pub fn author_slug_taken(conn: &mut DbConnection, slug: &Slug) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(authors::table.filter(authors::slug.eq(slug.as_str())))).get_result(conn)?)
}
