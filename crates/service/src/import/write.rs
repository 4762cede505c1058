//! What every importer writes the same way: authors matched or made, posts and pages with a free
//! slug, and the import records that make a second run change nothing.

use colophon_domain::{AuthorId, Email, FeaturedImage, HttpUrl, PageId, PostHtml, PostId, Role, Slug, search_text};
use colophon_store::{self as store, DbConnection, NewAuthor, NewPage, NewPost, PostChanges};

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
        let slug = free_slug(conn, &wanted, |conn, slug| Ok(store::author_slug_taken(conn, slug)?))?;
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
    entry: PlannedEntry,
    author_id: AuthorId,
    image: Option<FeaturedImage>,
    now: colophon_domain::Timestamp,
) -> ServiceResult<PostId> {
    let slug = free_slug(conn, &entry.slug, |conn, slug| Ok(store::slug_holder(conn, slug)?.is_some()))?;
    let body_text = search_text(entry.body.as_str());
    let old_path = entry.old_path.clone();
    let post = store::insert_post(
        conn,
        &NewPost {
            slug,
            title: entry.title,
            excerpt: entry.excerpt,
            body_html: entry.body.into_string(),
            body_markdown: None,
            body_text,
            status: entry.status,
            published_at: entry.published_at,
            author_id,
            featured_image: image,
            comments_enabled: entry.comments_enabled,
            sidebar_id: None,
            seo: entry.seo,
            now: entry.published_at.unwrap_or(now),
        },
    )?;
    let tags = store::ensure_tags(conn, &entry.tags)?;
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
        let slug = free_slug(conn, &entry.slug, |conn, slug| Ok(store::page_slug_taken(conn, slug)?))?;
        let old_path = entry.old_path.clone();
        let page = store::insert_page(
            conn,
            &NewPage {
                slug,
                title: entry.title,
                excerpt: entry.excerpt,
                body_html: entry.body.into_string(),
                body_markdown: None,
                status: entry.status,
                published_at: entry.published_at,
                author_id,
                sidebar_id: None,
                seo: entry.seo,
                now: entry.published_at.unwrap_or(now),
            },
        )?;
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
            let changes = PostChanges { featured_image: Some(Some(image)), ..PostChanges::default() };
            if let Some(updated) = store::update_post(conn, post_id, post.version, &changes, now)? {
                let after = crate::posts::content_of(conn, &updated, now)?;
                crate::posts::record_revision(conn, post_id, &before, &after, None, keep, now)?;
            }
        }
        Ok(())
    })
}

/// `wanted`, or its first free numbered variant (`the-rug-2`), as WordPress does.
pub(super) fn free_slug(
    conn: &mut DbConnection,
    wanted: &Slug,
    taken: impl Fn(&mut DbConnection, &Slug) -> ServiceResult<bool>,
) -> ServiceResult<Slug> {
    if !taken(conn, wanted)? {
        return Ok(wanted.clone());
    }
    for n in 2..=1000 {
        let candidate = wanted.with_suffix(n);
        if !taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(ServiceError::Conflict(format!("every numbered variant of {wanted} is taken")))
}
