//! Webhook subscriptions, the event outbox and its deliveries.

use std::collections::HashMap;

use colophon_domain::{
    Attempt, Delivery, DeliveryId, DeliveryState, EventId, EventKind, Timestamp, Webhook, WebhookId,
};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp as SqlTimestamp};

use crate::columns::{DeliveryStateColumn, Stored, written};
use crate::id_columns::DeliveryIdColumn;
use crate::schema::{events, webhook_attempts, webhook_deliveries, webhooks};
use crate::{DbConnection, StoreError, StoreResult};

type WebhookRow = (WebhookId, String, String, bool, Option<String>, Timestamp);

const WEBHOOK_COLUMNS: (
    webhooks::id,
    webhooks::url,
    webhooks::events,
    webhooks::active,
    webhooks::disabled_reason,
    webhooks::created_at,
) = (webhooks::id, webhooks::url, webhooks::events, webhooks::active, webhooks::disabled_reason, webhooks::created_at);

/// Event names as stored: separated by spaces, `*` for every event.
pub fn events_text(events: &[EventKind]) -> String {
    if events.is_empty() { "*".into() } else { events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(" ") }
}

fn webhook((id, url, events, active, disabled_reason, created_at): WebhookRow) -> StoreResult<Webhook> {
    let events = if events == "*" {
        Vec::new()
    } else {
        events
            .split(' ')
            .map(|e| EventKind::parse(e).map_err(|m| StoreError::Corrupt(format!("webhook {id} event {e:?}: {m}"))))
            .collect::<StoreResult<_>>()?
    };
    Ok(Webhook { id, url, events, active, disabled_reason, created_at })
}

pub fn insert_webhook(
    conn: &mut DbConnection,
    url: &str,
    events: &[EventKind],
    secret: &str,
    now: Timestamp,
) -> StoreResult<Webhook> {
    let row: WebhookRow = diesel::insert_into(webhooks::table)
        .values((
            webhooks::url.eq(url),
            webhooks::events.eq(events_text(events)),
            webhooks::secret.eq(secret),
            webhooks::active.eq(true),
            webhooks::created_at.eq(now),
        ))
        .returning(WEBHOOK_COLUMNS)
        .get_result(conn)?;
    webhook(row)
}

pub fn list_webhooks(conn: &mut DbConnection) -> StoreResult<Vec<Webhook>> {
    let rows: Vec<WebhookRow> = webhooks::table.order(webhooks::id.asc()).select(WEBHOOK_COLUMNS).load(conn)?;
    rows.into_iter().map(webhook).collect()
}

/// Changes to a subscription; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<EventKind>>,
    pub active: Option<bool>,
}

impl WebhookChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        crate::names_set(&[
            ("url", self.url.is_some()),
            ("events", self.events.is_some()),
            ("active", self.active.is_some()),
        ])
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = webhooks)]
struct WebhookChangeset {
    url: Option<String>,
    events: Option<String>,
    active: Option<bool>,
    disabled_reason: Option<Option<String>>,
}

pub fn update_webhook(conn: &mut DbConnection, id: WebhookId, changes: WebhookChanges) -> StoreResult<Option<Webhook>> {
    let changeset = WebhookChangeset {
        url: changes.url,
        events: changes.events.as_deref().map(events_text),
        // Switched on again by hand: the reason it was switched off no longer holds.
        disabled_reason: changes.active.filter(|a| *a).map(|_| None),
        active: changes.active,
    };
    if changeset.url.is_none() && changeset.events.is_none() && changeset.active.is_none() {
        let row: Option<WebhookRow> =
            webhooks::table.find(id.stored()).select(WEBHOOK_COLUMNS).first(conn).optional()?;
        return row.map(webhook).transpose();
    }
    let row: Option<WebhookRow> = diesel::update(webhooks::table.find(id.stored()))
        .set(changeset)
        .returning(WEBHOOK_COLUMNS)
        .get_result(conn)
        .optional()?;
    row.map(webhook).transpose()
}

pub fn webhook_exists(conn: &mut DbConnection, id: WebhookId) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(webhooks::table.find(id.stored()))).get_result(conn)?)
}

pub fn delete_webhook(conn: &mut DbConnection, id: WebhookId) -> StoreResult<bool> {
    Ok(diesel::delete(webhooks::table.find(id.stored())).execute(conn)? == 1)
}

/// Switches a subscription off (the receiver answered 410 Gone).
pub fn disable_webhook(conn: &mut DbConnection, id: WebhookId, reason: &str) -> StoreResult<()> {
    diesel::update(webhooks::table.find(id.stored()))
        .set((webhooks::active.eq(false), webhooks::disabled_reason.eq(reason)))
        .execute(conn)?;
    Ok(())
}

/// Writes an event and one delivery per active subscription that wants it, due at `due`, reading
/// the subscriptions in the same statements (PostgreSQL: one statement; SQLite: two, in
/// process); nothing when no subscription wants it. Returns the deliveries written.
pub fn queue_event(
    conn: &mut DbConnection,
    kind: EventKind,
    object_key: &str,
    payload: &str,
    due: Timestamp,
    now: Timestamp,
) -> StoreResult<usize> {
    use diesel::sql_types::Text;

    use crate::columns::EventKindColumn;
    // Event names are lowercase words and dots: nothing LIKE would read as a wildcard.
    let pattern = format!("% {} %", kind.as_str());
    const WANTED: &str = "SELECT id FROM webhooks WHERE active AND (events = '*' OR (' ' || events || ' ') LIKE #5)";
    match conn {
        DbConnection::Pg(_) => {
            let sql = format!(
                "WITH wanted AS ({WANTED}), \
                 e AS (INSERT INTO events (kind, object_key, payload, created_at) \
                       SELECT #1, #2, #3, #4 WHERE EXISTS (SELECT 1 FROM wanted) RETURNING id) \
                 INSERT INTO webhook_deliveries (webhook_id, event_id, object_key, state, attempts, next_attempt_at, created_at) \
                 SELECT wanted.id, e.id, #2, #7, 0, #6, #4 FROM wanted, e"
            )
            .replace('#', "$");
            Ok(diesel::sql_query(sql)
                .bind::<EventKindColumn, _>(kind)
                .bind::<Text, _>(object_key)
                .bind::<Text, _>(payload)
                .bind::<SqlTimestamp, _>(now)
                .bind::<Text, _>(&pattern)
                .bind::<SqlTimestamp, _>(due)
                .bind::<DeliveryStateColumn, _>(DeliveryState::Pending)
                .execute(conn)?)
        }
        DbConnection::Sqlite(_) => {
            let event = format!(
                "INSERT INTO events (kind, object_key, payload, created_at) SELECT #1, #2, #3, #4 \
                 WHERE EXISTS ({WANTED})"
            )
            .replace('#', "?");
            let written = diesel::sql_query(event)
                .bind::<EventKindColumn, _>(kind)
                .bind::<Text, _>(object_key)
                .bind::<Text, _>(payload)
                .bind::<SqlTimestamp, _>(now)
                .bind::<Text, _>(&pattern)
                .execute(conn)?;
            if written == 0 {
                return Ok(0);
            }
            let deliveries = format!(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, object_key, state, attempts, next_attempt_at, created_at) \
                 SELECT wanted.id, last_insert_rowid(), #2, #7, 0, #6, #4 FROM ({WANTED}) AS wanted"
            )
            .replace('#', "?");
            Ok(diesel::sql_query(deliveries)
                .bind::<EventKindColumn, _>(kind)
                .bind::<Text, _>(object_key)
                .bind::<Text, _>(payload)
                .bind::<SqlTimestamp, _>(now)
                .bind::<Text, _>(&pattern)
                .bind::<SqlTimestamp, _>(due)
                .bind::<DeliveryStateColumn, _>(DeliveryState::Pending)
                .execute(conn)?)
        }
    }
}

/// Withdraws the deliveries of `kind` about `object_key` that are not due yet and were never
/// tried (a scheduled post's announcement, when the post is edited, unscheduled or deleted).
pub fn withdraw_future_deliveries(
    conn: &mut DbConnection,
    kind: EventKind,
    object_key: &str,
    now: Timestamp,
) -> StoreResult<usize> {
    let of_kind = events::table.filter(events::kind.eq(kind.stored())).filter(events::object_key.eq(object_key));
    Ok(diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::object_key.eq(object_key))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending.stored()))
            .filter(webhook_deliveries::attempts.eq(0))
            .filter(webhook_deliveries::next_attempt_at.gt(now))
            .filter(webhook_deliveries::event_id.eq_any(of_kind.select(events::id))),
    )
    .execute(conn)?)
}

/// A delivery claimed for one attempt, with what sending it takes.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: DeliveryId,
    pub webhook: WebhookId,
    pub event: EventId,
    /// Attempts made before this one.
    pub attempts: i32,
    pub url: String,
    pub secret: String,
    pub payload: String,
}

#[derive(QueryableByName)]
struct DueRow {
    #[diesel(sql_type = DeliveryIdColumn)]
    id: DeliveryId,
}

/// The due deliveries, each the oldest pending one of its subscription and object (so an
/// object's events arrive in order), claimed until `lease_until`: another process skips them
/// (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the write lock the caller's transaction
/// holds). Call inside a write transaction.
pub fn claim_due_deliveries(
    conn: &mut DbConnection,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> StoreResult<Vec<ClaimedDelivery>> {
    // Numbered parameters (the state and the time are used twice): `$n` on PostgreSQL, `?n` on SQLite.
    const DUE: &str = "SELECT d.id FROM webhook_deliveries d \
        WHERE d.state = #1 AND d.next_attempt_at <= #2 AND (d.claimed_until IS NULL OR d.claimed_until < #2) \
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
        AND e.object_key = d.object_key AND e.state = #1 AND e.id < d.id) \
        AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active) \
        ORDER BY d.id LIMIT #3";
    let sql = match conn {
        DbConnection::Pg(_) => format!("{} FOR UPDATE SKIP LOCKED", DUE.replace('#', "$")),
        DbConnection::Sqlite(_) => DUE.replace('#', "?"),
    };
    let due: Vec<DueRow> = diesel::sql_query(sql)
        .bind::<DeliveryStateColumn, _>(DeliveryState::Pending)
        .bind::<SqlTimestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<DeliveryId> = due.into_iter().map(|row| row.id).collect();
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(written(&ids))))
        .set((
            webhook_deliveries::claimed_until.eq(lease_until),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        ))
        .execute(conn)?;
    let rows: Vec<(DeliveryId, WebhookId, EventId, i32, String, String, String)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .inner_join(events::table)
        .filter(webhook_deliveries::id.eq_any(written(&ids)))
        .order(webhook_deliveries::id.asc())
        .select((
            webhook_deliveries::id,
            webhook_deliveries::webhook_id,
            webhook_deliveries::event_id,
            webhook_deliveries::attempts,
            webhooks::url,
            webhooks::secret,
            events::payload,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, webhook, event, attempts, url, secret, payload)| ClaimedDelivery {
            id,
            webhook,
            event,
            attempts: attempts - 1,
            url,
            secret,
            payload,
        })
        .collect())
}

/// Whether a delivery still exists (its subscription may have been deleted while it was sent).
pub fn delivery_exists(conn: &mut DbConnection, id: DeliveryId) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(webhook_deliveries::table.find(id.stored()))).get_result(conn)?)
}

/// Records one attempt at a delivery.
pub fn record_attempt(conn: &mut DbConnection, delivery: DeliveryId, attempt: &Attempt) -> StoreResult<()> {
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::delivery_id.eq(delivery.stored()),
            webhook_attempts::attempted_at.eq(attempt.attempted_at),
            webhook_attempts::status.eq(attempt.status),
            webhook_attempts::latency_ms.eq(attempt.latency_ms),
            webhook_attempts::response.eq(&attempt.response),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends a delivery (delivered or failed), releasing its claim.
pub fn finish_delivery(
    conn: &mut DbConnection,
    id: DeliveryId,
    state: DeliveryState,
    now: Timestamp,
) -> StoreResult<()> {
    diesel::update(webhook_deliveries::table.find(id.stored()))
        .set((
            webhook_deliveries::state.eq(state.stored()),
            webhook_deliveries::finished_at.eq(now),
            webhook_deliveries::claimed_until.eq(None::<Timestamp>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes a delivery due again at `at`, releasing its claim.
pub fn retry_delivery(conn: &mut DbConnection, id: DeliveryId, at: Timestamp) -> StoreResult<()> {
    diesel::update(webhook_deliveries::table.find(id.stored()))
        .set((webhook_deliveries::next_attempt_at.eq(at), webhook_deliveries::claimed_until.eq(None::<Timestamp>)))
        .execute(conn)?;
    Ok(())
}

/// Sends a delivery of `webhook` again, now, whatever became of it; `false` when there is none.
pub fn redeliver(conn: &mut DbConnection, webhook: WebhookId, id: DeliveryId, now: Timestamp) -> StoreResult<bool> {
    let changed = diesel::update(
        webhook_deliveries::table.find(id.stored()).filter(webhook_deliveries::webhook_id.eq(webhook.stored())),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Pending.stored()),
        webhook_deliveries::next_attempt_at.eq(now),
        webhook_deliveries::claimed_until.eq(None::<Timestamp>),
        webhook_deliveries::finished_at.eq(None::<Timestamp>),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A subscription's deliveries, newest first, before `before`, with their attempts.
pub fn deliveries_of(
    conn: &mut DbConnection,
    webhook: WebhookId,
    before: Option<DeliveryId>,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
    type Row = (DeliveryId, WebhookId, EventId, EventKind, DeliveryState, i32, Timestamp, Timestamp, Option<Timestamp>);
    let mut query = webhook_deliveries::table
        .inner_join(events::table)
        .filter(webhook_deliveries::webhook_id.eq(webhook.stored()))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.stored()));
    }
    let rows: Vec<Row> = query
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select((
            webhook_deliveries::id,
            webhook_deliveries::webhook_id,
            webhook_deliveries::event_id,
            events::kind,
            webhook_deliveries::state,
            webhook_deliveries::attempts,
            webhook_deliveries::next_attempt_at,
            webhook_deliveries::created_at,
            webhook_deliveries::finished_at,
        ))
        .load(conn)?;
    let ids: Vec<DeliveryId> = rows.iter().map(|r| r.0).collect();
    let attempts: Vec<(DeliveryId, Timestamp, Option<i32>, i64, String)> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(written(&ids)))
        .order(webhook_attempts::id.asc())
        .select((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
            webhook_attempts::status,
            webhook_attempts::latency_ms,
            webhook_attempts::response,
        ))
        .load(conn)?;
    let mut logs: HashMap<DeliveryId, Vec<Attempt>> = HashMap::new();
    for (delivery, attempted_at, status, latency_ms, response) in attempts {
        logs.entry(delivery).or_default().push(Attempt { attempted_at, status, latency_ms, response });
    }
    Ok(rows
        .into_iter()
        .map(|(id, webhook, event, kind, state, attempts, next_attempt_at, created_at, finished_at)| Delivery {
            id,
            webhook,
            event,
            kind,
            state,
            attempts,
            next_attempt_at,
            created_at,
            finished_at,
            log: logs.remove(&id).unwrap_or_default(),
        })
        .collect())
}
