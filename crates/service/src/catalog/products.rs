use colophon_domain::{Page, PageLimit, Product, ProductId};
use colophon_store as store;

use crate::Paging;
use crate::cache_keys::CacheKey;
use crate::{Colophon, CursorPage, ServiceError, ServiceResult};

const LIST: &str = "products";

impl Colophon {
    /// Products in the order they were added.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_products(&self, paging: Paging) -> ServiceResult<CursorPage<Product>> {
        let Paging { limit, cursor } = paging;
        let (limit, after) = self.id_page_args(LIST, limit, cursor)?;
        let codec = self.cursors().clone();
        let page = self
            .db(move |conn, _| {
                let rows = store::list_products(conn, after.map(ProductId), limit.probe())?;
                let page = Page::from_probe(rows, limit, |p| p.id.0);
                Ok(CursorPage { next_cursor: page.next.map(|id| codec.encode(LIST, &[id])), items: page.items })
            })
            .await?;
        self.saw(&page);
        self.saw_key(CacheKey::Products);
        Ok(page)
    }

    /// One product by id.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_product(&self, id: ProductId) -> ServiceResult<Product> {
        let product =
            self.db(move |conn, _| store::find_product(conn, id)?.ok_or(ServiceError::NotFound("product"))).await;
        self.saw_found(product, CacheKey::Products)
    }

    /// Parses the limit and cursor of a list ordered by id.
    pub(crate) fn id_page_args(
        &self,
        list: &str,
        limit: Option<i64>,
        cursor: Option<String>,
    ) -> ServiceResult<(PageLimit, Option<i64>)> {
        let limit = PageLimit::parse(limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let after = match cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(self.cursors().decode::<1>(list, cursor)?[0]),
        };
        Ok((limit, after))
    }
}
