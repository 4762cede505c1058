//! API keys in GraphQL (admins, signed in in person).

use async_graphql::{ID, InputObject, SimpleObject};
use colophon_domain::{ApiKey, AuthorId};
use colophon_service::{ApiKeyInput, IssuedApiKey};

use super::{DateTime, RoleEnum};
use crate::graphql::context::int_id;

/// An API key as listed: never its secret.
#[derive(SimpleObject)]
#[graphql(name = "ApiKey")]
pub struct ApiKeyNode {
    id: ID,
    name: String,
    /// The public part, `colophon_<prefix>_…`.
    prefix: String,
    /// The author it acts for.
    owner_id: ID,
    /// The role it acts with (the owner's, if that is lower).
    role: RoleEnum,
    /// Reads drafts and scheduled posts; writes nothing.
    read_only: bool,
    created_at: DateTime,
    expires_at: Option<DateTime>,
    /// Updated at most once a minute.
    last_used_at: Option<DateTime>,
    revoked_at: Option<DateTime>,
}

impl From<ApiKey> for ApiKeyNode {
    fn from(k: ApiKey) -> Self {
        Self {
            id: ID(k.id.to_string()),
            name: k.name,
            prefix: k.prefix,
            owner_id: ID(k.owner.to_string()),
            role: k.role.into(),
            read_only: k.read_only,
            created_at: k.created_at.and_utc().into(),
            expires_at: k.expires_at.map(|t| t.and_utc().into()),
            last_used_at: k.last_used_at.map(|t| t.and_utc().into()),
            revoked_at: k.revoked_at.map(|t| t.and_utc().into()),
        }
    }
}

/// A key just made or rotated: `key` is shown this once.
#[derive(SimpleObject)]
#[graphql(name = "IssuedApiKey")]
pub struct IssuedApiKeyNode {
    /// `colophon_<prefix>_<secret>`: send it as `Authorization: Bearer …`.
    key: String,
    api_key: ApiKeyNode,
}

impl From<IssuedApiKey> for IssuedApiKeyNode {
    fn from(issued: IssuedApiKey) -> Self {
        Self { key: issued.secret, api_key: issued.key.into() }
    }
}

#[derive(InputObject)]
pub struct CreateApiKeyInput {
    name: String,
    /// The author it acts for; the admin creating it when absent.
    owner_id: Option<ID>,
    /// At most the owner's role; the owner's when absent.
    role: Option<RoleEnum>,
    #[graphql(default)]
    read_only: bool,
    /// Days until it stops working (1–3650); never when absent.
    expires_in_days: Option<u32>,
}

impl CreateApiKeyInput {
    /// The service's input; a malformed owner id is a field error.
    pub fn into_service(self) -> async_graphql::Result<ApiKeyInput> {
        let owner = self.owner_id.as_ref().map(|id| int_id(id, "ownerId").map(AuthorId)).transpose()?;
        Ok(ApiKeyInput {
            name: self.name,
            owner,
            role: self.role.map(Into::into),
            read_only: self.read_only,
            expires_in_days: self.expires_in_days,
        })
    }
}
