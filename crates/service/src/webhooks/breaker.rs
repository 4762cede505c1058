//! A breaker per subscription: a receiver that keeps not answering in good time (a time-out, a
//! refused connection, an answer slower than half the time-out) is given one delivery at a time,
//! then none for a while, so that it cannot hold the deliverer's slots that every other
//! subscription needs.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use colophon_domain::WebhookId;
use colophon_store::ClaimQuota;

/// Failures in a row after which a subscription is left alone for a while.
const OPENS_AFTER: u32 = 3;
/// How long it is left alone the first time; doubled at each failure after, up to the longest.
const FIRST_PAUSE: Duration = Duration::from_secs(30);
const LONGEST_PAUSE: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Copy)]
struct Trouble {
    failures: u32,
    /// When the last failure came back: deliveries sent before it failed with it (they were out
    /// together), and count as one.
    last_failure: Instant,
    paused_until: Option<Instant>,
}

/// What the deliverer knows of its subscriptions' receivers, and what it has out with each.
#[derive(Debug)]
pub(crate) struct Breaker {
    /// Deliveries out at once to one healthy subscription.
    per_subscription: usize,
    troubled: HashMap<WebhookId, Trouble>,
    in_flight: HashMap<WebhookId, usize>,
}

impl Breaker {
    /// A breaker that lets a healthy subscription have `per_subscription` deliveries out.
    pub fn new(per_subscription: usize) -> Self {
        Self { per_subscription: per_subscription.max(1), troubled: HashMap::new(), in_flight: HashMap::new() }
    }

    /// How many more deliveries each subscription may have out now.
    pub fn quotas(&self, now: Instant) -> ClaimQuota {
        let mut quota = HashMap::new();
        for (webhook, trouble) in &self.troubled {
            let allowed = match trouble.paused_until {
                Some(until) if until > now => 0,
                // Failing, or back from a pause: one at a time until one is answered.
                _ => 1,
            };
            quota.insert(*webhook, allowed);
        }
        for (webhook, out) in &self.in_flight {
            let allowed = quota.get(webhook).copied().unwrap_or(self.per_subscription);
            quota.insert(*webhook, allowed.saturating_sub(*out));
        }
        ClaimQuota { default: self.per_subscription, quota }
    }

    /// A delivery to `webhook` went out.
    pub fn sent(&mut self, webhook: WebhookId) {
        *self.in_flight.entry(webhook).or_default() += 1;
    }

    /// A delivery to `webhook`, sent at `sent`, came back: `healthy` when the receiver answered
    /// in good time.
    pub fn returned(&mut self, webhook: WebhookId, healthy: bool, sent: Instant, now: Instant) {
        if let Some(out) = self.in_flight.get_mut(&webhook) {
            *out = out.saturating_sub(1);
            if *out == 0 {
                self.in_flight.remove(&webhook);
            }
        }
        if healthy {
            self.troubled.remove(&webhook);
            return;
        }
        let trouble =
            self.troubled.entry(webhook).or_insert(Trouble { failures: 0, last_failure: sent, paused_until: None });
        if trouble.failures > 0 && sent < trouble.last_failure {
            // Out at the same time as a failure already counted.
            return;
        }
        trouble.failures = trouble.failures.saturating_add(1);
        trouble.last_failure = now;
        if trouble.failures >= OPENS_AFTER {
            let doublings = (trouble.failures - OPENS_AFTER).min(8);
            let pause = FIRST_PAUSE.saturating_mul(1 << doublings).min(LONGEST_PAUSE);
            trouble.paused_until = Some(now + pause);
            tracing::warn!(
                webhook = webhook.0,
                failures = trouble.failures,
                pause_s = pause.as_secs(),
                "a webhook receiver keeps not answering: paused"
            );
        }
    }

    /// Deliveries out in all.
    #[cfg(test)]
    pub fn out(&self) -> usize {
        self.in_flight.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_receiver_gets_one_at_a_time_then_a_pause() {
        let (slow, healthy) = (WebhookId(1), WebhookId(2));
        let mut breaker = Breaker::new(8);
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        breaker.sent(slow);
        breaker.sent(slow);
        assert_eq!(breaker.quotas(at(0)).allowed(slow), 6);
        breaker.returned(slow, false, at(0), at(10));
        assert_eq!(breaker.quotas(at(10)).allowed(slow), 0, "one out, one allowed");
        breaker.returned(slow, false, at(0), at(10));
        assert_eq!(breaker.quotas(at(10)).allowed(slow), 1, "out together: one failure");
        for n in 0..2 {
            breaker.sent(slow);
            breaker.returned(slow, false, at(11 + n * 20), at(21 + n * 20));
        }
        assert_eq!(breaker.quotas(at(41)).allowed(slow), 0, "paused after three");
        assert_eq!(breaker.quotas(at(72)).allowed(slow), 1, "a probe after the pause");
        assert_eq!(breaker.quotas(at(41)).allowed(healthy), 8);
        breaker.sent(slow);
        breaker.returned(slow, true, at(72), at(73));
        assert_eq!(breaker.quotas(at(73)).allowed(slow), 8, "an answer closes it");
        assert_eq!(breaker.out(), 0);
    }

    #[test]
    fn pauses_double_up_to_ten_minutes() {
        let webhook = WebhookId(1);
        let mut breaker = Breaker::new(4);
        let start = Instant::now();
        let mut now = start;
        for _ in 0..20 {
            let sent = now;
            now += Duration::from_secs(1);
            breaker.returned(webhook, false, sent, now);
        }
        assert_eq!(breaker.quotas(now + Duration::from_secs(599)).allowed(webhook), 0);
        assert_eq!(breaker.quotas(now + Duration::from_secs(601)).allowed(webhook), 1);
    }
}
