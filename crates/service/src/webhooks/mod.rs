//! Webhooks: subscriptions (admins), the outbox every write fills in its own transaction, and
//! the deliverer every server process runs.

mod breaker;
pub(crate) mod data;
mod deliver;
mod outbox;
mod signature;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use colophon_domain::{Delivery, DeliveryId, EventKind, Page, Webhook, WebhookId, is_public_address};
use colophon_store::{self as store, WebhookChanges};

pub use deliver::WebhookClient;
pub(crate) use outbox::{Events, Outgoing, write as write_outbox};
pub use signature::sign;

use crate::Paging;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, CursorPage, ServiceError, ServiceResult};

const DELIVERIES: &str = "deliveries";

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Allow destinations on loopback and private networks (tests, a receiver beside the
    /// server). Off by default: such URLs are refused, by name and after DNS resolution.
    pub allow_private: bool,
    /// How long a receiver may take to answer.
    pub timeout: std::time::Duration,
    /// How often the deliverer looks for due deliveries it was not told about (other processes'
    /// writes, retries coming due).
    pub poll_interval: std::time::Duration,
    /// Seconds before each retry; after the last, a delivery fails.
    pub retry_schedule_secs: Vec<i64>,
    /// Deliveries sent at once by one process.
    pub concurrency: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            timeout: std::time::Duration::from_secs(10),
            poll_interval: std::time::Duration::from_secs(1),
            retry_schedule_secs: colophon_domain::RETRY_SCHEDULE_SECS.to_vec(),
            concurrency: 32,
        }
    }
}

/// A new subscription's settings, or changes to one (`None` keeps a field).
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    /// Where deliveries go: an http(s) URL.
    pub url: Option<String>,
    /// The events wanted; empty for every event.
    pub events: Option<Vec<EventKind>>,
    /// Whether deliveries are made.
    pub active: Option<bool>,
}

/// A subscription just made, with its signing secret, which is shown this once.
#[derive(Debug, Clone)]
pub struct CreatedWebhook {
    /// What is stored.
    pub webhook: Webhook,
    /// `whsec_<base64>`: verifies `webhook-signature` (Standard Webhooks).
    pub secret: String,
}

/// An http(s) URL with a host, not naming a private address outright (names are checked again
/// after resolution, at each delivery).
fn checked_url(url: &str, allow_private: bool) -> ServiceResult<String> {
    let invalid = |m: &str| ServiceError::invalid("url", m);
    let url = url.trim();
    if url.len() > 2048 {
        return Err(invalid("at most 2048 characters"));
    }
    // The URL type of the client that sends (ureq's is `http`'s), so that both read one host.
    let uri: http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(invalid("must be http or https"));
    }
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| invalid("has no host"))?;
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let private = match literal.parse::<std::net::IpAddr>() {
        Ok(ip) => !is_public_address(ip),
        Err(_) => literal.eq_ignore_ascii_case("localhost") || literal.ends_with(".localhost"),
    };
    if private && !allow_private {
        return Err(invalid("points to a private, loopback or link-local address"));
    }
    Ok(url.to_string())
}

/// Each event once (so a subscription's list is at most every kind there is).
fn distinct(mut events: Vec<EventKind>) -> Vec<EventKind> {
    let mut seen = Vec::with_capacity(events.len());
    events.retain(|e| {
        let new = !seen.contains(e);
        seen.push(*e);
        new
    });
    events
}

fn new_secret() -> String {
    format!("whsec_{}", STANDARD.encode(rand::random::<[u8; 32]>()))
}

impl Colophon {
    /// Subscribes `url` to `events` (all of them when empty); the secret is in the answer only.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_webhook(&self, caller: Caller, input: WebhookInput) -> ServiceResult<CreatedWebhook> {
        let writer = caller.admin_writer()?;
        let url = input.url.ok_or_else(|| ServiceError::invalid("url", "is required"))?;
        let url = checked_url(&url, self.webhook_settings().allow_private)?;
        let events = distinct(input.events.unwrap_or_default());
        let active = input.active.unwrap_or(true);
        self.write(writer, move |conn, now, _| {
            let secret = new_secret();
            let mut webhook = store::insert_webhook(conn, &url, &events, &secret, now)?;
            if !active {
                let changes = WebhookChanges { active: Some(false), ..WebhookChanges::default() };
                webhook = store::update_webhook(conn, webhook.id, changes)?.ok_or(ServiceError::NotFound("webhook"))?;
            }
            let target = Target::Webhook(webhook.id);
            Ok(Written::new(CreatedWebhook { webhook, secret }, Action::WebhookCreate, target))
        })
        .await
    }

    /// Every subscription (without secrets).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn webhooks(&self, caller: Caller) -> ServiceResult<Vec<Webhook>> {
        caller.admin()?;
        self.db(|conn, _| Ok(store::list_webhooks(conn)?)).await
    }

    /// Changes a subscription's URL, events or active flag.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_webhook(&self, caller: Caller, id: WebhookId, input: WebhookInput) -> ServiceResult<Webhook> {
        let writer = caller.admin_writer()?;
        let url = input.url.map(|url| checked_url(&url, self.webhook_settings().allow_private)).transpose()?;
        let changes = WebhookChanges { url, events: input.events.map(distinct), active: input.active };
        let fields: Vec<&'static str> = [
            ("url", changes.url.is_some()),
            ("events", changes.events.is_some()),
            ("active", changes.active.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        self.write(writer, move |conn, _, _| {
            let webhook = store::update_webhook(conn, id, changes)?.ok_or(ServiceError::NotFound("webhook"))?;
            Ok(Written::new(webhook, Action::WebhookUpdate, Target::Webhook(id)).fields(&fields))
        })
        .await
    }

    /// Ends a subscription and drops its deliveries.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_webhook(&self, caller: Caller, id: WebhookId) -> ServiceResult<()> {
        let writer = caller.admin_writer()?;
        self.write(writer, move |conn, _, _| {
            if !store::delete_webhook(conn, id)? {
                return Err(ServiceError::NotFound("webhook"));
            }
            Ok(Written::new((), Action::WebhookDelete, Target::Webhook(id)))
        })
        .await
    }

    /// A subscription's deliveries, newest first, each with its attempts.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn webhook_deliveries(
        &self,
        caller: Caller,
        id: WebhookId,
        paging: Paging,
    ) -> ServiceResult<CursorPage<Delivery>> {
        let Paging { limit, cursor } = paging;
        caller.admin()?;
        let (limit, before) = self.id_page_args(DELIVERIES, limit, cursor)?;
        let codec = self.cursors().clone();
        let gate = self.write_gate().clone();
        self.db(move |conn, _| {
            if !store::webhook_exists(conn, id)? {
                return Err(ServiceError::NotFound("webhook"));
            }
            // SQLite makes an event's deliveries after its write: show the latest events' too.
            store::write_transaction(&gate, conn, |conn| store::fan_out_events(conn).map_err(ServiceError::from))?;
            // The deliveries and their attempts as of one moment: a delivery read before an
            // attempt's record commits must not show that attempt without its new schedule.
            let rows = store::read_snapshot(conn, |conn| {
                store::deliveries_of(conn, id, before.map(DeliveryId), limit.probe()).map_err(ServiceError::from)
            })?;
            let page = Page::from_probe(rows, limit, |d| d.id.0);
            Ok(CursorPage { items: page.items, next_cursor: page.next.map(|id| codec.encode(DELIVERIES, &[id])) })
        })
        .await
    }

    /// Sends a delivery again now, whatever became of it (the same `webhook-id`).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn redeliver(&self, caller: Caller, webhook: WebhookId, delivery: DeliveryId) -> ServiceResult<()> {
        let writer = caller.admin_writer()?;
        self.write(writer, move |conn, now, _| {
            if !store::redeliver(conn, webhook, delivery, now)? {
                return Err(ServiceError::NotFound("delivery"));
            }
            Ok(Written::new((), Action::WebhookRedeliver, Target::Delivery(delivery)))
        })
        .await?;
        self.deliveries_queued().notify_one();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_and_not_private_by_name() {
        for good in ["https://hooks.example.com/colophon", "http://93.184.216.34:8080/x"] {
            assert!(checked_url(good, false).is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.com/",
            "not a url",
            "https:///path",
            "http://127.0.0.1:9000/",
            "http://localhost/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.5/",
        ] {
            assert!(checked_url(bad, false).is_err(), "{bad}");
        }
        assert!(checked_url("http://127.0.0.1:9000/", true).is_ok(), "allowed when asked");
    }
}
