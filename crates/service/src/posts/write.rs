use colophon_domain::{Actor, Author, Excerpt, Post, PostHtml, PostId, PostStatus, Slug, Timestamp};
use colophon_store::{self as store, DbConnection, NewPost, PostChanges};

use super::changes::{post_changed, seen};
use super::get::detail;
use super::input::{ParsedPost, PostInput, parse};
use super::revisions::{content_of, record_revision};
use crate::keys::{Key, post_id};
use crate::media::with_media;
use crate::{Caller, Colophon, PostDetail, ServiceError, ServiceResult};

/// How many numbered suffixes a derived slug may try before giving up.
const MAX_SLUG_SUFFIX: u32 = 1000;

impl Colophon {
    /// Creates a post as the caller (or, for editors, as another author). Contributors create
    /// drafts only; authors publish only their own posts.
    pub async fn create_post(&self, caller: Caller, input: PostInput) -> ServiceResult<PostDetail> {
        let actor = caller.writing()?.actor()?;
        let parsed = self.compute(move || parse(input)).await?.map_err(ServiceError::Invalid)?;
        let urls = self.site_urls().clone();
        let media = self.media_base_url();
        self.db_write(move |conn, now, changed| {
            changed.by(actor);
            let title = parsed.title.clone().ok_or_else(|| ServiceError::invalid("title", "is required"))?;
            let author = match &parsed.author {
                Some(slug) => find_author(conn, slug)?,
                None => store::find_author(conn, actor.id)?.ok_or(ServiceError::Unauthenticated("account is gone"))?,
            };
            if !actor.can_write_as(author.id) {
                return Err(ServiceError::Forbidden("only editors may write as another author"));
            }
            let (status, published_at) = publication(
                parsed.status.unwrap_or(PostStatus::Draft),
                parsed.published_at.flatten().map(|t| t.naive_utc()),
                now,
            )?;
            if status == PostStatus::Published && !actor.can_publish(author.id) {
                return Err(ServiceError::Forbidden(
                    "contributors cannot publish; authors publish only their own posts",
                ));
            }
            let slug = match &parsed.slug {
                Some(slug) => free_slug(conn, slug, None, actor, true)?,
                None => {
                    let base = Slug::derive(title.as_str())
                        .ok_or_else(|| ServiceError::invalid("slug", "cannot be derived from this title; send one"))?
                        .addressable("post");
                    free_slug(conn, &base, None, actor, false)?
                }
            };
            let body = match parsed.body {
                Some(body) => body,
                None => super::input::Body { html: PostHtml::empty(), markdown: None, text: String::new() },
            };
            let excerpt = match parsed.excerpt.clone().flatten() {
                Some(excerpt) => excerpt,
                None => Excerpt::derive(&body.html),
            };
            let sidebar_id = match &parsed.sidebar {
                Some(Some(slug)) => Some(find_sidebar_id(conn, slug)?),
                _ => None,
            };
            let featured_image = parsed
                .featured_image
                .clone()
                .flatten()
                .map(|i| with_media(conn, i, "featured_image", &media))
                .transpose()?;
            let post = store::insert_post(
                conn,
                &NewPost {
                    slug,
                    title: title.into_string(),
                    excerpt: excerpt.into_string(),
                    body_html: body.html.into_string(),
                    body_markdown: body.markdown,
                    body_text: body.text,
                    status,
                    published_at,
                    author_id: author.id,
                    featured_image,
                    comments_enabled: parsed.comments_enabled.unwrap_or(true),
                    sidebar_id,
                    seo: parsed.seo.new_seo(),
                    now,
                },
            )?;
            if let Some(tags) = &parsed.tags {
                let tags = store::ensure_tags(conn, tags)?;
                store::set_post_tags(conn, post.id, &tags)?;
            }
            post_changed(None, Some(&seen(conn, &post, now)?), changed);
            changed.audit("post.create", format!("post:{}", post.id), &[]);
            detail(conn, post, Some(actor), now, &urls)
        })
        .await
    }

    /// Applies a partial update. With `expected_version` (`If-Match`, GraphQL `expectedVersion`)
    /// a post edited since is refused with 412 and nothing is written. The content before the
    /// change is kept as a revision.
    pub async fn update_post(
        &self,
        caller: Caller,
        key: Key,
        input: PostInput,
        expected_version: Option<i64>,
    ) -> ServiceResult<PostDetail> {
        let actor = caller.writing()?.actor()?;
        self.edit_post(actor, key, input, expected_version, EditKind::Update).await
    }

    /// An edit by `actor`: an update, or a revision brought back.
    pub(crate) async fn edit_post(
        &self,
        actor: Actor,
        key: Key,
        input: PostInput,
        expected_version: Option<i64>,
        kind: EditKind,
    ) -> ServiceResult<PostDetail> {
        let mut parsed = self.compute(move || parse(input)).await?.map_err(ServiceError::Invalid)?;
        let tags = parsed.tags.take();
        let urls = self.site_urls().clone();
        let keep = self.revisions_kept();
        let media = self.media_base_url();
        self.db_write(move |conn, now, changed| {
            changed.by(actor);
            let id = post_id(conn, &key)?;
            let post = editable_post(conn, actor, id, now)?;
            if let Some(expected) = expected_version {
                if expected != post.version {
                    return Err(ServiceError::PreconditionFailed);
                }
            }
            let before = seen(conn, &post, now)?;
            let content_before = content_of(conn, &post, now)?;
            let changes = changes(conn, actor, &post, parsed, &media, now)?;
            let updated = store::update_post(conn, post.id, post.version, &changes, now)?
                .ok_or(ServiceError::PreconditionFailed)?;
            if let Some(tags) = &tags {
                let tags = store::ensure_tags(conn, tags)?;
                store::set_post_tags(conn, post.id, &tags)?;
            }
            let content_after = content_of(conn, &updated, now)?;
            record_revision(conn, post.id, &content_before, &content_after, Some(actor), keep, now)?;
            post_changed(Some(&before), Some(&seen(conn, &updated, now)?), changed);
            let mut fields = changes.field_names();
            if tags.is_some() {
                fields.push("tags");
            }
            match kind {
                EditKind::Update => changed.audit("post.update", format!("post:{}", post.id), &fields),
                EditKind::Restore(number) => changed.audit(
                    "post.restore_revision",
                    format!("post:{}/revision:{number}", post.id),
                    &content_before.changed_fields(&content_after),
                ),
            }
            detail(conn, updated, Some(actor), now, &urls)
        })
        .await
    }

    /// Deletes a post the caller may edit. With `expected_version`, a post edited since is refused
    /// with 412 and kept.
    pub async fn delete_post(&self, caller: Caller, key: Key, expected_version: Option<i64>) -> ServiceResult<()> {
        let actor = caller.writing()?.actor()?;
        self.db_write(move |conn, now, changed| {
            changed.by(actor);
            let id = post_id(conn, &key)?;
            let post = editable_post(conn, actor, id, now)?;
            if expected_version.is_some_and(|v| v != post.version) {
                return Err(ServiceError::PreconditionFailed);
            }
            let before = seen(conn, &post, now)?;
            store::delete_post(conn, post.id)?;
            post_changed(Some(&before), None, changed);
            changed.audit("post.delete", format!("post:{}", post.id), &[]);
            Ok(())
        })
        .await
    }
}

/// Gives a post a new featured image outside an edit of the post (a media item's alt text or
/// credit carried to the posts showing it): a change like any other, with its revision, its new
/// version, and what readers' caches and webhooks hear of it.
pub(crate) fn set_featured_image(
    conn: &mut DbConnection,
    post: &Post,
    image: colophon_domain::FeaturedImage,
    (actor, keep): (Actor, u32),
    now: Timestamp,
    changed: &mut crate::app::Changed,
) -> ServiceResult<()> {
    let before = seen(conn, post, now)?;
    let content_before = content_of(conn, post, now)?;
    let changes = PostChanges { featured_image: Some(Some(image)), ..PostChanges::default() };
    if let Some(updated) = store::update_post(conn, post.id, post.version, &changes, now)? {
        let content_after = content_of(conn, &updated, now)?;
        record_revision(conn, post.id, &content_before, &content_after, Some(actor), keep, now)?;
        post_changed(Some(&before), Some(&seen(conn, &updated, now)?), changed);
    }
    Ok(())
}

/// Why a post is edited: the audit log tells an update from a restored revision.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EditKind {
    /// A partial update as sent.
    Update,
    /// The revision of this number brought back.
    Restore(i64),
}

/// The post behind `key`, when the actor may edit it (and so read its revisions and previews).
pub(crate) fn editable_post_by_key(
    conn: &mut DbConnection,
    actor: Actor,
    key: &Key,
    now: Timestamp,
) -> ServiceResult<Post> {
    let id = post_id(conn, key)?;
    editable_post(conn, actor, id, now)
}

/// A post the actor may edit: 404 when they may not even see it (no probing of drafts by
/// id), 403 when they see it but may not change it.
pub(crate) fn editable_post(conn: &mut DbConnection, actor: Actor, id: PostId, now: Timestamp) -> ServiceResult<Post> {
    let post = store::find_post(conn, id)?.ok_or(ServiceError::NotFound("post"))?;
    if !post.is_visible_at(now) && !actor.can_read_unpublished(&post) {
        return Err(ServiceError::NotFound("post"));
    }
    if !actor.can_edit(&post) {
        return Err(ServiceError::Forbidden("you may not edit this post"));
    }
    Ok(post)
}

/// Turns a requested status and time into what is stored: a draft keeps its planned time;
/// publishing without a time means now; scheduling needs a time in the future.
pub(crate) fn publication(
    requested: PostStatus,
    published_at: Option<Timestamp>,
    now: Timestamp,
) -> ServiceResult<(PostStatus, Option<Timestamp>)> {
    let published_at = published_at.map(colophon_domain::truncate_to_micros);
    match requested {
        PostStatus::Draft => Ok((PostStatus::Draft, published_at)),
        PostStatus::Published => Ok((PostStatus::Published, Some(published_at.unwrap_or(now)))),
        PostStatus::Scheduled => match published_at {
            Some(at) if at > now => Ok((PostStatus::Published, Some(at))),
            _ => Err(ServiceError::invalid("published_at", "a scheduled post needs a published_at in the future")),
        },
    }
}

fn changes(
    conn: &mut DbConnection,
    actor: Actor,
    post: &Post,
    parsed: ParsedPost,
    media: &str,
    now: Timestamp,
) -> ServiceResult<PostChanges> {
    let mut changes = PostChanges { comments_enabled: parsed.comments_enabled, ..PostChanges::default() };
    let author_id = match &parsed.author {
        Some(slug) => {
            let author = find_author(conn, slug)?;
            if author.id != post.author_id && !actor.can_write_as(author.id) {
                return Err(ServiceError::Forbidden("only editors may give a post to another author"));
            }
            changes.author_id = Some(author.id);
            author.id
        }
        None => post.author_id,
    };
    if parsed.status.is_some() || parsed.published_at.is_some() {
        let requested = parsed.status.unwrap_or(post.status_at(now));
        let at = match parsed.published_at {
            Some(at) => at.map(|t| t.naive_utc()),
            None => post.published_at,
        };
        let (status, published_at) = publication(requested, at, now)?;
        let goes_live = status == PostStatus::Published && (post.status != status || post.published_at != published_at);
        let goes_back = status == PostStatus::Draft && post.status == PostStatus::Published;
        if (goes_live || goes_back) && !actor.can_publish(author_id) {
            return Err(ServiceError::Forbidden("contributors cannot publish; authors publish only their own posts"));
        }
        changes.status = Some(status);
        changes.published_at = Some(published_at);
    }
    if let Some(title) = parsed.title {
        changes.title = Some(title.into_string());
    }
    if let Some(wanted) = parsed.slug.filter(|s| *s != post.slug) {
        let slug = free_slug(conn, &wanted, Some(post.id), actor, true)?;
        if post.is_visible_at(now) {
            // Links to the published post keep working.
            store::insert_slug_redirect(conn, &post.slug, post.id, now)?;
        }
        changes.slug = Some(slug);
    }
    let old_body = PostHtml::stored(post.body_html.clone());
    let excerpt_was_derived = post.excerpt == old_body.derive_excerpt();
    let new_body = parsed.body.as_ref().map(|b| b.html.clone());
    changes.excerpt = match (parsed.excerpt, &new_body) {
        (Some(Some(excerpt)), _) => Some(excerpt.into_string()),
        (Some(None), body) => Some(Excerpt::derive(body.as_ref().unwrap_or(&old_body)).into_string()),
        (None, Some(body)) if excerpt_was_derived => Some(Excerpt::derive(body).into_string()),
        (None, _) => None,
    };
    if let Some(body) = parsed.body {
        changes.body_html = Some(body.html.into_string());
        changes.body_markdown = Some(body.markdown);
        changes.body_text = Some(body.text);
    }
    if let Some(image) = parsed.featured_image {
        changes.featured_image = Some(image.map(|i| with_media(conn, i, "featured_image", media)).transpose()?);
    }
    changes.meta_title = parsed.seo.meta_title;
    changes.meta_description = parsed.seo.meta_description;
    changes.canonical_url = parsed.seo.canonical_url;
    changes.og_image = parsed.seo.og_image;
    changes.noindex = parsed.seo.noindex;
    if let Some(sidebar) = parsed.sidebar {
        changes.sidebar_id = Some(match sidebar {
            Some(slug) => Some(find_sidebar_id(conn, &slug)?),
            None => None,
        });
    }
    Ok(changes)
}

fn find_author(conn: &mut DbConnection, slug: &Slug) -> ServiceResult<Author> {
    store::find_author_by_slug(conn, slug)?.ok_or_else(|| ServiceError::invalid("author", "no author has this slug"))
}

pub(crate) fn find_sidebar_id(conn: &mut DbConnection, slug: &Slug) -> ServiceResult<colophon_domain::SidebarId> {
    Ok(store::find_sidebar_by_slug(conn, slug)?
        .ok_or_else(|| ServiceError::invalid("sidebar", "no sidebar has this slug"))?
        .id)
}

/// The slug a post gets: `wanted` when it is free, else its first free numbered variant
/// (`the-rug-2`), as WordPress does. Never a refusal: a 409 would tell a contributor that
/// someone else's draft holds the slug.
///
/// A renamed post's old slug stays reserved for it (its links keep redirecting): the post may
/// take it back, and an editor who names it explicitly releases it; anyone else gets a variant.
fn free_slug(
    conn: &mut DbConnection,
    wanted: &Slug,
    for_post: Option<PostId>,
    actor: Actor,
    explicit: bool,
) -> ServiceResult<Slug> {
    use store::SlugHolder;
    match store::slug_holder(conn, wanted)? {
        None => return Ok(wanted.clone()),
        Some(SlugHolder::OldSlugOf(owner)) if Some(owner) == for_post => {
            store::delete_slug_redirect(conn, wanted)?;
            return Ok(wanted.clone());
        }
        Some(SlugHolder::OldSlugOf(owner)) if explicit && actor.role >= colophon_domain::Role::Editor => {
            tracing::info!(target: "audit", editor = %actor.id, slug = %wanted, post = %owner, "an editor released an old slug");
            store::delete_slug_redirect(conn, wanted)?;
            return Ok(wanted.clone());
        }
        Some(_) => {}
    }
    for n in 2..=MAX_SLUG_SUFFIX {
        let candidate = wanted.with_suffix(n);
        if store::slug_holder(conn, &candidate)?.is_none() {
            return Ok(candidate);
        }
    }
    Err(ServiceError::Conflict(format!("every numbered variant of {wanted} is taken")))
}
