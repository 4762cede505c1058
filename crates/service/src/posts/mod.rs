mod changes;
mod get;
mod input;
mod list;
mod write;

pub use get::Lookup;
pub use input::{FeaturedImageInput, PostInput};
pub use list::PostListQuery;
