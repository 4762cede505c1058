//! Accounts and sign-in: argon2id passwords, short-lived JWT access tokens, rotating refresh
//! tokens with reuse detection, and login rate limits.

mod passwords;
mod sessions;
mod tokens;

use colophon_domain::Actor;

pub use passwords::hash as hash_password;
pub(crate) use passwords::warm_up as warm_up_passwords;
pub(crate) use tokens::TokenKeys;

use crate::rate_limit::Limit;
use crate::{ServiceError, ServiceResult};

/// Lifetimes and limits of sign-in.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    /// Login attempts per client address.
    pub login_per_address: Limit,
    /// Login attempts per account (e-mail), from anywhere.
    pub login_per_account: Limit,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
            login_per_address: Limit::per_minute(20),
            login_per_account: Limit::per_minute(5),
        }
    }
}

/// Who is calling: nobody in particular, or a signed-in author whose token checked out
/// against the database a moment ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    Actor(Actor),
}

impl Caller {
    /// The signed-in author, or 401.
    pub fn actor(&self) -> ServiceResult<Actor> {
        match self {
            Caller::Actor(actor) => Ok(*actor),
            Caller::Anonymous => {
                Err(ServiceError::Unauthenticated("sign in first: send Authorization: Bearer <token>"))
            }
        }
    }

    pub fn as_actor(&self) -> Option<Actor> {
        match self {
            Caller::Actor(actor) => Some(*actor),
            Caller::Anonymous => None,
        }
    }
}

/// What a successful sign-in or refresh returns.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: String,
}
