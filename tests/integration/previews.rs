//! Preview links: a draft shown without sign-in to whoever holds a signed, expiring link, and
//! to nobody once it is revoked, expired, or its creator has signed out everywhere.

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

backend_tests!(
    a_preview_shows_a_draft_as_its_page_would_never_cached,
    a_link_ends_by_expiry_revocation_sign_out_or_deletion,
    forged_tokens_and_published_posts_get_nothing,
    previews_answer_graphql_and_are_never_cached_there,
    a_link_made_with_an_api_key_ends_with_the_key,
);

fn draft(app: &TestApp, token: &str) -> Value {
    let body = json!({ "title": "Not yet", "body_markdown": "Secret plans.", "tags": ["Plans"] });
    let response = app.send("POST", "/api/v1/posts", Some(token), Some(&body), &[]);
    assert_eq!(response.status, 201, "{}", response.body);
    response.json()
}

fn link(app: &TestApp, token: &str, post: &Value, body: Value) -> Value {
    let response = app.send("POST", &format!("/api/v1/posts/{post}/previews"), Some(token), Some(&body), &[]);
    assert_eq!(response.status, 201, "{}", response.body);
    response.json()
}

fn preview_path(link: &Value) -> String {
    format!("/api/v1/preview/{}", link["token"].as_str().unwrap())
}

fn a_preview_shows_a_draft_as_its_page_would_never_cached(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (author_id, token) = app.user("writer", "author");
    let post = draft(&app, &token);
    app.get(&format!("/api/v1/posts/{}", post["slug"].as_str().unwrap())).problem(404);
    let made = link(&app, &token, &post["id"], json!({}));
    assert_eq!(made["post_id"], post["id"]);
    assert_eq!(made["created_by"], author_id);
    assert!(made["url"].as_str().unwrap().ends_with(&preview_path(&made)));
    let expires = chrono::DateTime::parse_from_rfc3339(made["expires_at"].as_str().unwrap()).unwrap();
    let created = chrono::DateTime::parse_from_rfc3339(made["created_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires - created, Duration::hours(24));

    for _ in 0..2 {
        let shown = app.get(&preview_path(&made));
        assert_eq!(shown.status, 200, "{}", shown.body);
        assert_eq!(shown.header("cache-control"), Some("private, no-store"));
        assert_eq!(shown.header("x-robots-tag"), Some("noindex"));
        assert_eq!(shown.header("x-colophon-cache"), None, "never kept by the response cache");
        let page = shown.json();
        assert_eq!(page["title"], "Not yet");
        assert_eq!(page["status"], "draft");
        assert_eq!(page["author"]["slug"], "writer");
        assert_eq!(page["tags"][0]["name"], "Plans");
        assert!(page["body_html"].as_str().unwrap().contains("Secret plans."));
        assert_eq!(page["body_markdown"], Value::Null, "the source stays with editors");
    }
    let listed = app.send("GET", &format!("/api/v1/posts/{}/previews", post["id"]), Some(&token), None, &[]).json();
    assert_eq!(listed["data"][0]["id"], made["id"]);
    assert_eq!(listed["data"][0]["token"], Value::Null, "a token is shown once");
    let long = link(&app, &token, &post["id"], json!({ "expires_in_hours": 720 }));
    assert_eq!(app.get(&preview_path(&long)).status, 200);
    let problem = app
        .send(
            "POST",
            &format!("/api/v1/posts/{}/previews", post["id"]),
            Some(&token),
            Some(&json!({ "expires_in_hours": 721 })),
            &[],
        )
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "expires_in_hours");
}

fn a_link_ends_by_expiry_revocation_sign_out_or_deletion(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, token) = app.user("writer", "author");
    let (_, leaving) = app.user("leaving", "author");
    let post = draft(&app, &token);
    let short = link(&app, &token, &post["id"], json!({ "expires_in_hours": 1 }));
    let revoked = link(&app, &token, &post["id"], json!({}));
    let deleted_post = draft(&app, &token);
    let deleted = link(&app, &token, &deleted_post["id"], json!({}));
    let their_post = draft(&app, &leaving);
    let signed_out = link(&app, &leaving, &their_post["id"], json!({}));
    for live in [&short, &revoked, &deleted, &signed_out] {
        assert_eq!(app.get(&preview_path(live)).status, 200);
    }

    let path = format!("/api/v1/posts/{}/previews/{}", post["id"], revoked["id"]);
    assert_eq!(app.send("DELETE", &path, Some(&token), None, &[]).status, 204);
    app.get(&preview_path(&revoked)).problem(404);
    app.send("DELETE", &path, Some(&token), None, &[]).problem(404);

    assert_eq!(
        app.send("DELETE", &format!("/api/v1/posts/{}", deleted_post["id"]), Some(&token), None, &[]).status,
        204
    );
    app.get(&preview_path(&deleted)).problem(404);

    assert_eq!(app.send("POST", "/api/v1/auth/logout-all", Some(&leaving), None, &[]).status, 204);
    app.get(&preview_path(&signed_out)).problem(404);

    assert_eq!(app.get(&preview_path(&short)).status, 200, "the others ended alone");
    app.clock.advance(Duration::minutes(61));
    app.get(&preview_path(&short)).problem(404);
}

fn forged_tokens_and_published_posts_get_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, token) = app.user("writer", "author");
    let (_, other) = app.user("other", "author");
    let post = draft(&app, &token);
    let made = link(&app, &token, &post["id"], json!({}));
    let real = made["token"].as_str().unwrap();
    let mut forged: Vec<char> = real.chars().collect();
    forged[3] = if forged[3] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    for bad in [forged.as_str(), "x", &"A".repeat(54), &format!("{real}A")] {
        let problem = app.get(&format!("/api/v1/preview/{bad}")).problem(404);
        assert_eq!(problem["detail"], "preview not found", "every failure reads the same");
    }
    app.send("POST", &format!("/api/v1/posts/{}/previews", post["id"]), None, Some(&json!({})), &[]).problem(401);
    app.send("POST", &format!("/api/v1/posts/{}/previews", post["id"]), Some(&other), Some(&json!({})), &[])
        .problem(404);
    app.send("GET", &format!("/api/v1/posts/{}/previews", post["id"]), Some(&other), None, &[]).problem(404);
    let live = app.send(
        "POST",
        "/api/v1/posts",
        Some(&token),
        Some(&json!({ "title": "Out already", "status": "published" })),
        &[],
    );
    app.send("POST", &format!("/api/v1/posts/{}/previews", live.json()["id"]), Some(&token), Some(&json!({})), &[])
        .problem(409);
}

fn previews_answer_graphql_and_are_never_cached_there(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, token) = app.user("writer", "author");
    let post = draft(&app, &token);
    let made = app.graphql_as(
        &token,
        "mutation($post: ID!) { createPreviewLink(post: $post, expiresInHours: 2) { id token expiresAt } }",
        json!({ "post": post["id"].to_string() }),
    );
    let preview_token =
        made["data"]["createPreviewLink"]["token"].as_str().unwrap_or_else(|| panic!("{made}")).to_string();
    let query = format!(
        "{{ preview(token: \"{preview_token}\") {{ title status }} posts(first: 1) {{ edges {{ node {{ title }} }} }} }}"
    );
    let url = format!("/graphql?query={}", urlencode(&query));
    for _ in 0..2 {
        let shown = app.get_with(&url, &[("accept", "application/json")]);
        assert_eq!(shown.status, 200, "{}", shown.body);
        assert_eq!(shown.json()["data"]["preview"]["title"], "Not yet", "{}", shown.body);
        assert_eq!(shown.header("cache-control"), Some("private, no-store"));
        assert_eq!(shown.header("x-colophon-cache"), None);
    }
    let link_id = made["data"]["createPreviewLink"]["id"].as_str().unwrap().to_string();
    let revoked = app.graphql_as(
        &token,
        "mutation($post: ID!, $id: ID!) { revokePreviewLink(post: $post, id: $id) }",
        json!({ "post": post["id"].to_string(), "id": link_id }),
    );
    assert_eq!(revoked["data"]["revokePreviewLink"], true, "{revoked}");
    let gone = app.get_with(&url, &[("accept", "application/json")]).json();
    assert_eq!(gone["data"]["preview"], Value::Null, "{gone}");
    let listed = app.graphql_as(
        &token,
        "query($post: ID!) { previewLinks(post: $post) { edges { node { id revokedAt token } } } }",
        json!({ "post": post["id"].to_string() }),
    );
    let node = &listed["data"]["previewLinks"]["edges"][0]["node"];
    assert!(node["revokedAt"].is_string() && node["token"].is_null(), "{listed}");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A link made with an API key ends when the key is revoked, rotated or expires, as a person's
/// links end when they sign out everywhere; links made by the same person signed in stay.
fn a_link_made_with_an_api_key_ends_with_the_key(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let (author_id, token) = app.user("writer", "author");
    let key = |days: Option<i64>| {
        let body = json!({ "name": "Build", "owner_id": author_id, "read_only": false, "expires_in_days": days });
        let made = app.send("POST", "/api/v1/keys", Some(&admin), Some(&body), &[]);
        assert_eq!(made.status, 201, "{}", made.body);
        let made = made.json();
        (made["id"].as_i64().unwrap(), made["key"].as_str().unwrap().to_string())
    };
    let post = draft(&app, &token);
    let (revoked_id, revoked_key) = key(None);
    let (rotated_id, rotated_key) = key(None);
    let (_, expiring_key) = key(Some(1));
    let by_revoked = link(&app, &revoked_key, &post["id"], json!({ "expires_in_hours": 720 }));
    let by_rotated = link(&app, &rotated_key, &post["id"], json!({ "expires_in_hours": 720 }));
    let by_expiring = link(&app, &expiring_key, &post["id"], json!({ "expires_in_hours": 720 }));
    let by_person = link(&app, &token, &post["id"], json!({ "expires_in_hours": 720 }));
    for live in [&by_revoked, &by_rotated, &by_expiring, &by_person] {
        assert_eq!(app.get(&preview_path(live)).status, 200);
    }

    assert_eq!(app.send("DELETE", &format!("/api/v1/keys/{revoked_id}"), Some(&admin), None, &[]).status, 204);
    app.get(&preview_path(&by_revoked)).problem(404);
    let rotated = app.send("POST", &format!("/api/v1/keys/{rotated_id}/rotate"), Some(&admin), None, &[]);
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    app.get(&preview_path(&by_rotated)).problem(404);
    let listed = app.send("GET", &format!("/api/v1/posts/{}/previews", post["id"]), Some(&token), None, &[]).json();
    let revoked_at = |link: &Value| {
        listed["data"].as_array().unwrap().iter().find(|l| l["id"] == link["id"]).unwrap()["revoked_at"].clone()
    };
    assert!(revoked_at(&by_revoked).is_string() && revoked_at(&by_rotated).is_string(), "{listed}");

    assert_eq!(app.get(&preview_path(&by_expiring)).status, 200);
    app.clock.advance(Duration::hours(25));
    app.get(&preview_path(&by_expiring)).problem(404);
    assert_eq!(app.get(&preview_path(&by_person)).status, 200, "the person's own link stays");
}
