//! Standalone pages (About, Contact): written through the same roles as posts (contributors
//! draft their own, authors publish their own, editors everything), read by slug, never in post
//! lists, feeds or previous/next.

use std::collections::HashMap;

use colophon_domain::{
    Actor, Author, EventKind, Excerpt, PageId, PageLimit, PostHtml, PostStatus, Role, SitePage, Slug, Timestamp,
};
use colophon_store::{self as store, DbConnection, NewPage, PageChanges, PageFilter};

use crate::cache_keys::CacheKey;
use crate::catalog::{assemble, widget_authors};
use crate::keys::{Key, page_id};
use crate::posts::{FeaturedImageInput, PostInput, SeoInput, find_sidebar_id, parse_post, publication};
use crate::{Caller, Colophon, CursorPage, ServiceError, ServiceResult, SidebarView};

const PAGES: &str = "pages";
/// How many numbered suffixes a derived slug may try.
const MAX_SLUG_SUFFIX: u32 = 1000;

/// A page's fields as sent: absent = default (create) or unchanged (update); `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct PageInput {
    /// The heading, at most 300 characters; required on create.
    pub title: Option<String>,
    /// The path segment; derived from the title on create; a taken one gets a numbered variant.
    pub slug: Option<String>,
    /// The body as Markdown (rendered, sanitized, kept for editing). Not with `body_html`.
    pub body_markdown: Option<String>,
    /// The body as HTML, sanitized. Not with `body_markdown`.
    pub body_html: Option<String>,
    /// `Some(None)` derives the excerpt from the body again.
    pub excerpt: Option<Option<String>>,
    /// `draft` (default), `published`, or `scheduled` with a future `published_at`.
    pub status: Option<PostStatus>,
    /// When the page goes public.
    pub published_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    /// A sidebar's slug.
    pub sidebar: Option<Option<String>>,
    /// Search-engine and link-preview fields.
    pub seo: Option<SeoInput>,
}

impl From<PageInput> for PostInput {
    /// A page's fields are a post's without tags, featured image, comments or author: they are
    /// parsed by the same rules.
    fn from(p: PageInput) -> Self {
        Self {
            title: p.title,
            slug: p.slug,
            body_markdown: p.body_markdown,
            body_html: p.body_html,
            excerpt: p.excerpt,
            status: p.status,
            published_at: p.published_at,
            featured_image: None::<Option<FeaturedImageInput>>,
            tags: None,
            comments_enabled: None,
            sidebar: p.sidebar,
            author: None,
            seo: p.seo,
        }
    }
}

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
}

impl Colophon {
    /// Pages in slug order: the published ones for everyone; with `status`, staff's pages of that
    /// status (contributors and authors: their own).
    pub async fn list_pages(
        &self,
        caller: Caller,
        status: Option<PostStatus>,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> ServiceResult<CursorPage<PageView>> {
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
                    Some(id) => store::find_page(conn, id)?.map(|p| p.slug),
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
    pub async fn create_page(&self, caller: Caller, input: PageInput) -> ServiceResult<PageView> {
        let actor = caller.writing()?.actor()?;
        let parsed = self.compute(move || parse_post(input.into())).await?.map_err(ServiceError::Invalid)?;
        let urls = self.site_urls().clone();
        self.db_write(move |conn, now, changed| {
            changed.by(actor);
            let title = parsed.title.clone().ok_or_else(|| ServiceError::invalid("title", "is required"))?;
            let (status, published_at) = publication(
                parsed.status.unwrap_or(PostStatus::Draft),
                parsed.published_at.flatten().map(|t| t.naive_utc()),
                now,
            )?;
            if status == PostStatus::Published && !actor.can_publish(actor.id) {
                return Err(ServiceError::Forbidden(
                    "contributors cannot publish; authors publish only their own pages",
                ));
            }
            let wanted = match &parsed.slug {
                Some(slug) => slug.clone(),
                None => Slug::derive(title.as_str())
                    .ok_or_else(|| ServiceError::invalid("slug", "cannot be derived from this title; send one"))?
                    .addressable("page"),
            };
            let slug = free_slug(conn, &wanted, None)?;
            let (body, markdown) = match parsed.body {
                Some(body) => (body.html, body.markdown),
                None => (PostHtml::empty(), None),
            };
            let excerpt = parsed.excerpt.clone().flatten().unwrap_or_else(|| Excerpt::derive(&body));
            let sidebar_id = match &parsed.sidebar {
                Some(Some(slug)) => Some(find_sidebar_id(conn, slug)?),
                _ => None,
            };
            let page = store::insert_page(
                conn,
                &NewPage {
                    slug,
                    title: title.into_string(),
                    excerpt: excerpt.into_string(),
                    body_markdown: markdown,
                    body_html: body.into_string(),
                    status,
                    published_at,
                    author_id: actor.id,
                    sidebar_id,
                    seo: parsed.seo.new_seo(),
                    now,
                },
            )?;
            page_changed(None, Some(&page), now, changed);
            changed.audit("page.create", format!("page:{}", page.id), &[]);
            Ok(views(conn, vec![page], Some(actor), now, &urls)?.remove(0))
        })
        .await
    }

    /// Applies a partial update. With `expected_version` (`If-Match`), a page edited since is
    /// refused with 412 and nothing is written.
    pub async fn update_page(
        &self,
        caller: Caller,
        key: Key,
        input: PageInput,
        expected_version: Option<i64>,
    ) -> ServiceResult<PageView> {
        let actor = caller.writing()?.actor()?;
        let parsed = self.compute(move || parse_post(input.into())).await?.map_err(ServiceError::Invalid)?;
        let urls = self.site_urls().clone();
        self.db_write(move |conn, now, changed| {
            changed.by(actor);
            let id = page_id(conn, &key)?;
            let page = editable_page(conn, actor, id, now)?;
            if expected_version.is_some_and(|v| v != page.version) {
                return Err(ServiceError::PreconditionFailed);
            }
            let mut changes = PageChanges::default();
            if parsed.status.is_some() || parsed.published_at.is_some() {
                let requested = parsed.status.unwrap_or(page.status_at(now));
                let at = match parsed.published_at {
                    Some(at) => at.map(|t| t.naive_utc()),
                    None => page.published_at,
                };
                let (status, published_at) = publication(requested, at, now)?;
                let moves = (status == PostStatus::Published
                    && (page.status != status || page.published_at != published_at))
                    || (status == PostStatus::Draft && page.status == PostStatus::Published);
                if moves && !actor.can_publish(page.author_id) {
                    return Err(ServiceError::Forbidden(
                        "contributors cannot publish; authors publish only their own pages",
                    ));
                }
                changes.status = Some(status);
                changes.published_at = Some(published_at);
            }
            changes.title = parsed.title.map(colophon_domain::BoundedText::into_string);
            if let Some(wanted) = parsed.slug.filter(|s| *s != page.slug) {
                changes.slug = Some(free_slug(conn, &wanted, Some(page.id))?);
            }
            let old_body = PostHtml::stored(page.body_html.clone());
            let excerpt_was_derived = page.excerpt == old_body.derive_excerpt();
            changes.excerpt = match (parsed.excerpt, parsed.body.as_ref()) {
                (Some(Some(excerpt)), _) => Some(excerpt.into_string()),
                (Some(None), body) => Some(Excerpt::derive(body.map_or(&old_body, |b| &b.html)).into_string()),
                (None, Some(body)) if excerpt_was_derived => Some(Excerpt::derive(&body.html).into_string()),
                (None, _) => None,
            };
            if let Some(body) = parsed.body {
                changes.body_html = Some(body.html.into_string());
                changes.body_markdown = Some(body.markdown);
            }
            if let Some(sidebar) = parsed.sidebar {
                changes.sidebar_id = Some(match sidebar {
                    Some(slug) => Some(find_sidebar_id(conn, &slug)?),
                    None => None,
                });
            }
            changes.meta_title = parsed.seo.meta_title;
            changes.meta_description = parsed.seo.meta_description;
            changes.canonical_url = parsed.seo.canonical_url;
            changes.og_image = parsed.seo.og_image;
            changes.noindex = parsed.seo.noindex;
            let fields = changes.field_names();
            let updated = store::update_page(conn, page.id, page.version, &changes, now)?
                .ok_or(ServiceError::PreconditionFailed)?;
            page_changed(Some(&page), Some(&updated), now, changed);
            changed.audit("page.update", format!("page:{}", page.id), &fields);
            Ok(views(conn, vec![updated], Some(actor), now, &urls)?.remove(0))
        })
        .await
    }

    /// Deletes a page the caller may edit (412 with a stale `expected_version`).
    pub async fn delete_page(&self, caller: Caller, key: Key, expected_version: Option<i64>) -> ServiceResult<()> {
        let actor = caller.writing()?.actor()?;
        self.db_write(move |conn, now, changed| {
            changed.by(actor);
            let id = page_id(conn, &key)?;
            let page = editable_page(conn, actor, id, now)?;
            if expected_version.is_some_and(|v| v != page.version) {
                return Err(ServiceError::PreconditionFailed);
            }
            store::delete_page(conn, page.id)?;
            page_changed(Some(&page), None, now, changed);
            changed.audit("page.delete", format!("page:{}", page.id), &[]);
            Ok(())
        })
        .await
    }
}

fn readable(page: &SitePage, actor: Option<Actor>, now: Timestamp) -> bool {
    page.is_visible_at(now) || actor.is_some_and(|a| a.can_read_unpublished_of(page.author_id))
}

/// A page the actor may edit: 404 when they may not even see it, 403 when they may not change it.
fn editable_page(conn: &mut DbConnection, actor: Actor, id: PageId, now: Timestamp) -> ServiceResult<SitePage> {
    let page = store::find_page(conn, id)?.ok_or(ServiceError::NotFound("page"))?;
    if !readable(&page, Some(actor), now) {
        return Err(ServiceError::NotFound("page"));
    }
    if !actor.can_edit_content(page.author_id, page.status) {
        return Err(ServiceError::Forbidden("you may not edit this page"));
    }
    Ok(page)
}

/// `wanted` when free, else its first free numbered variant (`about-2`).
fn free_slug(conn: &mut DbConnection, wanted: &Slug, for_page: Option<PageId>) -> ServiceResult<Slug> {
    let held_by_another = |conn: &mut DbConnection, slug: &Slug| -> ServiceResult<bool> {
        Ok(match store::find_page_by_slug(conn, slug)? {
            Some(page) => Some(page.id) != for_page,
            None => false,
        })
    };
    if !held_by_another(conn, wanted)? {
        return Ok(wanted.clone());
    }
    for n in 2..=MAX_SLUG_SUFFIX {
        let candidate = wanted.with_suffix(n);
        if !store::page_slug_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(ServiceError::Conflict(format!("every numbered variant of {wanted} is taken")))
}

/// The keys and events of a page change: visible pages show in the page list, the sitemap and
/// their own address; one nobody can read, before or after, changes nothing anyone sees.
fn page_changed(
    before: Option<&SitePage>,
    after: Option<&SitePage>,
    now: Timestamp,
    changed: &mut crate::app::Changed,
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
    let key = format!("page:{}", page.id);
    let gone = |p: &SitePage| serde_json::json!({ "id": p.id.0, "slug": p.slug.as_str() });
    match (visible(before, now), after) {
        (None, Some(a)) if a.is_visible_at(now) => {
            changed.emit(EventKind::PagePublished, key, crate::webhooks::data::page(a));
        }
        (Some(_), Some(a)) if a.is_visible_at(now) => {
            changed.emit(EventKind::PageUpdated, key, crate::webhooks::data::page(a));
        }
        (Some(_), Some(a)) => changed.emit(EventKind::PageUnpublished, key, gone(a)),
        (Some(b), None) => changed.emit(EventKind::PageDeleted, key, gone(b)),
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
    pages
        .into_iter()
        .map(|page| {
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
                editable: actor.is_some_and(|a| a.can_edit_content(page.author_id, page.status)),
                author,
                sidebar,
                page,
            })
        })
        .collect()
}
