//! The outbox: events written in the write's own transaction, so that a rolled-back write sends
//! nothing and a committed one loses nothing, whatever happens to the process after COMMIT.

use colophon_domain::{Actor, EventKind, Timestamp};
use colophon_store::{self as store, DbConnection};
use serde_json::{Value, json};

use crate::ServiceResult;
use crate::cache_keys::CacheKey;

/// An event a write will record when it commits.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub kind: EventKind,
    /// What it is about (`post:42`): one object's events are delivered in order.
    pub object_key: String,
    /// The object as an anonymous reader would see it, or its id and slug once it is gone.
    pub data: Value,
    /// When it is due, if later than now (a scheduled post's publication).
    pub due: Option<Timestamp>,
}

/// The events of one write transaction, and who made it.
#[derive(Debug, Default)]
pub(crate) struct Events {
    pub outgoing: Vec<Outgoing>,
    /// Announcements not yet due to withdraw (`kind`, object): a rescheduled post's.
    pub withdrawn: Vec<(EventKind, String)>,
    pub actor: Option<Actor>,
}

/// The time as Standard Webhooks payloads write it.
pub(crate) fn rfc3339(at: Timestamp) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn actor(actor: Option<Actor>) -> Value {
    match actor {
        Some(actor) => json!({ "author_id": actor.id.0, "api_key_id": actor.key.map(|k| k.0) }),
        None => Value::Null,
    }
}

/// Writes the transaction's events: withdrawals first, then each event with one delivery per
/// active subscription that wants it (none written when no subscription wants it). Returns
/// whether any delivery was written.
pub(crate) fn write(
    conn: &mut DbConnection,
    events: &Events,
    keys: &[CacheKey],
    now: Timestamp,
) -> ServiceResult<bool> {
    for (kind, object) in &events.withdrawn {
        store::withdraw_future_deliveries(conn, *kind, object, now)?;
    }
    if events.outgoing.is_empty() {
        return Ok(false);
    }
    let surrogate_keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
    let mut any = false;
    for event in &events.outgoing {
        let due = event.due.filter(|due| *due > now).unwrap_or(now);
        let mut data = event.data.clone();
        if let Value::Object(fields) = &mut data {
            fields.insert("actor".into(), actor(events.actor));
            fields.insert("surrogate_keys".into(), json!(surrogate_keys));
        }
        let payload = json!({ "type": event.kind.as_str(), "timestamp": rfc3339(due), "data": data }).to_string();
        // The subscriptions are read by the same statement that writes the deliveries.
        any |= store::queue_event(conn, event.kind, &event.object_key, &payload, due, now)? > 0;
    }
    Ok(any)
}
