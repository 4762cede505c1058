//! What every importer writes the same way: authors matched or made, posts (with their
//! comments) and pages with a free slug, and the import records that make a second run change
//! nothing. Imports are the operator's: they send no webhooks (a migration is not a publish)
//! and announce one "everything changed" to caches per item.

use std::collections::HashMap;

use colophon_domain::{
    AuthorId, CommentId, Email, FeaturedImage, FieldEntity, HttpUrl, PageId, PostHtml, PostId, Role, Slug, search_text,
};
use colophon_store::{self as store, DbConnection, NewAuthor, NewComment, NewPost, PostChanges};

use super::entries::{ImportedAuthor, ImportedComment, ImportedFrom, ImportedPost, PlannedEntry};
use super::meta::imported_values;
use crate::content::first_free;
use crate::fields::{public_text, searched_words};
use crate::{Colophon, ServiceError, ServiceResult};

/// Splits an importer's errors: per-item refusals (a rule, a clash) are reported and the item
/// skipped (`Ok(Err(reason))`); anything else (the database is gone) stops the run.
pub fn per_item<T>(result: ServiceResult<T>) -> ServiceResult<Result<T, String>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(ServiceError::Invalid(errors) | ServiceError::BadRequest(errors)) => Ok(Err(errors.to_string())),
        Err(ServiceError::Conflict(reason)) => Ok(Err(reason)),
        Err(other) => Err(other),
    }
}

impl Colophon {
    /// The author an export's author became: recorded by an earlier run, an account with the
    /// same e-mail, or a new author (without a password: they cannot sign in until an admin sets
    /// one). `true` when it was made now.
    pub fn import_author(&self, from: ImportedFrom, author: ImportedAuthor) -> ServiceResult<(AuthorId, bool)> {
        let ImportedFrom { source, id: key } = from;
        let email = Email::parse(author.email.trim()).ok();
        let name: String =
            Some(author.name.trim()).filter(|n| !n.is_empty()).unwrap_or(&key).chars().take(100).collect();
        let bio = if author.bio_html.trim().is_empty() {
            String::new()
        } else {
            PostHtml::from_html(&author.bio_html).map_err(|e| ServiceError::invalid("bio", e))?.into_string()
        };
        let url = |value: &str| HttpUrl::parse(value.trim()).ok().map(HttpUrl::into_string);
        let (website_url, avatar_url) = (url(&author.website_url), url(&author.avatar_url));
        self.write_blocking(move |conn, now| {
            if let Some(id) = store::imported_id(conn, &source, "author", &key)? {
                return Ok((AuthorId(id), false));
            }
            let existing = match &email {
                Some(email) => store::find_credentials(conn, email.as_str())?,
                None => None,
            };
            if let Some(existing) = existing {
                store::record_import(conn, &source, "author", &key, existing.id.0)?;
                return Ok((existing.id, false));
            }
            let wanted = Slug::parse(author.slug.trim())
                .ok()
                .or_else(|| Slug::derive(&key))
                .or_else(|| Slug::derive(&name))
                .or_else(|| Slug::derive("author"))
                .ok_or_else(|| ServiceError::internal("no slug for an imported author"))?;
            let slug = first_free(conn, &wanted, |conn, slug| Ok(store::author_slug_taken(conn, slug)?))?;
            let new = NewAuthor {
                slug,
                name,
                email: email.map(Email::into_string),
                role: Role::Author,
                password_hash: None,
                bio_html: bio,
                avatar_url,
                website_url,
                now,
            };
            let made = store::insert_author(conn, &new)?;
            store::record_import(conn, &source, "author", &key, made.id.0)?;
            Ok((made.id, true))
        })
    }

    /// Imports a post with its tags and comments, in one transaction, unless an earlier run did
    /// (then only its comments not seen before come in; a post deleted here since stays deleted,
    /// its comments with it). Replies hang under their parent, or under the nearest ancestor
    /// shallow enough for the configured depth.
    pub fn import_post(
        &self,
        from: ImportedFrom,
        entry: PlannedEntry,
        author_id: AuthorId,
        image: Option<FeaturedImage>,
        comments: Vec<ImportedComment>,
    ) -> ServiceResult<ImportedPost> {
        let max_depth = self.comment_settings().max_depth;
        self.write_blocking(move |conn, now| {
            let (id, created, notes) = match store::imported_id(conn, &from.source, "post", &from.id)? {
                Some(id) if store::find_post(conn, PostId(id))?.is_none() => {
                    let gone = ImportedPost {
                        id: PostId(id),
                        created: false,
                        comments: 0,
                        unchanged: 0,
                        orphans: vec![],
                        notes: vec![],
                    };
                    return Ok(gone);
                }
                Some(id) => (PostId(id), false, Vec::new()),
                None => {
                    let (id, notes) = insert_post(conn, &from, entry, author_id, image, now)?;
                    (id, true, notes)
                }
            };
            let mut post = ImportedPost { id, created, comments: 0, unchanged: 0, orphans: Vec::new(), notes };
            let mut placed: HashMap<String, (CommentId, i32, Option<CommentId>)> = HashMap::new();
            for comment in comments {
                let external = comment.id.trim().to_string();
                if let Some(id) = store::imported_id(conn, &from.source, "comment", &external)? {
                    if let Some(existing) = store::find_comment(conn, CommentId(id))? {
                        placed.insert(external, (existing.id, existing.depth, existing.parent_id));
                    }
                    post.unchanged += 1;
                    continue;
                }
                let parent = parent_within_depth(conn, &from.source, comment.parent.trim(), &placed, max_depth)?;
                if parent.is_none() && !matches!(comment.parent.trim(), "" | "0") {
                    post.orphans.push(external.clone());
                }
                let depth = parent.map_or(0, |(_, depth)| depth + 1);
                let plan = comment.planned;
                let new = NewComment {
                    post_id: id,
                    parent_id: parent.map(|(id, _)| id),
                    author_id: comment.author,
                    author_name: plan.author_name,
                    author_email: plan.author_email,
                    author_url: plan.author_url,
                    body_source: plan.body_source,
                    body_html: plan.body_html,
                    status: plan.status,
                    depth,
                    ip: plan.ip,
                    user_agent: None,
                    created_at: plan.created_at,
                };
                let inserted = store::insert_comment(conn, &new)?;
                store::record_import(conn, &from.source, "comment", &external, inserted.id.0)?;
                placed.insert(external, (inserted.id, depth, inserted.parent_id));
                post.comments += 1;
            }
            Ok(post)
        })
    }

    /// Imports a page and records it, unless an earlier run did (`None`).
    pub fn import_page(
        &self,
        from: ImportedFrom,
        entry: PlannedEntry,
        author_id: AuthorId,
    ) -> ServiceResult<Option<(PageId, Vec<String>)>> {
        self.write_blocking(move |conn, now| {
            if store::imported_id(conn, &from.source, "page", &from.id)?.is_some() {
                return Ok(None);
            }
            let slug = first_free(conn, &entry.slug, |conn, slug| Ok(store::page_slug_taken(conn, slug)?))?;
            let (old_path, made) = (entry.old_path.clone(), entry.made(now));
            let (values, notes) = imported_values(conn, FieldEntity::Pages, &entry.meta, now)?;
            let public = public_text(conn, FieldEntity::Pages, &values)?;
            let page = store::insert_page(conn, &entry.into_content(slug, author_id, values, public), made)?;
            store::record_import(conn, &from.source, "page", &from.id, page.id.0)?;
            if let Some(path) = &old_path {
                store::insert_redirect(conn, path, store::RedirectTarget::Page(page.id))?;
            }
            Ok(Some((page.id, notes)))
        })
    }

    /// Sets the featured image of a post imported earlier in the run (a change like any other:
    /// the post's content before it is kept as a revision, by the operator).
    pub fn set_imported_featured_image(&self, post_id: PostId, image: FeaturedImage) -> ServiceResult<()> {
        let keep = self.revisions_kept();
        self.write_blocking(move |conn, now| {
            if let Some(post) = store::find_post(conn, post_id)? {
                let before = crate::posts::content_of(conn, &post, now)?;
                let changes =
                    PostChanges { featured_image: colophon_domain::Patch::Set(image), ..PostChanges::default() };
                if let Some(updated) = store::update_post(conn, post_id, post.version, &changes, now)? {
                    let after = crate::posts::content_of(conn, &updated, now)?;
                    crate::posts::record_revision(conn, post_id, &before, &after, None, keep, now)?;
                }
            }
            Ok(())
        })
    }
}

/// Inserts an imported post with its tags and records it (the caller checked it is new).
fn insert_post(
    conn: &mut DbConnection,
    from: &ImportedFrom,
    mut entry: PlannedEntry,
    author_id: AuthorId,
    image: Option<FeaturedImage>,
    now: colophon_domain::Timestamp,
) -> ServiceResult<(PostId, Vec<String>)> {
    let slug = first_free(conn, &entry.slug, |conn, slug| Ok(store::slug_holder(conn, slug)?.is_some()))?;
    let (values, notes) = imported_values(conn, FieldEntity::Posts, &entry.meta, now)?;
    let body_text = searched_words(conn, FieldEntity::Posts, search_text(entry.body.as_str()), &values)?;
    let (old_path, comments_enabled, made) = (entry.old_path.clone(), entry.comments_enabled, entry.made(now));
    let tags = std::mem::take(&mut entry.tags);
    let public = public_text(conn, FieldEntity::Posts, &values)?;
    let content = entry.into_content(slug, author_id, values, public);
    let new = NewPost { featured_image: image, comments_enabled, ..NewPost::new(content, body_text, made) };
    let post = store::insert_post(conn, &new)?;
    let tags = store::ensure_tags(conn, &tags)?;
    store::set_post_tags(conn, post.id, &tags)?;
    if let Some(path) = &old_path {
        store::insert_redirect(conn, path, store::RedirectTarget::Post(post.id))?;
    }
    store::record_import(conn, &from.source, "post", &from.id, post.id.0)?;
    Ok((post.id, notes))
}

/// The comment a reply hangs under: its parent, or the nearest ancestor shallow enough for the
/// configured depth (a thread deeper than Colophon allows is folded up, as WordPress shows it).
fn parent_within_depth(
    conn: &mut DbConnection,
    source: &str,
    parent: &str,
    placed: &HashMap<String, (CommentId, i32, Option<CommentId>)>,
    max_depth: i32,
) -> ServiceResult<Option<(CommentId, i32)>> {
    if matches!(parent, "" | "0") {
        return Ok(None);
    }
    let found = match placed.get(parent) {
        Some(found) => Some(*found),
        None => match store::imported_id(conn, source, "comment", parent)? {
            Some(id) => store::find_comment(conn, CommentId(id))?.map(|c| (c.id, c.depth, c.parent_id)),
            None => None,
        },
    };
    let Some((mut id, mut depth, mut up)) = found else { return Ok(None) };
    while depth + 1 > max_depth {
        let Some(next) = up.map(|p| store::find_comment(conn, p)).transpose()?.flatten() else { break };
        (id, depth, up) = (next.id, next.depth, next.parent_id);
    }
    Ok(Some((id, depth)))
}
