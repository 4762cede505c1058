mod changes;
mod get;
mod input;
mod list;
mod search;
mod write;

pub use get::Lookup;
pub(crate) use input::addressable_slug;
pub use input::{FeaturedImageInput, PostInput};
pub use list::PostListQuery;
pub(crate) use search::prepare_search;
pub use search::{PostSearch, SearchResult};
