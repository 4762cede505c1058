#![warn(missing_docs)]
//! Importers: a WordPress or Squarespace export (WXR, streamed with quick-xml) and a Ghost
//! export (JSON), read and checked here and written through the service's import calls, as the
//! command line uses them. Nothing here touches the database itself.

mod ghost;
mod ghost_render;
mod wxr;
mod wxr_plan;
mod wxr_reader;

pub use ghost::{GhostImportOptions, import_ghost};
pub use wxr::{WxrImportOptions, check_wxr_file, import_wxr};
