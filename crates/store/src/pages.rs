//! Standalone pages.

use colophon_domain::{AuthorId, PageId, PostStatus, Seo, SidebarId, SitePage, Slug, Timestamp};
use diesel::internal::derives::as_expression::Bound;
use diesel::prelude::*;

use crate::columns::{PostStatusColumn, Stored};
use crate::rows::{convert, slug};
use crate::schema::pages;
use crate::{DbConnection, StoreResult};

/// A page as read, in column order.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pages)]
pub struct PageRow {
    pub id: PageId,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    pub author_id: AuthorId,
    pub sidebar_id: Option<SidebarId>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub og_image: Option<String>,
    pub noindex: bool,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl PageRow {
    pub fn into_domain(self) -> StoreResult<SitePage> {
        Ok(SitePage {
            id: self.id,
            slug: slug(self.slug)?,
            title: self.title,
            excerpt: self.excerpt,
            body_html: self.body_html,
            body_markdown: self.body_markdown,
            status: self.status,
            published_at: self.published_at,
            author_id: self.author_id,
            sidebar_id: self.sidebar_id,
            seo: Seo {
                meta_title: self.meta_title,
                meta_description: self.meta_description,
                canonical_url: self.canonical_url,
                og_image: self.og_image,
                noindex: self.noindex,
            },
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn columns() -> <PageRow as Selectable<crate::connection::MultiBackend>>::SelectExpression {
    <PageRow as Selectable<crate::connection::MultiBackend>>::construct_selection()
}

/// A page to insert: `status` is `Draft` or `Published`.
#[derive(Debug, Clone)]
pub struct NewPage {
    pub slug: Slug,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    pub author_id: AuthorId,
    pub sidebar_id: Option<SidebarId>,
    pub seo: Seo,
    pub now: Timestamp,
}

pub fn insert_page(conn: &mut DbConnection, new: &NewPage) -> StoreResult<SitePage> {
    let row: PageRow = diesel::insert_into(pages::table)
        .values((
            pages::slug.eq(new.slug.as_str()),
            pages::title.eq(&new.title),
            pages::excerpt.eq(&new.excerpt),
            pages::body_html.eq(&new.body_html),
            pages::body_markdown.eq(&new.body_markdown),
            pages::status.eq(new.status.stored()),
            pages::published_at.eq(new.published_at),
            pages::author_id.eq(new.author_id.stored()),
            pages::sidebar_id.eq(new.sidebar_id),
            pages::meta_title.eq(&new.seo.meta_title),
            pages::meta_description.eq(&new.seo.meta_description),
            pages::canonical_url.eq(&new.seo.canonical_url),
            pages::og_image.eq(&new.seo.og_image),
            pages::noindex.eq(new.seo.noindex),
            pages::version.eq(1_i64),
            pages::created_at.eq(new.now),
            pages::updated_at.eq(new.now),
        ))
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
    query = match filter.status {
        PostStatus::Draft => query.filter(pages::status.eq(PostStatus::Draft.stored())),
        PostStatus::Scheduled => {
            query.filter(pages::status.eq(PostStatus::Published.stored())).filter(pages::published_at.gt(now))
        }
        PostStatus::Published => {
            query.filter(pages::status.eq(PostStatus::Published.stored())).filter(pages::published_at.le(now))
        }
    };
    if let Some(author) = filter.author_id {
        query = query.filter(pages::author_id.eq(author.stored()));
    }
    if let Some(after) = after {
        query = query.filter(pages::slug.gt(after.as_str().to_string()));
    }
    let rows: Vec<PageRow> = query.order(pages::slug.asc()).limit(limit).select(columns()).load(conn)?;
    convert(rows, PageRow::into_domain)
}

/// Changes to a page; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct PageChanges {
    pub slug: Option<Slug>,
    pub title: Option<String>,
    pub excerpt: Option<String>,
    pub body_html: Option<String>,
    pub body_markdown: Option<Option<String>>,
    pub status: Option<PostStatus>,
    pub published_at: Option<Option<Timestamp>>,
    pub sidebar_id: Option<Option<SidebarId>>,
    pub meta_title: Option<Option<String>>,
    pub meta_description: Option<Option<String>>,
    pub canonical_url: Option<Option<String>>,
    pub og_image: Option<Option<String>>,
    pub noindex: Option<bool>,
}

impl PageChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        crate::names_set(&[
            ("slug", self.slug.is_some()),
            ("title", self.title.is_some()),
            ("excerpt", self.excerpt.is_some()),
            ("body", self.body_html.is_some() || self.body_markdown.is_some()),
            ("status", self.status.is_some()),
            ("published_at", self.published_at.is_some()),
            ("sidebar", self.sidebar_id.is_some()),
            ("seo.meta_title", self.meta_title.is_some()),
            ("seo.meta_description", self.meta_description.is_some()),
            ("seo.canonical_url", self.canonical_url.is_some()),
            ("seo.og_image", self.og_image.is_some()),
            ("seo.noindex", self.noindex.is_some()),
        ])
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = pages)]
struct PageChangeset<'a> {
    slug: Option<&'a str>,
    title: Option<&'a str>,
    excerpt: Option<&'a str>,
    body_html: Option<&'a str>,
    body_markdown: Option<Option<&'a str>>,
    status: Option<Bound<PostStatusColumn, PostStatus>>,
    published_at: Option<Option<Timestamp>>,
    sidebar_id: Option<Option<SidebarId>>,
    meta_title: Option<Option<&'a str>>,
    meta_description: Option<Option<&'a str>>,
    canonical_url: Option<Option<&'a str>>,
    og_image: Option<Option<&'a str>>,
    noindex: Option<bool>,
    updated_at: Timestamp,
}

/// Applies the changes and bumps the version, guarded by `expected_version`: `Ok(None)` when the
/// page changed since (or is gone), and nothing was written.
pub fn update_page(
    conn: &mut DbConnection,
    id: PageId,
    expected_version: i64,
    changes: &PageChanges,
    now: Timestamp,
) -> StoreResult<Option<SitePage>> {
    let changeset = PageChangeset {
        slug: changes.slug.as_ref().map(Slug::as_str),
        title: changes.title.as_deref(),
        excerpt: changes.excerpt.as_deref(),
        body_html: changes.body_html.as_deref(),
        body_markdown: changes.body_markdown.as_ref().map(Option::as_deref),
        status: changes.status.map(Stored::stored),
        published_at: changes.published_at,
        sidebar_id: changes.sidebar_id,
        meta_title: changes.meta_title.as_ref().map(Option::as_deref),
        meta_description: changes.meta_description.as_ref().map(Option::as_deref),
        canonical_url: changes.canonical_url.as_ref().map(Option::as_deref),
        og_image: changes.og_image.as_ref().map(Option::as_deref),
        noindex: changes.noindex,
        updated_at: now,
    };
    let row: Option<PageRow> = diesel::update(pages::table)
        .filter(pages::id.eq(id.stored()))
        .filter(pages::version.eq(expected_version))
        .set((changeset, pages::version.eq(pages::version + 1)))
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
