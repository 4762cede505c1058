use colophon_domain::{
    Actor, Author, AuthorId, BoundedText, Email, EventKind, HttpUrl, Password, Patch, PostHtml, Role, Slug,
    ValidationErrors,
};
use colophon_store::{self as store, AuthorChanges, NewAuthor};

use crate::auth::hash_password;
use crate::cache_keys::CacheKey;
use crate::content::patched;
use crate::keys::{Key, author_id};
use crate::webhooks::data;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, ServiceError, ServiceResult};

type Name = BoundedText<120>;

/// An author's fields as sent: for create (absent = default) and update (absent = unchanged).
#[derive(Debug, Clone, Default)]
pub struct AuthorInput {
    /// The sign-in address; required on create. Changing one's own needs `current_password`.
    pub email: Option<String>,
    /// The name shown, at most 120 characters; required on create.
    pub name: Option<String>,
    /// The profile's path segment; derived from the name on create when absent. Digits alone are refused.
    pub slug: Option<String>,
    /// Admins only. New accounts are contributors by default; a change ends the author's sessions.
    pub role: Option<Role>,
    /// A new password (8 to 1,024 characters). An account created without one cannot sign in.
    pub password: Option<String>,
    /// The profile text as HTML, sanitized before it is stored.
    pub bio: Option<String>,
    /// The picture shown beside the name, an absolute http(s) URL.
    pub avatar_url: Patch<String>,
    /// The author's own site, an absolute http(s) URL.
    pub website_url: Patch<String>,
    /// Required to change one's own password or e-mail: an access token alone (stolen from a
    /// browser, say) must not be enough to take the account over.
    pub current_password: Option<String>,
}

/// Wrong current passwords allowed per account before confirmations are refused for a while.
const CONFIRMATIONS: crate::rate_limit::Limit = crate::rate_limit::Limit { max: 5, window_secs: 15 * 60 };

struct ParsedAuthor {
    changes: AuthorChanges,
    email: Option<Email>,
    password: Option<Password>,
}

fn parse(input: AuthorInput) -> Result<ParsedAuthor, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut changes = AuthorChanges::default();
    let email = input.email.and_then(|e| errors.check("email", Email::parse(e)));
    changes.email = email.as_ref().map(|e| e.as_str().to_string()).into();
    changes.name = input.name.and_then(|n| errors.check("name", Name::parse(n))).map(Name::into_string);
    changes.slug = input.slug.and_then(|s| errors.check("slug", crate::content::addressable_slug(s)));
    changes.role = input.role;
    let password = input.password.and_then(|p| errors.check("password", Password::parse(p)));
    changes.bio_html = input.bio.and_then(|b| errors.check("bio", PostHtml::from_html(&b))).map(PostHtml::into_string);
    let url = |value: String| HttpUrl::parse(value).map(HttpUrl::into_string);
    changes.avatar_url = patched(input.avatar_url, "avatar_url", url, &mut errors);
    changes.website_url = patched(input.website_url, "website_url", url, &mut errors);
    errors.into_result().map(|()| ParsedAuthor { changes, email, password })
}

/// Accounts are a person's business: an API key (even an admin's) cannot create or delete one,
/// nor change a role, a password or an e-mail, which would be a way around "keys cannot make
/// keys" (an account made by a key signs in and makes keys).
fn in_person(actor: Actor) -> ServiceResult<Actor> {
    if actor.key.is_some() {
        return Err(ServiceError::Forbidden("API keys cannot manage accounts or credentials: sign in"));
    }
    Ok(actor)
}

impl Colophon {
    /// Admins create accounts. Without a password the account exists but cannot sign in.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_author(&self, caller: Caller, input: AuthorInput) -> ServiceResult<Author> {
        let writer = caller.writer()?;
        in_person(*writer)?;
        if !writer.can_manage_authors() {
            return Err(ServiceError::Forbidden("only admins create authors"));
        }
        let parsed = self.compute(move || parse(input)).await?.map_err(ServiceError::Invalid)?;
        let name = parsed.changes.name.clone().ok_or_else(|| ServiceError::invalid("name", "is required"))?;
        let email = parsed.email.clone().ok_or_else(|| ServiceError::invalid("email", "is required"))?;
        let password_hash = match &parsed.password {
            Some(password) => Some(self.hash_blocking(password.clone()).await?),
            None => None,
        };
        self.write(writer, move |conn, now, changed| {
            changed.add(CacheKey::Authors);
            let slug = match parsed.changes.slug.clone() {
                Some(slug) => slug,
                None => Slug::derive(&name)
                    .ok_or_else(|| ServiceError::invalid("slug", "cannot be derived from the name; send one"))?
                    .addressable("author"),
            };
            if store::author_slug_taken(conn, &slug)? {
                return Err(ServiceError::Conflict(format!("the author slug {slug} is taken")));
            }
            let new = NewAuthor {
                slug,
                name,
                email: Some(email.into_string()),
                role: parsed.changes.role.unwrap_or(Role::Contributor),
                password_hash,
                bio_html: parsed.changes.bio_html.clone().unwrap_or_default(),
                avatar_url: parsed.changes.avatar_url.clone().set(),
                website_url: parsed.changes.website_url.clone().set(),
                now,
            };
            let author = store::insert_author(conn, &new).map_err(|e| conflict_on_email(e.into()))?;
            let target = Target::Author(author.id);
            changed.emit(EventKind::AuthorCreated, &target, data::author(&author));
            Ok(Written::new(author, Action::AuthorCreate, target))
        })
        .await
    }

    /// Admins edit anyone; authors edit their own profile and password, not their role. A new
    /// role or password ends the author's sessions at once.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_author(&self, caller: Caller, key: Key, input: AuthorInput) -> ServiceResult<Author> {
        let writer = caller.writer()?;
        let actor = *writer;
        let id = match key {
            Key::Id(id) => AuthorId(id),
            key => self.db(move |conn, _| author_id(conn, &key)).await?,
        };
        if !actor.can_edit_profile(id) {
            return Err(ServiceError::Forbidden("you may edit only your own profile"));
        }
        let current_password = input.current_password.clone();
        let parsed = self.compute(move || parse(input)).await?.map_err(ServiceError::Invalid)?;
        if parsed.changes.role.is_some() && !actor.can_manage_authors() {
            return Err(ServiceError::Forbidden("only admins change roles"));
        }
        if id == actor.id && parsed.changes.role.is_some_and(|r| r < actor.role) {
            return Err(ServiceError::invalid("role", "admins cannot demote themselves; ask another admin"));
        }
        let secrets = parsed.password.is_some() || parsed.email.is_some();
        if secrets || parsed.changes.role.is_some() {
            in_person(actor)?;
        }
        if secrets && id == actor.id {
            self.confirm_password(id, current_password).await?;
        } else if secrets {
            // An admin resetting someone else's password or e-mail: allowed, and on the record.
            tracing::warn!(
                target: "audit",
                admin = %actor.id,
                author = %id,
                password = parsed.password.is_some(),
                email = parsed.email.is_some(),
                "an admin changed another author's credentials"
            );
        }
        let password_hash = match &parsed.password {
            Some(password) => Some(self.hash_blocking(password.clone()).await?),
            None => None,
        };
        self.write(writer, move |conn, now, changed| {
            if store::find_author(conn, id)?.is_none() {
                return Err(ServiceError::NotFound("author"));
            }
            let c = &parsed.changes;
            let public = c.name.is_some()
                || c.slug.is_some()
                || c.bio_html.is_some()
                || c.avatar_url.changes()
                || c.website_url.changes();
            if public {
                // E-mail, role and password are never shown to readers.
                changed.extend([CacheKey::Author(id), CacheKey::Authors]);
            }
            let author =
                store::update_author(conn, id, &parsed.changes, now).map_err(|e| conflict_on_email(e.into()))?;
            let target = Target::Author(id);
            if public || c.role.is_some() {
                changed.emit(EventKind::AuthorUpdated, &target, data::author(&author));
            }
            let mut fields = c.field_names();
            if password_hash.is_some() {
                fields.push("password");
            }
            if let Some(hash) = &password_hash {
                store::set_password_hash(conn, id, hash, now)?;
            }
            if parsed.changes.role.is_some() {
                store::revoke_author_sessions(conn, id, now)?;
            }
            Ok(Written::new(author, Action::AuthorUpdate, target).fields(&fields))
        })
        .await
    }

    /// Admins delete accounts that have no posts (reassign or delete those first).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_author(&self, caller: Caller, key: Key) -> ServiceResult<()> {
        let writer = caller.writer()?;
        let actor = in_person(*writer)?;
        if !actor.can_manage_authors() {
            return Err(ServiceError::Forbidden("only admins delete authors"));
        }
        self.write(writer, move |conn, _, changed| {
            let id = author_id(conn, &key)?;
            changed.extend([CacheKey::Author(id), CacheKey::Authors]);
            if id == actor.id {
                return Err(ServiceError::Conflict("admins cannot delete their own account".into()));
            }
            if store::find_author(conn, id)?.is_none() {
                return Err(ServiceError::NotFound("author"));
            }
            if store::count_posts_of(conn, id)? > 0 || store::author_has_pages(conn, id)? {
                return Err(ServiceError::Conflict(
                    "the author has posts or pages; reassign or delete them first".into(),
                ));
            }
            store::delete_author(conn, id)?;
            let target = Target::Author(id);
            changed.emit(EventKind::AuthorDeleted, &target, serde_json::json!({ "id": id.0 }));
            Ok(Written::new((), Action::AuthorDelete, target))
        })
        .await
    }

    /// Sets a password from the command line (no caller: the operator has the database).
    pub fn set_password_by_email(&self, email: &str, password: &str) -> ServiceResult<()> {
        let email = Email::parse(email).map_err(|m| ServiceError::invalid("email", m))?;
        let password = Password::parse(password).map_err(|m| ServiceError::invalid("password", m))?;
        let hash = hash_password(&password)?;
        self.write_as_operator(|conn, now| {
            let credentials = store::find_credentials(conn, email.as_str())?.ok_or(ServiceError::NotFound("author"))?;
            store::set_password_hash(conn, credentials.id, &hash, now)?;
            Ok(Written::new((), Action::AuthorSetPassword, Target::Author(credentials.id)))
        })
    }

    /// Creates an account from the command line (no caller: the operator has the database).
    pub fn create_author_unchecked(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> ServiceResult<Author> {
        let input = AuthorInput {
            email: Some(email.into()),
            name: Some(name.into()),
            role: Some(role),
            password: Some(password.into()),
            ..AuthorInput::default()
        };
        let parsed = parse(input).map_err(ServiceError::Invalid)?;
        let password = parsed.password.clone().ok_or_else(|| ServiceError::invalid("password", "is required"))?;
        let hash = hash_password(&password)?;
        let name = parsed.changes.name.clone().unwrap_or_default();
        self.write_as_operator(|conn, now| {
            let base = Slug::derive(&name)
                .ok_or_else(|| ServiceError::invalid("name", "needs a letter or digit"))?
                .addressable("author");
            let mut slug = base.clone();
            let mut n = 2;
            while store::author_slug_taken(conn, &slug)? {
                slug = base.with_suffix(n);
                n += 1;
            }
            let new = NewAuthor {
                slug,
                name: name.clone(),
                email: parsed.email.as_ref().map(|e| e.as_str().to_string()),
                role: parsed.changes.role.unwrap_or(Role::Contributor),
                password_hash: Some(hash.clone()),
                bio_html: String::new(),
                avatar_url: None,
                website_url: None,
                now,
            };
            let author = store::insert_author(conn, &new).map_err(|e| conflict_on_email(e.into()))?;
            let target = Target::Author(author.id);
            Ok(Written::new(author, Action::AuthorCreate, target))
        })
    }

    /// Checks an author's own current password (on the blocking pool, counted against a limit
    /// so that a stolen token cannot be used to guess it).
    async fn confirm_password(&self, id: AuthorId, given: Option<String>) -> ServiceResult<()> {
        let Some(given) = given.filter(|p| !p.is_empty()) else {
            return Err(ServiceError::invalid("current_password", "is required to change your own password or e-mail"));
        };
        let key = format!("confirm-password:{id}");
        let now = self.now();
        let (failures, retry_after_secs) = self.limit_count(key.clone(), CONFIRMATIONS.window_secs, now).await?;
        if failures >= CONFIRMATIONS.max {
            return Err(ServiceError::RateLimited { retry_after_secs });
        }
        let stored = self.db(move |conn, _| Ok(store::password_hash_of(conn, id)?)).await?;
        let service = self.clone();
        let matches = self
            .compute(move || {
                crate::auth::verify_password(&given, stored.as_deref(), service.password_verification_counter())
            })
            .await?;
        if !matches {
            self.limit_record(key, CONFIRMATIONS.window_secs, now).await?;
            return Err(ServiceError::invalid("current_password", "does not match your password"));
        }
        Ok(())
    }

    /// Ends every session of the caller, everywhere: refresh tokens revoked, access tokens dead.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn logout_everywhere(&self, caller: Caller) -> ServiceResult<()> {
        let writer = caller.writer()?;
        let actor = *writer;
        self.write(writer, move |conn, now, _| {
            store::end_all_sessions(conn, actor.id, now)?;
            Ok(Written::new((), Action::AuthorLogoutEverywhere, Target::Author(actor.id)))
        })
        .await
    }

    async fn hash_blocking(&self, password: Password) -> ServiceResult<String> {
        self.compute(move || hash_password(&password)).await?
    }
}

/// A unique-constraint conflict on authors is about the e-mail or the slug; say which.
fn conflict_on_email(error: ServiceError) -> ServiceError {
    match error {
        ServiceError::Conflict(what) if what.contains("email") => {
            ServiceError::Conflict("an author with this e-mail exists".into())
        }
        ServiceError::Conflict(_) => ServiceError::Conflict("an author with this slug or e-mail exists".into()),
        other => other,
    }
}
