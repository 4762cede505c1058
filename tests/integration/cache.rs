//! The response cache never shows what is no longer true.

use std::time::{Duration, Instant};

use chrono::Duration as Span;
use serde_json::json;

use crate::support::server::test_now;
use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    reads_are_cached_and_writes_through_the_api_invalidate_at_once,
    writes_behind_the_service_invalidate_within_moments,
    writes_to_another_database_leave_the_cache_alone,
    scheduled_posts_and_signed_in_readers_bypass_stale_entries,
);

fn cache_state(response: &crate::support::http::Response) -> Option<&str> {
    response.header("x-colophon-cache")
}

fn reads_are_cached_and_writes_through_the_api_invalidate_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let path = format!("/api/v1/posts/{DEMO_POST}");
    let first = app.get(&path);
    assert_eq!(cache_state(&first), Some("miss"));
    let (second, queries) = app.count_queries(|| app.get(&path));
    assert_eq!(cache_state(&second), Some("hit"));
    assert_eq!(second.body, first.body, "the same bytes");
    assert_eq!(second.header("etag"), first.header("etag"));
    assert_eq!(queries, 0, "a hit touches no database");
    let etag = first.header("etag").unwrap().to_string();
    assert_eq!(app.get_with(&path, &[("If-None-Match", &etag)]).status, 304);

    let admin = app.admin_token();
    let id = first.json()["id"].clone();
    let edit = app.send(
        "PATCH",
        &format!("/api/v1/posts/{id}"),
        Some(&admin),
        Some(&json!({ "title": "Crossing the Streams" })),
        &[],
    );
    assert_eq!(edit.status, 200);
    let after = app.get(&path);
    assert_eq!(after.json()["title"], "Crossing the Streams", "never the cached old title");
    assert_ne!(cache_state(&after), Some("hit"));
    // A new comment shows in the list and the count at once.
    let list = format!("{path}/comments?limit=100");
    assert_eq!(app.get(&list).json()["data"].as_array().unwrap().len(), 10);
    app.send("POST", &format!("{path}/comments"), Some(&admin), Some(&json!({ "body": "Fresh from the author" })), &[]);
    assert_eq!(app.get(&list).json()["data"].as_array().unwrap().len(), 11);
    assert_eq!(app.get(&path).json()["comment_count"], 11);

    // GraphQL: the same rules.
    let query = json!({ "query": "{ post(slug: \"the-case-for-converging-your-personal-professional-networks\") { title commentCount } }" });
    let a = app.post_json("/graphql", &query);
    let b = app.post_json("/graphql", &query);
    assert_eq!(cache_state(&b), Some("hit"));
    assert_eq!(a.body, b.body);
    app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&json!({ "title": "Again" })), &[]);
    assert_eq!(app.post_json("/graphql", &query).json()["data"]["post"]["title"], "Again");
    // Mutations are never cached.
    let mutation = json!({ "query": "mutation { logout(refreshToken: \"x\") }" });
    app.post_json("/graphql", &mutation);
    assert_ne!(cache_state(&app.post_json("/graphql", &mutation)), Some("hit"));
}

fn writes_behind_the_service_invalidate_within_moments(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    assert_eq!(app.get("/api/v1/posts?limit=100").json()["data"].as_array().unwrap().len(), 3);
    assert_eq!(cache_state(&app.get("/api/v1/posts?limit=100")), Some("hit"));
    // A write on a connection the service knows nothing of, as psql or another server would.
    insert_post_behind_the_service(&app, "from-outside");
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let count = app.get("/api/v1/posts?limit=100").json()["data"].as_array().unwrap().len();
        if count == 4 {
            break;
        }
        assert!(Instant::now() < deadline, "the outside write never showed");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// On PostgreSQL the two apps are schemas of one database, and NOTIFY is database-wide: a write
/// to the other schema must not empty this one's cache.
fn writes_to_another_database_leave_the_cache_alone(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let Some(other) = TestApp::spawn(backend) else { return };
    app.get("/api/v1/posts?limit=100");
    assert_eq!(cache_state(&app.get("/api/v1/posts?limit=100")), Some("hit"));
    insert_post_behind_the_service(&other, "elsewhere");
    std::thread::sleep(Duration::from_millis(200)); // the watcher looks every few milliseconds
    assert_eq!(cache_state(&app.get("/api/v1/posts?limit=100")), Some("hit"));
}

fn insert_post_behind_the_service(app: &TestApp, slug: &str) {
    let mut raw = app.db.conn();
    let new = crate::support::fixtures::post(slug).title("From outside").published().build();
    colophon_store::insert_post(&mut raw, &new).unwrap();
}

fn scheduled_posts_and_signed_in_readers_bypass_stale_entries(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let at = test_now() + Span::minutes(30);
    app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Soon", "status": "scheduled", "published_at": at.and_utc().to_rfc3339() })),
        &[],
    );
    let path = "/api/v1/posts?limit=1";
    assert_ne!(app.get(path).json()["data"][0]["slug"], "soon");
    // Wait until the cache serves the list again (the write paused it for a moment).
    let deadline = Instant::now() + Duration::from_secs(2);
    while cache_state(&app.get(path)) != Some("hit") {
        assert!(Instant::now() < deadline, "the cache never warmed up");
        std::thread::sleep(Duration::from_millis(2));
    }
    app.clock.advance(Span::minutes(30));
    assert_eq!(app.get(path).json()["data"][0]["slug"], "soon", "the scheduled post shows the moment it is due");
    // Signed-in readers are never served a shared entry (they may see drafts).
    let admin = app.admin_token();
    let draft = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Hidden" })), &[]).json();
    let slug = format!("/api/v1/posts/{}", draft["slug"].as_str().unwrap());
    app.get(&slug).problem(404);
    let staff = app.send("GET", &slug, Some(&admin), None, &[]);
    assert_eq!(staff.status, 200);
    assert_eq!(cache_state(&staff), None, "not cached, not from the cache");
    app.get(&slug).problem(404);
}
