//! What posts and pages share in their use cases, written once: the fields as sent and parsed,
//! the shared fields of a new item and of an update (publication and its permission, slugs,
//! excerpts, bodies, sidebars, SEO), and free slugs.

mod input;
mod slugs;

use colophon_domain::Version;
use colophon_domain::{
    Actor, AuthorId, Content, CustomValues, Excerpt, FieldEntity, Patch, PostHtml, PostStatus, Publication, Slug,
    Timestamp, search_text,
};
use colophon_store::{self as store, ContentChanges, DbConnection, NewContent, StoredBody};

pub(crate) use input::{Body, ParsedContent, Title, addressable_slug, parse_content, patched};
pub use input::{ContentInput, SeoInput};
pub(crate) use slugs::{PageSlugs, PostSlugs, SlugSpace, first_free};

use crate::fields::{checked_values, public_text, searched_words};
use crate::{ServiceError, ServiceResult};

/// Which content a use case writes: its name in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Post,
    Page,
}

impl Kind {
    /// The kind of content whose field definitions apply.
    fn fields(self) -> FieldEntity {
        match self {
            Kind::Post => FieldEntity::Posts,
            Kind::Page => FieldEntity::Pages,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Post => "post",
            Kind::Page => "page",
        }
    }

    fn may_not_publish(self) -> ServiceError {
        ServiceError::Forbidden(match self {
            Kind::Post => "contributors cannot publish; authors publish only their own posts",
            Kind::Page => "contributors cannot publish; authors publish only their own pages",
        })
    }
}

/// The shared fields of a new item by `actor` under `author`, and its body's search words: the
/// title is required, publishing takes the right to publish, the slug is derived from the title
/// when absent (a free one), the excerpt from the body.
pub(crate) fn new_content(
    conn: &mut DbConnection,
    actor: Actor,
    parsed: ParsedContent,
    author: AuthorId,
    slugs: &dyn SlugSpace,
    now: Timestamp,
) -> ServiceResult<(NewContent, String)> {
    let kind = slugs.kind();
    let title = parsed.title.ok_or_else(|| ServiceError::invalid("title", "is required"))?;
    let publication = Publication::requested(
        parsed.status.unwrap_or(PostStatus::Draft),
        parsed.published_at.set().map(|t| t.naive_utc()),
        now,
    )
    .map_err(|m| ServiceError::invalid("published_at", m))?;
    if publication.status == PostStatus::Published && !actor.can_publish(author) {
        return Err(kind.may_not_publish());
    }
    let slug = match parsed.slug {
        Some(slug) => slugs.free(conn, &slug, true)?,
        None => {
            let derived = Slug::derive(title.as_str())
                .ok_or_else(|| ServiceError::invalid("slug", "cannot be derived from this title; send one"))?
                .addressable(kind.noun());
            slugs.free(conn, &derived, false)?
        }
    };
    let body = parsed.body.unwrap_or_else(Body::empty);
    let excerpt = parsed.excerpt.set().unwrap_or_else(|| Excerpt::derive(&body.html));
    let sidebar_id = parsed.sidebar.set().map(|slug| find_sidebar_id(conn, &slug)).transpose()?;
    let custom_fields = checked_values(conn, kind.fields(), &CustomValues::default(), parsed.custom_fields, true, now)?
        .unwrap_or_default();
    let text = searched_words(conn, kind.fields(), body.text, &custom_fields)?;
    let public_custom_fields = public_text(conn, kind.fields(), &custom_fields)?;
    let new = NewContent {
        slug,
        title: title.into_string(),
        excerpt: excerpt.into_string(),
        body_html: body.html.into_string(),
        body_markdown: body.markdown,
        publication,
        author_id: author,
        sidebar_id,
        seo: SeoInput::new_seo(&parsed.seo),
        custom_fields,
        public_custom_fields,
    };
    Ok((new, text))
}

/// The changes an update makes to `current`'s shared fields (and the new body's search words):
/// moving its publication takes the right to publish for `author`; a new slug is a free one (a
/// visible item's old one is handed to `slugs`); an excerpt derived from the old body is
/// derived from a new body again.
pub(crate) fn content_changes(
    conn: &mut DbConnection,
    actor: Actor,
    current: &Content,
    parsed: ParsedContent,
    author: AuthorId,
    slugs: &dyn SlugSpace,
    now: Timestamp,
) -> ServiceResult<(ContentChanges, Option<String>)> {
    let kind = slugs.kind();
    let mut changes = ContentChanges { seo: parsed.seo, ..ContentChanges::default() };
    if parsed.status.is_some() || parsed.published_at.changes() {
        let requested = parsed.status.unwrap_or(current.status_at(now));
        let at = parsed.published_at.map(|t| t.naive_utc()).apply(current.published_at);
        let next = Publication::requested(requested, at, now).map_err(|m| ServiceError::invalid("published_at", m))?;
        if current.publication().publishing_change(next) && !actor.can_publish(author) {
            return Err(kind.may_not_publish());
        }
        changes.publication = Some(next);
    }
    changes.title = parsed.title.map(Title::into_string);
    if let Some(wanted) = parsed.slug.filter(|s| *s != current.slug) {
        let slug = slugs.free(conn, &wanted, true)?;
        if current.is_visible_at(now) {
            slugs.renamed(conn, &current.slug, now)?;
        }
        changes.slug = Some(slug);
    }
    let old_body = PostHtml::stored(current.body_html.clone());
    let excerpt_was_derived = current.excerpt == old_body.derive_excerpt();
    let new_body = parsed.body.as_ref().map(|b| &b.html);
    changes.excerpt = match (parsed.excerpt, new_body) {
        (Patch::Set(excerpt), _) => Some(excerpt.into_string()),
        (Patch::Clear, body) => Some(Excerpt::derive(body.unwrap_or(&old_body)).into_string()),
        (Patch::Keep, Some(body)) if excerpt_was_derived => Some(Excerpt::derive(body).into_string()),
        (Patch::Keep, _) => None,
    };
    let text = parsed.body.map(|body| {
        changes.body = Some(StoredBody { html: body.html.into_string(), markdown: body.markdown });
        body.text
    });
    changes.sidebar_id = parsed.sidebar.try_map(|slug| find_sidebar_id(conn, &slug))?;
    // Required fields are checked when the item is published, and on any change of its values
    // while it is.
    let published = changes.publication.unwrap_or(current.publication()).status == PostStatus::Published;
    let publishing = changes.publication.is_some_and(|next| current.publication().publishing_change(next));
    let complete = published && (publishing || parsed.custom_fields.is_some());
    changes.custom_fields =
        match checked_values(conn, kind.fields(), &current.custom_fields, parsed.custom_fields, complete, now)? {
            Some(values) => {
                let public = public_text(conn, kind.fields(), &values)?;
                Some((values, public))
            }
            None => None,
        };
    // Search reads the public text fields beside the body: either changing changes its words.
    let values = changes.custom_fields.as_ref().map_or(&current.custom_fields, |(values, _)| values);
    let text = match (text, changes.custom_fields.is_some()) {
        (Some(words), _) => Some(searched_words(conn, kind.fields(), words, values)?),
        (None, true) => Some(searched_words(conn, kind.fields(), search_text(&current.body_html), values)?),
        (None, false) => None,
    };
    Ok((changes, text))
}

/// The sidebar a slug names, or 422 under `sidebar`.
/// Refuses an edit based on another version than the stored one (`If-Match`; `None`: any).
pub(crate) fn unchanged_since(content: &Content, expected_version: Option<Version>) -> ServiceResult<()> {
    match expected_version {
        Some(Version(expected)) if expected != content.version => Err(ServiceError::PreconditionFailed),
        _ => Ok(()),
    }
}

pub(crate) fn find_sidebar_id(conn: &mut DbConnection, slug: &Slug) -> ServiceResult<colophon_domain::SidebarId> {
    Ok(store::find_sidebar_by_slug(conn, slug)?
        .ok_or_else(|| ServiceError::invalid("sidebar", "no sidebar has this slug"))?
        .id)
}
