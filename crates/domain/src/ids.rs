//! Typed ids: a `CommentId` cannot be passed where a `PostId` is expected.

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        /// A row's id in the database, typed by what it names; serialized as a bare number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    ApiKeyId,
    AuditId,
    AuthorId,
    PostId,
    PageId,
    CommentId,
    ProductId,
    SidebarId,
    TagId,
    BlockRuleId,
    WebhookId,
    EventId,
    DeliveryId,
    MediaId,
    PreviewLinkId
);
