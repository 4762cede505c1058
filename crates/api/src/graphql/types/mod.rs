mod catalog;
pub mod custom_fields;
mod date_time;
mod editorial;
mod enums;
mod keys;
mod pages;
mod people;
pub(crate) mod post;
mod redirect;
mod webhooks;

pub use catalog::{ProductNode, SidebarNode};
pub use date_time::DateTime;
pub use editorial::{MediaItemNode, PreviewLinkNode, RevisionDiffNode, RevisionNode};
pub use enums::{
    CommentOrderEnum, CommentStatusEnum, DeliveryStateEnum, EventKindEnum, PostStatusEnum, RoleEnum, WidgetKindEnum,
};
pub use keys::{ApiKeyNode, CreateApiKeyInput, IssuedApiKeyNode};
pub use pages::{PageNode, page_cursor};
pub use people::{AuthorNode, CommentNode, MeNode};
pub use post::{PostNode, SearchResultNode, TagNode};
pub use redirect::RedirectNode;
pub use webhooks::{AuditEntryNode, CreatedWebhookNode, DeliveryNode, WebhookInputObject, WebhookNode};
