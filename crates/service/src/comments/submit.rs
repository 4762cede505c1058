//! Public comment submission: parse, apply the reply rules and spam defences, sanitize once,
//! store in one transaction.

use colophon_domain::{
    Actor, BlockRuleKind, BoundedText, Comment, CommentBody, CommentId, CommentStatus, Email, EventKind, HttpUrl,
    ModerationMode, Timestamp, ValidationErrors,
};
use colophon_store::{self as store, DbConnection, NewComment};

use super::settings::moderation_mode;
use crate::SlugKey;
use crate::cache_keys::CacheKey;
use crate::webhooks::data;
use crate::write::Target;
use crate::{Caller, Colophon, ServiceError, ServiceResult};

type AuthorName = BoundedText<80>;
const USER_AGENT_MAX: usize = 512;

/// A comment as a reader's client sent it.
#[derive(Debug, Clone, Default)]
pub struct CommentInput {
    /// The name to show, at most 80 characters: required from readers, ignored when signed in.
    pub author_name: Option<String>,
    /// The commenter's e-mail, kept private; blank counts as absent.
    pub author_email: Option<String>,
    /// The commenter's website, an absolute http(s) URL; blank counts as absent.
    pub author_url: Option<String>,
    /// The text, with the few tags comments allow; required.
    pub body: Option<String>,
    /// The comment replied to: an approved comment of the same post.
    pub parent_id: Option<CommentId>,
    /// A form field people never see and never fill; bots do.
    pub honeypot: Option<String>,
    /// The token of `GET /posts/{slug}/comment-token`, fetched when the form was shown.
    pub form_token: Option<String>,
}

/// Where a submission came from; kept private, for moderation and rate limits.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The client's IP address: for rate limits, the blocklist and duplicate checks.
    pub address: Option<String>,
    /// The client's `User-Agent`, stored cut to 512 characters.
    pub user_agent: Option<String>,
}

struct Parsed {
    name: Option<AuthorName>,
    email: Option<Email>,
    url: Option<HttpUrl>,
    body: CommentBody,
    /// The body rendered and sanitized, once.
    html: String,
}

fn parse(input: &CommentInput, registered: bool) -> Result<Parsed, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let name = match (&input.author_name, registered) {
        (Some(name), false) => errors.check("author_name", AuthorName::parse(name)),
        (None, false) => {
            errors.push("author_name", "is required");
            None
        }
        // A signed-in author comments under the account's name.
        (_, true) => None,
    };
    let email = input
        .author_email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .and_then(|e| errors.check("author_email", Email::parse(e)));
    let url = input
        .author_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .and_then(|u| errors.check("author_url", HttpUrl::parse(u)));
    let body = match &input.body {
        Some(body) => errors.check("body", CommentBody::parse(body)),
        None => {
            errors.push("body", "is required");
            None
        }
    };
    match body {
        Some(body) if errors.is_empty() => {
            let html = body.render();
            if colophon_domain::plain_text(&html).is_empty() {
                return Err(ValidationErrors::single("body", "has no text left once disallowed markup is removed"));
            }
            Ok(Parsed { name, email, url, body, html })
        }
        _ => Err(errors),
    }
}

impl Colophon {
    /// Takes a comment from the open internet. Signed-in authors' comments are registered and
    /// approved; others start as the moderation setting says, unless a spam rule marks them.
    /// A comment stored as spam is reported to the submitter as pending, so bots learn nothing.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn submit_comment(
        &self,
        caller: Caller,
        post_slug: SlugKey,
        input: CommentInput,
        client: ClientInfo,
    ) -> ServiceResult<Comment> {
        let settings = self.comment_settings().clone();
        let now = self.now();
        let address_key = format!("comment:{}", client.address.as_deref().unwrap_or("unknown"));
        self.limit_check(address_key, settings.per_address, now).await?;
        let actor = caller.writing()?.as_actor();
        let registered = actor.is_some();
        let (input, parsed) = self
            .compute(move || {
                let parsed = parse(&input, registered);
                (input, parsed)
            })
            .await?;
        let parsed = parsed.map_err(ServiceError::Invalid)?;
        let mut signals = Signals::default();
        if input.honeypot.as_deref().is_some_and(|h| !h.is_empty()) {
            signals.spam = true;
        }
        if let Some(token) = input.form_token.as_deref().filter(|t| !t.is_empty()) {
            signals.spam |= !self.form_token_is_human(token, post_slug.as_str(), now);
        }
        signals.too_many_links = colophon_domain::count_links(&parsed.html) > settings.max_links;
        let service = self.clone();
        self.db_write(move |conn, now, changed| {
            let slug = post_slug.found("post")?;
            let post = match store::find_post_by_slug(conn, &slug)? {
                Some(post) if post.is_visible_at(now) => post,
                _ => return Err(ServiceError::NotFound("post")),
            };
            if !post.comments_enabled {
                return Err(ServiceError::Forbidden("comments are closed on this post"));
            }
            let depth = match input.parent_id {
                None => 0,
                Some(parent) => {
                    let parent = store::find_comment(conn, parent)?
                        .filter(|p| p.post_id == post.id && p.status == CommentStatus::Approved)
                        .ok_or_else(|| {
                            ServiceError::invalid("parent_id", "must be an approved comment of the same post")
                        })?;
                    if parent.depth + 1 > settings.max_depth {
                        return Err(ServiceError::invalid(
                            "parent_id",
                            format!("replies nest at most {} levels deep", settings.max_depth),
                        ));
                    }
                    parent.depth + 1
                }
            };
            let since = now - chrono::Duration::seconds(settings.duplicate_window_secs);
            if store::is_duplicate_comment(conn, post.id, client.address.as_deref(), parsed.body.as_str(), since)? {
                return Err(ServiceError::Conflict("this comment was already submitted".into()));
            }
            let (author_id, author_name) = match actor {
                Some(actor) => registered_name(conn, actor)?,
                None => (None, parsed.name.as_ref().map(|n| n.as_str().to_string()).unwrap_or_default()),
            };
            let (status, mode) = if actor.is_some() {
                (CommentStatus::Approved, None)
            } else {
                let mode = moderation_mode(conn)?;
                (service.initial_status(conn, &parsed, &author_name, &client, signals, mode)?, Some(mode))
            };
            let comment = store::insert_comment(
                conn,
                &NewComment {
                    post_id: post.id,
                    parent_id: input.parent_id,
                    author_id,
                    author_name,
                    author_email: parsed.email.map(Email::into_string),
                    author_url: parsed.url.map(HttpUrl::into_string),
                    body_html: parsed.html,
                    body_source: parsed.body.as_str().to_string(),
                    status,
                    depth,
                    ip: client.address.clone(),
                    user_agent: client.user_agent.as_deref().map(|ua| ua.chars().take(USER_AGENT_MAX).collect()),
                    created_at: now,
                },
            )?;
            if comment.status == CommentStatus::Approved {
                changed.extend([CacheKey::Comments(post.id), CacheKey::Post(post.id), CacheKey::CommentCounts]);
            }
            // Spam sends nothing: a bot must not be able to flood the subscribers.
            if comment.status != CommentStatus::Spam {
                if let Some(actor) = actor {
                    changed.by(actor);
                }
                changed.emit(EventKind::CommentCreated, &Target::Comment(comment.id), data::comment(&comment));
            }
            // Spam is reported as pending, so bots learn nothing; so is an approval earned by an
            // earlier approved comment, so the answer does not tell anyone whether that name and
            // e-mail have one.
            let shown = match (comment.status, mode) {
                (CommentStatus::Spam, _) => CommentStatus::Pending,
                (CommentStatus::Approved, Some(ModerationMode::PreviouslyApproved)) => CommentStatus::Pending,
                (status, _) => status,
            };
            Ok(Comment { status: shown, ..comment })
        })
        .await
    }

    fn initial_status(
        &self,
        conn: &mut DbConnection,
        parsed: &Parsed,
        name: &str,
        client: &ClientInfo,
        signals: Signals,
        mode: ModerationMode,
    ) -> ServiceResult<CommentStatus> {
        if signals.spam || blocked(conn, parsed, name, client)? {
            return Ok(CommentStatus::Spam);
        }
        if signals.too_many_links {
            return Ok(CommentStatus::Pending);
        }
        Ok(match mode {
            ModerationMode::Pending => CommentStatus::Pending,
            ModerationMode::Approved => CommentStatus::Approved,
            // As WordPress does: the same name and the same e-mail already have an approved comment.
            ModerationMode::PreviouslyApproved => match &parsed.email {
                Some(email) if store::commenter_has_approved_comment(conn, name, email.as_str())? => {
                    CommentStatus::Approved
                }
                _ => CommentStatus::Pending,
            },
        })
    }
}

/// What the checks before the transaction found.
#[derive(Debug, Default, Clone, Copy)]
struct Signals {
    spam: bool,
    too_many_links: bool,
}

fn registered_name(
    conn: &mut DbConnection,
    actor: Actor,
) -> ServiceResult<(Option<colophon_domain::AuthorId>, String)> {
    let author = store::find_author(conn, actor.id)?.ok_or(ServiceError::Unauthenticated("account is gone"))?;
    Ok((Some(author.id), author.name))
}

/// Whether a blocklist rule matches: a word in the name, URL or text, the address, or the e-mail.
fn blocked(conn: &mut DbConnection, parsed: &Parsed, name: &str, client: &ClientInfo) -> ServiceResult<bool> {
    let rules = store::list_blocklist(conn)?;
    if rules.is_empty() {
        return Ok(false);
    }
    let text = format!(
        "{} {} {}",
        name.to_lowercase(),
        parsed.url.as_ref().map(|u| u.as_str().to_lowercase()).unwrap_or_default(),
        parsed.body.as_str().to_lowercase()
    );
    let address = client.address.as_deref().unwrap_or_default();
    let email = parsed.email.as_ref().map(Email::as_str).unwrap_or_default();
    Ok(rules.iter().any(|rule| match rule.kind {
        BlockRuleKind::Word => text.contains(&rule.value),
        BlockRuleKind::Address => address == rule.value,
        BlockRuleKind::Email => email == rule.value,
    }))
}

impl Colophon {
    /// A token for a comment form, issued when the form is shown: a submission that carries
    /// it sooner than the minimum time after, or with a forged one, is treated as spam.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn comment_form_token(&self, post_slug: SlugKey) -> ServiceResult<String> {
        let slug = post_slug.found("post")?;
        let post = self
            .db(move |conn, now| match store::find_post_by_slug(conn, &slug)? {
                Some(post) if post.is_visible_at(now) => Ok(post),
                _ => Err(ServiceError::NotFound("post")),
            })
            .await?;
        Ok(self.cursors().encode(&form_list(post.slug.as_str()), &[self.now().and_utc().timestamp()]))
    }

    fn form_token_is_human(&self, token: &str, post_slug: &str, now: Timestamp) -> bool {
        let Ok([issued]) = self.cursors().decode::<1>(&form_list(post_slug), token) else { return false };
        let age = now.and_utc().timestamp() - issued;
        age >= self.comment_settings().min_submit_secs
    }
}

fn form_list(post_slug: &str) -> String {
    format!("comment-form:{post_slug}")
}
