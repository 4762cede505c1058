//! Products and sidebars: the catalogue that fills the column beside a post.

mod products;
mod sidebars;

pub(crate) use sidebars::resolve_sidebars;
