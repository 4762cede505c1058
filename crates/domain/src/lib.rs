#![warn(missing_docs)]
//! Colophon's domain: entities, value types that can only be built valid, and the rules
//! that need no I/O. Every other crate depends on this one; it depends on nothing of ours.

mod api_key;
mod audit;
mod author;
mod comment;
mod comment_html;
mod content;
mod content_fields;
mod custom_fields;
mod custom_values;
mod email;
mod error;
pub mod html;
mod http_url;
mod ids;
mod list_fields;
pub mod markup;
mod media;
mod moderation;
mod nql;
mod page;
mod password;
mod patch;
mod policy;
mod post;
mod post_query;
mod preview;
mod product;
mod publication;
mod redirect;
mod revision;
mod search;
mod selection;
mod seo;
mod sidebar;
mod site_page;
mod slug;
mod text;
mod version;
mod webhook;
mod words;

pub use api_key::{API_KEY_PREFIX, ApiKey, split_api_key};
pub use audit::AuditEntry;
pub use author::{Author, Role};
pub use comment::{Comment, CommentOrder, CommentStatus};
pub use comment_html::{
    COMMENT_LINK_REL, COMMENT_TAGS, COMMENT_URL_SCHEMES, CommentBody, comment_attributes, count_links,
};
pub use content::{BODY_MAX, EXCERPT_MAX, Excerpt, PostHtml, RENDERED_MAX, plain_text, truncate_words};
pub use content_fields::Content;
pub use custom_fields::{
    CustomFieldName, FieldDefinition, FieldEntity, FieldSpec, FieldSpecInput, FieldType, MAX_FIELDS,
};
pub use custom_values::{CustomValues, Reference, VALUES_MAX};
pub use email::Email;
pub use error::{FieldError, ValidationErrors};
pub use http_url::HttpUrl;
pub use ids::{
    ApiKeyId, AuditId, AuthorId, BlockRuleId, CommentId, DeliveryId, EventId, MediaId, PageId, PostId, PreviewLinkId,
    ProductId, SidebarId, TagId, WebhookId,
};
pub use list_fields::SummaryField;
pub use markup::MAX_NESTING;
pub use media::{MAX_PIXELS, MediaItem, MediaType, VARIANT_WIDTHS, Variant, VariantFormat};
pub use moderation::{BlockRule, BlockRuleKind, ModerationMode};
pub use nql::parse_filter;
pub use page::{Page, PageLimit};
pub use password::Password;
pub use patch::Patch;
pub use policy::Actor;
pub use post::{FeaturedImage, Post, PostLink, PostStatus, Tag};
pub use post_query::{
    Comparison, FILTER_MAX_CONDITIONS, FILTER_MAX_DEPTH, FILTER_MAX_LEN, FILTER_MAX_VALUES, FilterValue, PostCondition,
    PostField, PostOrder, SORT_MAX_KEYS, SortColumns, SortField, SortKey, SortValue,
};
pub use preview::{PREVIEW_DEFAULT_HOURS, PREVIEW_MAX_HOURS, PreviewLink, preview_hours};
pub use product::Product;
pub use publication::Publication;
pub use redirect::{REDIRECT_PATH_MAX, RedirectPath};
pub use revision::{CONTENT_FIELDS, PostContent, REVISIONS_KEPT, Revision};
pub use search::{
    HIGHLIGHT_END, HIGHLIGHT_START, Highlighter, SEARCH_LANGUAGES, SEARCH_PREFIX_MIN, SEARCH_QUERY_MAX,
    SEARCH_TERMS_MAX, SEARCH_TEXT_MAX, SNIPPET_WORDS, SearchQuery, SearchTerm, highlight_html, search_text,
};
pub use selection::{FieldName, Picked, Selection};
pub use seo::{EffectiveSeo, META_DESCRIPTION_DERIVED, Seo, UrlPart, UrlTemplate};
pub use sidebar::{Sidebar, Widget, WidgetKind};
pub use site_page::SitePage;
pub use slug::Slug;
pub use text::BoundedText;
pub use version::{Hours, RevisionNumber, Version};
pub use webhook::{Attempt, Delivery, DeliveryState, EventKind, RETRY_SCHEDULE_SECS, Webhook, is_public_address};

/// Timestamps are UTC, stored without a zone, truncated to microseconds so that
/// PostgreSQL (microseconds) and SQLite (text) hold the very same value.
pub type Timestamp = chrono::NaiveDateTime;

/// Truncates a timestamp to the microsecond precision both backends keep.
pub fn truncate_to_micros(ts: Timestamp) -> Timestamp {
    use chrono::Timelike;
    let nanos = ts.nanosecond() / 1_000 * 1_000;
    ts.with_nanosecond(nanos).unwrap_or(ts)
}
