#![warn(missing_docs)]
//! Colophon's use cases. Every rule and every permission check lives here, once; the REST
//! handlers and GraphQL resolvers of `colophon-api` are thin adapters over these functions.
//!
//! Functions are `async` for their callers but run diesel on tokio's blocking pool, never on
//! an async worker thread.

mod app;
mod audit;
mod auth;
mod authors;
mod cache_keys;
mod catalog;
mod clock;
mod comments;
mod content;
mod cursor;
mod demo;
mod error;
mod fields;
mod freshness;
mod import;
mod keys;
mod media;
mod metrics;
mod pages;
mod posts;
mod rate_limit;
mod redirects;
mod replicas;
mod tags;
mod views;
mod webhooks;
mod write;

pub use app::{Colophon, ColophonConfig, Reads};
pub use audit::{AuditQuery, REQUEST_ID};
pub use auth::{ApiKeyInput, AuthSettings, Caller, IssuedApiKey, RefreshToken, Session, SignIn, hash_password};
pub use authors::AuthorInput;
pub use cache_keys::CacheKey;
pub use catalog::{ProductInput, SidebarInput, WidgetInput};
pub use clock::{Clock, ManualClock, SystemClock};
pub use colophon_store::{Neighbours, PostKey};
pub use comments::{ClientInfo, CommentInput, CommentSettings, NewBlockRule, QueueQuery, SiteSettings};
pub use content::{ContentInput, SeoInput};
pub use cursor::{CursorCodec, Paging};
pub use demo::{DEMO_ADMIN_EMAIL, DemoAdmin};
pub use error::{Cause, ServiceError, ServiceResult, chain};
pub use fields::FieldWritten;
pub use freshness::Stamp;
pub use import::{
    ARCHIVE_FORMAT, ARCHIVE_VERSION, ArchiveOptions, ImportProblem, ImportReport, ImportedAuthor, ImportedComment,
    ImportedFrom, ImportedMeta, ImportedPost, PlannedComment, PlannedEntry, per_item,
};
pub use keys::{Key, SlugKey};
pub use media::{
    Blob, BlobStore, ByteRange, FileRequest, MEDIA_MAX_BYTES, MediaFile, MediaInput, MediaQuery, MediaRead,
    MediaSettings, MediaUpload, Pictures, StorageError, Stripped, VARIANT_QUEUE, VARIANTS_PER_ADDRESS_PER_MINUTE,
};
pub use metrics::Metrics;
pub use pages::{PageInput, PageView};
pub use posts::{
    FeaturedImageInput, Lookup, PostInput, PostJson, PostListQuery, PostSearch, PreviewToken, SearchResult,
};
pub use posts::{FeedOf, FeedView, RELATED_DEFAULT, RELATED_MAX, RevisionRef, Sitemap, SitemapUrl};
pub use posts::{post_filter, post_order};
pub use rate_limit::Limit;
pub use redirects::{RedirectView, redirect_path};
pub use replicas::ReplicaSettings;
pub use tags::{TagInput, TagView};
pub use views::*;
pub use webhooks::{CreatedWebhook, WebhookClient, WebhookInput, WebhookSettings, sign as sign_webhook};
