//! Cache keys: names for what a response shows, recorded where the data is loaded, and for what a
//! write changes, announced once it commits. A cached response is served only while none of its
//! keys has been invalidated since it was computed. The same names travel between processes in
//! change notifications and are meant for CDN purges (`Surrogate-Key`), so they are stable text.
//!
//! | key | shown by | changed by |
//! |---|---|---|
//! | `post:42` | the post's page, list entries and feed entries of it | any edit of the visible post, its comment count |
//! | `link:42` | previous/next links to the post on its neighbours' pages | its title, slug or date |
//! | `around:42` | which posts are the neighbours of post 42 | a post published, unpublished, re-dated or deleted next to it |
//! | `comments:42` | the post's approved comments (lists, threads, feed) | approving, unapproving, deleting its comments |
//! | `list:posts` | which posts the public list holds, in what order | publishing, unpublishing, re-dating, deleting |
//! | `list:counts` | which posts a list filtered or sorted by comment count holds | a visible post's approved comments counted anew |
//! | `list:published` | what search and the sitemap find: every published post's words, address and date | any change to a visible post |
//! | `page:4`, `list:pages` | a visible page wherever shown / which pages the page list and sitemap hold | editing, publishing, deleting a page |
//! | `tag:x` | a tag's name and description, in post lists and pages too | editing the tag |
//! | `list:tags` | which tags the tag list holds | a tag's first published post, or its last one gone |
//! | `list:author:7`, `list:tag:x` | the same, filtered; an author's post count | the same, for that author or tag; reassigning, retagging |
//! | `author:7` | the author's name, bio and profile wherever shown | editing or deleting the author |
//! | `list:authors` | the author list, and lookups by slug | creating, editing, deleting authors |
//! | `product:3`, `list:products` | products, in sidebars too | editing / creating, deleting products |
//! | `sidebar:5`, `list:sidebars` | sidebars, in post pages too | editing / creating, deleting sidebars |
//!
//! A held or spam comment, a draft, a login or a setting changes no key: nothing a reader sees.

use std::fmt;
use std::hash::{Hash, Hasher};

use colophon_domain::{AuthorId, Post, PostId, ProductId, SidebarId, Slug};

/// One thing a response shows and a write may change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CacheKey {
    /// A visible post itself: its page, list entries and feed entries (`post:42`).
    Post(PostId),
    /// The previous/next links to a post on its neighbours' pages (`link:42`).
    Link(PostId),
    /// Which posts are a post's neighbours (`around:42`).
    Around(PostId),
    /// A post's approved comments, in lists, threads and feeds (`comments:42`).
    Comments(PostId),
    /// Which posts the public list holds, in what order (`list:posts`).
    Posts,
    /// Which posts a list filtered or sorted by comment count holds, in what order
    /// (`list:counts`).
    CommentCounts,
    /// What search and the sitemap find: every visible post's words, address and date
    /// (`list:published`).
    Published,
    /// The public list of one author's posts, and their post count (`list:author:7`).
    AuthorPosts(AuthorId),
    /// The public list of one tag's posts, by the tag's slug (`list:tag:x`).
    TagPosts(String),
    /// A visible page wherever shown (`page:4`).
    Page(colophon_domain::PageId),
    /// Which pages the page list (and the sitemap) holds, and lookups by slug (`list:pages`).
    Pages,
    /// A tag's name and description wherever shown (`tag:x`).
    Tag(String),
    /// Which tags the tag list holds (`list:tags`).
    Tags,
    /// An author's name, bio and profile wherever shown (`author:7`).
    Author(AuthorId),
    /// The author list, and lookups of authors by slug (`list:authors`).
    Authors,
    /// A product wherever shown, sidebars included (`product:3`).
    Product(ProductId),
    /// The product list (`list:products`).
    Products,
    /// A sidebar wherever shown, post pages included (`sidebar:5`).
    Sidebar(SidebarId),
    /// The sidebar list, and lookups of sidebars by slug (`list:sidebars`).
    Sidebars,
}

impl CacheKey {
    /// What kind of key it is, without the id or slug (`post`, `list:tag`): a label for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            CacheKey::Post(_) => "post",
            CacheKey::Link(_) => "link",
            CacheKey::Around(_) => "around",
            CacheKey::Comments(_) => "comments",
            CacheKey::Posts => "list:posts",
            CacheKey::Published => "list:published",
            CacheKey::CommentCounts => "list:counts",
            CacheKey::AuthorPosts(_) => "list:author",
            CacheKey::TagPosts(_) => "list:tag",
            CacheKey::Tag(_) => "tag",
            CacheKey::Page(_) => "page",
            CacheKey::Pages => "list:pages",
            CacheKey::Tags => "list:tags",
            CacheKey::Author(_) => "author",
            CacheKey::Authors => "list:authors",
            CacheKey::Product(_) => "product",
            CacheKey::Products => "list:products",
            CacheKey::Sidebar(_) => "sidebar",
            CacheKey::Sidebars => "list:sidebars",
        }
    }
}

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheKey::Post(id) => write!(f, "post:{id}"),
            CacheKey::Link(id) => write!(f, "link:{id}"),
            CacheKey::Around(id) => write!(f, "around:{id}"),
            CacheKey::Comments(id) => write!(f, "comments:{id}"),
            CacheKey::Posts => f.write_str("list:posts"),
            CacheKey::Published => f.write_str("list:published"),
            CacheKey::CommentCounts => f.write_str("list:counts"),
            CacheKey::AuthorPosts(id) => write!(f, "list:author:{id}"),
            CacheKey::TagPosts(slug) => write!(f, "list:tag:{slug}"),
            CacheKey::Tag(slug) => write!(f, "tag:{slug}"),
            CacheKey::Page(id) => write!(f, "page:{id}"),
            CacheKey::Pages => f.write_str("list:pages"),
            CacheKey::Tags => f.write_str("list:tags"),
            CacheKey::Author(id) => write!(f, "author:{id}"),
            CacheKey::Authors => f.write_str("list:authors"),
            CacheKey::Product(id) => write!(f, "product:{id}"),
            CacheKey::Products => f.write_str("list:products"),
            CacheKey::Sidebar(id) => write!(f, "sidebar:{id}"),
            CacheKey::Sidebars => f.write_str("list:sidebars"),
        }
    }
}

impl std::str::FromStr for CacheKey {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let id = |rest: &str| rest.parse::<i64>().map_err(|_| ());
        Ok(match text.split_once(':').ok_or(())? {
            ("post", rest) => CacheKey::Post(PostId(id(rest)?)),
            ("link", rest) => CacheKey::Link(PostId(id(rest)?)),
            ("around", rest) => CacheKey::Around(PostId(id(rest)?)),
            ("comments", rest) => CacheKey::Comments(PostId(id(rest)?)),
            ("author", rest) => CacheKey::Author(AuthorId(id(rest)?)),
            ("product", rest) => CacheKey::Product(ProductId(id(rest)?)),
            ("sidebar", rest) => CacheKey::Sidebar(SidebarId(id(rest)?)),
            ("tag", slug) if Slug::parse(slug).is_ok() => CacheKey::Tag(slug.to_string()),
            ("page", rest) => CacheKey::Page(colophon_domain::PageId(id(rest)?)),
            ("list", "pages") => CacheKey::Pages,
            ("list", "tags") => CacheKey::Tags,
            ("list", "posts") => CacheKey::Posts,
            ("list", "published") => CacheKey::Published,
            ("list", "counts") => CacheKey::CommentCounts,
            ("list", "authors") => CacheKey::Authors,
            ("list", "products") => CacheKey::Products,
            ("list", "sidebars") => CacheKey::Sidebars,
            ("list", rest) => match rest.split_once(':').ok_or(())? {
                ("author", rest) => CacheKey::AuthorPosts(AuthorId(id(rest)?)),
                ("tag", slug) if Slug::parse(slug).is_ok() => CacheKey::TagPosts(slug.to_string()),
                _ => return Err(()),
            },
            _ => return Err(()),
        })
    }
}

/// Freshness is tracked per slot, not per key: a fixed table whatever the number of posts.
/// Two keys sharing a slot only cost a needless miss.
pub const SLOTS: usize = 1 << 16;

impl CacheKey {
    /// The slot this key's invalidations are counted in.
    pub fn slot(&self) -> u32 {
        // FNV-1a over the key's text: stable across processes and releases.
        struct Fnv(u64);
        impl Hasher for Fnv {
            fn finish(&self) -> u64 {
                self.0
            }
            fn write(&mut self, bytes: &[u8]) {
                for byte in bytes {
                    self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
        let mut hasher = Fnv(0xcbf2_9ce4_8422_2325);
        self.to_string().hash(&mut hasher);
        (hasher.finish() as usize % SLOTS) as u32
    }

    /// What changes with the visible post `post` (not its place in the order).
    pub fn post_content(post: &Post) -> [CacheKey; 2] {
        [CacheKey::Post(post.id), CacheKey::Link(post.id)]
    }
}

/// Something a read returns, naming the keys of what it shows.
pub trait Shows {
    fn shows(&self, keys: &mut Vec<CacheKey>);
}

impl<T: Shows> Shows for Vec<T> {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        for item in self {
            item.shows(keys);
        }
    }
}

impl<T: Shows> Shows for Option<T> {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        if let Some(item) = self {
            item.shows(keys);
        }
    }
}

impl<T: Shows> Shows for crate::CursorPage<T> {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        self.items.shows(keys);
    }
}

impl Shows for Post {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Post(self.id));
    }
}

impl Shows for colophon_domain::PostLink {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Link(self.id));
    }
}

impl Shows for colophon_domain::Author {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Author(self.id));
    }
}

impl Shows for colophon_domain::Product {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Product(self.id));
    }
}

impl Shows for colophon_domain::Comment {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Comments(self.post_id));
    }
}

impl Shows for crate::PostSummary {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        self.post.shows(keys);
        self.author.shows(keys);
        self.tags.shows(keys);
    }
}

impl Shows for colophon_domain::Tag {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Tag(self.slug.as_str().to_string()));
    }
}

impl Shows for crate::TagView {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        self.tag.shows(keys);
        keys.push(CacheKey::TagPosts(self.tag.slug.as_str().to_string()));
    }
}

impl Shows for crate::PostDetail {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        self.summary.shows(keys);
        keys.push(CacheKey::Around(self.summary.post.id));
        self.previous.shows(keys);
        self.next.shows(keys);
        self.sidebar.shows(keys);
        if self.comments.is_some() {
            keys.push(CacheKey::Comments(self.summary.post.id));
        }
        if let Some(related) = &self.related {
            // Which posts are related changes with the lists of the post's tags.
            keys.extend(self.summary.tags.iter().map(|t| CacheKey::TagPosts(t.slug.as_str().to_string())));
            related.shows(keys);
        }
    }
}

impl Shows for crate::PageView {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Page(self.page.id));
        self.author.shows(keys);
        self.sidebar.shows(keys);
    }
}

impl Shows for crate::AuthorProfile {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        self.author.shows(keys);
        keys.push(CacheKey::AuthorPosts(self.author.id));
    }
}

impl Shows for crate::SidebarView {
    fn shows(&self, keys: &mut Vec<CacheKey>) {
        keys.push(CacheKey::Sidebar(self.id));
        for widget in &self.widgets {
            match widget {
                crate::WidgetView::Product(product) => product.shows(keys),
                crate::WidgetView::AuthorBio(author) => author.shows(keys),
                crate::WidgetView::Html(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_text() {
        let keys = [
            CacheKey::Post(PostId(42)),
            CacheKey::Link(PostId(1)),
            CacheKey::Around(PostId(7)),
            CacheKey::Comments(PostId(42)),
            CacheKey::Posts,
            CacheKey::Published,
            CacheKey::CommentCounts,
            CacheKey::AuthorPosts(AuthorId(7)),
            CacheKey::TagPosts("social-networking".into()),
            CacheKey::Tag("bowling".into()),
            CacheKey::Page(colophon_domain::PageId(4)),
            CacheKey::Pages,
            CacheKey::Tags,
            CacheKey::Author(AuthorId(7)),
            CacheKey::Authors,
            CacheKey::Product(ProductId(3)),
            CacheKey::Products,
            CacheKey::Sidebar(SidebarId(1)),
            CacheKey::Sidebars,
        ];
        for key in keys {
            assert_eq!(key.to_string().parse::<CacheKey>(), Ok(key.clone()), "{key}");
            assert!((key.slot() as usize) < SLOTS);
        }
        assert_eq!(CacheKey::Post(PostId(42)).to_string(), "post:42");
        for bad in ["", "post", "post:x", "list:tag:Not A Slug", "nope:1", "list:author:x"] {
            assert!(bad.parse::<CacheKey>().is_err(), "{bad}");
        }
        assert_ne!(CacheKey::Post(PostId(1)).slot(), CacheKey::Post(PostId(2)).slot());
    }
}
