mod changes;
mod feed;
mod get;
mod input;
mod list;
mod search;
mod write;

pub use feed::{FeedOf, FeedView, Sitemap, SitemapUrl};
pub use get::Lookup;
pub(crate) use input::addressable_slug;
pub use input::{FeaturedImageInput, PostInput, SeoInput};
pub use list::PostListQuery;
pub(crate) use search::prepare_search;
pub use search::{PostSearch, SearchResult};
