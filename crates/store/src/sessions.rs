//! Credentials and refresh tokens.

use colophon_domain::{AuthorId, Role, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{authors, refresh_tokens};
use crate::{DbConnection, StoreError, StoreResult};

/// What sign-in needs of an author, and nothing else ever reads the hash.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: AuthorId,
    pub role: Role,
    pub password_hash: Option<String>,
    pub token_version: i64,
}

pub fn find_credentials(conn: &mut DbConnection, email: &str) -> StoreResult<Option<Credentials>> {
    let row: Option<(AuthorId, Role, Option<String>, i64)> = authors::table
        .filter(authors::email.eq(email))
        .select((authors::id, authors::role, authors::password_hash, authors::token_version))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, role, password_hash, token_version)| Credentials { id, role, password_hash, token_version }))
}

/// The role and token version of an author, checked on every authenticated request so that a
/// deleted or demoted author's token stops working at once.
pub fn find_access(conn: &mut DbConnection, id: AuthorId) -> StoreResult<Option<(Role, i64)>> {
    Ok(authors::table.find(id.stored()).select((authors::role, authors::token_version)).first(conn).optional()?)
}

/// The stored password hash of an author (none: the account cannot sign in).
pub fn password_hash_of(conn: &mut DbConnection, id: AuthorId) -> StoreResult<Option<String>> {
    Ok(authors::table
        .find(id.stored())
        .select(authors::password_hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Ends every session of an author: refresh tokens revoked and the token version bumped, so
/// access tokens already issued stop working too ("sign out everywhere").
pub fn end_all_sessions(conn: &mut DbConnection, id: AuthorId, now: Timestamp) -> StoreResult<()> {
    diesel::update(authors::table.find(id.stored()))
        .set(authors::token_version.eq(authors::token_version + 1))
        .execute(conn)?;
    revoke_author_sessions(conn, id, now)
}

/// Sets a new password hash and bumps the token version: every session of the author ends.
pub fn set_password_hash(conn: &mut DbConnection, id: AuthorId, hash: &str, now: Timestamp) -> StoreResult<()> {
    let changed = diesel::update(authors::table.find(id.stored()))
        .set((
            authors::password_hash.eq(hash),
            authors::token_version.eq(authors::token_version + 1),
            authors::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    revoke_author_sessions(conn, id, now)
}

#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub id: i64,
    pub author_id: AuthorId,
    pub family: String,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    author: AuthorId,
    family: &str,
    token_hash: &str,
    expires_at: Timestamp,
    now: Timestamp,
) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::author_id.eq(author.stored()),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(conn: &mut DbConnection, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
    type Row = (i64, AuthorId, String, Timestamp, Option<Timestamp>, Option<Timestamp>);
    let row: Option<Row> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::author_id,
            refresh_tokens::family,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            refresh_tokens::revoked_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, author_id, family, expires_at, used_at, revoked_at)| RefreshToken {
        id,
        author_id,
        family,
        expires_at,
        used_at,
        revoked_at,
    }))
}

/// Marks a token used, only if it still is unused: `false` means another request rotated it
/// first (a reuse).
pub fn mark_refresh_token_used(conn: &mut DbConnection, id: i64, now: Timestamp) -> StoreResult<bool> {
    let changed = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn revoke_family(conn: &mut DbConnection, family: &str, now: Timestamp) -> StoreResult<()> {
    diesel::update(refresh_tokens::table.filter(refresh_tokens::family.eq(family)))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}

pub fn revoke_author_sessions(conn: &mut DbConnection, author: AuthorId, now: Timestamp) -> StoreResult<()> {
    diesel::update(refresh_tokens::table.filter(refresh_tokens::author_id.eq(author.stored())))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}
