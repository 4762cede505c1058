use colophon_domain::Version;
use colophon_domain::{Actor, Author, Patch, Post, PostId, Slug, Timestamp};
use colophon_store::{self as store, DbConnection, NewPost, PostChanges};

use super::changes::{post_changed, seen};
use super::get::detail;
use super::input::{ParsedPost, PostInput, parse};
use super::revisions::{content_of, record_revision};
use crate::content::{PostSlugs, content_changes, new_content, unchanged_since};
use crate::keys::{Key, post_id};
use crate::media::with_media;
use crate::write::{Action, Target, Writer, Written};
use crate::{Caller, Colophon, PostDetail, ServiceError, ServiceResult};

impl Colophon {
    /// Creates a post as the caller (or, for editors, as another author). Contributors create
    /// drafts only; authors publish only their own posts.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_post(&self, caller: Caller, input: PostInput) -> ServiceResult<PostDetail> {
        let writer = caller.writer()?;
        let actor = *writer;
        let parsed = self.compute(move || parse(input)).await?.map_err(ServiceError::Invalid)?;
        let urls = self.site_urls().clone();
        let media = self.media_base_url();
        self.write(writer, move |conn, now, changed| {
            let author = match &parsed.author {
                Some(slug) => find_author(conn, slug)?,
                None => store::find_author(conn, actor.id)?.ok_or(ServiceError::Unauthenticated("account is gone"))?,
            };
            if !actor.can_write_as(author.id) {
                return Err(ServiceError::Forbidden("only editors may write as another author"));
            }
            let slugs = PostSlugs { this: None, actor };
            let (content, body_text) = new_content(conn, actor, parsed.content, author.id, &slugs, now)?;
            let featured_image =
                parsed.featured_image.set().map(|i| with_media(conn, i, "featured_image", &media)).transpose()?;
            let new = parsed.settings.new_post(NewPost { featured_image, ..NewPost::new(content, body_text, now) });
            let post = store::insert_post(conn, &new)?;
            if let Some(tags) = &parsed.tags {
                let tags = store::ensure_tags(conn, tags)?;
                store::set_post_tags(conn, post.id, &tags)?;
            }
            post_changed(None, Some(&seen(conn, &post, now)?), changed);
            let target = Target::Post(post.id);
            Ok(Written::new(detail(conn, post, Some(actor), now, &urls)?, Action::PostCreate, target))
        })
        .await
    }

    /// Applies a partial update. With `expected_version` (`If-Match`, GraphQL `expectedVersion`)
    /// a post edited since is refused with 412 and nothing is written. The content before the
    /// change is kept as a revision.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_post(
        &self,
        caller: Caller,
        key: Key,
        input: PostInput,
        expected_version: Option<Version>,
    ) -> ServiceResult<PostDetail> {
        self.edit_post(caller.writer()?, key, input, expected_version, EditKind::Update).await
    }

    /// An edit by `writer`: an update, or a revision brought back.
    pub(crate) async fn edit_post(
        &self,
        writer: Writer,
        key: Key,
        input: PostInput,
        expected_version: Option<Version>,
        kind: EditKind,
    ) -> ServiceResult<PostDetail> {
        let mut parsed = self.compute(move || parse(input)).await?.map_err(ServiceError::Invalid)?;
        let tags = parsed.tags.take();
        let urls = self.site_urls().clone();
        let keep = self.revisions_kept();
        let media = self.media_base_url();
        let actor = *writer;
        self.write(writer, move |conn, now, changed| {
            let id = post_id(conn, &key)?;
            let post = editable_post(conn, actor, id, now)?;
            unchanged_since(&post, expected_version)?;
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
            let shown = detail(conn, updated, Some(actor), now, &urls)?;
            Ok(match kind {
                EditKind::Update => Written::new(shown, Action::PostUpdate, Target::Post(post.id)).fields(&fields),
                EditKind::Restore(number) => {
                    Written::new(shown, Action::PostRestoreRevision, Target::Revision(post.id, number))
                        .fields(&content_before.changed_fields(&content_after))
                }
            })
        })
        .await
    }

    /// Deletes a post the caller may edit. With `expected_version`, a post edited since is refused
    /// with 412 and kept.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_post(&self, caller: Caller, key: Key, expected_version: Option<Version>) -> ServiceResult<()> {
        let writer = caller.writer()?;
        let actor = *writer;
        self.write(writer, move |conn, now, changed| {
            let id = post_id(conn, &key)?;
            let post = editable_post(conn, actor, id, now)?;
            unchanged_since(&post, expected_version)?;
            let before = seen(conn, &post, now)?;
            store::delete_post(conn, post.id)?;
            post_changed(Some(&before), None, changed);
            Ok(Written::new((), Action::PostDelete, Target::Post(post.id)))
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
    changed: &mut crate::write::Changed,
) -> ServiceResult<()> {
    let before = seen(conn, post, now)?;
    let content_before = content_of(conn, post, now)?;
    let changes = PostChanges { featured_image: Patch::Set(image), ..PostChanges::default() };
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

fn changes(
    conn: &mut DbConnection,
    actor: Actor,
    post: &Post,
    parsed: ParsedPost,
    media: &str,
    now: Timestamp,
) -> ServiceResult<PostChanges> {
    let author_id = match &parsed.author {
        Some(slug) => {
            let author = find_author(conn, slug)?;
            if author.id != post.author_id && !actor.can_write_as(author.id) {
                return Err(ServiceError::Forbidden("only editors may give a post to another author"));
            }
            Some(author.id)
        }
        None => None,
    };
    let slugs = PostSlugs { this: Some(post.id), actor };
    let publisher = author_id.unwrap_or(post.author_id);
    let (content, body_text) = content_changes(conn, actor, post, parsed.content, publisher, &slugs, now)?;
    let featured_image = parsed.featured_image.try_map(|i| with_media(conn, i, "featured_image", media))?;
    let changes = PostChanges { content, body_text, author_id, featured_image, ..PostChanges::default() };
    Ok(parsed.settings.changes(changes))
}

fn find_author(conn: &mut DbConnection, slug: &Slug) -> ServiceResult<Author> {
    store::find_author_by_slug(conn, slug)?.ok_or_else(|| ServiceError::invalid("author", "no author has this slug"))
}
