use crate::{AuthorId, ProductId, SidebarId, Slug, Timestamp};

/// One block of a sidebar, in the order it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    Product(ProductId),
    AuthorBio(AuthorId),
    /// Editor-written HTML, sanitized when stored.
    Html(String),
}

impl Widget {
    pub fn kind(&self) -> &'static str {
        match self {
            Widget::Product(_) => "product",
            Widget::AuthorBio(_) => "author_bio",
            Widget::Html(_) => "html",
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
