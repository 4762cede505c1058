use crate::{AuthorId, ProductId, SidebarId, Slug, Timestamp};

crate::words::words! {
    /// What a sidebar widget shows.
    pub enum WidgetKind {
        /// A product's card.
        Product = "product",
        /// An author's name and bio.
        AuthorBio = "author_bio",
        /// A block of editor-written HTML.
        Html = "html",
    }
}

/// One block of a sidebar, in the order it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    /// The card of this product.
    Product(ProductId),
    /// This author's name and bio.
    AuthorBio(AuthorId),
    /// Editor-written HTML, sanitized when stored.
    Html(String),
}

impl Widget {
    /// What the widget shows, without the value.
    pub fn kind(&self) -> WidgetKind {
        match self {
            Widget::Product(_) => WidgetKind::Product,
            Widget::AuthorBio(_) => WidgetKind::AuthorBio,
            Widget::Html(_) => WidgetKind::Html,
        }
    }
}

/// A named column of widgets, shown beside the posts that choose it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sidebar {
    /// The sidebar's id, by which posts name it.
    pub id: SidebarId,
    /// The path segment that addresses the sidebar.
    pub slug: Slug,
    /// The heading shown above the widgets.
    pub title: String,
    /// The widgets, in the order shown.
    pub widgets: Vec<Widget>,
    /// When the sidebar was created.
    pub created_at: Timestamp,
    /// When the sidebar was last changed.
    pub updated_at: Timestamp,
}
