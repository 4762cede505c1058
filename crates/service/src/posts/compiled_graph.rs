//! A GraphQL `post(slug:)` answered by the read compiler: the document's selection becomes one
//! statement that returns the field's whole answer, in the document's keys and order.

use colophon_domain::Selection;
use colophon_store::{self as store, GraphPost};

use crate::{Colophon, Key, ServiceResult};

impl Colophon {
    /// The `post` field's answer as JSON, when the post is published and every field selected
    /// is one the compiler writes; `None` otherwise (the resolvers answer those, drafts and
    /// renamed posts included).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn post_graph_json(&self, key: Key, selection: &Selection) -> ServiceResult<Option<String>> {
        let Some(post) = GraphPost::compile(selection, &self.site_urls().posts) else { return Ok(None) };
        let Some(key) = super::compiled_page::page_key(key) else { return Ok(None) };
        let shows = post.shows;
        let found = self.db(move |conn, now| Ok(store::post_page_graph(conn, &key, now, &post)?)).await?;
        let Some(page) = found else { return Ok(None) };
        self.saw_page(&page, shows);
        Ok(Some(page.json))
    }
}
