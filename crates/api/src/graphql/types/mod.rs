mod catalog;
mod date_time;
mod people;
mod post;

pub use catalog::{ProductNode, SidebarNode, WidgetKind};
pub use date_time::DateTime;
pub use people::{AuthorNode, CommentNode, CommentStatusEnum, MeNode};
pub use post::{PostNode, PostStatusEnum};
