//! Webhook subscriptions, the event outbox and its deliveries.

use std::collections::HashMap;

use colophon_domain::{
    Attempt, Delivery, DeliveryId, DeliveryState, EventId, EventKind, Timestamp, Webhook, WebhookId,
};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp as SqlTimestamp};

use crate::columns::{DeliveryStateColumn, Stored, written};
use crate::id_columns::DeliveryIdColumn;
use crate::schema::{events, outbox_cursor, webhook_attempts, webhook_deliveries, webhooks};
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

/// Writes an event for the active subscriptions that want it, due at `due`; nothing when none
/// does, reading the subscriptions in the same statement. PostgreSQL writes the deliveries too;
/// SQLite writes the event naming them, and [`fan_out_events`] makes the deliveries later.
/// Returns the number of deliveries it makes (or will make).
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
            // The event alone, naming its subscriptions; the deliverer makes the deliveries
            // (`fan_out_events`). Two statements of fixed text, which diesel keeps prepared:
            // the read alone when no subscription wants the event (an INSERT … SELECT that
            // writes nothing still cost the cheapest write 15%, and `sql_query` text is parsed
            // anew each time).
            let wanted: Vec<WebhookId> = webhooks::table
                .select(webhooks::id)
                .filter(webhooks::active)
                .filter(
                    webhooks::events.eq("*").or(" "
                        .into_sql::<Text>()
                        .concat(webhooks::events)
                        .concat(" ")
                        .like(&pattern)),
                )
                .order(webhooks::id.asc())
                .load(conn)?;
            if wanted.is_empty() {
                return Ok(0);
            }
            let ids: Vec<String> = wanted.iter().map(ToString::to_string).collect();
            diesel::insert_into(events::table)
                .values((
                    events::kind.eq(kind.stored()),
                    events::object_key.eq(object_key),
                    events::payload.eq(payload),
                    events::created_at.eq(now),
                    events::webhook_ids.eq(ids.join(" ")),
                    events::due_at.eq(due),
                ))
                .execute(conn)?;
            Ok(wanted.len())
        }
    }
}

/// An event not yet made into deliveries: id, object, the subscriptions it names, due, written.
type UnfannedEvent = (EventId, String, Option<String>, Option<Timestamp>, Timestamp);

/// Events read per batch when fanning out.
const FAN_OUT_BATCH: i64 = 200;

/// Batches a claim fans out at most: a backlog (delivery was off) becomes deliveries a batch per
/// round, each a few milliseconds of the write lock, far ahead of the 32 a round sends.
const CLAIM_FAN_OUT_BATCHES: usize = 1;

/// SQLite: makes the deliveries of every event written since the last call, one per
/// subscription the event named that still exists, in event order, and moves the cursor past
/// them. Call inside a write transaction (the cursor is read and moved under the write lock)
/// before reading deliveries. PostgreSQL writes deliveries with their events: nothing to do.
pub fn fan_out_events(conn: &mut DbConnection) -> StoreResult<usize> {
    fan_out(conn, usize::MAX)
}

fn fan_out(conn: &mut DbConnection, batches: usize) -> StoreResult<usize> {
    if matches!(conn, DbConnection::Pg(_)) {
        return Ok(0);
    }
    let mut last: EventId =
        outbox_cursor::table.select(outbox_cursor::last_event_id).first(conn).optional()?.unwrap_or(EventId(0));
    let mut made = 0;
    for _ in 0..batches {
        let batch: Vec<UnfannedEvent> = events::table
            .filter(events::id.gt(last.stored()))
            .order(events::id.asc())
            .limit(FAN_OUT_BATCH)
            .select((events::id, events::object_key, events::webhook_ids, events::due_at, events::created_at))
            .load(conn)?;
        let Some((newest, ..)) = batch.last() else { break };
        let newest = *newest;
        let live: std::collections::HashSet<WebhookId> =
            webhooks::table.select(webhooks::id).load(conn)?.into_iter().collect();
        for (event, object_key, webhook_ids, due_at, created_at) in &batch {
            let named = webhook_ids.as_deref().unwrap_or("").split(' ').filter_map(|id| id.parse().ok()).map(WebhookId);
            for webhook in named.filter(|id| live.contains(id)) {
                diesel::insert_into(webhook_deliveries::table)
                    .values((
                        webhook_deliveries::webhook_id.eq(webhook.stored()),
                        webhook_deliveries::event_id.eq(event.stored()),
                        webhook_deliveries::object_key.eq(object_key),
                        webhook_deliveries::state.eq(DeliveryState::Pending.stored()),
                        webhook_deliveries::attempts.eq(0),
                        webhook_deliveries::next_attempt_at.eq(due_at.unwrap_or(*created_at)),
                        webhook_deliveries::created_at.eq(*created_at),
                    ))
                    .execute(conn)?;
                made += 1;
            }
        }
        last = newest;
        let full = batch.len() as i64 == FAN_OUT_BATCH;
        let moved = diesel::update(outbox_cursor::table.find(1))
            .set(outbox_cursor::last_event_id.eq(last.stored()))
            .execute(conn)?;
        if moved == 0 {
            diesel::insert_into(outbox_cursor::table)
                .values((outbox_cursor::id.eq(1), outbox_cursor::last_event_id.eq(last.stored())))
                .execute(conn)?;
        }
        if !full {
            break;
        }
    }
    Ok(made)
}

/// Withdraws the deliveries of `kind` about `object_key` that are not due yet and were never
/// tried (a scheduled post's announcement, when the post is edited, unscheduled or deleted).
pub fn withdraw_future_deliveries(
    conn: &mut DbConnection,
    kind: EventKind,
    object_key: &str,
    now: Timestamp,
) -> StoreResult<usize> {
    fan_out_events(conn)?;
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
    #[diesel(sql_type = BigInt)]
    webhook_id: i64,
}

/// How many deliveries of each subscription a claim may take: `default` unless `quota` says
/// otherwise (0 leaves a subscription out of the claim altogether).
#[derive(Debug, Clone, Default)]
pub struct ClaimQuota {
    /// Deliveries of a subscription not named below.
    pub default: usize,
    /// Subscriptions with a quota of their own (a slow receiver's, say).
    pub quota: HashMap<WebhookId, usize>,
}

impl ClaimQuota {
    /// How many deliveries of `webhook` a claim may take.
    pub fn allowed(&self, webhook: WebhookId) -> usize {
        self.quota.get(&webhook).copied().unwrap_or(self.default)
    }
}

/// The due deliveries, each the oldest pending one of its subscription and object (so an
/// object's events arrive in order), at most `limit` and at most each subscription's quota,
/// claimed until `lease_until`: another process skips them (PostgreSQL: `FOR UPDATE SKIP
/// LOCKED`; SQLite: the write lock the caller's transaction holds). Call inside a write
/// transaction.
pub fn claim_due_deliveries(
    conn: &mut DbConnection,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
    quotas: &ClaimQuota,
) -> StoreResult<Vec<ClaimedDelivery>> {
    fan_out(conn, CLAIM_FAN_OUT_BATCHES)?;
    // Subscriptions with no room are left out by the statement, so that their backlog cannot
    // fill the candidates; the ids are integers, written into the statement.
    let excluded: Vec<String> =
        quotas.quota.iter().filter(|(_, q)| **q == 0).map(|(webhook, _)| webhook.0.to_string()).collect();
    let excluded =
        if excluded.is_empty() { String::new() } else { format!("AND d.webhook_id NOT IN ({}) ", excluded.join(",")) };
    // Numbered parameters (the state and the time are used twice): `$n` on PostgreSQL, `?n` on SQLite.
    let due = format!(
        "SELECT d.id, d.webhook_id FROM webhook_deliveries d \
        WHERE d.state = #1 AND d.next_attempt_at <= #2 AND (d.claimed_until IS NULL OR d.claimed_until < #2) \
        {excluded}AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
        AND e.object_key = d.object_key AND e.state = #1 AND e.id < d.id) \
        AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active) \
        ORDER BY d.id LIMIT #3"
    );
    let sql = match conn {
        DbConnection::Pg(_) => format!("{} FOR UPDATE SKIP LOCKED", due.replace('#', "$")),
        DbConnection::Sqlite(_) => due.replace('#', "?"),
    };
    // Twice the room, so that a subscription past its quota leaves the rest to others; the rows
    // not taken are unlocked when the transaction ends.
    let due: Vec<DueRow> = diesel::sql_query(sql)
        .bind::<DeliveryStateColumn, _>(DeliveryState::Pending)
        .bind::<SqlTimestamp, _>(now)
        .bind::<BigInt, _>(limit.saturating_mul(2))
        .load(conn)?;
    let mut taken: HashMap<WebhookId, usize> = std::collections::HashMap::new();
    let mut ids: Vec<DeliveryId> = Vec::new();
    for row in due {
        let webhook = WebhookId(row.webhook_id);
        let count = taken.entry(webhook).or_default();
        if *count < quotas.allowed(webhook) && i64::try_from(ids.len()).unwrap_or(i64::MAX) < limit {
            *count += 1;
            ids.push(row.id);
        }
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
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

/// Deliveries waiting to be sent (on SQLite, with the events not yet fanned out to deliveries
/// counted as one each: a measure of the queue, for `/metrics`).
pub fn pending_deliveries(conn: &mut DbConnection) -> StoreResult<i64> {
    let pending: i64 = webhook_deliveries::table
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending.stored()))
        .count()
        .get_result(conn)?;
    let unfanned: i64 = match conn {
        DbConnection::Sqlite(_) => {
            let last: EventId =
                outbox_cursor::table.select(outbox_cursor::last_event_id).first(conn).optional()?.unwrap_or(EventId(0));
            events::table
                .filter(events::id.gt(last.stored()))
                .filter(events::webhook_ids.is_not_null())
                .count()
                .get_result(conn)?
        }
        DbConnection::Pg(_) => 0,
    };
    Ok(pending + unfanned)
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
