use async_graphql::{ID, Object, SimpleObject};
use colophon_domain::Product;
use colophon_service::{SidebarView, WidgetView};

use super::{AuthorNode, WidgetKindEnum};

#[derive(SimpleObject)]
#[graphql(name = "Product")]
pub struct ProductNode {
    id: ID,
    title: String,
    url: Option<String>,
    image_url: Option<String>,
    /// The picture with its alt text, credit and, for a media item, its size.
    image: Option<super::post::FeaturedImageNode>,
    /// The word before the names: "starring".
    contributor_label: Option<String>,
    contributors: Vec<String>,
    edition: Option<String>,
}

impl From<Product> for ProductNode {
    fn from(p: Product) -> Self {
        Self {
            id: ID(p.id.0.to_string()),
            title: p.title,
            url: p.url,
            image_url: p.image.as_ref().and_then(|i| i.url.clone()),
            image: p.image.map(Into::into),
            contributor_label: p.contributor_label,
            contributors: p.contributors,
            edition: p.edition,
        }
    }
}

/// One block of a sidebar; the field named by `kind` is set.
pub struct WidgetNode(WidgetView);

#[Object(name = "Widget")]
impl WidgetNode {
    async fn kind(&self) -> WidgetKindEnum {
        match self.0 {
            WidgetView::Product(_) => WidgetKindEnum::Product,
            WidgetView::AuthorBio(_) => WidgetKindEnum::AuthorBio,
            WidgetView::Html(_) => WidgetKindEnum::Html,
        }
    }

    async fn product(&self) -> Option<ProductNode> {
        match &self.0 {
            WidgetView::Product(p) => Some(p.clone().into()),
            _ => None,
        }
    }

    async fn author(&self) -> Option<AuthorNode> {
        match &self.0 {
            WidgetView::AuthorBio(a) => Some(a.clone().into()),
            _ => None,
        }
    }

    async fn html(&self) -> Option<&str> {
        match &self.0 {
            WidgetView::Html(h) => Some(h),
            _ => None,
        }
    }
}

pub struct SidebarNode(SidebarView);

impl From<SidebarView> for SidebarNode {
    fn from(s: SidebarView) -> Self {
        Self(s)
    }
}

#[Object(name = "Sidebar")]
impl SidebarNode {
    async fn id(&self) -> ID {
        ID(self.0.id.0.to_string())
    }

    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// In display order.
    async fn widgets(&self) -> Vec<WidgetNode> {
        self.0.widgets.iter().cloned().map(WidgetNode).collect()
    }
}
