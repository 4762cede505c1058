//! Database faults: the database goes away and comes back, the pool runs dry, SQLite is locked.
//! Every request is answered, quickly, with a 503 problem while the database cannot serve it,
//! and the server recovers by itself.

use std::time::{Duration, Instant};

use colophon_store::{DatabaseTarget, PoolSettings};
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::support::cluster::Cluster;
use crate::support::{Backend, DEMO_POST, TestApp, TestDb};

fn fault_pool() -> PoolSettings {
    PoolSettings {
        max_size: 2,
        connection_timeout: Duration::from_millis(800),
        statement_timeout: Duration::from_millis(1_500),
        ..PoolSettings::default()
    }
}

/// A read the response cache cannot answer: every call asks for a new page size.
fn fresh_read(app: &TestApp, n: &mut i64) -> crate::support::http::Response {
    *n = *n % 100 + 1;
    app.get(&format!("/api/v1/posts?limit={n}"))
}

#[test]
#[ignore = "PostgreSQL: needs initdb and pg_ctl; run with --include-ignored"]
fn postgres_going_away_and_coming_back_is_survived() {
    let Some(cluster) = Cluster::start() else { return };
    let db = TestDb::external(DatabaseTarget::Postgres(cluster.url()));
    let app = TestApp::start_with_pool(db, true, fault_pool(), |_, _| {}).expect("start on the throwaway cluster");
    let mut n = 0;
    assert_eq!(fresh_read(&app, &mut n).status, 200);
    assert_eq!(app.get("/readyz").status, 200);

    cluster.stop();
    std::thread::sleep(Duration::from_millis(50));
    for _ in 0..6 {
        let started = Instant::now();
        let response = fresh_read(&app, &mut n);
        assert!(started.elapsed() < Duration::from_secs(3), "answered in {:?}", started.elapsed());
        assert_eq!(response.problem(503)["code"], "unavailable");
        assert!(response.header("retry-after").is_some());
        assert!(!response.body.to_lowercase().contains("connection refused"), "no driver detail leaks");
    }
    app.get("/readyz").problem(503);
    assert_eq!(app.get("/healthz").status, 200, "liveness does not depend on the database");
    let gql = app.graphql("{ posts(first: 3) { edges { node { slug } } } }", json!({}));
    assert_eq!(gql["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{gql}");
    let admin_login =
        app.post_json("/api/v1/auth/login", &json!({ "email": "admin@colophon.test", "password": "whatever" }));
    admin_login.problem(503);

    cluster.resume();
    let back = Instant::now();
    loop {
        if fresh_read(&app, &mut n).status == 200 && app.get("/readyz").status == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(2), "not recovered within 2 s of the database's return");
        std::thread::sleep(Duration::from_millis(20));
    }
    for _ in 0..10 {
        assert_eq!(fresh_read(&app, &mut n).status, 200, "every pooled connection works again");
    }
    assert_eq!(app.get(&format!("/api/v1/posts/{DEMO_POST}")).status, 200);
}

#[test]
#[ignore = "PostgreSQL: needs initdb and pg_ctl; run with --include-ignored"]
fn a_pool_drained_by_slow_queries_answers_503_not_a_hang() {
    let Some(cluster) = Cluster::start() else { return };
    let db = TestDb::external(DatabaseTarget::Postgres(cluster.url()));
    let app = TestApp::start_with_pool(db, true, fault_pool(), |_, _| {}).expect("start on the throwaway cluster");
    // Another session takes the posts table and holds it: every read of it blocks.
    let mut blocker = colophon_store::connect(&DatabaseTarget::Postgres(cluster.url())).unwrap();
    blocker.batch_execute("BEGIN; LOCK TABLE posts IN ACCESS EXCLUSIVE MODE").unwrap();
    let started = Instant::now();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..=6)
            .map(|i| {
                let app = &app;
                scope.spawn(move || app.get(&format!("/api/v1/posts?limit={i}")).status)
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|&s| s == 503), "{statuses:?}");
    assert!(started.elapsed() < Duration::from_secs(6), "all answered in {:?}", started.elapsed());
    blocker.batch_execute("ROLLBACK").unwrap();
    assert_eq!(app.get("/api/v1/posts?limit=7").status, 200);
}

#[test]
fn a_locked_sqlite_database_answers_503_and_keeps_its_data() {
    let db = TestDb::create(Backend::Sqlite).unwrap();
    let target = db.target.clone();
    let app = TestApp::start_with_pool(db, true, fault_pool(), |config, _| {
        config.comments.per_address = colophon_service::Limit::per_minute(1_000);
    })
    .unwrap();
    let mut writer = colophon_store::connect(&target).unwrap();
    writer.batch_execute("BEGIN IMMEDIATE").unwrap();
    let path = format!("/api/v1/posts/{DEMO_POST}/comments");
    let started = Instant::now();
    let refused = app.post_json(&path, &json!({ "author_name": "Locked out", "body": "While the file is locked" }));
    assert_eq!(refused.problem(503)["code"], "unavailable");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    let mut n = 0;
    assert_eq!(fresh_read(&app, &mut n).status, 200, "readers are not blocked by a writer (WAL)");
    writer.batch_execute("COMMIT").unwrap();
    let accepted = app.post_json(&path, &json!({ "author_name": "Let in", "body": "After the lock" }));
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Check =
        diesel::RunQueryDsl::get_result(diesel::sql_query("PRAGMA integrity_check"), &mut writer).unwrap();
    assert_eq!(check.integrity_check, "ok");
}
