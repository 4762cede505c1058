//! The deliverer: every server process runs one. It claims due deliveries in the database (so
//! each is sent by one process at a time, at least once in all), POSTs them signed (through a
//! [`WebhookClient`]), and records
//! each attempt: 2xx is done, 410 switches the subscription off, anything else is retried on the
//! schedule until it runs out.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use colophon_domain::{Attempt, DeliveryState, Timestamp, WebhookId};
use colophon_store::{self as store, ClaimQuota, ClaimedDelivery};

use super::breaker::Breaker;
use super::sign;
use crate::{Colophon, ServiceError, ServiceResult};

/// Bytes of a receiver's answer kept in the delivery log.
const RESPONSE_KEPT: u64 = 512;

/// Sends webhook POSTs: the outbound HTTP client (`colophon-delivery` has one that follows no
/// redirects, keeps to a time limit and reaches public addresses only, checked after the name
/// is resolved). Calls block: the deliverer runs them on the blocking pool.
pub trait WebhookClient: Send + Sync + std::fmt::Debug {
    /// POSTs `body` (JSON) to `url` with `headers`: the answer's status and the first `kept`
    /// bytes of its body, or why there was no answer (refused, timed out, unreachable).
    fn post(&self, url: &str, headers: &[(&str, String)], body: &str, kept: u64) -> Result<(u16, String), String>;
}

/// One POST; the attempt as the log keeps it.
fn send(client: &dyn WebhookClient, delivery: &ClaimedDelivery, now: Timestamp) -> Attempt {
    let started = Instant::now();
    let message_id = format!("msg_{}", delivery.event.0);
    let timestamp = now.and_utc().timestamp();
    let Some(signature) = sign(&delivery.secret, &message_id, timestamp, &delivery.payload) else {
        return Attempt { attempted_at: now, status: None, latency_ms: 0, response: "unusable secret".into() };
    };
    let headers = [
        ("content-type", "application/json".to_string()),
        ("webhook-id", message_id),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", signature),
    ];
    let (status, response) = match client.post(&delivery.url, &headers, &delivery.payload, RESPONSE_KEPT) {
        Ok((status, head)) => (Some(i32::from(status)), head),
        Err(error) => (None, error),
    };
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    Attempt { attempted_at: now, status, latency_ms, response }
}

/// The retry delay after `attempts` failed attempts, ±10% so that a receiver coming back is not
/// hit by every retry at once; `None` when the schedule has run out.
fn retry_after(schedule: &[i64], attempts: i32) -> Option<chrono::Duration> {
    let base = *schedule.get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
    let spread = base / 10;
    let jitter = if spread > 0 { rand::random_range(-spread..=spread) } else { 0 };
    Some(chrono::Duration::seconds(base + jitter))
}

/// A healthy subscription's share of the deliverer's slots: half, so that one receiver that
/// stalls before its breaker opens leaves the other half to everyone else.
fn per_subscription(concurrency: usize) -> usize {
    (concurrency / 2).max(1)
}

type Outcome = (ClaimedDelivery, Attempt);

/// The deliverer's state between claims: what is out, with whom, and each receiver's record.
struct Deliverer {
    service: Colophon,
    client: Arc<dyn WebhookClient>,
    concurrency: usize,
    breaker: Breaker,
    sending: tokio::task::JoinSet<Outcome>,
    /// Each send's subscription and when it went out.
    webhook_of: HashMap<tokio::task::Id, (WebhookId, Instant)>,
    /// An answer slower than this counts against the receiver's breaker (half the time-out).
    slow: Duration,
}

impl Deliverer {
    fn new(service: Colophon, client: Arc<dyn WebhookClient>) -> Self {
        let settings = service.webhook_settings().clone();
        Self {
            client,
            concurrency: settings.concurrency.max(1),
            breaker: Breaker::new(per_subscription(settings.concurrency)),
            sending: tokio::task::JoinSet::new(),
            webhook_of: HashMap::new(),
            slow: settings.timeout / 2,
            service,
        }
    }

    /// Claims as many due deliveries as there are free slots (within each subscription's
    /// quota) and sends them; true when every slot is taken. A claim cut short by a
    /// subscription's quota is followed by another at once: that subscription is left out of it.
    async fn fill(&mut self) -> bool {
        for _ in 0..4 {
            let free = self.concurrency.saturating_sub(self.sending.len());
            if free == 0 {
                return true;
            }
            let claimed = match self.service.claim_deliveries(free, self.breaker.quotas(Instant::now())).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(error = %crate::chain(&error), "claiming webhook deliveries failed");
                    return false;
                }
            };
            if claimed.is_empty() {
                return false;
            }
            for delivery in claimed {
                self.breaker.sent(delivery.webhook);
                let (client, now, span, webhook) =
                    (self.client.clone(), self.service.now(), tracing::Span::current(), delivery.webhook);
                let task = self.sending.spawn_blocking(move || {
                    let _entered = span.enter();
                    let attempt = send(&*client, &delivery, now);
                    (delivery, attempt)
                });
                self.webhook_of.insert(task.id(), (webhook, Instant::now()));
            }
        }
        self.sending.len() >= self.concurrency
    }

    /// Takes a finished send, and any others finished by then, off the set.
    fn finished(&mut self, first: Result<(tokio::task::Id, Outcome), tokio::task::JoinError>) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        let mut next = Some(first);
        while let Some(done) = next {
            let now = Instant::now();
            match done {
                Ok((id, outcome)) => {
                    let sent = self.webhook_of.remove(&id).map_or(now, |(_, sent)| sent);
                    let in_time = u128::try_from(outcome.1.latency_ms).unwrap_or(0) < self.slow.as_millis();
                    self.breaker.returned(outcome.0.webhook, outcome.1.status.is_some() && in_time, sent, now);
                    outcomes.push(outcome);
                }
                // Its claim lapses and it is tried again; the others are recorded now.
                Err(error) => {
                    if let Some((webhook, sent)) = self.webhook_of.remove(&error.id()) {
                        self.breaker.returned(webhook, false, sent, now);
                    }
                    tracing::error!(error = %error, "a webhook delivery task failed");
                }
            }
            next = self.sending.try_join_next_with_id();
        }
        outcomes
    }
}

impl Colophon {
    /// Runs this process's deliverer until the runtime stops: a pool of `concurrency` slots,
    /// filled as they free up (a receiver that never answers holds at most its share of them,
    /// and its breaker soon gives it none), woken when a write here queues a delivery and
    /// polling for the rest (other processes' writes, retries coming due). It also does the
    /// site's hourly pruning when it claims it. Deliveries are sent by `client`.
    pub fn spawn_deliverer(&self, client: Arc<dyn WebhookClient>) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let queued = service.deliveries_queued().clone();
            let poll = service.webhook_settings().poll_interval;
            let mut deliverer = Deliverer::new(service.clone(), client);
            // Once an hour for the whole site, by whichever process claims it first: the audit
            // log's retention and old rate-limit windows (each process asks once a minute).
            let mut asked: Option<Instant> = None;
            loop {
                if asked.is_none_or(|at| at.elapsed() > Duration::from_secs(60)) {
                    asked = Some(Instant::now());
                    service.prune_once_per_site().await;
                }
                let full = deliverer.fill().await;
                let busy = !deliverer.sending.is_empty();
                tokio::select! {
                    Some(done) = deliverer.sending.join_next_with_id(), if busy => {
                        let outcomes = deliverer.finished(done);
                        if let Err(error) = service.record_outcomes(outcomes).await {
                            tracing::warn!(error = %crate::chain(&error), "recording webhook deliveries failed");
                        }
                    }
                    () = queued.notified(), if !full => {}
                    () = tokio::time::sleep(poll), if !full => {}
                }
            }
        })
    }

    /// Prunes the audit log and old rate-limit windows when this process claims the hour's turn.
    pub(crate) async fn prune_once_per_site(&self) {
        let claimed = self
            .db_primary(|conn, now| Ok(store::claim_site_work(conn, "prune", now, now + chrono::Duration::hours(1))?))
            .await;
        match claimed {
            Ok(true) => {}
            Ok(false) => return,
            Err(error) => {
                tracing::warn!(error = %crate::chain(&error), "claiming the hourly pruning failed");
                return;
            }
        }
        if let Err(error) = self.prune_audit_log().await {
            tracing::warn!(error = %crate::chain(&error), "pruning the audit log failed");
        }
        if let Err(error) = self.prune_rate_windows().await {
            tracing::warn!(error = %crate::chain(&error), "pruning rate-limit windows failed");
        }
    }

    /// One round, for tools and tests that drive delivery themselves: claims the due
    /// deliveries (up to `concurrency`), sends them at once, records what came of each.
    /// Returns how many were sent.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn deliver_due(&self, client: Arc<dyn WebhookClient>) -> ServiceResult<usize> {
        let settings = self.webhook_settings().clone();
        let quotas = ClaimQuota { default: settings.concurrency, ..ClaimQuota::default() };
        let claimed = self.claim_deliveries(settings.concurrency, quotas).await?;
        let mut sending = tokio::task::JoinSet::new();
        for delivery in claimed {
            let (client, now) = (client.clone(), self.now());
            sending.spawn_blocking(move || {
                let attempt = send(&*client, &delivery, now);
                (delivery, attempt)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(done) = sending.join_next().await {
            match done {
                Ok(outcome) => outcomes.push(outcome),
                Err(error) => tracing::error!(error = %error, "a webhook delivery task failed"),
            }
        }
        let sent = outcomes.len();
        self.record_outcomes(outcomes).await?;
        Ok(sent)
    }

    /// Claims up to `limit` due deliveries, within each subscription's quota.
    async fn claim_deliveries(&self, limit: usize, quotas: ClaimQuota) -> ServiceResult<Vec<ClaimedDelivery>> {
        let settings = self.webhook_settings();
        let lease = chrono::Duration::from_std(settings.timeout + Duration::from_secs(20))
            .map_err(|e| ServiceError::internal_while("lease", e))?;
        let limit = i64::try_from(limit).unwrap_or(16);
        let gate = self.write_gate().clone();
        self.db(move |conn, now| {
            store::write_transaction(&gate, conn, |conn| {
                Ok(store::claim_due_deliveries(conn, now, now + lease, limit, &quotas)?)
            })
        })
        .await
    }

    /// Records what came of sent deliveries, all in one transaction when it can.
    async fn record_outcomes(&self, outcomes: Vec<Outcome>) -> ServiceResult<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let schedule = self.webhook_settings().retry_schedule_secs.clone();
        for (delivery, attempt) in &outcomes {
            let outcome = match attempt.status {
                Some(200..=299) => "delivered",
                Some(410) => "disabled",
                _ if schedule.len() < usize::try_from(delivery.attempts + 1).unwrap_or(usize::MAX) => "failed",
                _ => "retry",
            };
            self.metrics().webhook_deliveries.with_label_values(&[outcome]).inc();
        }
        let gate = self.write_gate().clone();
        self.db(move |conn, now| {
            // All outcomes in one transaction; if that fails (a subscription was deleted while
            // its delivery was out, say), each on its own, so that one cannot make the others be
            // sent again.
            let all = store::write_transaction(&gate, conn, |conn| {
                outcomes.iter().try_for_each(|(delivery, attempt)| record(conn, delivery, attempt, &schedule, now))
            });
            if all.is_err() {
                for (delivery, attempt) in &outcomes {
                    store::write_transaction(&gate, conn, |conn| {
                        if store::delivery_exists(conn, delivery.id)? {
                            record(conn, delivery, attempt, &schedule, now)?;
                        }
                        Ok::<_, ServiceError>(())
                    })?;
                }
            }
            Ok(())
        })
        .await
    }
}

/// Records one attempt and what follows from it: done, switched off (410), or retried later.
fn record(
    conn: &mut store::DbConnection,
    delivery: &ClaimedDelivery,
    attempt: &Attempt,
    schedule: &[i64],
    now: Timestamp,
) -> ServiceResult<()> {
    store::record_attempt(conn, delivery.id, attempt)?;
    let attempts = delivery.attempts + 1;
    match attempt.status {
        Some(200..=299) => store::finish_delivery(conn, delivery.id, DeliveryState::Delivered, now)?,
        Some(410) => {
            store::disable_webhook(conn, delivery.webhook, "the receiver answered 410 Gone")?;
            store::finish_delivery(conn, delivery.id, DeliveryState::Failed, now)?;
        }
        _ => match retry_after(schedule, attempts) {
            Some(delay) => store::retry_delivery(conn, delivery.id, now + delay)?,
            None => store::finish_delivery(conn, delivery.id, DeliveryState::Failed, now)?,
        },
    }
    if matches!(attempt.status, Some(200..=299)) {
        tracing::info!(
            delivery = delivery.id.0,
            webhook = delivery.webhook.0,
            status = attempt.status,
            latency_ms = attempt.latency_ms,
            attempts,
            "webhook delivered"
        );
    } else {
        // The receiver's first bytes or the transport's error: what an operator needs to act.
        let reason: String = attempt.response.chars().take(200).collect();
        tracing::warn!(
            delivery = delivery.id.0,
            webhook = delivery.webhook.0,
            status = attempt.status,
            latency_ms = attempt.latency_ms,
            attempts,
            reason = %reason,
            "webhook delivery failed"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_the_schedule_then_stop() {
        let schedule = [10, 100];
        let first = retry_after(&schedule, 1).unwrap().num_seconds();
        assert!((9..=11).contains(&first), "{first}");
        let second = retry_after(&schedule, 2).unwrap().num_seconds();
        assert!((90..=110).contains(&second), "{second}");
        assert_eq!(retry_after(&schedule, 3), None);
        assert_eq!(retry_after(&schedule, 0), None);
    }
}
