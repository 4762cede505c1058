//! Revisions: every change of a post's content keeps the content before it; editors list,
//! read, compare and restore them, in REST and GraphQL.

use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

backend_tests!(
    every_change_keeps_what_was_there_before,
    a_diff_shows_fields_and_body_lines,
    a_restore_is_an_edit_guarded_by_the_version,
    only_those_who_may_edit_see_revisions,
    a_post_keeps_the_newest_revisions_only,
    revisions_answer_graphql,
);

fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.send("POST", "/api/v1/posts", Some(token), Some(&body), &[]);
    assert_eq!(response.status, 201, "{}", response.body);
    response.json()
}

fn patch(app: &TestApp, token: &str, id: &Value, body: Value) -> Value {
    let response = app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(token), Some(&body), &[]);
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()
}

fn revisions(app: &TestApp, token: &str, id: &Value) -> Vec<Value> {
    let response = app.send("GET", &format!("/api/v1/posts/{id}/revisions"), Some(token), None, &[]);
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.header("cache-control"), Some("private, no-store"));
    response.json()["data"].as_array().unwrap().clone()
}

fn every_change_keeps_what_was_there_before(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (author_id, token) = app.user("writer", "author");
    let post = create(&app, &token, json!({ "title": "First title", "body_markdown": "One\n\nTwo", "tags": ["Rugs"] }));
    let id = post["id"].clone();
    assert!(revisions(&app, &token, &id).is_empty(), "creating keeps nothing earlier");
    patch(&app, &token, &id, json!({ "title": "Second title" }));
    patch(&app, &token, &id, json!({ "body_markdown": "One\n\nThree", "tags": ["Rugs", "Bowling"] }));
    patch(&app, &token, &id, json!({ "comments_enabled": false }));
    patch(&app, &token, &id, json!({ "seo": { "meta_title": "For search" } }));

    let list = revisions(&app, &token, &id);
    assert_eq!(list.len(), 3, "the comments switch is no content: {list:?}");
    assert_eq!(list.iter().map(|r| r["number"].as_i64().unwrap()).collect::<Vec<_>>(), vec![3, 2, 1]);
    assert_eq!(list[2]["fields"], json!(["title"]));
    assert_eq!(list[2]["content"]["title"], "First title");
    assert_eq!(list[2]["editor_id"], author_id);
    assert_eq!(list[1]["fields"], json!(["body", "tags"]));
    assert_eq!(list[1]["content"]["body_markdown"], "One\n\nTwo");
    assert_eq!(list[1]["content"]["tags"], json!(["Rugs"]));
    assert_eq!(list[0]["fields"], json!(["meta_title"]));
    assert_eq!(list[0]["content"]["meta_title"], Value::Null);

    let one = app.send("GET", &format!("/api/v1/posts/{id}/revisions/1"), Some(&token), None, &[]).json();
    assert_eq!(one["content"]["title"], "First title");
    app.send("GET", &format!("/api/v1/posts/{id}/revisions/9"), Some(&token), None, &[]).problem(404);
    let slug = patch(&app, &token, &id, json!({ "status": "published" }))["slug"].clone();
    let by_slug =
        app.send("GET", &format!("/api/v1/posts/{}/revisions", slug.as_str().unwrap()), Some(&token), None, &[]);
    assert_eq!(by_slug.json()["data"][0]["fields"], json!(["status", "published_at"]));
    let audit = app.send("GET", "/api/v1/audit?action=post.update", Some(&app.admin_token()), None, &[]).json();
    assert!(audit["data"].as_array().unwrap().len() >= 4, "{audit}");
}

fn a_diff_shows_fields_and_body_lines(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, token) = app.user("writer", "author");
    let post = create(&app, &token, json!({ "title": "Old", "body_markdown": "alpha\nbeta\ngamma\n" }));
    let id = post["id"].clone();
    patch(&app, &token, &id, json!({ "title": "New", "body_markdown": "alpha\nBETA\ngamma\n" }));
    let diff = app.send("GET", &format!("/api/v1/posts/{id}/revisions/diff?from=1"), Some(&token), None, &[]);
    assert_eq!(diff.status, 200, "{}", diff.body);
    let diff = diff.json();
    assert_eq!(diff["from"], 1);
    assert_eq!(diff["to"], Value::Null);
    assert_eq!(diff["fields"], json!(["title", "excerpt", "body"]));
    assert_eq!(diff["changes"][0], json!({ "field": "title", "from": "Old", "to": "New" }));
    let body = diff["body_diff"].as_str().unwrap();
    assert!(body.starts_with("--- revision 1\n+++ current\n"), "{body}");
    assert!(body.contains("-beta\n+BETA\n"), "{body}");

    patch(&app, &token, &id, json!({ "title": "Newer" }));
    let two =
        app.send("GET", &format!("/api/v1/posts/{id}/revisions/diff?from=1&to=2"), Some(&token), None, &[]).json();
    assert_eq!(two["to"], 2);
    assert_eq!(two["changes"][0]["to"], "New");
    app.send("GET", &format!("/api/v1/posts/{id}/revisions/diff?from=1&to=latest"), Some(&token), None, &[])
        .problem(400);
    app.send("GET", &format!("/api/v1/posts/{id}/revisions/diff?from=7"), Some(&token), None, &[]).problem(404);
    app.send("GET", &format!("/api/v1/posts/{id}/revisions/diff"), Some(&token), None, &[]).problem(400);
}

fn a_restore_is_an_edit_guarded_by_the_version(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, token) = app.user("writer", "author");
    let post = create(
        &app,
        &token,
        json!({ "title": "Good text", "body_markdown": "Careful words.", "tags": ["Rugs"], "status": "published" }),
    );
    let id = post["id"].clone();
    let bad = patch(&app, &token, &id, json!({ "title": "Oops", "body_markdown": "Overwritten.", "tags": [] }));
    let slug = bad["slug"].as_str().unwrap().to_string();
    let page = app.get(&format!("/api/v1/posts/{slug}"));
    let etag = page.header("etag").unwrap().to_string();

    let stale = app.send(
        "POST",
        &format!("/api/v1/posts/{id}/revisions/1/restore"),
        Some(&token),
        None,
        &[("if-match", "\"v1\"")],
    );
    stale.problem(412);
    let restored = app.send(
        "POST",
        &format!("/api/v1/posts/{id}/revisions/1/restore"),
        Some(&token),
        None,
        &[("if-match", &etag)],
    );
    assert_eq!(restored.status, 200, "{}", restored.body);
    let restored = restored.json();
    assert_eq!(restored["title"], "Good text");
    assert_eq!(restored["body_markdown"], "Careful words.");
    assert_eq!(restored["tags"][0]["name"], "Rugs");
    assert_eq!(restored["status"], "published", "the status stays");
    assert!(restored["version"].as_i64() > bad["version"].as_i64());
    let public = app.get(&format!("/api/v1/posts/{slug}")).json();
    assert_eq!(public["title"], "Good text", "readers see the restored text at once");

    let list = revisions(&app, &token, &id);
    assert_eq!(list.len(), 2, "the restore kept a revision of its own");
    assert_eq!(list[0]["content"]["title"], "Oops");
    let audit =
        app.send("GET", "/api/v1/audit?action=post.restore_revision", Some(&app.admin_token()), None, &[]).json();
    assert_eq!(audit["data"][0]["target"], format!("post:{id}/revision:1"), "{audit}");
    app.send("POST", &format!("/api/v1/posts/{id}/revisions/99/restore"), Some(&token), None, &[]).problem(404);
}

fn only_those_who_may_edit_see_revisions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, author) = app.user("writer", "author");
    let (_, other) = app.user("other", "author");
    let (_, editor) = app.user("editor", "editor");
    let (_, contributor) = app.user("helper", "contributor");
    let post = create(&app, &author, json!({ "title": "Mine", "status": "published" }));
    let id = post["id"].clone();
    patch(&app, &author, &id, json!({ "title": "Mine, edited" }));
    let path = format!("/api/v1/posts/{id}/revisions");
    app.send("GET", &path, None, None, &[]).problem(401);
    app.send("GET", &path, Some(&other), None, &[]).problem(403);
    app.send("GET", &path, Some(&contributor), None, &[]).problem(403);
    assert_eq!(app.send("GET", &path, Some(&editor), None, &[]).status, 200);
    app.send("POST", &format!("{path}/1/restore"), Some(&other), None, &[]).problem(403);
    let draft = create(&app, &author, json!({ "title": "A draft" }));
    app.send("GET", &format!("/api/v1/posts/{}/revisions", draft["id"]), Some(&other), None, &[]).problem(404);
    let key = app
        .colophon
        .create_api_key_by_operator(
            "writer@colophon.test",
            colophon_service::ApiKeyInput { name: "preview build".into(), read_only: true, ..Default::default() },
        )
        .unwrap()
        .secret;
    assert_eq!(app.send("GET", &path, Some(&key), None, &[]).status, 200, "read-only keys read");
    app.send("POST", &format!("{path}/1/restore"), Some(&key), None, &[]).problem(403);
}

fn a_post_keeps_the_newest_revisions_only(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| config.revisions_kept = 3) else { return };
    let (_, token) = app.user("writer", "author");
    let id = create(&app, &token, json!({ "title": "Edit 0" }))["id"].clone();
    for n in 1..=5 {
        patch(&app, &token, &id, json!({ "title": format!("Edit {n}") }));
    }
    let list = revisions(&app, &token, &id);
    assert_eq!(list.iter().map(|r| r["number"].as_i64().unwrap()).collect::<Vec<_>>(), vec![5, 4, 3]);
    assert_eq!(list[2]["content"]["title"], "Edit 2");
    let page = app.send("GET", &format!("/api/v1/posts/{id}/revisions?limit=2"), Some(&token), None, &[]).json();
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest =
        app.send("GET", &format!("/api/v1/posts/{id}/revisions?limit=2&cursor={cursor}"), Some(&token), None, &[]);
    assert_eq!(rest.json()["data"][0]["number"], 3);
    assert_eq!(rest.json()["next_cursor"], Value::Null);
}

fn revisions_answer_graphql(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, token) = app.user("writer", "author");
    let id = create(&app, &token, json!({ "title": "Before", "body_markdown": "a\n" }))["id"].clone();
    let post = patch(&app, &token, &id, json!({ "title": "After", "body_markdown": "b\n" }));
    let listed = app.graphql_as(
        &token,
        "query($post: ID!) { postRevisions(post: $post) { edges { cursor node { number fields content { title bodyMarkdown } } } } }",
        json!({ "post": id.to_string() }),
    );
    let node = &listed["data"]["postRevisions"]["edges"][0]["node"];
    assert_eq!(node["content"]["title"], "Before", "{listed}");
    let diff = app.graphql_as(
        &token,
        "query($post: ID!) { revisionDiff(post: $post, from: 1) { fields changes { field from to } bodyDiff } }",
        json!({ "post": id.to_string() }),
    );
    assert_eq!(diff["data"]["revisionDiff"]["changes"][0]["to"], "After", "{diff}");
    assert!(diff["data"]["revisionDiff"]["bodyDiff"].as_str().unwrap().contains("-a\n+b\n"));
    let restore = "mutation($post: ID!, $v: Int) { restoreRevision(post: $post, number: 1, expectedVersion: $v) { title version } }";
    let stale = app.graphql_as(&token, restore, json!({ "post": id.to_string(), "v": 1 }));
    assert_eq!(stale["errors"][0]["extensions"]["code"], "PRECONDITION_FAILED", "{stale}");
    let done = app.graphql_as(&token, restore, json!({ "post": id.to_string(), "v": post["version"] }));
    assert_eq!(done["data"]["restoreRevision"]["title"], "Before", "{done}");
    let anonymous = app.graphql(
        "query($post: ID!) { postRevision(post: $post, number: 1) { number } }",
        json!({ "post": id.to_string() }),
    );
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}
