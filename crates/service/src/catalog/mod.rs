//! Products and sidebars: the catalogue that fills the column beside a post.

mod product_write;
mod products;
mod sidebar_write;
mod sidebars;

pub use product_write::ProductInput;
pub(crate) use product_write::{curating_writer, curator};
pub use sidebar_write::{SidebarInput, WidgetInput};
pub(crate) use sidebars::{assemble, widget_authors};
