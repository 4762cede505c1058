//! API keys: how integrations (a static-site build, a search indexer) call Colophon without a
//! person's password. A key acts for its owner with at most the owner's role, read-only if asked.

use crate::{ApiKeyId, AuthorId, Role, Timestamp};

/// What every key starts with, so a leaked one is recognised by secret scanners.
pub const API_KEY_PREFIX: &str = "colophon_";

/// An API key as stored: everything but its secret, of which only a hash is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key's id.
    pub id: ApiKeyId,
    /// What it is for ("Site build").
    pub name: String,
    /// The public part of the key (`colophon_<prefix>_…`), to tell keys apart in lists and logs.
    pub prefix: String,
    /// The author it acts for.
    pub owner: AuthorId,
    /// The role it acts with; the owner's own role when that is lower.
    pub role: Role,
    /// Reads drafts and scheduled posts, writes nothing.
    pub read_only: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was last accepted (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked; a revoked key is refused.
    pub revoked_at: Option<Timestamp>,
}

impl ApiKey {
    /// Whether the key is accepted at `now`.
    pub fn is_active_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|end| now < end)
    }

    /// The role it acts with while its owner holds `owner_role`: the lower of the two, so a
    /// demoted owner's keys lose the rights at once.
    pub fn effective_role(&self, owner_role: Role) -> Role {
        self.role.min(owner_role)
    }
}

/// The parts of a presented key, `colophon_<prefix>_<secret>`; `None` when it is not shaped so.
pub fn split_api_key(presented: &str) -> Option<(&str, &str)> {
    let rest = presented.strip_prefix(API_KEY_PREFIX)?;
    let (prefix, secret) = rest.split_once('_')?;
    let prefix_ok = prefix.len() == 12 && prefix.bytes().all(|b| b.is_ascii_alphanumeric());
    let secret_ok = (40..=64).contains(&secret.len())
        && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (prefix_ok && secret_ok).then_some((prefix, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_into_prefix_and_secret() {
        let secret = "A".repeat(43);
        assert_eq!(split_api_key(&format!("colophon_abcdef123456_{secret}")), Some(("abcdef123456", secret.as_str())));
        let with_underscore = format!("colophon_abcdef123456_{}_x", "B".repeat(41));
        assert!(split_api_key(&with_underscore).is_some(), "base64url secrets may hold underscores");
        for bad in ["colophon_", "colophon_abc_def", "eyJhbGciOi.x.y", &format!("colophon_abcdef12345!_{secret}")] {
            assert_eq!(split_api_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_key_never_outranks_its_owner() {
        let key = ApiKey {
            id: ApiKeyId(1),
            name: "build".into(),
            prefix: "abcdef123456".into(),
            owner: AuthorId(1),
            role: Role::Editor,
            read_only: false,
            created_at: Timestamp::default(),
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
        };
        assert_eq!(key.effective_role(Role::Admin), Role::Editor);
        assert_eq!(key.effective_role(Role::Contributor), Role::Contributor);
    }
}
