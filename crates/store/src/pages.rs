//! Standalone pages.

use colophon_domain::{AuthorId, PageId, PostStatus, SidebarId, SitePage, Slug, Timestamp};
use diesel::prelude::*;

use crate::columns::{Stored, Write, WriteNullable};
use crate::content::{ContentChanges, NewContent, content_changeset, content_values, with_status};
use crate::rows::convert;
use crate::schema::pages;
use crate::{DbConnection, StoreResult};
use serde::{Deserialize, Serialize};

/// A page as read (and archived), in column order.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = pages)]
pub struct PageRow {
    #[diesel(serialize_as = Write<PageId>)]
    pub id: PageId,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    #[diesel(serialize_as = Write<PostStatus>)]
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    #[diesel(serialize_as = Write<AuthorId>)]
    pub author_id: AuthorId,
    #[diesel(serialize_as = WriteNullable<SidebarId>)]
    pub sidebar_id: Option<SidebarId>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub og_image: Option<String>,
    pub noindex: bool,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    // Archives written before custom fields have none.
    #[serde(default = "crate::content::no_custom_fields")]
    pub custom_fields: String,
    #[serde(default = "crate::content::no_custom_fields")]
    pub public_custom_fields: String,
}

impl PageRow {
    pub fn into_domain(self) -> StoreResult<SitePage> {
        Ok(SitePage { id: self.id, content: crate::content::content_of_row!(self) })
    }
}

fn columns() -> <PageRow as Selectable<crate::connection::MultiBackend>>::SelectExpression {
    <PageRow as Selectable<crate::connection::MultiBackend>>::construct_selection()
}

pub fn insert_page(conn: &mut DbConnection, new: &NewContent, now: Timestamp) -> StoreResult<SitePage> {
    let row: PageRow = diesel::insert_into(pages::table)
        .values(content_values!(pages, new, now))
        .returning(columns())
        .get_result(conn)?;
    row.into_domain()
}

pub fn find_page_by_slug(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<SitePage>> {
    let row: Option<PageRow> =
        pages::table.filter(pages::slug.eq(slug.as_str())).select(columns()).first(conn).optional()?;
    row.map(PageRow::into_domain).transpose()
}

pub fn find_page(conn: &mut DbConnection, id: PageId) -> StoreResult<Option<SitePage>> {
    let row: Option<PageRow> = pages::table.find(id.stored()).select(columns()).first(conn).optional()?;
    row.map(PageRow::into_domain).transpose()
}

pub fn page_slug_taken(conn: &mut DbConnection, slug: &Slug) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(pages::table.filter(pages::slug.eq(slug.as_str())))).get_result(conn)?)
}

/// Which pages a list shows: the public's (published, visible at `now`), or staff's of one
/// status (optionally one author's only).
#[derive(Debug, Clone)]
pub struct PageFilter {
    pub status: PostStatus,
    pub author_id: Option<AuthorId>,
}

/// Pages of the filter, in slug order, after `after`, at most `limit`.
pub fn list_pages(
    conn: &mut DbConnection,
    filter: &PageFilter,
    after: Option<&Slug>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<SitePage>> {
    let mut query = pages::table.into_boxed();
    query = with_status!(query, pages, filter.status, now);
    if let Some(author) = filter.author_id {
        query = query.filter(pages::author_id.eq(author.stored()));
    }
    if let Some(after) = after {
        query = query.filter(pages::slug.gt(after.as_str().to_string()));
    }
    let rows: Vec<PageRow> = query.order(pages::slug.asc()).limit(limit).select(columns()).load(conn)?;
    convert(rows, PageRow::into_domain)
}

/// Applies the changes and bumps the version, guarded by `expected_version`: `Ok(None)` when the
/// page changed since (or is gone), and nothing was written.
pub fn update_page(
    conn: &mut DbConnection,
    id: PageId,
    expected_version: i64,
    changes: &ContentChanges,
    now: Timestamp,
) -> StoreResult<Option<SitePage>> {
    let row: Option<PageRow> = diesel::update(pages::table)
        .filter(pages::id.eq(id.stored()))
        .filter(pages::version.eq(expected_version))
        .set(content_changeset!(pages, changes, now))
        .returning(columns())
        .get_result(conn)
        .optional()?;
    row.map(PageRow::into_domain).transpose()
}

pub fn delete_page(conn: &mut DbConnection, id: PageId) -> StoreResult<bool> {
    Ok(diesel::delete(pages::table.find(id.stored())).execute(conn)? == 1)
}

/// Whether an author wrote any page (an author with content cannot be deleted).
pub fn author_has_pages(conn: &mut DbConnection, author: AuthorId) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(pages::table.filter(pages::author_id.eq(author.stored()))))
        .get_result(conn)?)
}

/// The published pages search engines may index, visible at `now`, in slug order: what a
/// sitemap lists (a site has tens of pages, not thousands).
pub fn indexable_pages(conn: &mut DbConnection, now: Timestamp) -> StoreResult<Vec<SitePage>> {
    let rows: Vec<PageRow> = pages::table
        .filter(pages::status.eq(PostStatus::Published.stored()))
        .filter(pages::published_at.le(now))
        .filter(pages::noindex.eq(false))
        .order(pages::slug.asc())
        .limit(10_000)
        .select(columns())
        .load(conn)?;
    convert(rows, PageRow::into_domain)
}
