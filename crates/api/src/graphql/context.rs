//! Per-request GraphQL context: the bearer token (checked lazily, once) and the client address.

use async_graphql::{Context, Result};
use colophon_service::{Caller, Colophon, ServiceError};
use tokio::sync::OnceCell;

use super::error::GqlResult;

pub struct RequestAuth {
    /// `Err` when the Authorization header was present but not `Bearer <token>`.
    pub bearer: Result<Option<String>, ()>,
    pub caller: OnceCell<Caller>,
    pub client: Option<String>,
    pub user_agent: Option<String>,
}

/// The caller of this request: anonymous without a token, UNAUTHENTICATED with a bad one.
/// The token is checked on first use only, so public queries pay nothing for it.
pub async fn caller(ctx: &Context<'_>) -> Result<Caller> {
    let auth = ctx.data_unchecked::<std::sync::Arc<RequestAuth>>();
    let colophon = ctx.data_unchecked::<Colophon>();
    auth.caller
        .get_or_try_init(|| async {
            let bearer = auth
                .bearer
                .as_ref()
                .map_err(|()| ServiceError::Unauthenticated("send Authorization: Bearer <access token>"))
                .gql()?;
            colophon.authenticate(bearer.as_deref()).await.gql()
        })
        .await
        .copied()
}

/// Parses a GraphQL `ID` as one of our integer ids.
pub fn int_id(id: &async_graphql::ID, field: &str) -> Result<i64> {
    id.parse::<i64>().map_err(|_| ServiceError::invalid(field, "must be an integer id")).gql()
}
