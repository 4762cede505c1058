//! Several nodes on one database: rate limits that hold across them (PostgreSQL), caches that
//! drop exactly what another node changed, and a streaming replica that serves anonymous reads
//! only once it has replayed every change its node knows of.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use colophon_store::{DatabaseTarget, PoolSettings};
use serde_json::json;

use crate::support::cluster::Cluster;
use crate::support::{Backend, DEMO_POST, TestApp, TestDb};

backend_tests!(
    limits_count_across_nodes_on_postgres,
    three_nodes_drop_exactly_what_another_changed,
    metrics_are_served_behind_their_token,
    once_a_site_work_is_claimed_by_one_node,
);

/// A node (a whole service and server) over an existing database.
fn node(
    db: &TestDb,
    demo: bool,
    configure: impl FnOnce(&mut colophon_service::ColophonConfig, &mut crate::support::ServerConfig),
) -> TestApp {
    let pool = PoolSettings { max_size: 4, ..PoolSettings::default() };
    TestApp::start_with_pool(db.sharing(), demo, pool, configure).expect("a node")
}

fn comment(app: &TestApp, n: usize) -> u16 {
    let body = json!({ "author_name": "Reader", "body": format!("comment {n}") });
    app.send("POST", &format!("/api/v1/posts/{DEMO_POST}/comments"), None, Some(&body), &[]).status
}

/// Two comments a minute per address: on PostgreSQL two across all nodes; on SQLite (one
/// process per site) each node counts its own.
fn limits_count_across_nodes_on_postgres(backend: Backend) {
    let Some(db) = TestDb::create(backend) else { return };
    let two = |config: &mut colophon_service::ColophonConfig, _: &mut crate::support::ServerConfig| {
        config.comments.per_address = colophon_service::Limit::per_minute(2);
    };
    let a = node(&db, true, two);
    let b = node(&db, false, two);
    assert_eq!(comment(&a, 1), 201);
    assert_eq!(comment(&b, 2), 201);
    let third = comment(&a, 3);
    let fourth = comment(&b, 4);
    match backend {
        Backend::Postgres => {
            assert_eq!((third, fourth), (429, 429), "two a minute across both nodes");
            let metrics = a.colophon.metrics().render();
            assert!(metrics.contains("colophon_rate_limited_total 1"), "{metrics}");
        }
        Backend::Sqlite => {
            assert_eq!((third, fourth), (201, 201), "each node counts its own");
            assert_eq!(comment(&a, 5), 429);
        }
    }
    a.clock.advance(chrono::Duration::seconds(61));
    b.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(comment(&b, 6), 201, "a new window");
}

/// Three nodes with their caches warm; a write through one drops, on the other two, the answers
/// it changed and keeps the rest.
fn three_nodes_drop_exactly_what_another_changed(backend: Backend) {
    let Some(db) = TestDb::create(backend) else { return };
    let nodes = [node(&db, true, |_, _| {}), node(&db, false, |_, _| {}), node(&db, false, |_, _| {})];
    let post = format!("/api/v1/posts/{DEMO_POST}");
    let author = "/api/v1/authors/steve-rubel";
    for node in &nodes[1..] {
        for path in [post.as_str(), author] {
            node.get(path);
            assert_eq!(node.get(path).header("x-colophon-cache"), Some("hit"), "{path} warm");
        }
    }
    let admin = nodes[0].admin_token();
    let edit = nodes[0].send("PATCH", &post, Some(&admin), Some(&json!({ "title": "Crossed streams" })), &[]);
    assert_eq!(edit.status, 200, "{}", edit.body);
    for node in &nodes[1..] {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let page = node.get(&post);
            if page.json()["title"] == "Crossed streams" {
                break;
            }
            assert!(Instant::now() < deadline, "another node never heard of the write");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(node.get(author).header("x-colophon-cache"), Some("hit"), "the author's page was not touched");
        let metrics = node.colophon.metrics().render();
        assert!(metrics.contains("colophon_cache_invalidations_total{kind=\"post\",origin=\"remote\"}"), "{metrics}");
    }
}

/// Work done once per site (the hourly pruning) goes to whichever node moves its time on first;
/// the others, asking at the same moment, are told no.
fn once_a_site_work_is_claimed_by_one_node(backend: Backend) {
    let Some(db) = TestDb::create(backend) else { return };
    let a = node(&db, false, |_, _| {});
    let now = crate::support::server::test_now();
    let hour = chrono::Duration::hours(1);
    let claims: Vec<bool> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = a.db.conn();
                    colophon_store::claim_site_work(&mut conn, "prune", now, now + hour).unwrap()
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(claims.iter().filter(|c| **c).count(), 1, "one claim of four: {claims:?}");
    let mut conn = a.db.conn();
    assert!(
        !colophon_store::claim_site_work(&mut conn, "prune", now + chrono::Duration::minutes(59), now + hour).unwrap()
    );
    assert!(colophon_store::claim_site_work(&mut conn, "prune", now + hour, now + hour + hour).unwrap(), "due again");
}

/// `/metrics` in Prometheus' text format for whoever holds `COLOPHON_METRICS_TOKEN`; without
/// the setting it is not served at all.
fn metrics_are_served_behind_their_token(backend: Backend) {
    let Some(closed) = TestApp::spawn(backend) else { return };
    closed.get("/metrics").problem(404);
    let Some(app) = TestApp::spawn_with(backend, |_, server| {
        server.metrics_token = colophon_api::MetricsToken(Some("scrape-token-of-some-length".into()));
    }) else {
        return;
    };
    app.get(&format!("/api/v1/posts/{DEMO_POST}"));
    app.get(&format!("/api/v1/posts/{DEMO_POST}"));
    app.get("/api/v1/posts/no-such-post");
    app.get("/no/such/route/42");
    app.get("/metrics").problem(401);
    app.send("GET", "/metrics", Some("wrong"), None, &[]).problem(401);
    let scraped = app.send("GET", "/metrics", Some("scrape-token-of-some-length"), None, &[]);
    assert_eq!(scraped.status, 200);
    assert_eq!(scraped.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    assert_eq!(scraped.header("cache-control"), Some("no-store"));
    let text = scraped.body;
    for expected in [
        "colophon_http_requests_total{method=\"GET\",route=\"/api/v1/posts/{slug}\",status=\"200\"} 2",
        "colophon_http_requests_total{method=\"GET\",route=\"/api/v1/posts/{slug}\",status=\"404\"} 1",
        "route=\"unmatched\"",
        "colophon_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/posts/{slug}\"",
        "colophon_cache_answers_total{outcome=\"hit\"} 1",
        "colophon_cache_answers_total{outcome=\"miss\"} 1",
        "colophon_db_pool_connections{pool=\"primary\",state=\"open\"}",
        "colophon_db_pool_wait_seconds_count",
        "colophon_webhook_queue_depth 0",
    ] {
        assert!(text.contains(expected), "no {expected} in:\n{text}");
    }
    assert!(!text.contains("no-such-post") && !text.contains("/no/such/route/42"), "paths are not labels");
}

/// A primary, a streaming replica of it, a writing node on the primary and a reading node with
/// the replica: anonymous reads go to the replica once it has replayed what the node heard of,
/// a write is never answered stale, and the replica stopped and restarted under reads costs no
/// error (the reads fall back to the primary).
#[test]
#[ignore = "PostgreSQL: needs initdb, pg_ctl and pg_basebackup; run with --include-ignored"]
fn a_replica_serves_reads_it_has_caught_up_with_and_none_it_has_not() {
    let Some(primary) = Cluster::start() else { return };
    let Some(replica) = Cluster::replica_of(&primary) else { return };
    let primary_db = TestDb::external(DatabaseTarget::Postgres(primary.url()));
    let writer = node(&primary_db, true, |_, _| {});
    let reader = node(&primary_db, false, |config, _| {
        config.replicas.targets = vec![DatabaseTarget::Postgres(replica.url())];
        config.replicas.probe_every = Duration::from_millis(20);
    });
    let metrics = |app: &TestApp| app.colophon.metrics().render();
    let post = format!("/api/v1/posts/{DEMO_POST}");
    // The replica joins the rotation once a probe finds it (the demo content replayed).
    let deadline = Instant::now() + Duration::from_secs(10);
    while !metrics(&reader).contains("colophon_replica_in_rotation{replica=\"replica1\"} 1") {
        assert!(Instant::now() < deadline, "the replica never joined: {}", metrics(&reader));
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(reader.get(&post).status, 200);
    assert!(metrics(&reader).contains("colophon_db_reads_total{target=\"replica1\"}"), "{}", metrics(&reader));
    // Anonymous GraphQL mutations write (a sign-in counts its attempt, a comment its address):
    // they run on the primary, never on the read-only replica.
    let admin_account = writer.admin.clone().unwrap();
    let signed_in = reader.graphql(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        json!({ "e": admin_account.email, "p": admin_account.password }),
    );
    assert!(signed_in["data"]["login"]["accessToken"].is_string(), "{signed_in}");
    let commented = reader.graphql(
        "mutation($s: String!) { addComment(postSlug: $s, input: { authorName: \"A\", body: \"Hello\" }) { id } }",
        json!({ "s": DEMO_POST }),
    );
    assert!(commented["data"]["addComment"]["id"].is_string(), "{commented}");

    // Writes through the other node: once the reader shows one, it never shows an older one.
    let admin = writer.admin_token();
    for n in 1..=5 {
        let title = format!("Edit {n}");
        let edit = writer.send("PATCH", &post, Some(&admin), Some(&json!({ "title": title })), &[]);
        assert_eq!(edit.status, 200, "{}", edit.body);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let shown = reader.get(&post).json()["title"].as_str().unwrap().to_string();
            if shown == title {
                break;
            }
            let seen: u32 = shown.trim_start_matches("Edit ").parse().unwrap_or(0);
            assert!(seen < n, "shown {shown:?} after {title:?}");
            assert!(Instant::now() < deadline, "the reader never showed {title:?}");
            std::thread::sleep(Duration::from_millis(2));
        }
        for _ in 0..20 {
            assert_eq!(reader.get(&post).json()["title"], title, "an older title came back");
        }
    }

    // The replica goes away and comes back while readers keep reading: no answer fails.
    let reading = Arc::new(AtomicBool::new(true));
    let (answered, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let base = reader.base.clone();
    let threads: Vec<_> = (0..2)
        .map(|i| {
            let (reading, answered, failed, base) = (reading.clone(), answered.clone(), failed.clone(), base.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let mut n = 0;
                while reading.load(Ordering::Relaxed) {
                    let url = if n % 2 == 0 {
                        format!("{base}/api/v1/posts/{DEMO_POST}")
                    } else {
                        format!("{base}/api/v1/posts?limit={}", 1 + (n + i) % 20)
                    };
                    n += 1;
                    match agent.get(&url).call() {
                        Ok(response) if response.status() == 200 => answered.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    // Writes keep coming meanwhile, so that the readers' answers keep being dropped from the
    // cache and read again.
    let write = |n: usize| {
        let edit = writer.send("PATCH", &post, Some(&admin), Some(&json!({ "excerpt": format!("Round {n}") })), &[]);
        assert_eq!(edit.status, 200, "{}", edit.body);
    };
    for n in 0..10 {
        write(n);
        std::thread::sleep(Duration::from_millis(30));
    }
    replica.stop();
    for n in 10..30 {
        write(n);
        std::thread::sleep(Duration::from_millis(30));
    }
    replica.resume();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut n = 30;
    while !metrics(&reader).contains("colophon_replica_in_rotation{replica=\"replica1\"} 1") {
        assert!(Instant::now() < deadline, "the replica never came back");
        write(n);
        n += 1;
        std::thread::sleep(Duration::from_millis(30));
    }
    for n in n..n + 10 {
        write(n);
        std::thread::sleep(Duration::from_millis(30));
    }
    reading.store(false, Ordering::Relaxed);
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(failed.load(Ordering::Relaxed), 0, "answers failed while the replica was away");
    assert!(answered.load(Ordering::Relaxed) > 50, "few answers: {}", answered.load(Ordering::Relaxed));
    let text = metrics(&reader);
    assert!(text.contains("colophon_replica_fallbacks_total{reason=\"down\"}"), "{text}");
}
