//! Colophon's persistence: one diesel code path over PostgreSQL and SQLite.
//!
//! Every function takes a `&mut DbConnection` and returns domain types; the service layer
//! decides what runs in which transaction and on which thread.

mod api_keys;
mod archive;
mod audit;
mod authors;
mod batches;
mod bulk;
mod changes;
pub mod columns;
mod comments;
mod connection;
mod content;
mod counter;
mod error;
mod fields;
pub mod id_columns;
mod imports;
mod media;
mod migrate;
mod moderation;
mod neighbours;
mod pages;
#[cfg(test)]
mod plans;
mod post_graph_json;
mod post_json;
mod post_page_json;
mod post_query;
mod posts;
mod previews;
mod products;
mod rate_limits;
mod redirects;
mod related;
mod revisions;
mod rows;
pub mod schema;
mod search;
mod sessions;
mod sidebars;
mod tags;
mod transaction;
mod wal;
mod webhooks;

pub use api_keys::*;
pub use archive::*;
pub use audit::*;
pub use authors::*;
pub use batches::{Neighbours, approved_comments_of_posts, neighbours_of_posts};
pub use bulk::*;
pub use changes::{
    ANNOUNCEMENTS_KEPT_SECONDS, ChangeListener, Heard, KeyedWrite, begin_keyed_write, finish_keyed_write,
};
pub use comments::*;
pub use connection::{
    DatabaseTarget, DbConnection, Pool, PoolSettings, PooledConnection, build_pool, connect, lazy_pool, ping,
};
pub use content::{ContentChanges, NewContent, SeoChanges, StoredBody};
pub use counter::QueryCounter;
pub use error::StoreError;
pub use fields::*;
pub use imports::*;
pub use media::*;
pub use migrate::{applied_migrations, run_migrations};
pub use moderation::*;
pub use neighbours::neighbours;
pub use pages::*;
pub use post_graph_json::GraphPost;
pub use post_json::{JsonPost, ListShape, list_matching_json};
pub use post_page_json::{JsonPage, PageKey, Shows, post_page_graph, post_page_json};
pub use post_query::{SortedPosition, list_matching};
pub use posts::PostRow;
pub use posts::*;
pub use previews::*;
pub use products::*;
pub use rate_limits::*;
pub use redirects::*;
pub use related::*;
pub use revisions::*;
pub use rows::{CommentRow, ProductRow, SidebarRow, TagRow};
pub use search::*;
pub use sessions::*;
pub use sidebars::*;
pub use tags::*;
pub use transaction::{WriteGate, read_snapshot, write_transaction};
pub use wal::{current_wal_lsn, parse_lsn, replay_lsn};
pub use webhooks::*;

/// The names whose flag is set, in order: the fields a set of changes touches (for the audit log).
pub(crate) fn names_set(fields: &[(&'static str, bool)]) -> Vec<&'static str> {
    fields.iter().filter(|(_, set)| *set).map(|(name, _)| *name).collect()
}

/// Result of every store function.
pub type StoreResult<T> = Result<T, StoreError>;
