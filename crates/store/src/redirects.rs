//! Old addresses of imported items, and what they lead to.

use colophon_domain::{PageId, PostId, RedirectPath};
use diesel::prelude::*;

use crate::bulk::per_backend;
use crate::columns::WriteNullable;
use crate::schema::redirects;
use crate::{DbConnection, StoreResult};

/// What an old address leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectTarget {
    Post(PostId),
    Page(PageId),
}

/// Records an old address, unless another item holds it already (the first keeps it).
pub fn insert_redirect(conn: &mut DbConnection, path: &RedirectPath, target: RedirectTarget) -> StoreResult<()> {
    let (post, page) = match target {
        RedirectTarget::Post(id) => (Some(id), None),
        RedirectTarget::Page(id) => (None, Some(id)),
    };
    per_backend!(conn, |c| diesel::insert_into(redirects::table)
        .values((
            redirects::path.eq(path.as_str()),
            redirects::post_id.eq(WriteNullable::from(post)),
            redirects::page_id.eq(WriteNullable::from(page)),
        ))
        .on_conflict(redirects::path)
        .do_nothing()
        .execute(c))?;
    Ok(())
}

/// The item an old address leads to.
pub fn find_redirect(conn: &mut DbConnection, path: &RedirectPath) -> StoreResult<Option<RedirectTarget>> {
    let row: Option<(Option<PostId>, Option<PageId>)> = redirects::table
        .filter(redirects::path.eq(path.as_str()))
        .select((redirects::post_id, redirects::page_id))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(post, page)| post.map(RedirectTarget::Post).or(page.map(RedirectTarget::Page))))
}
