//! Free slugs: the one a client asked for or derived from a title, else its first free numbered
//! variant (`the-rug-2`), as WordPress does. Never a refusal: a 409 would tell a contributor that
//! someone else's draft holds the slug.

use colophon_domain::{Actor, PageId, PostId, Role, Slug, Timestamp};
use colophon_store::{self as store, DbConnection, SlugHolder};

use crate::{ServiceError, ServiceResult};

/// How many numbered variants a slug may try before giving up.
const MAX_SLUG_SUFFIX: u32 = 1000;

/// `wanted` when `taken` says it is free, else its first free numbered variant.
pub(crate) fn first_free(
    conn: &mut DbConnection,
    wanted: &Slug,
    mut taken: impl FnMut(&mut DbConnection, &Slug) -> ServiceResult<bool>,
) -> ServiceResult<Slug> {
    if !taken(conn, wanted)? {
        return Ok(wanted.clone());
    }
    for n in 2..=MAX_SLUG_SUFFIX {
        let candidate = wanted.with_suffix(n);
        if !taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(ServiceError::Conflict(format!("every numbered variant of {wanted} is taken")))
}

/// Where a kind of content's slugs live, and what a rename leaves behind.
pub(crate) trait SlugSpace {
    /// The kind of content whose slugs these are.
    fn kind(&self) -> super::Kind;

    /// The slug to store for `wanted` (`explicit` when the client named it).
    fn free(&self, conn: &mut DbConnection, wanted: &Slug, explicit: bool) -> ServiceResult<Slug>;

    /// A visible item was renamed from `old`.
    fn renamed(&self, _conn: &mut DbConnection, _old: &Slug, _now: Timestamp) -> ServiceResult<()> {
        Ok(())
    }
}

/// Posts' slugs. A renamed post's old slug stays reserved for it (its links keep redirecting):
/// the post may take it back, and an editor who names it explicitly releases it; anyone else
/// gets a variant.
pub(crate) struct PostSlugs {
    /// The post being written, when it exists.
    pub this: Option<PostId>,
    pub actor: Actor,
}

impl SlugSpace for PostSlugs {
    fn kind(&self) -> super::Kind {
        super::Kind::Post
    }
    fn free(&self, conn: &mut DbConnection, wanted: &Slug, explicit: bool) -> ServiceResult<Slug> {
        match store::slug_holder(conn, wanted)? {
            Some(SlugHolder::OldSlugOf(owner)) if Some(owner) == self.this => {
                store::delete_slug_redirect(conn, wanted)?;
                return Ok(wanted.clone());
            }
            Some(SlugHolder::OldSlugOf(owner)) if explicit && self.actor.role >= Role::Editor => {
                tracing::info!(target: "audit", editor = %self.actor.id, slug = %wanted, post = %owner, "an editor released an old slug");
                store::delete_slug_redirect(conn, wanted)?;
                return Ok(wanted.clone());
            }
            _ => {}
        }
        first_free(conn, wanted, |conn, slug| Ok(store::slug_holder(conn, slug)?.is_some()))
    }

    fn renamed(&self, conn: &mut DbConnection, old: &Slug, now: Timestamp) -> ServiceResult<()> {
        // Links to the published post keep working.
        if let Some(post) = self.this {
            store::insert_slug_redirect(conn, old, post, now)?;
        }
        Ok(())
    }
}

/// Pages' slugs: a page's own slug is free for it.
pub(crate) struct PageSlugs {
    /// The page being written, when it exists.
    pub this: Option<PageId>,
}

impl SlugSpace for PageSlugs {
    fn kind(&self) -> super::Kind {
        super::Kind::Page
    }
    fn free(&self, conn: &mut DbConnection, wanted: &Slug, _explicit: bool) -> ServiceResult<Slug> {
        first_free(conn, wanted, |conn, slug| {
            Ok(store::find_page_by_slug(conn, slug)?.is_some_and(|page| Some(page.id) != self.this))
        })
    }
}
