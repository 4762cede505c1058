//! API keys: made by admins in person, shown whole once and stored as a hash, accepted like a
//! sign-in token, bounded by the owner's current role, revocable, rotatable, expiring, and
//! limited on their own. (What each key kind may write is in the role matrix, `roles.rs`.)

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

backend_tests!(
    admins_make_keys_that_are_shown_once_and_stored_as_a_hash,
    a_key_follows_its_owner_and_its_own_revocation_rotation_and_expiry,
    read_only_keys_read_drafts_and_write_nothing,
    keys_have_a_rate_limit_of_their_own,
    keys_in_graphql,
);

fn create(app: &TestApp, token: &str, body: Value) -> crate::support::http::Response {
    app.send("POST", "/api/v1/keys", Some(token), Some(&body), &[])
}

fn is_key_shaped(key: &str) -> bool {
    let Some(rest) = key.strip_prefix("colophon_") else { return false };
    let Some((prefix, secret)) = rest.split_once('_') else { return false };
    prefix.len() == 12
        && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && secret.len() == 43
        && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn admins_make_keys_that_are_shown_once_and_stored_as_a_hash(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let (author_id, author) = app.user("writer", "author");
    let made = create(
        &app,
        &admin,
        json!({ "name": "Site build", "owner_id": author_id, "read_only": false, "expires_in_days": 90 }),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.header("cache-control"), Some("no-store"));
    let made = made.json();
    let key = made["key"].as_str().unwrap().to_string();
    assert!(is_key_shaped(&key), "{key}");
    assert_eq!(made["owner_id"], author_id);
    assert_eq!(made["role"], "author", "the owner's role when none is asked");
    assert!(key.contains(made["prefix"].as_str().unwrap()));
    let expires = chrono::DateTime::parse_from_rfc3339(made["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires.timestamp() - app.clock_now(), 90 * 24 * 3600);

    // The key acts for its owner.
    let me = app.send("GET", "/api/v1/me", Some(&key), None, &[]);
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["id"], author_id);
    let post = app.send("POST", "/api/v1/posts", Some(&key), Some(&json!({ "title": "Built by a key" })), &[]);
    assert_eq!(post.status, 201, "{}", post.body);
    assert_eq!(post.json()["author"]["id"], author_id);

    // Listed without the secret; the database holds its hash only.
    let list = app.send("GET", "/api/v1/keys", Some(&admin), None, &[]);
    assert_eq!(list.status, 200, "{}", list.body);
    // `colophon_<prefix>_<secret>`: the secret itself may hold underscores.
    let secret = key.splitn(3, '_').nth(2).unwrap();
    assert_eq!(secret.len(), 43);
    assert!(!list.body.contains(secret), "the secret is never listed");
    let listed = &list.json()["data"][0];
    assert_eq!(listed["name"], "Site build");
    assert!(listed["last_used_at"].is_string(), "a use is recorded: {listed}");
    assert!(listed.get("key").is_none());
    let stored: Vec<String> = {
        use colophon_store::schema::api_keys;
        use diesel::prelude::*;
        api_keys::table.select(api_keys::secret_hash).load(&mut *app.conn()).unwrap()
    };
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(secret) && stored[0].len() == 64, "a SHA-256, not the secret");

    // Only admins make keys, only in person, never above the owner's role.
    create(&app, &author, json!({ "name": "mine" })).problem(403);
    create(&app, &key, json!({ "name": "from a key" })).problem(403);
    let admin_key = app
        .colophon
        .create_api_key_by_operator(
            &app.admin.clone().unwrap().email,
            colophon_service::ApiKeyInput { name: "admin's".into(), ..Default::default() },
        )
        .unwrap()
        .secret;
    let refused = create(&app, &admin_key, json!({ "name": "from an admin's key" })).problem(403);
    assert!(refused["detail"].as_str().unwrap().contains("API keys cannot manage API keys"), "{refused}");
    let above =
        create(&app, &admin, json!({ "name": "too high", "owner_id": author_id, "role": "editor" })).problem(422);
    assert_eq!(above["errors"][0]["field"], "role");
    // JSON Schema counts 7.0 as an integer: so does the API.
    assert_eq!(create(&app, &admin, json!({ "name": "week", "expires_in_days": 7.0 })).status, 201);
    for bad in [
        json!({ "name": "" }),
        json!({ "name": "x", "expires_in_days": 0 }),
        json!({ "name": "x", "expires_in_days": -1 }),
        json!({ "name": "x", "expires_in_days": 7.5 }),
        json!({ "name": "x", "owner_id": 999_999 }),
    ] {
        create(&app, &admin, bad).problem(422);
    }
    // Keys are not sign-in tokens for the key routes of others either: anonymous is 401.
    app.get("/api/v1/keys").problem(401);
}

fn a_key_follows_its_owner_and_its_own_revocation_rotation_and_expiry(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let (editor_id, _) = app.user("editor", "editor");
    let made = create(&app, &admin, json!({ "name": "curator", "owner_id": editor_id, "expires_in_days": 1 })).json();
    let key = made["key"].as_str().unwrap().to_string();
    let queue = |key: &str| app.send("GET", "/api/v1/comments", Some(key), None, &[]).status;
    assert_eq!(queue(&key), 200);

    // Demoting the owner limits the key at once; a tampered secret is refused.
    let demote = |role: &str| {
        let path = format!("/api/v1/authors/{editor_id}");
        let answer = app.send("PATCH", &path, Some(&admin), Some(&json!({ "role": role })), &[]);
        assert_eq!(answer.status, 200, "{}", answer.body);
    };
    demote("author");
    assert_eq!(queue(&key), 403, "an author's key now");
    demote("editor");
    assert_eq!(queue(&key), 200);
    let mut tampered = key.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    app.send("GET", "/api/v1/me", Some(&tampered), None, &[]).problem(401);

    // Rotation: the old secret stops at once, the new one works with the same settings.
    let id = made["id"].as_i64().unwrap();
    let rotated = app.send("POST", &format!("/api/v1/keys/{id}/rotate"), Some(&admin), None, &[]);
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_key = rotated.json()["key"].as_str().unwrap().to_string();
    assert_ne!(new_key, key);
    assert_eq!(rotated.json()["name"], "curator");
    assert_eq!(queue(&key), 401);
    assert_eq!(queue(&new_key), 200);

    // Expiry, by the service's clock.
    app.clock.advance(Duration::days(1) + Duration::seconds(1));
    assert_eq!(queue(&new_key), 401, "expired");
    app.clock.advance(-(Duration::days(1) + Duration::seconds(1)));
    assert_eq!(queue(&new_key), 200);

    // Revocation, at once; a second revocation finds nothing to revoke.
    assert_eq!(app.send("DELETE", &format!("/api/v1/keys/{id}"), Some(&admin), None, &[]).status, 204);
    assert_eq!(queue(&new_key), 401);
    app.send("DELETE", &format!("/api/v1/keys/{id}"), Some(&admin), None, &[]).problem(404);
    let listed = app.send("GET", "/api/v1/keys", Some(&admin), None, &[]).json();
    assert!(listed["data"][0]["revoked_at"].is_string(), "{listed}");

    // Deleting the owner ends its keys.
    let (leaver_id, _) = app.user("leaver", "author");
    let leaver_key = create(&app, &admin, json!({ "name": "gone", "owner_id": leaver_id })).json()["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.send("GET", "/api/v1/me", Some(&leaver_key), None, &[]).status, 200);
    assert_eq!(app.send("DELETE", &format!("/api/v1/authors/{leaver_id}"), Some(&admin), None, &[]).status, 204);
    app.send("GET", "/api/v1/me", Some(&leaver_key), None, &[]).problem(401);
}

fn read_only_keys_read_drafts_and_write_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let draft = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Not yet" })), &[]).json();
    let slug = draft["slug"].as_str().unwrap().to_string();
    let key = create(&app, &admin, json!({ "name": "preview build", "read_only": true })).json()["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.send("GET", &format!("/api/v1/posts/{slug}"), Some(&key), None, &[]).status, 200);
    let drafts = app.send("GET", "/api/v1/posts?status=draft", Some(&key), None, &[]);
    assert_eq!(drafts.status, 200, "{}", drafts.body);
    assert!(drafts.body.contains(&slug));
    app.get(&format!("/api/v1/posts/{slug}")).problem(404);
    let edit = app.send("PATCH", &format!("/api/v1/posts/{slug}"), Some(&key), Some(&json!({ "title": "No" })), &[]);
    assert!(edit.problem(403)["detail"].as_str().unwrap().contains("read-only"), "{}", edit.body);
    let token = app.get(&format!("/api/v1/posts/{}/comment-token", crate::support::DEMO_POST)).json()["token"].clone();
    let comment = app.send(
        "POST",
        &format!("/api/v1/posts/{}/comments", crate::support::DEMO_POST),
        Some(&key),
        Some(&json!({ "author_name": "Key", "body": "Hello", "form_token": token })),
        &[],
    );
    comment.problem(403);
}

fn keys_have_a_rate_limit_of_their_own(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, |config, _| config.auth.key_requests = colophon_service::Limit::per_minute(3))
    else {
        return;
    };
    let admin = app.admin_token();
    let key = |name: &str| create(&app, &admin, json!({ "name": name })).json()["key"].as_str().unwrap().to_string();
    let (busy, quiet) = (key("busy"), key("quiet"));
    for _ in 0..3 {
        assert_eq!(app.send("GET", "/api/v1/me", Some(&busy), None, &[]).status, 200);
    }
    let limited = app.send("GET", "/api/v1/me", Some(&busy), None, &[]);
    limited.problem(429);
    assert!(limited.header("retry-after").is_some());
    assert_eq!(app.send("GET", "/api/v1/me", Some(&quiet), None, &[]).status, 200, "each key counts on its own");
    assert_eq!(app.send("GET", "/api/v1/me", Some(&admin), None, &[]).status, 200, "sign-in tokens are not limited");
    app.clock.advance(Duration::seconds(61));
    assert_eq!(app.send("GET", "/api/v1/me", Some(&busy), None, &[]).status, 200);
}

fn keys_in_graphql(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let made = app.graphql_as(
        &admin,
        "mutation { createApiKey(input: { name: \"Indexer\", role: EDITOR, readOnly: true }) { key apiKey { id prefix role readOnly } } }",
        json!({}),
    );
    assert!(made["errors"].is_null(), "{made}");
    let issued = &made["data"]["createApiKey"];
    let key = issued["key"].as_str().unwrap().to_string();
    assert!(is_key_shaped(&key));
    assert_eq!(issued["apiKey"]["role"], "EDITOR");
    let me = app.graphql_as(&key, "{ me { email } }", json!({}));
    assert_eq!(me["data"]["me"]["email"], app.admin.clone().unwrap().email);
    let write = app.graphql_as(&key, "mutation { createPost(input: { title: \"No\" }) { id } }", json!({}));
    assert_eq!(write["errors"][0]["extensions"]["code"], "FORBIDDEN", "{write}");
    let listed = app.graphql_as(&admin, "{ apiKeys { name prefix lastUsedAt revokedAt } }", json!({}));
    assert_eq!(listed["data"]["apiKeys"][0]["name"], "Indexer", "{listed}");
    assert!(!listed.to_string().contains(key.splitn(3, '_').nth(2).unwrap()));
    let id = issued["apiKey"]["id"].as_str().unwrap();
    let revoked = app.graphql_as(&admin, &format!("mutation {{ revokeApiKey(id: \"{id}\") }}"), json!({}));
    assert_eq!(revoked["data"]["revokeApiKey"], true, "{revoked}");
    let after = app.send("POST", "/graphql", Some(&key), Some(&json!({ "query": "{ me { email } }" })), &[]);
    assert_eq!(after.status, 401, "{}", after.body);
    let anonymous = app.graphql("{ apiKeys { name } }", json!({}));
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}
