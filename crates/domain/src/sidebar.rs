use crate::{AuthorId, ProductId, SidebarId, Slug, Timestamp};

crate::words::words! {
    /// What a sidebar widget shows.
    pub enum WidgetKind {
        Product = "product",
        AuthorBio = "author_bio",
        Html = "html",
    }
}

/// One block of a sidebar, in the order it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    Product(ProductId),
    AuthorBio(AuthorId),
    /// Editor-written HTML, sanitized when stored.
    Html(String),
}

impl Widget {
    pub fn kind(&self) -> WidgetKind {
        match self {
            Widget::Product(_) => WidgetKind::Product,
            Widget::AuthorBio(_) => WidgetKind::AuthorBio,
            Widget::Html(_) => WidgetKind::Html,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sidebar {
    pub id: SidebarId,
    pub slug: Slug,
    pub title: String,
    pub widgets: Vec<Widget>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
