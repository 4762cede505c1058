//! Webhook subscriptions, their delivery log and the audit log in GraphQL (admins).

use async_graphql::{ID, InputObject, SimpleObject};
use colophon_domain::{Attempt, Delivery, Webhook};
use colophon_service::{CreatedWebhook, WebhookInput};

use super::{DateTime, DeliveryStateEnum, EventKindEnum};

#[derive(SimpleObject)]
#[graphql(name = "Webhook")]
pub struct WebhookNode {
    id: ID,
    url: String,
    /// The events sent; empty for every event.
    events: Vec<EventKindEnum>,
    active: bool,
    /// Why Colophon switched it off (a 410 Gone answer), if it did.
    disabled_reason: Option<String>,
    created_at: DateTime,
}

impl From<Webhook> for WebhookNode {
    fn from(w: Webhook) -> Self {
        Self {
            id: ID(w.id.to_string()),
            url: w.url,
            events: w.events.into_iter().map(Into::into).collect(),
            active: w.active,
            disabled_reason: w.disabled_reason,
            created_at: w.created_at.and_utc().into(),
        }
    }
}

/// A subscription just made: `secret` (`whsec_…`) is shown this once.
#[derive(SimpleObject)]
#[graphql(name = "CreatedWebhook")]
pub struct CreatedWebhookNode {
    secret: String,
    webhook: WebhookNode,
}

impl From<CreatedWebhook> for CreatedWebhookNode {
    fn from(c: CreatedWebhook) -> Self {
        Self { secret: c.secret, webhook: c.webhook.into() }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "WebhookAttempt")]
pub struct AttemptNode {
    attempted_at: DateTime,
    /// The receiver's HTTP status; null when no answer came.
    status: Option<i32>,
    latency_ms: i64,
    /// The first 512 bytes of the answer, or why there was none.
    response: String,
}

impl From<Attempt> for AttemptNode {
    fn from(a: Attempt) -> Self {
        Self {
            attempted_at: a.attempted_at.and_utc().into(),
            status: a.status,
            latency_ms: a.latency_ms,
            response: a.response,
        }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "WebhookDelivery")]
pub struct DeliveryNode {
    id: ID,
    /// `webhook-id` is `msg_<eventId>` on every attempt.
    event_id: ID,
    #[graphql(name = "type")]
    kind: EventKindEnum,
    state: DeliveryStateEnum,
    attempts: i32,
    next_attempt_at: DateTime,
    created_at: DateTime,
    finished_at: Option<DateTime>,
    log: Vec<AttemptNode>,
}

impl From<Delivery> for DeliveryNode {
    fn from(d: Delivery) -> Self {
        Self {
            id: ID(d.id.to_string()),
            event_id: ID(d.event.to_string()),
            kind: d.kind.into(),
            state: d.state.into(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.and_utc().into(),
            created_at: d.created_at.and_utc().into(),
            finished_at: d.finished_at.map(|t| t.and_utc().into()),
            log: d.log.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(InputObject)]
pub struct WebhookInputObject {
    url: Option<String>,
    /// Empty for every event.
    events: Option<Vec<EventKindEnum>>,
    active: Option<bool>,
}

impl From<WebhookInputObject> for WebhookInput {
    fn from(i: WebhookInputObject) -> Self {
        Self { url: i.url, events: i.events.map(|e| e.into_iter().map(Into::into).collect()), active: i.active }
    }
}

/// One write in the audit log.
#[derive(SimpleObject)]
#[graphql(name = "AuditEntry")]
pub struct AuditEntryNode {
    id: ID,
    at: DateTime,
    /// The author who wrote (a key's owner); null for the operator's command line.
    author_id: Option<ID>,
    api_key_id: Option<ID>,
    action: String,
    target: String,
    request_id: Option<String>,
    /// The names of the fields changed (never their values).
    fields: Vec<String>,
}

impl From<colophon_domain::AuditEntry> for AuditEntryNode {
    fn from(e: colophon_domain::AuditEntry) -> Self {
        Self {
            id: ID(e.id.to_string()),
            at: e.at.and_utc().into(),
            author_id: e.author.map(|a| ID(a.to_string())),
            api_key_id: e.api_key.map(|k| ID(k.to_string())),
            action: e.action,
            target: e.target,
            request_id: e.request_id,
            fields: e.fields,
        }
    }
}
