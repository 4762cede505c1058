//! API keys: created by admins (REST, GraphQL or the operator's command line), shown whole
//! once, stored as the SHA-256 of their secret, accepted wherever a sign-in token is, and
//! decided by the same permission functions, with the lower of the key's and the owner's role.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use colophon_domain::{
    API_KEY_PREFIX, Actor, ApiKey, ApiKeyId, AuthorId, BoundedText, Email, Page, Role, Timestamp, split_api_key,
};
use colophon_store::{self as store, DbConnection, NewApiKey};
use sha2::{Digest, Sha256};

use super::Caller;
use crate::Paging;
use crate::write::{Action, Target, Writer, Written};
use crate::{Colophon, CursorPage, ServiceError, ServiceResult};

const LIST: &str = "api-keys";
const BAD_KEY: ServiceError = ServiceError::Unauthenticated("invalid, expired or revoked API key");
/// The longest a key may be made to live.
const MAX_DAYS: u32 = 3650;
/// A busy key's last use is written at most this often.
const TOUCH_EVERY_SECS: i64 = 60;

/// A new key's settings.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyInput {
    /// What it is for ("Site build"), 1–100 characters.
    pub name: String,
    /// Whom it acts for: the creating admin when absent.
    pub owner: Option<AuthorId>,
    /// The role it acts with, at most the owner's: the owner's when absent.
    pub role: Option<Role>,
    /// Reads drafts and scheduled posts, writes nothing.
    pub read_only: bool,
    /// Days until it stops working (1–3650); never when absent.
    pub expires_in_days: Option<u32>,
}

/// A key just made or rotated: its record, and the whole key, which is never shown again.
#[derive(Debug, Clone)]
pub struct IssuedApiKey {
    /// What is stored.
    pub key: ApiKey,
    /// `colophon_<prefix>_<secret>`: the only time it exists outside the caller's hands.
    pub secret: String,
}

/// A fresh prefix (12 alphanumerics, for lookup and recognition) and secret (256 random bits).
fn generate() -> (String, String) {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let prefix = (0..12).map(|_| char::from(ALPHABET[usize::from(rand::random::<u8>()) % ALPHABET.len()])).collect();
    let secret = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    (prefix, secret)
}

fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn whole(prefix: &str, secret: &str) -> String {
    format!("{API_KEY_PREFIX}{prefix}_{secret}")
}

/// Only admins manage keys, and only in person: a key cannot mint or revoke keys.
fn key_manager(caller: Caller) -> ServiceResult<Writer> {
    let writer = caller.admin_writer()?;
    if writer.key.is_some() {
        return Err(ServiceError::Forbidden("API keys cannot manage API keys: sign in"));
    }
    Ok(writer)
}

/// The checked settings of a new key, before its owner is known.
struct Checked {
    name: String,
    expires_in_days: Option<u32>,
}

fn check(input: &ApiKeyInput) -> ServiceResult<Checked> {
    let name = BoundedText::<100>::parse(input.name.trim()).map_err(|m| ServiceError::invalid("name", m))?;
    if name.as_str().is_empty() {
        return Err(ServiceError::invalid("name", "is required"));
    }
    if let Some(days) = input.expires_in_days {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(ServiceError::invalid("expires_in_days", format!("must be 1 to {MAX_DAYS}")));
        }
    }
    Ok(Checked { name: name.into_string(), expires_in_days: input.expires_in_days })
}

/// Stores a key for `owner` (whose role bounds the key's) and returns it whole.
fn insert(
    conn: &mut DbConnection,
    checked: &Checked,
    owner: AuthorId,
    owner_role: Role,
    role: Option<Role>,
    read_only: bool,
    now: Timestamp,
) -> ServiceResult<IssuedApiKey> {
    let role = role.unwrap_or(owner_role);
    if role > owner_role {
        return Err(ServiceError::invalid("role", "a key cannot outrank its owner"));
    }
    let (prefix, secret) = generate();
    let expires_at = checked.expires_in_days.map(|days| now + chrono::Duration::days(i64::from(days)));
    let new = NewApiKey {
        name: &checked.name,
        prefix: &prefix,
        secret_hash: &secret_hash(&secret),
        owner,
        role,
        read_only,
        expires_at,
    };
    let key = store::insert_api_key(conn, &new, now)?;
    Ok(IssuedApiKey { key, secret: whole(&prefix, &secret) })
}

impl Colophon {
    /// Creates a key (admins, in person). The whole key is in the answer and nowhere else.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_api_key(&self, caller: Caller, input: ApiKeyInput) -> ServiceResult<IssuedApiKey> {
        let writer = key_manager(caller)?;
        let checked = check(&input)?;
        let owner = input.owner.unwrap_or(writer.id);
        self.write(writer, move |conn, now, _| {
            let (owner_role, _) =
                store::find_access(conn, owner)?.ok_or_else(|| ServiceError::invalid("owner_id", "no such author"))?;
            let issued = insert(conn, &checked, owner, owner_role, input.role, input.read_only, now)?;
            let target = Target::ApiKey(issued.key.id);
            Ok(Written::new(issued, Action::ApiKeyCreate, target))
        })
        .await
    }

    /// Creates a key from the command line (no caller: the operator holds the database).
    pub fn create_api_key_by_operator(&self, owner_email: &str, input: ApiKeyInput) -> ServiceResult<IssuedApiKey> {
        let email = Email::parse(owner_email).map_err(|m| ServiceError::invalid("owner", m))?;
        let checked = check(&input)?;
        self.write_as_operator(|conn, now| {
            let owner = store::find_credentials(conn, email.as_str())?
                .ok_or_else(|| ServiceError::invalid("owner", "no author has this e-mail"))?;
            let issued = insert(conn, &checked, owner.id, owner.role, input.role, input.read_only, now)?;
            let target = Target::ApiKey(issued.key.id);
            Ok(Written::new(issued, Action::ApiKeyCreate, target))
        })
    }

    /// Every key, revoked ones too, in the order they were made (admins).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn api_keys(&self, caller: Caller, paging: Paging) -> ServiceResult<CursorPage<ApiKey>> {
        let Paging { limit, cursor } = paging;
        key_manager(caller)?;
        let (limit, after) = self.id_page_args(LIST, limit, cursor)?;
        let codec = self.cursors().clone();
        self.db(move |conn, _| {
            let rows = store::list_api_keys(conn, after.map(ApiKeyId), limit.probe())?;
            let page = Page::from_probe(rows, limit, |k| k.id.0);
            Ok(CursorPage { items: page.items, next_cursor: page.next.map(|id| codec.encode(LIST, &[id])) })
        })
        .await
    }

    /// Revokes a key at once (admins); revoking a revoked key is 404.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn revoke_api_key(&self, caller: Caller, id: ApiKeyId) -> ServiceResult<()> {
        let writer = key_manager(caller)?;
        self.write(writer, move |conn, now, _| {
            if !store::revoke_api_key(conn, id, now)? {
                return Err(ServiceError::NotFound("API key"));
            }
            // The preview links it made end with it.
            store::revoke_preview_links_of_key(conn, id, now)?;
            Ok(Written::new((), Action::ApiKeyRevoke, Target::ApiKey(id)))
        })
        .await
    }

    /// Gives a key a new secret (and prefix), keeping its name, owner, role and expiry; the old
    /// secret stops working at once (admins).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn rotate_api_key(&self, caller: Caller, id: ApiKeyId) -> ServiceResult<IssuedApiKey> {
        let writer = key_manager(caller)?;
        self.write(writer, move |conn, now, _| {
            let (prefix, secret) = generate();
            let key = store::rotate_api_key(conn, id, &prefix, &secret_hash(&secret))?
                .ok_or(ServiceError::NotFound("API key"))?;
            // Whoever held the old secret may have made preview links with it: they end too.
            store::revoke_preview_links_of_key(conn, id, now)?;
            let issued = IssuedApiKey { key, secret: whole(&prefix, &secret) };
            Ok(Written::new(issued, Action::ApiKeyRotate, Target::ApiKey(id)).fields(&["secret"]))
        })
        .await
    }

    /// Checks a presented key: its shape, then (one indexed query) its secret's hash, expiry,
    /// revocation and owner's current role; then its own rate limit. Only the prefix is logged.
    pub(crate) async fn authenticate_key(&self, presented: &str) -> ServiceResult<Caller> {
        let (prefix, secret) = split_api_key(presented).ok_or(BAD_KEY)?;
        let (prefix, hash) = (prefix.to_string(), secret_hash(secret));
        let limit = self.auth_settings().key_requests;
        let found = self.db(move |conn, _| Ok(store::find_api_key_by_prefix(conn, &prefix)?)).await?;
        let now = self.now();
        let Some(found) = found.filter(|f| constant_time_eq(f.secret_hash.as_bytes(), hash.as_bytes())) else {
            tracing::debug!("refused an unknown API key");
            return Err(BAD_KEY);
        };
        if !found.key.is_active_at(now) {
            tracing::debug!(key = %found.key.prefix, "refused a revoked or expired API key");
            return Err(BAD_KEY);
        }
        self.limit_check(format!("api-key:{}", found.key.id), limit, now).await?;
        let key = &found.key;
        if key.last_used_at.is_none_or(|at| at + chrono::Duration::seconds(TOUCH_EVERY_SECS) <= now) {
            let id = key.id;
            let since = now - chrono::Duration::seconds(TOUCH_EVERY_SECS);
            self.db_primary(move |conn, now| Ok(store::touch_api_key(conn, id, now, since)?)).await?;
        }
        Ok(Caller::Actor(Actor {
            id: key.owner,
            role: key.effective_role(found.owner_role),
            key: Some(key.id),
            read_only: key.read_only,
        }))
    }
}

/// Compares two hashes in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
