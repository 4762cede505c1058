//! The audit log: every staff, key and operator write, with its actor, request id and the names
//! (never the values) of the fields it changed; in the write's own transaction; for admins only.

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(every_write_is_recorded_with_who_what_and_which_request, entries_expire_after_the_retention);

fn audit(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let page = app.send("GET", &format!("/api/v1/audit?limit=100&{query}"), Some(admin), None, &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()["data"].as_array().unwrap().clone()
}

fn every_write_is_recorded_with_who_what_and_which_request(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let me = app.send("GET", "/api/v1/me", Some(&admin), None, &[]).json()["id"].as_i64().unwrap();

    // In person, with a request id.
    let created = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Audited" })),
        &[("X-Request-Id", "audit-probe-1")],
    );
    let post = created.json()["id"].as_i64().unwrap();
    let edit = json!({ "title": "Audited again", "tags": ["Rugs"], "body_markdown": "Secret plans" });
    let edited = app.send("PATCH", &format!("/api/v1/posts/{post}"), Some(&admin), Some(&edit), &[]);
    assert_eq!(edited.status, 200, "{}", edited.body);
    let entries = audit(&app, &admin, &format!("target=post:{post}"));
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["post.update", "post.create"], "newest first");
    assert_eq!(entries[1]["request_id"], "audit-probe-1");
    assert_eq!(entries[1]["author_id"], me);
    assert!(entries[1]["api_key_id"].is_null());
    assert_eq!(entries[0]["fields"], json!(["title", "excerpt", "body", "tags"]), "the excerpt follows the body");
    assert!(!entries[0].to_string().contains("Secret plans"), "names, never values");

    // Through a key: the owner and the key.
    let key = app.send("POST", "/api/v1/keys", Some(&admin), Some(&json!({ "name": "builder" })), &[]).json();
    let (key_id, secret) = (key["id"].as_i64().unwrap(), key["key"].as_str().unwrap().to_string());
    let product = app.send("POST", "/api/v1/products", Some(&secret), Some(&json!({ "title": "Rug" })), &[]);
    assert_eq!(product.status, 201);
    let by_key = audit(&app, &admin, &format!("api_key_id={key_id}"));
    assert_eq!(by_key.len(), 1, "{by_key:?}");
    assert_eq!(by_key[0]["action"], "product.create");
    assert_eq!(by_key[0]["author_id"], me);
    assert!(by_key[0]["request_id"].as_str().is_some_and(|id| id.len() == 16), "a generated id: {by_key:?}");

    // A password change names the field, never the value; the operator's command line is recorded.
    let (writer, writer_token) = app.user("writer", "author");
    let change = json!({ "password": "a brand new password", "current_password": "a long enough password" });
    assert_eq!(
        app.send("PATCH", &format!("/api/v1/authors/{writer}"), Some(&writer_token), Some(&change), &[]).status,
        200
    );
    let writer_entries = audit(&app, &admin, &format!("target=author:{writer}"));
    assert_eq!(writer_entries[0]["action"], "author.update");
    assert_eq!(writer_entries[0]["fields"], json!(["password"]));
    assert_eq!(writer_entries[0]["author_id"], writer);
    assert!(!writer_entries.iter().any(|e| e.to_string().contains("brand new")));
    assert_eq!(writer_entries[1]["action"], "author.create");
    assert!(writer_entries[1]["author_id"].is_null(), "the operator: {writer_entries:?}");

    // Settings, moderation; a rolled-back write leaves nothing; a reader's comment is not staff work.
    let settings =
        app.send("PATCH", "/api/v1/settings", Some(&admin), Some(&json!({ "comment_moderation": "pending" })), &[]);
    assert_eq!(settings.status, 200);
    let path = format!("/api/v1/posts/{DEMO_POST}/comments");
    let held =
        app.post_json(&path, &json!({ "author_name": "Reader", "body": "Hello" })).json()["id"].as_i64().unwrap();
    let bulk = json!({ "ids": [held, 999_999], "status": "approved" });
    app.send("PATCH", "/api/v1/comments", Some(&admin), Some(&bulk), &[]).problem(404);
    assert!(audit(&app, &admin, &format!("target=comment:{held}")).is_empty(), "rolled back, not recorded");
    let moderate = json!({ "status": "approved" });
    assert_eq!(app.send("PATCH", &format!("/api/v1/comments/{held}"), Some(&admin), Some(&moderate), &[]).status, 200);
    let comment = audit(&app, &admin, &format!("target=comment:{held}"));
    assert_eq!(comment.len(), 1, "moderated once; the submission itself is the reader's: {comment:?}");
    assert_eq!(comment[0]["action"], "comment.moderate");
    assert_eq!(audit(&app, &admin, "action=settings.update")[0]["fields"], json!(["comment_moderation"]));
    let posts_only = audit(&app, &admin, "action=post");
    assert!(posts_only.iter().all(|e| e["action"].as_str().unwrap().starts_with("post.")) && posts_only.len() == 2);
    assert_eq!(audit(&app, &admin, &format!("author_id={writer}")).len(), 1);

    // Admins only; a malformed filter is 400.
    let (_, editor) = app.user("editor", "editor");
    app.send("GET", "/api/v1/audit", Some(&editor), None, &[]).problem(403);
    app.get("/api/v1/audit").problem(401);
    app.send("GET", "/api/v1/audit?action=post.update%27--", Some(&admin), None, &[]).problem(400);
    let gql = app.graphql_as(
        &admin,
        &format!("{{ auditLog(target: \"post:{post}\") {{ action fields requestId }} }}"),
        json!({}),
    );
    assert_eq!(gql["data"]["auditLog"][1]["requestId"], "audit-probe-1", "{gql}");
}

fn entries_expire_after_the_retention(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| config.audit_retention_days = 2) else { return };
    let admin = app.admin_token();
    app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "Old rug" })), &[]);
    app.clock.advance(Duration::days(1));
    let admin = app.admin_token();
    app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "New rug" })), &[]);
    app.clock.advance(Duration::days(1) + Duration::hours(1));
    let admin = app.admin_token();
    let run = actix_web::rt::System::new();
    let pruned = run.block_on(app.colophon.prune_audit_log()).unwrap();
    assert_eq!(pruned, 1);
    let left = audit(&app, &admin, "action=product.create");
    assert_eq!(left.len(), 1);
}
