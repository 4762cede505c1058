mod list;
mod moderate;
mod settings;
mod submit;

pub use list::CommentOrder;
pub use moderate::QueueQuery;
pub use settings::{CommentSettings, ModerationMode, SiteSettings};
pub use submit::{ClientInfo, CommentInput};
