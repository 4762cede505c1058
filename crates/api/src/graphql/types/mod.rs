mod catalog;
mod people;
mod post;

pub use catalog::{ProductNode, SidebarNode};
pub use people::{AuthorNode, CommentNode};
pub use post::PostNode;
