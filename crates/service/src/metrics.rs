//! What a server process counts for Prometheus: requests, the database pool, the response
//! cache, replicas, rate limits and webhooks. One registry per process, rendered in the text
//! format at `/metrics` (behind `COLOPHON_METRICS_TOKEN`).

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Latency buckets, in seconds: from a cached answer to a slow write.
const BUCKETS: &[f64] = &[0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process's instruments.
pub struct Metrics {
    registry: Registry,
    /// Requests by route pattern, method and status.
    pub requests: IntCounterVec,
    /// Request latency by route pattern and method.
    pub latency: HistogramVec,
    /// Answers served from the response cache (`hit`), computed and kept (`miss`), or computed
    /// and not kept (`bypass`).
    pub cache: IntCounterVec,
    /// Entries the response cache dropped to make room.
    pub cache_evictions: IntCounter,
    /// Cache keys invalidated, by kind (`post`, `list:posts`…) and origin (`local`, `remote`).
    pub invalidations: IntCounterVec,
    /// Times every cached answer was dropped at once (a write no announcement describes, a
    /// watcher that lost the database).
    pub invalidations_all: IntCounter,
    /// Database reads by where they went: `primary`, or a replica's name.
    pub reads: IntCounterVec,
    /// Reads sent to the primary although replicas are configured, by reason
    /// (`behind`: no replica had replayed the newest change heard of; `down`).
    pub primary_fallbacks: IntCounterVec,
    /// Each replica's replay lag behind the primary, in bytes of WAL (-1 when unreachable).
    pub replica_lag_bytes: IntGaugeVec,
    /// Whether each replica is in rotation.
    pub replica_in_rotation: IntGaugeVec,
    /// Requests refused by a rate limit.
    pub rate_limited: IntCounter,
    /// Time spent waiting for a pooled connection.
    pub pool_wait: Histogram,
    /// Connections the pool holds, and how many are idle (set when scraped).
    pub pool_connections: IntGaugeVec,
    /// Webhook deliveries by outcome (`delivered`, `retry`, `failed`, `disabled`).
    pub webhook_deliveries: IntCounterVec,
    /// Deliveries waiting to be sent (set when scraped).
    pub webhook_queue: IntGauge,
    /// Picture variants made, by how (`ahead`: after an upload; `on_demand`: for a request).
    pub media_variants: IntCounterVec,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics(..)")
    }
}

#[allow(clippy::expect_used, reason = "fixed, valid metric names and labels, registered once on a fresh registry")]
impl Default for Metrics {
    fn default() -> Self {
        let registry = Registry::new_custom(Some("colophon".into()), None).expect("a valid prefix");
        let counter_vec = |name: &str, help: &str, labels: &[&str]| {
            let metric = IntCounterVec::new(Opts::new(name, help), labels).expect("valid counter");
            registry.register(Box::new(metric.clone())).expect("registered once");
            metric
        };
        let counter = |name: &str, help: &str| {
            let metric = IntCounter::new(name, help).expect("valid counter");
            registry.register(Box::new(metric.clone())).expect("registered once");
            metric
        };
        let gauge_vec = |name: &str, help: &str, labels: &[&str]| {
            let metric = IntGaugeVec::new(Opts::new(name, help), labels).expect("valid gauge");
            registry.register(Box::new(metric.clone())).expect("registered once");
            metric
        };
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Request latency").buckets(BUCKETS.to_vec()),
            &["route", "method"],
        )
        .expect("valid histogram");
        registry.register(Box::new(latency.clone())).expect("registered once");
        let pool_wait = Histogram::with_opts(
            HistogramOpts::new("db_pool_wait_seconds", "Time waited for a pooled database connection")
                .buckets(BUCKETS.to_vec()),
        )
        .expect("valid histogram");
        registry.register(Box::new(pool_wait.clone())).expect("registered once");
        let webhook_queue = IntGauge::new("webhook_queue_depth", "Webhook deliveries waiting").expect("valid gauge");
        registry.register(Box::new(webhook_queue.clone())).expect("registered once");
        Self {
            requests: counter_vec(
                "http_requests_total",
                "Requests by route, method and status",
                &["route", "method", "status"],
            ),
            latency,
            cache: counter_vec("cache_answers_total", "Cacheable answers by outcome", &["outcome"]),
            cache_evictions: counter("cache_evictions_total", "Cached answers dropped to make room"),
            invalidations: counter_vec(
                "cache_invalidations_total",
                "Cache keys invalidated, by kind and origin",
                &["kind", "origin"],
            ),
            invalidations_all: counter("cache_invalidations_all_total", "Times every cached answer was dropped"),
            reads: counter_vec("db_reads_total", "Database reads by target", &["target"]),
            primary_fallbacks: counter_vec(
                "replica_fallbacks_total",
                "Reads sent to the primary although replicas exist, by reason",
                &["reason"],
            ),
            replica_lag_bytes: gauge_vec(
                "replica_lag_bytes",
                "Replay lag behind the primary (-1: unreachable)",
                &["replica"],
            ),
            replica_in_rotation: gauge_vec("replica_in_rotation", "1 while the replica takes reads", &["replica"]),
            rate_limited: counter("rate_limited_total", "Requests refused by a rate limit"),
            pool_wait,
            pool_connections: gauge_vec("db_pool_connections", "Pooled connections by state", &["pool", "state"]),
            webhook_deliveries: counter_vec("webhook_deliveries_total", "Webhook deliveries by outcome", &["outcome"]),
            webhook_queue,
            media_variants: counter_vec("media_variants_total", "Picture variants made, by how", &["how"]),
            registry,
        }
    }
}

impl Metrics {
    /// Every instrument in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding text into a Vec cannot fail for metrics built here.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Counts a refusal by a rate limit.
    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }
}

impl crate::Colophon {
    /// Every instrument, with the gauges read now (the pools, the webhook queue), in the
    /// Prometheus text format.
    pub async fn metrics_text(&self) -> crate::ServiceResult<String> {
        // The database may be down, which is when the rest matters most: -1, and the rest.
        let queued = self.db_primary(|conn, _| Ok(colophon_store::pending_deliveries(conn)?)).await.unwrap_or(-1);
        let metrics = self.metrics();
        metrics.webhook_queue.set(queued);
        self.record_pool_gauges();
        Ok(metrics.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instruments_render_in_the_text_format() {
        let metrics = Metrics::default();
        metrics.requests.with_label_values(&["/api/v1/posts", "GET", "200"]).inc();
        metrics.rate_limited();
        let text = metrics.render();
        assert!(
            text.contains("colophon_http_requests_total{method=\"GET\",route=\"/api/v1/posts\",status=\"200\"} 1"),
            "{text}"
        );
        assert!(text.contains("colophon_rate_limited_total 1"), "{text}");
    }
}
