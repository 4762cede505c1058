use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use colophon_domain::{Actor, Author, AuthorId, Email, Timestamp};
use colophon_store::{self as store, DbConnection};
use sha2::{Digest, Sha256};

use super::tokens::TokenSubject;
use super::{Caller, Session, passwords};
use crate::{Colophon, ServiceError, ServiceResult};

const BAD_LOGIN: ServiceError = ServiceError::Unauthenticated("wrong e-mail or password");
const BAD_TOKEN: ServiceError = ServiceError::Unauthenticated("invalid or expired token");
const BAD_REFRESH: ServiceError = ServiceError::Unauthenticated("invalid, expired or already used refresh token");

fn random_token(bytes: usize) -> String {
    let raw: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    URL_SAFE_NO_PAD.encode(raw)
}

/// Refresh tokens are stored as their SHA-256: a stolen table holds no usable token.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// How a refresh attempt ended inside its transaction (a detected reuse must commit the
/// revocation, so it is not an `Err`).
enum Refreshed {
    Rotated(Session),
    Refused,
}

/// A sign-in attempt: the e-mail and password as typed, and the client's address (for the
/// rate limits; `None` when unknown).
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The e-mail as typed (case and surrounding spaces do not matter).
    pub email: String,
    /// The password as typed. Never logged.
    pub password: String,
    /// Where the attempt comes from.
    pub client: Option<String>,
}

/// A refresh token as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken(pub String);

impl Colophon {
    /// Signs in. Unknown e-mail and wrong password give the same 401 after the same argon2 work.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn login(&self, attempt: SignIn) -> ServiceResult<Session> {
        let SignIn { email, password, client } = attempt;
        let now = self.now();
        let settings = self.auth_settings().clone();
        let account = email.trim().to_lowercase();
        let address = client.as_deref().unwrap_or("unknown");
        let address_key = format!("login-address:{address}");
        let pair_key = format!("login-failures:{account}\n{address}");
        let account_key = format!("login-failures:{account}");
        self.limit_check(address_key, settings.login_per_address, now).await?;
        let pair_limit = settings.login_failures_per_address;
        let (pair_failures, retry_after_secs) = self.limit_count(pair_key.clone(), pair_limit.window_secs, now).await?;
        if pair_failures >= pair_limit.max {
            return Err(ServiceError::RateLimited { retry_after_secs });
        }
        let (account_failures, _) =
            self.limit_count(account_key.clone(), settings.login_slowdown_after.window_secs, now).await?;
        let delay = settings.slowdown(account_failures);
        if !delay.is_zero() {
            tracing::info!(failures = account_failures, delay_ms = delay.as_millis() as u64, "login slowed down");
            tokio::time::sleep(delay).await;
        }
        let credentials = match Email::parse(&email) {
            Ok(email) => self.db_primary(move |conn, _| Ok(store::find_credentials(conn, email.as_str())?)).await?,
            Err(_) => None,
        };
        let stored = credentials.as_ref().and_then(|c| c.password_hash.clone());
        let service = self.clone();
        let verified = self
            .compute(move || passwords::verify(&password, stored.as_deref(), service.password_verification_counter()))
            .await?;
        let credentials = match credentials {
            Some(c) if verified => c,
            _ => {
                self.limit_record(pair_key, pair_limit.window_secs, now).await?;
                self.limit_record(account_key, settings.login_slowdown_after.window_secs, now).await?;
                return Err(BAD_LOGIN);
            }
        };
        self.limit_clear(pair_key).await?;
        let service = self.clone();
        self.db_write(move |conn, now, _| {
            let family = random_token(16);
            service.start_session(conn, credentials.id, credentials.token_version, &family, now)
        })
        .await
    }

    /// Rotates a refresh token: the old one dies; presenting a dead one revokes its whole family.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn refresh(&self, refresh_token: RefreshToken) -> ServiceResult<Session> {
        let RefreshToken(refresh_token) = refresh_token;
        let service = self.clone();
        let outcome = self
            .db_write(move |conn, now, _| {
                let Some(token) = store::find_refresh_token(conn, &token_hash(&refresh_token))? else {
                    return Ok(Refreshed::Refused);
                };
                if token.used_at.is_some() || token.revoked_at.is_some() {
                    tracing::warn!(author = %token.author_id, "refresh token reused: revoking its family");
                    store::revoke_family(conn, &token.family, now)?;
                    return Ok(Refreshed::Refused);
                }
                if token.expires_at <= now {
                    return Ok(Refreshed::Refused);
                }
                let Some((_, version)) = store::find_access(conn, token.author_id)? else {
                    return Ok(Refreshed::Refused);
                };
                if !store::mark_refresh_token_used(conn, token.id, now)? {
                    store::revoke_family(conn, &token.family, now)?;
                    return Ok(Refreshed::Refused);
                }
                Ok(Refreshed::Rotated(service.start_session(conn, token.author_id, version, &token.family, now)?))
            })
            .await?;
        match outcome {
            Refreshed::Rotated(session) => Ok(session),
            Refreshed::Refused => Err(BAD_REFRESH),
        }
    }

    /// Ends the session (refresh-token family) the token belongs to, if it is the caller's.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn logout(&self, caller: Caller, refresh_token: RefreshToken) -> ServiceResult<()> {
        let RefreshToken(refresh_token) = refresh_token;
        let actor = *caller.writer()?;
        self.db_write(move |conn, now, _| {
            if let Some(token) = store::find_refresh_token(conn, &token_hash(&refresh_token))? {
                if token.author_id == actor.id {
                    store::revoke_family(conn, &token.family, now)?;
                }
            }
            Ok(())
        })
        .await
    }

    /// The caller's own record, private fields included.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn me(&self, caller: Caller) -> ServiceResult<Author> {
        let actor = caller.actor()?;
        self.db(move |conn, _| store::find_author(conn, actor.id)?.ok_or(BAD_TOKEN)).await
    }

    /// Checks a bearer token. A sign-in token (JWT): signature and claims, then the author's
    /// current role and token version (one indexed query), so a deleted, demoted or
    /// re-passworded author is out at once. An API key (`colophon_…`): see `authenticate_key`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn authenticate(&self, bearer: Option<&str>) -> ServiceResult<Caller> {
        let Some(token) = bearer else { return Ok(Caller::Anonymous) };
        if token.starts_with(colophon_domain::API_KEY_PREFIX) {
            return self.authenticate_key(token).await;
        }
        let subject = self.tokens().verify(token, self.now()).map_err(|why| {
            tracing::debug!(why, "refused an access token");
            BAD_TOKEN
        })?;
        let TokenSubject { author, version } = subject;
        let access = self.db(move |conn, _| Ok(store::find_access(conn, author)?)).await?;
        match access {
            Some((role, current)) if current == version => Ok(Caller::Actor(Actor::person(author, role))),
            _ => Err(BAD_TOKEN),
        }
    }

    fn start_session(
        &self,
        conn: &mut DbConnection,
        author: AuthorId,
        version: i64,
        family: &str,
        now: Timestamp,
    ) -> ServiceResult<Session> {
        let settings = self.auth_settings();
        let refresh_token = random_token(32);
        let expires_at = now + Duration::seconds(settings.refresh_ttl_secs);
        store::insert_refresh_token(conn, author, family, &token_hash(&refresh_token), expires_at, now)?;
        let access_token = self.tokens().issue(TokenSubject { author, version }, now, settings.access_ttl_secs);
        Ok(Session { access_token, expires_in: settings.access_ttl_secs, refresh_token })
    }
}
