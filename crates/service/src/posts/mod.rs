mod changes;
mod feed;
mod get;
mod input;
mod list;
mod related;
mod search;
mod write;

pub use feed::{FeedOf, FeedView, Sitemap, SitemapUrl};
pub use get::Lookup;
pub use input::{FeaturedImageInput, PostInput, SeoInput};
pub(crate) use input::{addressable_slug, parse as parse_post};
pub use list::PostListQuery;
pub use related::{RELATED_DEFAULT, RELATED_MAX};
pub(crate) use related::{related, related_limit};
pub(crate) use search::prepare_search;
pub use search::{PostSearch, SearchResult};
pub(crate) use write::{find_sidebar_id, publication};
