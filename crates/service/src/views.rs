//! Read models: what a use case returns, entities joined with what a reader needs beside them.

use colophon_domain::{Author, Post, PostLink, PostStatus, Product, SidebarId, Slug, Tag};

/// One page of a list and the opaque cursor of the next page, if there is one.
#[derive(Debug, Clone)]
pub struct CursorPage<T> {
    /// The page's items, in list order.
    pub items: Vec<T>,
    /// Pass it back for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A post in a list: with its author and tags, without previous/next or sidebar.
#[derive(Debug, Clone)]
pub struct PostSummary {
    /// The post as stored.
    pub post: Post,
    /// The status the caller sees now (a future `published_at` reads as scheduled).
    pub status: PostStatus,
    /// The author the post is published under.
    pub author: Author,
    /// The post's tags.
    pub tags: Vec<Tag>,
    /// Where the frontend shows it (`COLOPHON_POST_URL`); `None` for a draft without a date when
    /// the address needs one.
    pub url: Option<String>,
    /// The site's own fields' values the caller may see, by name.
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
}

/// Everything the page of one post shows.
#[derive(Debug, Clone)]
pub struct PostDetail {
    /// The post, with its author and tags.
    pub summary: PostSummary,
    /// The published post just before it (older), if any.
    pub previous: Option<PostLink>,
    /// The published post just after it (newer), if any.
    pub next: Option<PostLink>,
    /// The sidebar shown beside the post, its widgets resolved.
    pub sidebar: Option<SidebarView>,
    /// Whether the caller may edit the post (and so sees its Markdown source).
    pub editable: bool,
    /// The first page of its approved comments, when asked for (`include=comments`).
    pub comments: Option<CursorPage<colophon_domain::Comment>>,
    /// Other published posts sharing the most tags, then the newest, when asked for
    /// (`include=related`).
    pub related: Option<Vec<Post>>,
}

/// What a post's page brings besides the post: its first comments, its related posts.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageIncludes {
    /// The first page of comments.
    pub comments: Option<IncludedComments>,
    /// How many related posts (1 to 10).
    pub related: Option<i64>,
}

/// Which comments to bring with a post's page: the first page, of this size and order.
#[derive(Debug, Clone, Copy)]
pub struct IncludedComments {
    /// Comments per page, 1 to 100 (20 when absent).
    pub limit: Option<i64>,
    /// Oldest first, or threaded.
    pub order: colophon_domain::CommentOrder,
}

/// A public author profile.
#[derive(Debug, Clone)]
pub struct AuthorProfile {
    /// The author's record: its private fields (e-mail, role) are not for a public profile.
    pub author: Author,
    /// Posts the public can read.
    pub post_count: i64,
}

/// A sidebar with its widgets resolved to what they show.
#[derive(Debug, Clone)]
pub struct SidebarView {
    /// The sidebar's id.
    pub id: SidebarId,
    /// The path segment that addresses the sidebar.
    pub slug: Slug,
    /// The heading shown above the widgets.
    pub title: String,
    /// The widgets, in the order shown; one whose product or author is gone is left out.
    pub widgets: Vec<WidgetView>,
}

/// A sidebar widget, with what it shows loaded.
#[derive(Debug, Clone)]
pub enum WidgetView {
    /// A product's card.
    Product(Product),
    /// An author's name and bio (the record holds private fields too).
    AuthorBio(Author),
    /// Editor-written HTML, sanitized when it was stored.
    Html(String),
}

impl WidgetView {
    /// The widget's kind as clients spell it (`product`, `author_bio`, `html`).
    pub fn kind(&self) -> &'static str {
        match self {
            WidgetView::Product(_) => "product",
            WidgetView::AuthorBio(_) => "author_bio",
            WidgetView::Html(_) => "html",
        }
    }
}

/// Where the frontend shows posts and pages: `COLOPHON_POST_URL` and `COLOPHON_PAGE_URL`, by
/// default the API's own address of each (there is no frontend to name until one is set).
#[derive(Debug, Clone)]
pub struct SiteUrls {
    /// A post's address.
    pub posts: colophon_domain::UrlTemplate,
    /// A page's address.
    pub pages: colophon_domain::UrlTemplate,
}

impl SiteUrls {
    /// The API's addresses under `public_url` (`http://127.0.0.1:8080`).
    pub fn api(public_url: &str) -> Result<Self, String> {
        let base = public_url.trim_end_matches('/');
        Ok(Self {
            posts: colophon_domain::UrlTemplate::parse(&format!("{base}/api/v1/posts/{{slug}}"))?,
            pages: colophon_domain::UrlTemplate::parse(&format!("{base}/api/v1/pages/{{slug}}"))?,
        })
    }

    /// A post's public address.
    pub fn post(&self, post: &Post) -> Option<String> {
        self.posts.render(post.slug.as_str(), post.id.0, post.published_at)
    }
}

/// What changed between two states of a post (a revision, or the post as it is now).
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionDiff {
    /// The older side's revision number; `None` for the current post.
    pub from: Option<i64>,
    /// The newer side's revision number; `None` for the current post.
    pub to: Option<i64>,
    /// The names of the fields that differ.
    pub fields: Vec<String>,
    /// Each differing field but the body, with its value on each side.
    pub changes: Vec<(String, serde_json::Value, serde_json::Value)>,
    /// A unified line diff of the body's source (Markdown when both sides have it, else HTML);
    /// `None` when the bodies are the same.
    pub body: Option<String>,
}

/// A preview link as its creator sees it; the token only when it was just made.
#[derive(Debug, Clone)]
pub struct PreviewLinkView {
    /// The link as stored.
    pub link: colophon_domain::PreviewLink,
    /// The token, shown once: when the link is created.
    pub token: Option<String>,
}

/// A media item and where it is served.
#[derive(Debug, Clone)]
pub struct MediaView {
    /// The item.
    pub item: colophon_domain::MediaItem,
    /// Its absolute URL.
    pub url: String,
}
