//! Standalone pages in GraphQL: read whole (author and sidebar come with them), written like posts.

use async_graphql::{Context, ID, Object};
use colophon_service::{Colophon, PageView};

use super::custom_fields::{CustomFieldsNode, PageFields, SchemaFields};
use super::{AuthorNode, DateTime, PostStatusEnum, SidebarNode};
use crate::graphql::types::post::SeoNode;

/// A standalone page (About, Contact): never in post lists, feeds or previous/next.
pub struct PageNode(pub PageView);

#[Object(name = "Page")]
impl PageNode {
    async fn id(&self) -> ID {
        ID(self.0.page.id.0.to_string())
    }

    async fn slug(&self) -> &str {
        self.0.page.slug.as_str()
    }

    async fn title(&self) -> &str {
        &self.0.page.title
    }

    /// Plain text.
    async fn excerpt(&self) -> &str {
        &self.0.page.excerpt
    }

    /// The body, sanitized HTML.
    async fn body_html(&self) -> &str {
        &self.0.page.body_html
    }

    /// The Markdown source, for those who may edit the page (null otherwise).
    async fn body_markdown(&self) -> Option<&str> {
        self.0.editable.then_some(self.0.page.body_markdown.as_deref()).flatten()
    }

    async fn status(&self) -> PostStatusEnum {
        self.0.status.into()
    }

    async fn published_at(&self) -> Option<DateTime> {
        self.0.page.published_at.map(|t| DateTime(t.and_utc()))
    }

    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.page.updated_at.and_utc())
    }

    /// Bumped by every edit; pass it as `expectedVersion` to `updatePage`.
    async fn version(&self) -> i64 {
        self.0.page.version
    }

    async fn author(&self) -> AuthorNode {
        self.0.author.clone().into()
    }

    async fn sidebar(&self) -> Option<SidebarNode> {
        self.0.sidebar.clone().map(SidebarNode::from)
    }

    /// Where the frontend shows the page (COLOPHON_PAGE_URL; by default this API's address of it).
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// The site's own fields (GET /api/v1/fields), typed: public ones, and to staff all.
    async fn custom_fields(&self, ctx: &Context<'_>) -> CustomFieldsNode<PageFields> {
        let fields = ctx.data_unchecked::<SchemaFields>();
        CustomFieldsNode::new(self.0.custom_fields.clone(), fields)
    }

    async fn seo(&self) -> SeoNode {
        let page = &self.0.page;
        SeoNode::from(page.seo.effective(&page.title, &page.excerpt, self.0.url.as_deref(), None))
    }
}

/// The cursor a page's edge carries.
pub fn page_cursor(colophon: &Colophon, view: &PageView) -> String {
    colophon.page_cursor(&view.page)
}
