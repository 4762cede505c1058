mod catalog;
mod people;
mod post;

pub use catalog::{ProductNode, SidebarNode, WidgetKind};
pub use people::{AuthorNode, CommentNode, CommentStatusEnum, MeNode};
pub use post::{PostNode, PostStatusEnum};
