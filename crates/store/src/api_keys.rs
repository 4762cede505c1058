//! API keys: stored with the hash of their secret, found by their public prefix.

use colophon_domain::{ApiKey, ApiKeyId, AuthorId, Role, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{api_keys, authors};
use crate::{DbConnection, StoreResult};

/// Every column but the secret's hash.
type KeyColumns = (
    api_keys::id,
    api_keys::name,
    api_keys::prefix,
    api_keys::author_id,
    api_keys::role,
    api_keys::read_only,
    api_keys::created_at,
    api_keys::expires_at,
    api_keys::last_used_at,
    api_keys::revoked_at,
);

const KEY_COLUMNS: KeyColumns = (
    api_keys::id,
    api_keys::name,
    api_keys::prefix,
    api_keys::author_id,
    api_keys::role,
    api_keys::read_only,
    api_keys::created_at,
    api_keys::expires_at,
    api_keys::last_used_at,
    api_keys::revoked_at,
);

type KeyRow = (
    ApiKeyId,
    String,
    String,
    AuthorId,
    Role,
    bool,
    Timestamp,
    Option<Timestamp>,
    Option<Timestamp>,
    Option<Timestamp>,
);

fn key((id, name, prefix, owner, role, read_only, created_at, expires_at, last_used_at, revoked_at): KeyRow) -> ApiKey {
    ApiKey { id, name, prefix, owner, role, read_only, created_at, expires_at, last_used_at, revoked_at }
}

/// A key to store: the public prefix and the hash of the secret, never the secret.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub owner: AuthorId,
    pub role: Role,
    pub read_only: bool,
    pub expires_at: Option<Timestamp>,
}

pub fn insert_api_key(conn: &mut DbConnection, new: &NewApiKey<'_>, now: Timestamp) -> StoreResult<ApiKey> {
    let row: KeyRow = diesel::insert_into(api_keys::table)
        .values((
            api_keys::name.eq(new.name),
            api_keys::prefix.eq(new.prefix),
            api_keys::secret_hash.eq(new.secret_hash),
            api_keys::author_id.eq(new.owner.stored()),
            api_keys::role.eq(new.role.stored()),
            api_keys::read_only.eq(new.read_only),
            api_keys::created_at.eq(now),
            api_keys::expires_at.eq(new.expires_at),
        ))
        .returning(KEY_COLUMNS)
        .get_result(conn)?;
    Ok(key(row))
}

/// A key found by its prefix, with the hash of its secret and its owner's current role.
#[derive(Debug, Clone)]
pub struct PresentedKey {
    pub key: ApiKey,
    pub secret_hash: String,
    pub owner_role: Role,
}

/// The key with this prefix and its owner's role, in one indexed query.
pub fn find_api_key_by_prefix(conn: &mut DbConnection, prefix: &str) -> StoreResult<Option<PresentedKey>> {
    let row: Option<(KeyRow, String, Role)> = api_keys::table
        .inner_join(authors::table)
        .filter(api_keys::prefix.eq(prefix))
        .select((KEY_COLUMNS, api_keys::secret_hash, authors::role))
        .first(conn)
        .optional()?;
    Ok(row.map(|(row, secret_hash, owner_role)| PresentedKey { key: key(row), secret_hash, owner_role }))
}

pub fn find_api_key(conn: &mut DbConnection, id: ApiKeyId) -> StoreResult<Option<ApiKey>> {
    let row: Option<KeyRow> = api_keys::table.find(id.stored()).select(KEY_COLUMNS).first(conn).optional()?;
    Ok(row.map(key))
}

/// Keys ordered by id after `after`, revoked ones included (they say when).
pub fn list_api_keys(conn: &mut DbConnection, after: Option<ApiKeyId>, limit: i64) -> StoreResult<Vec<ApiKey>> {
    let rows: Vec<KeyRow> = api_keys::table
        .filter(api_keys::id.gt(after.unwrap_or(ApiKeyId(0)).stored()))
        .order(api_keys::id.asc())
        .limit(limit)
        .select(KEY_COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(key).collect())
}

/// Revokes a key that is not revoked yet; `false` when there is none such.
pub fn revoke_api_key(conn: &mut DbConnection, id: ApiKeyId, now: Timestamp) -> StoreResult<bool> {
    let changed = diesel::update(api_keys::table.find(id.stored()).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(now))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Gives an unrevoked key a new prefix and secret, keeping its settings.
pub fn rotate_api_key(
    conn: &mut DbConnection,
    id: ApiKeyId,
    prefix: &str,
    secret_hash: &str,
) -> StoreResult<Option<ApiKey>> {
    let row: Option<KeyRow> = diesel::update(api_keys::table.find(id.stored()).filter(api_keys::revoked_at.is_null()))
        .set((
            api_keys::prefix.eq(prefix),
            api_keys::secret_hash.eq(secret_hash),
            api_keys::last_used_at.eq(None::<Timestamp>),
        ))
        .returning(KEY_COLUMNS)
        .get_result(conn)
        .optional()?;
    Ok(row.map(key))
}

/// Records a use, unless one was recorded since `since` (so a busy key writes once a minute).
pub fn touch_api_key(conn: &mut DbConnection, id: ApiKeyId, now: Timestamp, since: Timestamp) -> StoreResult<()> {
    diesel::update(
        api_keys::table.find(id.stored()).filter(api_keys::last_used_at.is_null().or(api_keys::last_used_at.lt(since))),
    )
    .set(api_keys::last_used_at.eq(now))
    .execute(conn)?;
    Ok(())
}
