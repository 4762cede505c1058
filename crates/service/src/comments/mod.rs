mod list;
pub(crate) use list::encode as comment_cursor;
mod moderate;
mod settings;
mod submit;

pub use moderate::QueueQuery;
pub use settings::{CommentSettings, NewBlockRule, SiteSettings};
pub use submit::{ClientInfo, CommentInput};
