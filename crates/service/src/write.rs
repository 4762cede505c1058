//! The one way a use case writes for someone. A write's work runs in one transaction and must
//! say what it did to what ([`Written`]): without an [`Action`] and a [`Target`] it does not
//! compile. From them come the audit row, the webhook events' object keys (the same names) and
//! the cache keys a target makes stale; the writer is named on every event and row.

use std::fmt;

use colophon_domain::{
    Actor, ApiKeyId, AuthorId, BlockRuleId, CommentId, DeliveryId, MediaId, PageId, PostId, PreviewLinkId, ProductId,
    SidebarId, Slug, Timestamp, WebhookId,
};
use colophon_store::DbConnection;

use crate::cache_keys::CacheKey;
use crate::{Caller, Colophon, ServiceResult};

/// Someone allowed to write: a signed-in author, or an API key that is not read-only. Only
/// [`Caller::writer`] makes one, so no write can skip that check.
#[derive(Debug, Clone, Copy)]
pub struct Writer(Actor);

impl std::ops::Deref for Writer {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl Caller {
    /// The caller as a writer: 401 when anonymous, 403 for a read-only key.
    pub(crate) fn writer(self) -> ServiceResult<Writer> {
        Ok(Writer(self.writing()?.actor()?))
    }

    /// The caller as a writer, when an admin (settings, the blocklist, webhooks, keys).
    pub(crate) fn admin_writer(self) -> ServiceResult<Writer> {
        Ok(Writer(self.writing()?.admin()?))
    }
}

macro_rules! actions {
    ($($variant:ident = $name:literal,)*) => {
        /// What a write did, as the audit log names it (`post.update`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Action {
            $($variant,)*
        }

        impl Action {
            /// Every action, for the audit log's documentation and tests.
            #[cfg(test)]
            pub(crate) const ALL: &'static [Action] = &[$(Action::$variant,)*];

            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    PostCreate = "post.create",
    PostUpdate = "post.update",
    PostRestoreRevision = "post.restore_revision",
    PostDelete = "post.delete",
    PageCreate = "page.create",
    PageUpdate = "page.update",
    PageDelete = "page.delete",
    PreviewCreate = "preview.create",
    PreviewRevoke = "preview.revoke",
    CommentModerate = "comment.moderate",
    CommentDelete = "comment.delete",
    AuthorCreate = "author.create",
    AuthorUpdate = "author.update",
    AuthorDelete = "author.delete",
    AuthorSetPassword = "author.set_password",
    AuthorLogoutEverywhere = "author.logout_everywhere",
    ProductCreate = "product.create",
    ProductUpdate = "product.update",
    ProductDelete = "product.delete",
    SidebarCreate = "sidebar.create",
    SidebarReplace = "sidebar.replace",
    SidebarDelete = "sidebar.delete",
    TagUpdate = "tag.update",
    MediaUpload = "media.upload",
    MediaUpdate = "media.update",
    MediaDelete = "media.delete",
    ApiKeyCreate = "api_key.create",
    ApiKeyRevoke = "api_key.revoke",
    ApiKeyRotate = "api_key.rotate",
    WebhookCreate = "webhook.create",
    WebhookUpdate = "webhook.update",
    WebhookDelete = "webhook.delete",
    WebhookRedeliver = "webhook.redeliver",
    SettingsUpdate = "settings.update",
    BlocklistAdd = "blocklist.add",
    BlocklistRemove = "blocklist.remove",
    FieldCreate = "field.create",
    FieldUpdate = "field.update",
    FieldDelete = "field.delete",
}

/// What a write is about. Its name (`post:42`) is the audit row's target and the webhook
/// events' object key; for the targets whose every change readers see, it also gives the cache
/// keys the change makes stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Post(PostId),
    Revision(PostId, i64),
    Preview(PostId, PreviewLinkId),
    Page(PageId),
    Comment(CommentId),
    Author(AuthorId),
    Product(ProductId),
    Sidebar(SidebarId),
    Tag(Slug),
    Media(MediaId),
    ApiKey(ApiKeyId),
    Webhook(WebhookId),
    Delivery(DeliveryId),
    Settings,
    BlockRule(BlockRuleId),
    Field(colophon_domain::FieldEntity, colophon_domain::CustomFieldName),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Post(id) => write!(f, "post:{id}"),
            Target::Revision(post, number) => write!(f, "post:{post}/revision:{number}"),
            Target::Preview(post, link) => write!(f, "post:{post}/preview:{link}"),
            Target::Page(id) => write!(f, "page:{id}"),
            Target::Comment(id) => write!(f, "comment:{id}"),
            Target::Author(id) => write!(f, "author:{id}"),
            Target::Product(id) => write!(f, "product:{id}"),
            Target::Sidebar(id) => write!(f, "sidebar:{id}"),
            Target::Tag(slug) => write!(f, "tag:{slug}"),
            Target::Media(id) => write!(f, "media:{id}"),
            Target::ApiKey(id) => write!(f, "api_key:{id}"),
            Target::Webhook(id) => write!(f, "webhook:{id}"),
            Target::Delivery(id) => write!(f, "delivery:{id}"),
            Target::Settings => f.write_str("settings"),
            Target::BlockRule(id) => write!(f, "blocklist:{id}"),
            Target::Field(entity, name) => write!(f, "field:{entity}.{name}"),
        }
    }
}

impl Target {
    /// The cache keys any change of this target makes stale, where that follows from the target
    /// alone (a product, a sidebar, a tag is shown wherever it is shown); content whose change
    /// depends on its visibility (posts, pages, comments, authors) names its keys itself.
    pub(crate) fn stale_keys(&self, action: Action) -> Vec<CacheKey> {
        let listed = matches!(action, Action::ProductCreate | Action::ProductDelete);
        match self {
            Target::Product(id) if listed => vec![CacheKey::Product(*id), CacheKey::Products],
            Target::Product(id) => vec![CacheKey::Product(*id)],
            // A sidebar is looked up by slug through the list key: any change names both.
            Target::Sidebar(id) => vec![CacheKey::Sidebar(*id), CacheKey::Sidebars],
            Target::Tag(slug) => vec![CacheKey::Tag(slug.as_str().to_string()), CacheKey::Tags],
            _ => Vec::new(),
        }
    }
}

/// One row of the audit log: what was done to what, and the names of the fields changed (never
/// their values).
#[derive(Debug, Clone)]
pub(crate) struct Audit {
    pub action: Action,
    pub target: Target,
    pub fields: Vec<String>,
}

/// What a write's work returns: its value, and what it did (at least one [`Audit`]).
#[derive(Debug)]
pub(crate) struct Written<T> {
    pub(crate) value: T,
    pub(crate) audits: Vec<Audit>,
}

impl<T> Written<T> {
    /// `value`, having done `action` to `target`.
    pub(crate) fn new(value: T, action: Action, target: Target) -> Self {
        Self { value, audits: vec![Audit { action, target, fields: Vec::new() }] }
    }

    /// `value`, having found nothing to write after all (the same upload made meanwhile): said
    /// as plainly as an action, so that it cannot be forgotten either.
    pub(crate) fn unchanged(value: T) -> Self {
        Self { value, audits: Vec::new() }
    }

    /// The fields the last action changed.
    pub(crate) fn fields<S: AsRef<str>>(mut self, fields: &[S]) -> Self {
        if let Some(last) = self.audits.last_mut() {
            last.fields = fields.iter().map(|f| f.as_ref().to_string()).collect();
        }
        self
    }

    /// `value`, having done `action` to each of `targets` (a write of many things at once),
    /// changing `fields` of each.
    pub(crate) fn each(value: T, action: Action, targets: Vec<Target>, fields: &[&str]) -> Self {
        let fields: Vec<String> = fields.iter().map(ToString::to_string).collect();
        let audits = targets.into_iter().map(|target| Audit { action, target, fields: fields.clone() }).collect();
        Self { value, audits }
    }
}

impl Colophon {
    /// Writes for `writer` in one transaction: `work` does the work and returns what it did; the
    /// audit rows, the writer on every event, the stale keys of each target, the outbox and the
    /// announcement follow, all committed together or not at all.
    pub(crate) async fn write<T, F>(&self, writer: Writer, work: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, Timestamp, &mut Changed) -> ServiceResult<Written<T>> + Send + 'static,
    {
        let actor = writer.0;
        self.db_write(move |conn, now, changed| {
            changed.by(actor);
            let written = work(conn, now, changed)?;
            for audit in &written.audits {
                tracing::debug!(action = audit.action.as_str(), target = %audit.target, "wrote");
            }
            Ok(changed.done(written))
        })
        .await
    }

    /// Writes for the operator's command line, which holds the database (no caller, no cache
    /// here to tell): the audit rows name no author.
    pub(crate) fn write_as_operator<T>(
        &self,
        work: impl FnOnce(&mut DbConnection, Timestamp) -> ServiceResult<Written<T>>,
    ) -> ServiceResult<T> {
        self.write_blocking(|conn, now| {
            let written = work(conn, now)?;
            crate::audit::by_operator(conn, &written.audits, now)?;
            Ok(written.value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_named_as_the_audit_log_and_events_always_named_them() {
        assert_eq!(Target::Post(PostId(42)).to_string(), "post:42");
        assert_eq!(Target::Revision(PostId(4), 2).to_string(), "post:4/revision:2");
        assert_eq!(Target::Preview(PostId(4), PreviewLinkId(9)).to_string(), "post:4/preview:9");
        assert_eq!(Target::Settings.to_string(), "settings");
        assert_eq!(Target::BlockRule(BlockRuleId(3)).to_string(), "blocklist:3");
        assert_eq!(Target::Tag(Slug::parse("rugs").unwrap()).to_string(), "tag:rugs");
    }

    #[test]
    fn action_names_are_distinct() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count);
    }
}

/// What a write transaction changed that readers can see: the keys it invalidates once it
/// commits, and the events it sends to webhooks (written in the same transaction).
#[derive(Debug, Default)]
pub(crate) struct Changed {
    pub(crate) keys: Vec<CacheKey>,
    pub(crate) events: crate::webhooks::Events,
    pub(crate) audits: Vec<Audit>,
    /// Whether what readers see may have changed anywhere (a field definition), beyond `keys`.
    pub(crate) everything: bool,
}

impl Changed {
    /// Takes what a write did: its audit rows, and the keys its targets make stale.
    pub(crate) fn done<T>(&mut self, written: crate::write::Written<T>) -> T {
        for audit in &written.audits {
            self.keys.extend(audit.target.stale_keys(audit.action));
        }
        self.audits.extend(written.audits);
        written.value
    }

    /// Says that every cached answer may be stale: a change no key describes.
    pub(crate) fn everything(&mut self) {
        self.everything = true;
    }

    /// Names who made the change, for the events' `actor`.
    pub fn by(&mut self, actor: colophon_domain::Actor) {
        self.events.actor = Some(actor);
    }

    /// Sends `kind` about `target` with `data` (what an anonymous reader would see) once the
    /// transaction commits.
    pub fn emit(&mut self, kind: colophon_domain::EventKind, target: &Target, data: serde_json::Value) {
        self.events.outgoing.push(crate::webhooks::Outgoing { kind, object_key: target.to_string(), data, due: None });
    }

    /// Like [`Changed::emit`], delivered no sooner than `due`.
    pub fn emit_at(
        &mut self,
        kind: colophon_domain::EventKind,
        target: &Target,
        data: serde_json::Value,
        due: Timestamp,
    ) {
        let object_key = target.to_string();
        self.events.outgoing.push(crate::webhooks::Outgoing { kind, object_key, data, due: Some(due) });
    }

    /// Withdraws the deliveries of `kind` about `target` not yet due.
    pub fn withdraw(&mut self, kind: colophon_domain::EventKind, target: &Target) {
        self.events.withdrawn.push((kind, target.to_string()));
    }

    pub fn add(&mut self, key: CacheKey) {
        self.keys.push(key);
    }

    pub fn extend(&mut self, keys: impl IntoIterator<Item = CacheKey>) {
        self.keys.extend(keys);
    }
}
