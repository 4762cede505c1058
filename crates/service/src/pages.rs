//! Standalone pages (About, Contact): written through the same roles as posts (contributors
//! draft their own, authors publish their own, editors everything), read by slug, never in post
//! lists, feeds or previous/next.

use std::collections::HashMap;

use colophon_domain::Version;
use colophon_domain::{Actor, Author, EventKind, PageId, PageLimit, PostStatus, Role, SitePage, Slug, Timestamp};
use colophon_store::{self as store, DbConnection, PageFilter};

use crate::Paging;
use crate::cache_keys::CacheKey;
use crate::catalog::{assemble, widget_authors};
use crate::content::{
    ContentInput, PageSlugs, ParsedContent, content_changes, new_content, parse_content, unchanged_since,
};
use crate::keys::{Key, page_id};
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, CursorPage, ServiceError, ServiceResult, SidebarView};

const PAGES: &str = "pages";

/// A page's fields as sent: what posts and pages share, nothing else.
pub type PageInput = ContentInput;

/// A page as it shows: with its author, its sidebar and its public address.
#[derive(Debug, Clone)]
pub struct PageView {
    /// The page as stored.
    pub page: SitePage,
    /// The status the caller sees now.
    pub status: PostStatus,
    /// Who wrote it.
    pub author: Author,
    /// The sidebar beside it, widgets resolved.
    pub sidebar: Option<SidebarView>,
    /// Where the frontend shows it (`COLOPHON_PAGE_URL`).
    pub url: Option<String>,
    /// Whether the caller may edit it (and so sees its Markdown).
    pub editable: bool,
    /// The site's own fields' values the caller may see, by name.
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

impl Colophon {
    /// Pages in slug order: the published ones for everyone; with `status`, staff's pages of that
    /// status (contributors and authors: their own).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_pages(
        &self,
        caller: Caller,
        status: Option<PostStatus>,
        paging: Paging,
    ) -> ServiceResult<CursorPage<PageView>> {
        let Paging { limit, cursor } = paging;
        let limit = PageLimit::parse(limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let status = status.unwrap_or(PostStatus::Published);
        let author_id = match status {
            PostStatus::Published => None,
            _ => {
                let actor = caller.actor()?;
                (actor.role < Role::Editor).then_some(actor.id)
            }
        };
        let after = match cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(PageId(self.cursors().decode::<1>(PAGES, cursor)?[0])),
        };
        let (codec, urls, actor) = (self.cursors().clone(), self.site_urls().clone(), caller.as_actor());
        let page = self
            .db(move |conn, now| {
                let after = match after {
                    Some(id) => store::find_page(conn, id)?.map(|p| p.content.slug),
                    None => None,
                };
                let mut pages =
                    store::list_pages(conn, &PageFilter { status, author_id }, after.as_ref(), limit.probe(), now)?;
                let more = pages.len() as i64 > i64::from(limit.get());
                pages.truncate(limit.get() as usize);
                let next_cursor = pages.last().filter(|_| more).map(|p| codec.encode(PAGES, &[p.id.0]));
                Ok(CursorPage { items: views(conn, pages, actor, now, &urls)?, next_cursor })
            })
            .await?;
        self.saw(&page);
        self.saw_key(CacheKey::Pages);
        Ok(page)
    }

    /// One page by slug; a page the caller may not read (a draft, to the public) is 404.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_page(&self, caller: Caller, key: Key) -> ServiceResult<PageView> {
        let (urls, actor) = (self.site_urls().clone(), caller.as_actor());
        let found = self
            .db(move |conn, now| {
                // An id or a slug, as PATCH and DELETE take: they cannot collide (a slug of
                // digits alone is refused).
                let page = match key {
                    Key::Id(id) => store::find_page(conn, colophon_domain::PageId(id))?,
                    Key::Slug(slug) => {
                        let slug = Slug::parse(slug).map_err(|_| ServiceError::NotFound("page"))?;
                        store::find_page_by_slug(conn, &slug)?
                    }
                };
                let page = page.ok_or(ServiceError::NotFound("page"))?;
                if !readable(&page, actor, now) {
                    return Err(ServiceError::NotFound("page"));
                }
                Ok(views(conn, vec![page], actor, now, &urls)?.remove(0))
            })
            .await;
        self.saw_found(found, CacheKey::Pages)
    }

    /// The cursor that continues the page list after `page` (a Relay edge's cursor).
    pub fn page_cursor(&self, page: &SitePage) -> String {
        self.cursors().encode(PAGES, &[page.id.0])
    }

    /// Creates a page as the caller (contributors: drafts only).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_page(&self, caller: Caller, input: PageInput) -> ServiceResult<PageView> {
        let writer = caller.writer()?;
        let actor = *writer;
        let parsed = self.compute(move || parse_page(input)).await?.map_err(ServiceError::Invalid)?;
        let urls = self.site_urls().clone();
        self.write(writer, move |conn, now, changed| {
            let slugs = PageSlugs { this: None };
            let (new, _) = new_content(conn, actor, parsed, actor.id, &slugs, now)?;
            let page = store::insert_page(conn, &new, now)?;
            page_changed(None, Some(&page), now, changed);
            let target = Target::Page(page.id);
            Ok(Written::new(views(conn, vec![page], Some(actor), now, &urls)?.remove(0), Action::PageCreate, target))
        })
        .await
    }

    /// Applies a partial update. With `expected_version` (`If-Match`), a page edited since is
    /// refused with 412 and nothing is written.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_page(
        &self,
        caller: Caller,
        key: Key,
        input: PageInput,
        expected_version: Option<Version>,
    ) -> ServiceResult<PageView> {
        let writer = caller.writer()?;
        let actor = *writer;
        let parsed = self.compute(move || parse_page(input)).await?.map_err(ServiceError::Invalid)?;
        let urls = self.site_urls().clone();
        self.write(writer, move |conn, now, changed| {
            let id = page_id(conn, &key)?;
            let page = editable_page(conn, actor, id, now)?;
            unchanged_since(&page, expected_version)?;
            let slugs = PageSlugs { this: Some(page.id) };
            let (changes, _) = content_changes(conn, actor, &page, parsed, page.author_id, &slugs, now)?;
            let fields = changes.field_names();
            let updated = store::update_page(conn, page.id, page.version, &changes, now)?
                .ok_or(ServiceError::PreconditionFailed)?;
            page_changed(Some(&page), Some(&updated), now, changed);
            let view = views(conn, vec![updated], Some(actor), now, &urls)?.remove(0);
            Ok(Written::new(view, Action::PageUpdate, Target::Page(page.id)).fields(&fields))
        })
        .await
    }

    /// Deletes a page the caller may edit (412 with a stale `expected_version`).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_page(&self, caller: Caller, key: Key, expected_version: Option<Version>) -> ServiceResult<()> {
        let writer = caller.writer()?;
        let actor = *writer;
        self.write(writer, move |conn, now, changed| {
            let id = page_id(conn, &key)?;
            let page = editable_page(conn, actor, id, now)?;
            unchanged_since(&page, expected_version)?;
            store::delete_page(conn, page.id)?;
            page_changed(Some(&page), None, now, changed);
            Ok(Written::new((), Action::PageDelete, Target::Page(page.id)))
        })
        .await
    }
}

fn readable(page: &SitePage, actor: Option<Actor>, now: Timestamp) -> bool {
    Actor::can_read(actor, page, now)
}

fn parse_page(input: PageInput) -> Result<ParsedContent, colophon_domain::ValidationErrors> {
    let mut errors = colophon_domain::ValidationErrors::default();
    let parsed = parse_content(input, &mut errors);
    errors.into_result().map(|()| parsed)
}

/// A page the actor may edit: 404 when they may not even see it, 403 when they may not change it.
fn editable_page(conn: &mut DbConnection, actor: Actor, id: PageId, now: Timestamp) -> ServiceResult<SitePage> {
    let page = store::find_page(conn, id)?.ok_or(ServiceError::NotFound("page"))?;
    if !readable(&page, Some(actor), now) {
        return Err(ServiceError::NotFound("page"));
    }
    if !actor.can_edit(&page) {
        return Err(ServiceError::Forbidden("you may not edit this page"));
    }
    Ok(page)
}

/// The keys and events of a page change: visible pages show in the page list, the sitemap and
/// their own address; one nobody can read, before or after, changes nothing anyone sees.
fn page_changed(
    before: Option<&SitePage>,
    after: Option<&SitePage>,
    now: Timestamp,
    changed: &mut crate::write::Changed,
) {
    fn visible(p: Option<&SitePage>, now: Timestamp) -> Option<&SitePage> {
        p.filter(|p| p.is_visible_at(now))
    }
    let Some(page) = after.or(before) else { return };
    let scheduled =
        |p: Option<&SitePage>| p.is_some_and(|p| !p.is_visible_at(now) && p.status == PostStatus::Published);
    if visible(before, now).is_none() && visible(after, now).is_none() {
        if scheduled(before) || scheduled(after) {
            // The list changes by itself when the moment comes.
            changed.add(CacheKey::Pages);
        }
        return;
    }
    changed.extend([CacheKey::Page(page.id), CacheKey::Pages]);
    let key = Target::Page(page.id);
    let gone = |p: &SitePage| serde_json::json!({ "id": p.id.0, "slug": p.slug.as_str() });
    match (visible(before, now), after) {
        (None, Some(a)) if a.is_visible_at(now) => {
            changed.emit(EventKind::PagePublished, &key, crate::webhooks::data::page(a));
        }
        (Some(_), Some(a)) if a.is_visible_at(now) => {
            changed.emit(EventKind::PageUpdated, &key, crate::webhooks::data::page(a));
        }
        (Some(_), Some(a)) => changed.emit(EventKind::PageUnpublished, &key, gone(a)),
        (Some(b), None) => changed.emit(EventKind::PageDeleted, &key, gone(b)),
        _ => {}
    }
}

/// Pages with their authors and sidebars: three statements whatever their number.
fn views(
    conn: &mut DbConnection,
    pages: Vec<SitePage>,
    actor: Option<Actor>,
    now: Timestamp,
    urls: &crate::SiteUrls,
) -> ServiceResult<Vec<PageView>> {
    let mut sidebars = HashMap::new();
    for id in pages.iter().filter_map(|p| p.sidebar_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = sidebars.entry(id) {
            if let Some(found) = store::sidebar_with_products(conn, id)? {
                slot.insert(found);
            }
        }
    }
    let mut author_ids: Vec<_> = pages.iter().map(|p| p.author_id).collect();
    author_ids.extend(sidebars.values().flat_map(|(sidebar, _)| widget_authors(sidebar)));
    author_ids.sort_unstable();
    author_ids.dedup();
    let authors: HashMap<_, _> = store::authors_by_ids(conn, &author_ids)?.into_iter().map(|a| (a.id, a)).collect();
    let values: Vec<_> = pages.iter().map(|p| &p.custom_fields).collect();
    let shown = crate::fields::shown_values(conn, colophon_domain::FieldEntity::Pages, &values, actor.is_some())?;
    pages
        .into_iter()
        .zip(shown)
        .map(|(page, custom_fields)| {
            let author = authors
                .get(&page.author_id)
                .cloned()
                .ok_or_else(|| ServiceError::internal(format!("page {} has no author", page.id)))?;
            let sidebar = page.sidebar_id.and_then(|id| sidebars.get(&id)).map(|(sidebar, products)| {
                let products: HashMap<_, _> = products.iter().map(|p| (p.id, p.clone())).collect();
                assemble(sidebar.clone(), &products, &authors)
            });
            Ok(PageView {
                status: page.status_at(now),
                url: urls.pages.render(page.slug.as_str(), page.id.0, page.published_at),
                editable: actor.is_some_and(|a| a.can_edit(&page)),
                author,
                sidebar,
                page,
                custom_fields,
            })
        })
        .collect()
}
