//! What every importer writes the same way: authors matched or made, posts and pages with a free
//! slug, and the import records that make a second run change nothing.

use colophon_domain::{AuthorId, Email, FeaturedImage, HttpUrl, PageId, PostHtml, PostId, Role, Slug, search_text};
use colophon_store::{self as store, DbConnection, NewAuthor, NewPost, PostChanges};

use crate::content::first_free;

use super::wxr_plan::PlannedEntry;
use crate::{Colophon, ServiceError, ServiceResult};

/// Per-item refusals (a rule, a clash) are reported and skipped; anything else (the database is
/// gone) stops the run.
pub(super) fn per_item<T>(result: ServiceResult<T>) -> ServiceResult<Result<T, String>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(ServiceError::Invalid(errors) | ServiceError::BadRequest(errors)) => Ok(Err(errors.to_string())),
        Err(ServiceError::Conflict(reason)) => Ok(Err(reason)),
        Err(other) => Err(other),
    }
}

/// An author as an export names them.
#[derive(Debug, Clone, Default)]
pub(super) struct ImportedAuthor {
    /// What the export keys them by (a login, an id).
    pub key: String,
    pub name: String,
    pub email: String,
    /// A wanted slug, when the export has one.
    pub slug: String,
    pub bio_html: String,
    pub website_url: String,
    pub avatar_url: String,
}

/// The author an export's author became: recorded by an earlier run, an account with the same
/// e-mail, or a new author (without a password: they cannot sign in until an admin sets one).
/// `true` when it was made now.
pub(super) fn ensure_author(
    colophon: &Colophon,
    source: &str,
    author: ImportedAuthor,
) -> ServiceResult<(AuthorId, bool)> {
    let source = source.to_string();
    let email = Email::parse(author.email.trim()).ok();
    let name: String =
        Some(author.name.trim()).filter(|n| !n.is_empty()).unwrap_or(&author.key).chars().take(100).collect();
    let bio = if author.bio_html.trim().is_empty() {
        String::new()
    } else {
        PostHtml::from_html(&author.bio_html).map_err(|e| ServiceError::invalid("bio", e))?.into_string()
    };
    let url = |value: &str| HttpUrl::parse(value.trim()).ok().map(HttpUrl::into_string);
    let (website_url, avatar_url) = (url(&author.website_url), url(&author.avatar_url));
    colophon.write_blocking(move |conn, now| {
        if let Some(id) = store::imported_id(conn, &source, "author", &author.key)? {
            return Ok((AuthorId(id), false));
        }
        let existing = match &email {
            Some(email) => store::find_credentials(conn, email.as_str())?,
            None => None,
        };
        if let Some(existing) = existing {
            store::record_import(conn, &source, "author", &author.key, existing.id.0)?;
            return Ok((existing.id, false));
        }
        let wanted = Slug::parse(author.slug.trim())
            .ok()
            .or_else(|| Slug::derive(&author.key))
            .or_else(|| Slug::derive(&name))
            .or_else(|| Slug::derive("author"))
            .ok_or_else(|| ServiceError::internal("no slug for an imported author"))?;
        let slug = first_free(conn, &wanted, |conn, slug| Ok(store::author_slug_taken(conn, slug)?))?;
        let made = store::insert_author(
            conn,
            &NewAuthor {
                slug,
                name,
                email: email.map(Email::into_string),
                role: Role::Author,
                password_hash: None,
                bio_html: bio,
                avatar_url,
                website_url,
                now,
            },
        )?;
        store::record_import(conn, &source, "author", &author.key, made.id.0)?;
        Ok((made.id, true))
    })
}

/// Inserts an imported post with its tags and records it (the caller checked it is new).
pub(super) fn insert_post(
    conn: &mut DbConnection,
    source: &str,
    external: &str,
    mut entry: PlannedEntry,
    author_id: AuthorId,
    image: Option<FeaturedImage>,
    now: colophon_domain::Timestamp,
) -> ServiceResult<PostId> {
    let slug = first_free(conn, &entry.slug, |conn, slug| Ok(store::slug_holder(conn, slug)?.is_some()))?;
    let body_text = search_text(entry.body.as_str());
    let (old_path, comments_enabled, made) = (entry.old_path.clone(), entry.comments_enabled, entry.made(now));
    let tags = std::mem::take(&mut entry.tags);
    let content = entry.into_content(slug, author_id);
    let new = NewPost { content, body_text, featured_image: image, comments_enabled, now: made };
    let post = store::insert_post(conn, &new)?;
    let tags = store::ensure_tags(conn, &tags)?;
    store::set_post_tags(conn, post.id, &tags)?;
    if let Some(path) = &old_path {
        store::insert_redirect(conn, path, store::RedirectTarget::Post(post.id))?;
    }
    store::record_import(conn, source, "post", external, post.id.0)?;
    Ok(post.id)
}

/// Inserts an imported page and records it, unless an earlier run did (`None`).
pub(super) fn insert_page_once(
    colophon: &Colophon,
    source: &str,
    external: &str,
    entry: PlannedEntry,
    author_id: AuthorId,
) -> ServiceResult<Option<PageId>> {
    let (source, external) = (source.to_string(), external.to_string());
    colophon.write_blocking(move |conn, now| {
        if store::imported_id(conn, &source, "page", &external)?.is_some() {
            return Ok(None);
        }
        let slug = first_free(conn, &entry.slug, |conn, slug| Ok(store::page_slug_taken(conn, slug)?))?;
        let (old_path, made) = (entry.old_path.clone(), entry.made(now));
        let page = store::insert_page(conn, &entry.into_content(slug, author_id), made)?;
        store::record_import(conn, &source, "page", &external, page.id.0)?;
        if let Some(path) = &old_path {
            store::insert_redirect(conn, path, store::RedirectTarget::Page(page.id))?;
        }
        Ok(Some(page.id))
    })
}

/// Sets the featured image of a post imported earlier in the run (a change like any other: the
/// post's content before it is kept as a revision, by the operator).
pub(super) fn set_featured_image(colophon: &Colophon, post_id: PostId, image: FeaturedImage) -> ServiceResult<()> {
    let keep = colophon.revisions_kept();
    colophon.write_blocking(move |conn, now| {
        if let Some(post) = store::find_post(conn, post_id)? {
            let before = crate::posts::content_of(conn, &post, now)?;
            let changes = PostChanges { featured_image: colophon_domain::Patch::Set(image), ..PostChanges::default() };
            if let Some(updated) = store::update_post(conn, post_id, post.version, &changes, now)? {
                let after = crate::posts::content_of(conn, &updated, now)?;
                crate::posts::record_revision(conn, post_id, &before, &after, None, keep, now)?;
            }
        }
        Ok(())
    })
}
