//! Read models: what a use case returns, entities joined with what a reader needs beside them.

use colophon_domain::{Author, Post, PostLink, PostStatus, Product, SidebarId, Slug, Tag};

/// One page of a list and the opaque cursor of the next page, if there is one.
#[derive(Debug, Clone)]
pub struct CursorPage<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A post in a list: with its author and tags, without previous/next or sidebar.
#[derive(Debug, Clone)]
pub struct PostSummary {
    pub post: Post,
    /// The status the caller sees now (a future `published_at` reads as scheduled).
    pub status: PostStatus,
    pub author: Author,
    pub tags: Vec<Tag>,
}

/// Everything the page of one post shows.
#[derive(Debug, Clone)]
pub struct PostDetail {
    pub summary: PostSummary,
    pub previous: Option<PostLink>,
    pub next: Option<PostLink>,
    pub sidebar: Option<SidebarView>,
    /// Whether the caller may edit the post (and so sees its Markdown source).
    pub editable: bool,
    /// The first page of its approved comments, when asked for (`include=comments`).
    pub comments: Option<CursorPage<colophon_domain::Comment>>,
}

/// Which comments to bring with a post's page: the first page, of this size and order.
#[derive(Debug, Clone, Copy)]
pub struct IncludedComments {
    pub limit: Option<i64>,
    pub order: colophon_domain::CommentOrder,
}

/// A public author profile.
#[derive(Debug, Clone)]
pub struct AuthorProfile {
    pub author: Author,
    /// Posts the public can read.
    pub post_count: i64,
}

/// A sidebar with its widgets resolved to what they show.
#[derive(Debug, Clone)]
pub struct SidebarView {
    pub id: SidebarId,
    pub slug: Slug,
    pub title: String,
    pub widgets: Vec<WidgetView>,
}

#[derive(Debug, Clone)]
pub enum WidgetView {
    Product(Product),
    AuthorBio(Author),
    Html(String),
}

impl WidgetView {
    pub fn kind(&self) -> &'static str {
        match self {
            WidgetView::Product(_) => "product",
            WidgetView::AuthorBio(_) => "author_bio",
            WidgetView::Html(_) => "html",
        }
    }
}
