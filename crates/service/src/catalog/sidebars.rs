use std::collections::HashMap;

use colophon_domain::{Author, AuthorId, Page, Product, ProductId, Sidebar, SidebarId, Widget};
use colophon_store::{self as store, DbConnection};

use crate::Paging;
use crate::SlugKey;
use crate::cache_keys::CacheKey;
use crate::{Colophon, CursorPage, ServiceError, ServiceResult, SidebarView, WidgetView};

const LIST: &str = "sidebars";

impl Colophon {
    /// Sidebars in the order they were created, their widgets resolved.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_sidebars(&self, paging: Paging) -> ServiceResult<CursorPage<SidebarView>> {
        let Paging { limit, cursor } = paging;
        let (limit, after) = self.id_page_args(LIST, limit, cursor)?;
        let codec = self.cursors().clone();
        let page = self
            .db(move |conn, _| {
                let rows = store::list_sidebars(conn, after.map(SidebarId), limit.probe())?;
                let page = Page::from_probe(rows, limit, |s| s.id.0);
                let next_cursor = page.next.map(|id| codec.encode(LIST, &[id]));
                Ok(CursorPage { items: resolve_sidebars(conn, page.items)?, next_cursor })
            })
            .await?;
        self.saw(&page);
        self.saw_key(CacheKey::Sidebars);
        Ok(page)
    }

    /// One sidebar by slug, its widgets resolved.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_sidebar(&self, slug: SlugKey) -> ServiceResult<SidebarView> {
        let sidebar = self
            .db(move |conn, _| {
                let slug = slug.found("sidebar")?;
                let sidebar = store::find_sidebar_by_slug(conn, &slug)?.ok_or(ServiceError::NotFound("sidebar"))?;
                resolve_sidebars(conn, vec![sidebar])?.pop().ok_or(ServiceError::NotFound("sidebar"))
            })
            .await;
        // Found by slug: every sidebar write announces the list key.
        self.saw_key(CacheKey::Sidebars);
        self.saw_found(sidebar, CacheKey::Sidebars)
    }

    /// Sidebars by id, resolved (for GraphQL's batched loader).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn sidebars_by_ids(&self, ids: Vec<SidebarId>) -> ServiceResult<Vec<SidebarView>> {
        let sidebars = self
            .db(move |conn, _| {
                let sidebars = store::sidebars_by_ids(conn, &ids)?;
                resolve_sidebars(conn, sidebars)
            })
            .await?;
        self.saw(&sidebars);
        Ok(sidebars)
    }
}

/// Replaces widget references by the products and authors they show: two queries for any
/// number of sidebars.
pub(crate) fn resolve_sidebars(conn: &mut DbConnection, sidebars: Vec<Sidebar>) -> ServiceResult<Vec<SidebarView>> {
    let widgets = || sidebars.iter().flat_map(|s| s.widgets.iter());
    let product_ids: Vec<_> =
        widgets().filter_map(|w| if let Widget::Product(id) = w { Some(*id) } else { None }).collect();
    let author_ids: Vec<_> = sidebars.iter().flat_map(widget_authors).collect();
    let products: HashMap<_, _> = store::products_by_ids(conn, &product_ids)?.into_iter().map(|p| (p.id, p)).collect();
    let authors: HashMap<_, _> = store::authors_by_ids(conn, &author_ids)?.into_iter().map(|a| (a.id, a)).collect();
    Ok(sidebars.into_iter().map(|sidebar| assemble(sidebar, &products, &authors)).collect())
}

/// The authors a sidebar's bio widgets show.
pub(crate) fn widget_authors(sidebar: &Sidebar) -> Vec<AuthorId> {
    sidebar.widgets.iter().filter_map(|w| if let Widget::AuthorBio(id) = w { Some(*id) } else { None }).collect()
}

/// A sidebar with its widgets resolved from fetched products and authors. A widget whose
/// product or author is gone is left out.
pub(crate) fn assemble(
    sidebar: Sidebar,
    products: &HashMap<ProductId, Product>,
    authors: &HashMap<AuthorId, Author>,
) -> SidebarView {
    SidebarView {
        id: sidebar.id,
        slug: sidebar.slug,
        title: sidebar.title,
        widgets: sidebar
            .widgets
            .into_iter()
            .filter_map(|widget| match widget {
                Widget::Product(id) => products.get(&id).cloned().map(WidgetView::Product),
                Widget::AuthorBio(id) => authors.get(&id).cloned().map(WidgetView::AuthorBio),
                Widget::Html(html) => Some(WidgetView::Html(html)),
            })
            .collect(),
    }
}
