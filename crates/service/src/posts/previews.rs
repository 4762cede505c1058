//! Preview links: whoever may edit a draft or scheduled post can hand a frontend a signed,
//! expiring link that shows it without signing in.
//!
//! A token is `base64url(id ‖ secret ‖ mac)`: the link's id (8 bytes), 128 random bits whose
//! SHA-256 is stored, and an HMAC of both under a key derived from the server secret. A forged
//! token fails the MAC before the database is asked; a stolen database holds no token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use colophon_domain::Hours;
use colophon_domain::{Page, PostStatus, PreviewLink, PreviewLinkId, Timestamp, preview_hours};
use colophon_store::{self as store, NewPreviewLink};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::get::detail;
use super::write::editable_post_by_key;
use crate::Paging;
use crate::keys::Key;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, CursorPage, PostDetail, PreviewLinkView, ServiceError, ServiceResult};

const LIST: &str = "previews";
const SECRET_LEN: usize = 16;
const MAC_LEN: usize = 16;
const TOKEN_BYTES: usize = 8 + SECRET_LEN + MAC_LEN;
/// Every way a token can fail reads the same: a preview link reveals nothing.
const GONE: ServiceError = ServiceError::NotFound("preview");

/// Signs and checks preview tokens.
#[derive(Clone)]
pub(crate) struct PreviewKeys {
    key: [u8; 32],
}

impl PreviewKeys {
    /// A key of its own, derived from the server secret.
    #[allow(clippy::expect_used, reason = "HMAC takes keys of any length")]
    pub fn new(secret: &[u8]) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(b"colophon preview key v1");
        Self { key: mac.finalize().into_bytes().into() }
    }

    #[allow(clippy::expect_used, reason = "HMAC takes keys of any length")]
    fn mac(&self, id: PreviewLinkId, secret: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(&id.0.to_le_bytes());
        mac.update(secret);
        let mut out = [0; MAC_LEN];
        out.copy_from_slice(&mac.finalize().into_bytes()[..MAC_LEN]);
        out
    }

    fn token(&self, id: PreviewLinkId, secret: &[u8; SECRET_LEN]) -> String {
        let mut bytes = Vec::with_capacity(TOKEN_BYTES);
        bytes.extend_from_slice(&id.0.to_le_bytes());
        bytes.extend_from_slice(secret);
        bytes.extend_from_slice(&self.mac(id, secret));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The link id and the SHA-256 of the secret a genuine token carries.
    fn open(&self, token: &str) -> Option<(PreviewLinkId, String)> {
        if token.len() > 64 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != TOKEN_BYTES {
            return None;
        }
        let id = PreviewLinkId(i64::from_le_bytes(bytes[..8].try_into().ok()?));
        let (secret, mac) = bytes[8..].split_at(SECRET_LEN);
        let expected = self.mac(id, secret);
        let differs = mac.iter().zip(expected.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        (differs == 0).then(|| (id, secret_hash(secret)))
    }
}

fn secret_hash(secret: &[u8]) -> String {
    format!("{:x}", Sha256::digest(secret))
}

/// A preview token as a client sent it (the last segment of a preview link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewToken(pub String);

impl Colophon {
    /// Makes a preview link to a draft or scheduled post (whoever may edit it), lasting
    /// `hours` (24 by default, at most 30 days). The token is shown this once.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_preview_link(
        &self,
        caller: Caller,
        key: Key,
        hours: Option<Hours>,
    ) -> ServiceResult<PreviewLinkView> {
        let writer = caller.writer()?;
        let actor = *writer;
        let hours = preview_hours(hours).map_err(|m| ServiceError::invalid("expires_in_hours", m))?;
        let keys = self.preview_keys().clone();
        self.write(writer, move |conn, now, _| {
            let post = editable_post_by_key(conn, actor, &key, now)?;
            if post.status_at(now) == PostStatus::Published {
                return Err(ServiceError::Conflict("the post is published: its own page shows it".into()));
            }
            let author = store::find_author(conn, actor.id)?.ok_or(ServiceError::Unauthenticated("account is gone"))?;
            let secret: [u8; SECRET_LEN] = rand::random();
            let hash = secret_hash(&secret);
            let new = NewPreviewLink {
                post_id: post.id,
                created_by: actor.id,
                token_version: author.token_version,
                api_key: actor.key,
                secret_hash: &hash,
                expires_at: now + chrono::Duration::hours(hours),
            };
            let link = store::insert_preview_link(conn, &new, now)?;
            let (target, token) = (Target::Preview(post.id, link.id), keys.token(link.id, &secret));
            Ok(Written::new(PreviewLinkView { link, token: Some(token) }, Action::PreviewCreate, target))
        })
        .await
    }

    /// A post's preview links, newest first, revoked and expired ones too (whoever may edit it).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_preview_links(
        &self,
        caller: Caller,
        key: Key,
        paging: Paging,
    ) -> ServiceResult<CursorPage<PreviewLinkView>> {
        let Paging { limit, cursor } = paging;
        let actor = caller.actor()?;
        let (limit, before) = self.id_page_args(LIST, limit, cursor)?;
        let codec = self.cursors().clone();
        self.db(move |conn, now| {
            let post = editable_post_by_key(conn, actor, &key, now)?;
            let rows = store::list_preview_links(conn, post.id, before.map(PreviewLinkId), limit.probe())?;
            let page = Page::from_probe(rows, limit, |l| l.id.0);
            Ok(CursorPage {
                next_cursor: page.next.map(|id| codec.encode(LIST, &[id])),
                items: page.items.into_iter().map(|link| PreviewLinkView { link, token: None }).collect(),
            })
        })
        .await
    }

    /// The cursor of the page after `link` (for a GraphQL edge).
    pub fn preview_link_cursor(&self, link: &PreviewLink) -> String {
        self.cursors().encode(LIST, &[link.id.0])
    }

    /// Ends a preview link at once (whoever may edit its post); 404 when it is not the post's,
    /// or already revoked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn revoke_preview_link(&self, caller: Caller, key: Key, id: PreviewLinkId) -> ServiceResult<()> {
        let writer = caller.writer()?;
        let actor = *writer;
        self.write(writer, move |conn, now, _| {
            let post = editable_post_by_key(conn, actor, &key, now)?;
            let link = store::find_preview_link(conn, id)?.filter(|(l, _)| l.post_id == post.id);
            if link.is_none() || !store::revoke_preview_link(conn, id, now)? {
                return Err(ServiceError::NotFound("preview link"));
            }
            Ok(Written::new((), Action::PreviewRevoke, Target::Preview(post.id, id)))
        })
        .await
    }

    /// The post a preview token shows, as its page would show it whatever its status, to
    /// anyone holding the token. A forged, expired or revoked token, one whose creator has
    /// signed out everywhere since, or one whose post is gone, is 404 alike. Never cached.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn preview(&self, token: PreviewToken) -> ServiceResult<PostDetail> {
        let (id, hash) = self.preview_keys().open(&token.0).ok_or(GONE)?;
        let urls = self.site_urls().clone();
        self.db(move |conn, now| {
            let (link, stored) = store::find_preview_link(conn, id)?.ok_or(GONE)?;
            if !constant_time_eq(stored.as_bytes(), hash.as_bytes()) || !is_live(conn, &link, now)? {
                return Err(GONE);
            }
            let post = store::find_post(conn, link.post_id)?.ok_or(GONE)?;
            detail(conn, post, None, now, &urls)
        })
        .await
    }
}

/// Whether the link still works: not revoked, not expired, its creator's tokens unchanged, and
/// the API key it was made with (if it was) still active.
fn is_live(conn: &mut store::DbConnection, link: &PreviewLink, now: Timestamp) -> ServiceResult<bool> {
    let creator = store::find_author(conn, link.created_by)?;
    if !creator.is_some_and(|c| link.is_live(now, c.token_version)) {
        return Ok(false);
    }
    match link.api_key {
        None => Ok(true),
        Some(key) => Ok(store::find_api_key(conn, key)?.is_some_and(|k| k.is_active_at(now))),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_open_only_as_issued() {
        let keys = PreviewKeys::new(b"a server secret of some length, 32+ bytes");
        let secret = [7u8; SECRET_LEN];
        let token = keys.token(PreviewLinkId(42), &secret);
        assert_eq!(keys.open(&token), Some((PreviewLinkId(42), secret_hash(&secret))));
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[0] ^= 1; // another link's id
        assert_eq!(keys.open(&URL_SAFE_NO_PAD.encode(&bytes)), None);
        let other = PreviewKeys::new(b"another server secret, also long enough");
        assert_eq!(other.open(&token), None);
        assert_eq!(keys.open("not a token"), None);
        assert_eq!(keys.open(&"A".repeat(500)), None);
    }
}
