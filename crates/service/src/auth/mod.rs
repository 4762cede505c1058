//! Accounts and sign-in: argon2id passwords, short-lived JWT access tokens, rotating refresh
//! tokens with reuse detection, and login rate limits.

mod keys;
mod passwords;
mod sessions;
mod tokens;

use colophon_domain::Actor;

pub use keys::{ApiKeyInput, IssuedApiKey};
pub use passwords::hash as hash_password;
pub(crate) use passwords::verify as verify_password;
pub(crate) use passwords::warm_up as warm_up_passwords;
pub use sessions::{RefreshToken, SignIn};
pub(crate) use tokens::TokenKeys;

use crate::rate_limit::Limit;
use crate::{ServiceError, ServiceResult};

/// Lifetimes and limits of sign-in.
///
/// Guessing is throttled without locking the owner out (strangers must not be able to keep an
/// admin from signing in): an address may try 20 times a minute whatever the accounts; an
/// account may be guessed wrong 5 times in 15 minutes from one address, after which that address
/// (only) is refused for that account; and once an account has 10 failures in 15 minutes from
/// anywhere, every attempt on it is answered only after a delay that doubles with each further
/// failure (up to `login_slowdown_max`), the right password included, which still gets in.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// How long an access token is valid, in seconds (15 minutes by default).
    pub access_ttl_secs: i64,
    /// How long a refresh token is valid, in seconds (30 days by default); each refresh starts anew.
    pub refresh_ttl_secs: i64,
    /// Login attempts per client address.
    pub login_per_address: Limit,
    /// Failed logins per account from one address before that address is refused for it.
    pub login_failures_per_address: Limit,
    /// Failed logins per account from anywhere after which attempts on it are slowed down.
    pub login_slowdown_after: Limit,
    /// The first delay; it doubles with every failure past the threshold.
    pub login_slowdown_step: std::time::Duration,
    /// The longest that delay grows to.
    pub login_slowdown_max: std::time::Duration,
    /// Requests per API key (each key counts on its own).
    pub key_requests: Limit,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
            login_per_address: Limit::per_minute(20),
            login_failures_per_address: Limit { max: 5, window_secs: 15 * 60 },
            login_slowdown_after: Limit { max: 10, window_secs: 15 * 60 },
            login_slowdown_step: std::time::Duration::from_millis(250),
            login_slowdown_max: std::time::Duration::from_secs(4),
            key_requests: Limit::per_minute(600),
        }
    }
}

impl AuthSettings {
    /// How long an attempt on an account with `failures` recent failures waits before its
    /// password is checked.
    pub fn slowdown(&self, failures: u32) -> std::time::Duration {
        let Some(past) = failures.checked_sub(self.login_slowdown_after.max) else {
            return std::time::Duration::ZERO;
        };
        let factor = 1u32.checked_shl(past.min(16)).unwrap_or(u32::MAX);
        self.login_slowdown_step.saturating_mul(factor).min(self.login_slowdown_max)
    }
}

/// Who is calling: nobody in particular, or a signed-in author whose token checked out
/// against the database a moment ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// No token was sent: a reader, who sees only what is public.
    Anonymous,
    /// A signed-in author.
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

    /// The caller, if it may write: a read-only API key may not (403). Every write use case
    /// asks this first, whatever else it checks.
    pub fn writing(self) -> ServiceResult<Caller> {
        match self {
            Caller::Actor(actor) if actor.read_only => Err(ServiceError::Forbidden("this API key is read-only")),
            caller => Ok(caller),
        }
    }

    /// The signed-in admin, or 401/403: site settings, the blocklist, webhooks, API keys and the
    /// audit log are theirs.
    pub(crate) fn admin(self) -> ServiceResult<Actor> {
        let actor = self.actor()?;
        if actor.can_manage_authors() { Ok(actor) } else { Err(ServiceError::Forbidden("admins only")) }
    }

    /// Whether the caller is staff: signed in, or calling with an API key. Staff see the custom
    /// fields that are not public.
    pub fn is_staff(&self) -> bool {
        matches!(self, Caller::Actor(_))
    }

    /// The signed-in author, if any: for reads that show staff more than the public.
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
    /// A signed JWT, to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Trades once for a new session; a second use revokes every token descended from the sign-in.
    pub refresh_token: String,
}
