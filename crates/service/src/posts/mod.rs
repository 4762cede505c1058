mod get;
mod list;

pub use list::PostListQuery;
