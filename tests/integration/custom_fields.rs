//! A site's own fields (issue 26): admins define them; every write checks its values against
//! them; every answer, compiled or assembled, shows the values its caller may see.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    fields_are_defined_by_admins_with_every_rule_checked,
    values_are_checked_merged_and_shown_as_allowed,
    required_fields_and_references_are_enforced,
    a_definition_change_converts_or_refuses,
    deleted_fields_hide_their_values_until_purged,
    pages_have_fields_of_their_own,
    revisions_keep_values_and_bring_them_back,
    search_finds_public_text_fields_only,
    graphql_types_follow_the_definitions_on_every_node,
    wordpress_post_meta_fills_the_fields_of_its_names
);

fn put_field(app: &TestApp, token: &str, path: &str, spec: Value) -> crate::support::http::Response {
    app.send("PUT", &format!("/api/v1/fields/{path}"), Some(token), Some(&spec), &[])
}

fn patch_post(app: &TestApp, token: &str, slug: &str, body: Value) -> crate::support::http::Response {
    app.send("PATCH", &format!("/api/v1/posts/{slug}"), Some(token), Some(&body), &[])
}

fn error_fields(problem: &Value) -> Vec<String> {
    let mut fields: Vec<String> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
    fields.sort_unstable();
    fields
}

fn fields_are_defined_by_admins_with_every_rule_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let (_, editor) = app.user("maude", "editor");
    let made = put_field(&app, &admin, "posts/reading_minutes", json!({ "type": "integer", "min": 1, "max": 120 }));
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.json()["label"], "reading_minutes", "the label defaults to the name");
    let again = put_field(&app, &admin, "posts/reading_minutes", json!({ "type": "integer", "label": "Minutes" }));
    assert_eq!((again.status, again.json()["label"].clone()), (200, json!("Minutes")));
    assert_eq!(put_field(&app, &editor, "posts/x", json!({ "type": "text" })).status, 403);
    assert_eq!(app.send("PUT", "/api/v1/fields/posts/x", None, Some(&json!({ "type": "text" })), &[]).status, 401);
    // Every problem of a definition at once; a bad name, a reserved one, an unknown kind.
    let bad = put_field(
        &app,
        &admin,
        "posts/mood",
        json!({ "type": "select", "max_length": 3, "min": 2, "options": ["calm", "calm"] }),
    )
    .problem(422);
    assert_eq!(error_fields(&bad), ["max_length", "min", "options[1]"]);
    for name in ["Mood", "a__b", "id", "x-y", &"x".repeat(41)] {
        let problem = put_field(&app, &admin, &format!("posts/{name}"), json!({ "type": "text" })).problem(422);
        assert_eq!(problem["errors"][0]["field"], "name", "{name}");
    }
    put_field(&app, &admin, "widgets/x", json!({ "type": "text" })).problem(400);
    put_field(&app, &admin, "posts/x", json!({ "type": "text", "pattern": "(" })).problem(422);
    put_field(&app, &admin, "posts/x", json!({ "type": "list" })).problem(422);
    put_field(&app, &admin, "posts/x", json!({ "type": "text", "filterable": true })).problem(422);
    // At most 50 per kind.
    for i in 1..50 {
        assert_eq!(put_field(&app, &admin, &format!("posts/f{i}"), json!({ "type": "boolean" })).status, 201);
    }
    let too_many = put_field(&app, &admin, "posts/one_more", json!({ "type": "boolean" })).problem(422);
    assert!(too_many["errors"][0]["message"].as_str().unwrap().contains("50"), "{too_many}");
    assert_eq!(put_field(&app, &admin, "pages/one_more", json!({ "type": "boolean" })).status, 201);
    // The public sees the public definitions; staff see all.
    put_field(&app, &admin, "posts/f1", json!({ "type": "boolean", "public": false }));
    let public = app.get("/api/v1/fields?entity=posts").json();
    assert_eq!(public["data"].as_array().unwrap().len(), 49, "f1 is staff only");
    let staff = app.send("GET", "/api/v1/fields?entity=posts", Some(&editor), None, &[]).json();
    assert_eq!(staff["data"].as_array().unwrap().len(), 50);
    let audit = app.send("GET", "/api/v1/audit?limit=2", Some(&admin), None, &[]).json();
    assert_eq!(audit["data"][0]["action"], "field.update", "{audit}");
    assert_eq!(audit["data"][0]["target"], "field:posts.f1");
    assert_eq!(audit["data"][1]["action"], "field.create", "{audit}");
    assert_eq!(audit["data"][1]["target"], "field:pages.one_more");
}

/// The fields the value tests use.
fn define_post_fields(app: &TestApp, admin: &str) {
    let fields = [
        ("subtitle", json!({ "type": "text", "max_length": 40 })),
        ("reading_minutes", json!({ "type": "integer", "min": 1, "max": 120 })),
        ("mood", json!({ "type": "select", "options": ["calm", "angry"] })),
        ("notes", json!({ "type": "markdown", "public": false })),
        ("released", json!({ "type": "date" })),
        ("cast", json!({ "type": "list", "of": "text", "max_items": 3 })),
        ("isbn", json!({ "type": "text", "pattern": "[0-9]{3}-[0-9]{2}" })),
        ("featured", json!({ "type": "boolean" })),
    ];
    for (name, spec) in fields {
        let made = put_field(app, admin, &format!("posts/{name}"), spec);
        assert_eq!(made.status, 201, "{}", made.body);
    }
}

fn values_are_checked_merged_and_shown_as_allowed(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| config.cache = false) else { return };
    let admin = app.admin_token();
    define_post_fields(&app, &admin);
    let values = json!({
        "subtitle": "A head fake", "reading_minutes": 7, "mood": "calm", "notes": "*between us*",
        "released": "1998-03-06", "cast": ["Jeff Bridges", "John Goodman"], "isbn": "123-45", "featured": true
    });
    let written = patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": values }));
    assert_eq!(written.status, 200, "{}", written.body);
    let shown = written.json()["custom_fields"].clone();
    assert_eq!(shown["notes"], json!({ "markdown": "*between us*", "html": "<p><em>between us</em></p>\n" }));
    assert_eq!(shown["featured"], true);
    let values = shown;
    // The public: every public value, on the page (compiled) and in the list (compiled), and the
    // same through the assembled paths (`fields=`); no private one anywhere.
    let mut public = values.clone();
    public.as_object_mut().unwrap().remove("notes");
    let (page, statements) = app.count_queries(|| app.get(&format!("/api/v1/posts/{DEMO_POST}")).json());
    assert_eq!(page["custom_fields"], public);
    assert_eq!(statements, 1, "still one statement");
    let assembled = app.get(&format!("/api/v1/posts/{DEMO_POST}?fields=slug,custom_fields")).json();
    assert_eq!(assembled["custom_fields"], public);
    let listed = app.get("/api/v1/posts?limit=100").json();
    let entry = listed["data"].as_array().unwrap().iter().find(|p| p["slug"] == DEMO_POST).unwrap().clone();
    assert_eq!(entry["custom_fields"], public);
    let other = listed["data"].as_array().unwrap().iter().find(|p| p["slug"] != DEMO_POST).unwrap().clone();
    assert_eq!(other["custom_fields"], json!({}));
    let sorted = app.get("/api/v1/posts?limit=100&sort=title").json();
    let entry = sorted["data"].as_array().unwrap().iter().find(|p| p["slug"] == DEMO_POST).unwrap().clone();
    assert_eq!(entry["custom_fields"], public);
    // Staff see the private one too, compiled and assembled.
    let (_, editor) = app.user("maude", "editor");
    let staff_page = app.send("GET", &format!("/api/v1/posts/{DEMO_POST}"), Some(&editor), None, &[]).json();
    assert_eq!(staff_page["custom_fields"], values);
    let staff_list = app.send("GET", "/api/v1/posts?limit=100&fields=slug,custom_fields", Some(&editor), None, &[]);
    let entry = staff_list.json()["data"].as_array().unwrap().iter().find(|p| p["slug"] == DEMO_POST).unwrap().clone();
    assert_eq!(entry["custom_fields"], values);
    // A patch merges per key; null removes one.
    let merged = patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": { "mood": "angry", "cast": null } }));
    let merged = merged.json()["custom_fields"].clone();
    assert_eq!(
        (merged["mood"].clone(), merged.get("cast"), merged["subtitle"].clone()),
        (json!("angry"), None, json!("A head fake"))
    );
    // Every bad value is named by its path, and nothing is written.
    let version = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["version"].clone();
    let bad = patch_post(
        &app,
        &admin,
        DEMO_POST,
        json!({ "title": "Changed", "custom_fields": {
            "subtitle": "x".repeat(41), "reading_minutes": 7.5, "mood": "sad", "released": "1998-02-30",
            "cast": ["a", "b", "c", "d"], "isbn": "12-345", "featured": "yes", "undefined": 1, "notes": 5
        } }),
    )
    .problem(422);
    assert_eq!(
        error_fields(&bad),
        [
            "custom_fields.cast",
            "custom_fields.featured",
            "custom_fields.isbn",
            "custom_fields.mood",
            "custom_fields.notes",
            "custom_fields.reading_minutes",
            "custom_fields.released",
            "custom_fields.subtitle",
            "custom_fields.undefined",
        ]
    );
    let after = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    assert_eq!((after["version"].clone(), after["title"] == "Changed"), (version, false), "nothing half-written");
    // Not an object at all: the body's own 422.
    patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": [1] })).problem(422);
    // Too large in all (each patch fits in a body; the two together do not).
    for i in 0..30 {
        assert_eq!(put_field(&app, &admin, &format!("posts/long{i}"), json!({ "type": "text" })).status, 201);
    }
    let half = |from: usize| -> serde_json::Map<String, Value> {
        (from..from + 15).map(|i| (format!("long{i}"), json!("x".repeat(9_000)))).collect()
    };
    assert_eq!(patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": half(0) })).status, 200);
    let problem = patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": half(15) })).problem(422);
    assert_eq!(problem["errors"][0]["field"], "custom_fields", "{problem}");
}

fn required_fields_and_references_are_enforced(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text", "required": true })).status, 201);
    assert_eq!(put_field(&app, &admin, "posts/hero", json!({ "type": "media" })).status, 201);
    assert_eq!(put_field(&app, &admin, "posts/series", json!({ "type": "list", "of": "post" })).status, 201);
    // On create, whatever the status.
    let missing = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "No subtitle" })), &[]);
    assert_eq!(missing.problem(422)["errors"][0]["field"], "custom_fields.subtitle");
    let draft = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Draft", "custom_fields": { "subtitle": "Here" } })),
        &[],
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let slug = draft.json()["slug"].as_str().unwrap().to_string();
    // A draft may lose it; publishing it without one is refused, with it allowed.
    let cleared = patch_post(&app, &admin, &slug, json!({ "custom_fields": { "subtitle": null } }));
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    let publish = patch_post(&app, &admin, &slug, json!({ "status": "published" })).problem(422);
    assert_eq!(publish["errors"][0]["field"], "custom_fields.subtitle");
    let published =
        patch_post(&app, &admin, &slug, json!({ "status": "published", "custom_fields": { "subtitle": "Back" } }));
    assert_eq!(published.status, 200, "{}", published.body);
    // A published item cannot lose it.
    patch_post(&app, &admin, &slug, json!({ "custom_fields": { "subtitle": null } })).problem(422);
    // References: a missing media item, a draft, a missing post.
    let draft_id = app
        .send(
            "POST",
            "/api/v1/posts",
            Some(&admin),
            Some(&json!({ "title": "Hidden", "custom_fields": { "subtitle": "s" } })),
            &[],
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    let demo_id = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["id"].as_i64().unwrap();
    let refs = patch_post(
        &app,
        &admin,
        &slug,
        json!({ "custom_fields": { "hero": 999_999, "series": [demo_id, draft_id, 999_999] } }),
    )
    .problem(422);
    assert_eq!(error_fields(&refs), ["custom_fields.hero", "custom_fields.series[1]", "custom_fields.series[2]"]);
    let fine = patch_post(&app, &admin, &slug, json!({ "custom_fields": { "series": [demo_id] } }));
    assert_eq!(fine.json()["custom_fields"]["series"], json!([demo_id]));
}

fn a_definition_change_converts_or_refuses(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    assert_eq!(put_field(&app, &admin, "posts/minutes", json!({ "type": "text" })).status, 201);
    assert_eq!(patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": { "minutes": "12" } })).status, 200);
    let version = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["version"].clone();
    // "12" reads as 12: the change is made and the value converted, without an edit.
    assert_eq!(put_field(&app, &admin, "posts/minutes", json!({ "type": "integer" })).status, 200);
    let post = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    assert_eq!((post["custom_fields"]["minutes"].clone(), post["version"].clone()), (json!(12), version));
    // A bound the value breaks: 409 naming the post, and the definition stays.
    let refused = put_field(&app, &admin, "posts/minutes", json!({ "type": "integer", "max": 10 })).problem(409);
    assert!(refused["detail"].as_str().unwrap().contains(DEMO_POST), "{refused}");
    let fields = app.get("/api/v1/fields?entity=posts").json();
    assert_eq!(fields["data"][0].get("max"), None, "{fields}");
    // Back to text: 12 reads as "12".
    assert_eq!(put_field(&app, &admin, "posts/minutes", json!({ "type": "text" })).status, 200);
    assert_eq!(app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["custom_fields"]["minutes"], "12");
}

fn deleted_fields_hide_their_values_until_purged(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let path = format!("/api/v1/posts/{DEMO_POST}");
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text" })).status, 201);
    assert_eq!(patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": { "subtitle": "Kept" } })).status, 200);
    // Cached for the public, then dropped when the definition goes.
    assert_eq!(app.get(&path).json()["custom_fields"]["subtitle"], "Kept");
    assert_eq!(app.get(&path).json()["custom_fields"]["subtitle"], "Kept");
    assert_eq!(app.send("DELETE", "/api/v1/fields/posts/subtitle", Some(&admin), None, &[]).status, 204);
    assert_eq!(app.get(&path).json()["custom_fields"], json!({}));
    assert_eq!(app.send("DELETE", "/api/v1/fields/posts/subtitle", Some(&admin), None, &[]).status, 404);
    // Defined again under a type the kept value does not fit: refused, as a change would be.
    put_field(&app, &admin, "posts/subtitle", json!({ "type": "integer" })).problem(409);
    put_field(&app, &admin, "posts/subtitle", json!({ "type": "media" })).problem(409);
    // Defined again, the kept value is back; purged, it is gone for good.
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text" })).status, 201);
    assert_eq!(app.get(&path).json()["custom_fields"]["subtitle"], "Kept");
    let purge = app.send("DELETE", "/api/v1/fields/posts/subtitle?purge=true", Some(&admin), None, &[]);
    assert_eq!(purge.status, 204);
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text" })).status, 201);
    assert_eq!(app.get(&path).json()["custom_fields"], json!({}));
    // A private field's value leaves the public's cached answer when the field turns private.
    assert_eq!(
        patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": { "subtitle": "Soon hidden" } })).status,
        200
    );
    assert_eq!(app.get(&path).json()["custom_fields"]["subtitle"], "Soon hidden");
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text", "public": false })).status, 200);
    assert_eq!(app.get(&path).json()["custom_fields"], json!({}));
}

fn pages_have_fields_of_their_own(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    assert_eq!(put_field(&app, &admin, "pages/tagline", json!({ "type": "text" })).status, 201);
    let page = json!({ "title": "About", "status": "published", "custom_fields": { "tagline": "We abide" } });
    let made = app.send("POST", "/api/v1/pages", Some(&admin), Some(&page), &[]);
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(app.get("/api/v1/pages/about").json()["custom_fields"], json!({ "tagline": "We abide" }));
    assert_eq!(app.get("/api/v1/pages").json()["data"][0]["custom_fields"]["tagline"], "We abide");
    // A post's field is not a page's.
    let post = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "T", "custom_fields": { "tagline": "x" } })),
        &[],
    );
    assert_eq!(post.problem(422)["errors"][0]["field"], "custom_fields.tagline");
}

fn revisions_keep_values_and_bring_them_back(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text" })).status, 201);
    assert_eq!(put_field(&app, &admin, "posts/minutes", json!({ "type": "integer" })).status, 201);
    let first = json!({ "custom_fields": { "subtitle": "First", "minutes": 3 } });
    assert_eq!(patch_post(&app, &admin, DEMO_POST, first).status, 200);
    let second = json!({ "custom_fields": { "subtitle": "Second", "minutes": null } });
    assert_eq!(patch_post(&app, &admin, DEMO_POST, second).status, 200);
    let revisions = app.send("GET", &format!("/api/v1/posts/{DEMO_POST}/revisions"), Some(&admin), None, &[]).json();
    let newest = &revisions["data"][0];
    assert_eq!(newest["fields"], json!(["custom_fields"]), "{revisions}");
    let number = newest["number"].as_i64().unwrap();
    let kept = app.send("GET", &format!("/api/v1/posts/{DEMO_POST}/revisions/{number}"), Some(&admin), None, &[]);
    assert_eq!(kept.json()["content"]["custom_fields"], json!({ "subtitle": "First", "minutes": 3 }));
    let diff =
        app.send("GET", &format!("/api/v1/posts/{DEMO_POST}/revisions/diff?from={number}"), Some(&admin), None, &[]);
    assert_eq!(diff.json()["changes"][0]["field"], "custom_fields", "{}", diff.body);
    let restored =
        app.send("POST", &format!("/api/v1/posts/{DEMO_POST}/revisions/{number}/restore"), Some(&admin), None, &[]);
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(restored.json()["custom_fields"], json!({ "subtitle": "First", "minutes": 3 }));
}

fn search_finds_public_text_fields_only(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let found = |word: &str| -> Vec<String> {
        let hits = app.get(&format!("/api/v1/posts?q={word}")).json();
        hits["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text" })).status, 201);
    assert_eq!(put_field(&app, &admin, "posts/notes", json!({ "type": "markdown", "public": false })).status, 201);
    assert_eq!(put_field(&app, &admin, "posts/recap", json!({ "type": "list", "of": "markdown" })).status, 201);
    let values = json!({ "subtitle": "Zorblax abides", "notes": "quuxword", "recap": ["*Flumph* twice"] });
    assert_eq!(patch_post(&app, &admin, DEMO_POST, json!({ "custom_fields": values })).status, 200);
    assert_eq!(found("zorblax"), [DEMO_POST]);
    assert_eq!(found("flumph"), [DEMO_POST]);
    assert!(found("quuxword").is_empty(), "a private field's words are not searched");
    // The body's words still count; an edit of the body keeps the fields' words.
    let body = json!({ "body_markdown": "Snarfblat and more." });
    assert_eq!(patch_post(&app, &admin, DEMO_POST, body).status, 200);
    assert_eq!((found("snarfblat"), found("zorblax")), (vec![DEMO_POST.to_string()], vec![DEMO_POST.to_string()]));
    // Made private, or deleted, a field lends no words.
    assert_eq!(put_field(&app, &admin, "posts/subtitle", json!({ "type": "text", "public": false })).status, 200);
    assert!(found("zorblax").is_empty());
    assert_eq!(app.send("DELETE", "/api/v1/fields/posts/recap", Some(&admin), None, &[]).status, 204);
    assert!(found("flumph").is_empty());
    assert_eq!(found("snarfblat"), [DEMO_POST]);
}

/// The fields of a GraphQL type, by name, with their types as SDL writes them.
fn graphql_fields(app: &TestApp, type_name: &str) -> Vec<(String, String)> {
    graphql_fields_as(app, None, type_name)
}

/// [`graphql_fields`] as `token`'s holder sees them.
fn graphql_fields_as(app: &TestApp, token: Option<&str>, type_name: &str) -> Vec<(String, String)> {
    let query = "query($t: String!) { __type(name: $t) { fields { name type { kind name ofType { kind name ofType { name } } } } } }";
    let answer = match token {
        Some(token) => app.graphql_as(token, query, json!({ "t": type_name })),
        None => app.graphql(query, json!({ "t": type_name })),
    };
    let spelled = |ty: &Value| match ty["kind"].as_str() {
        Some("LIST") => format!("[{}!]", ty["ofType"]["ofType"]["name"].as_str().unwrap_or("?")),
        _ => ty["name"].as_str().unwrap_or("?").to_string(),
    };
    answer["data"]["__type"]["fields"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), spelled(&f["type"])))
        .collect()
}

fn graphql_types_follow_the_definitions_on_every_node(backend: Backend) {
    let Some(a) = TestApp::spawn(backend) else { return };
    let b = TestApp::start_with_pool(a.db.sharing(), false, Default::default(), |_, _| {})
        .expect("a second server on the same database");
    let admin = a.admin_token();
    // No definition yet: the placeholder, null.
    assert_eq!(graphql_fields(&b, "PostCustomFields"), [("_".to_string(), "Boolean".to_string())]);
    let document = "query($slug: String!) { post(slug: $slug) { title customFields { _ } } }";
    let answer = a.graphql(document, json!({ "slug": DEMO_POST }));
    assert_eq!(answer["data"]["post"]["customFields"], json!({ "_": null }), "{answer}");
    let fields = [
        ("subtitle", json!({ "type": "text" })),
        ("reading_minutes", json!({ "type": "integer" })),
        ("mood", json!({ "type": "select", "options": ["calm", "very angry"] })),
        ("summary", json!({ "type": "markdown" })),
        ("cast", json!({ "type": "list", "of": "text" })),
        ("notes", json!({ "type": "text", "public": false })),
    ];
    for (name, spec) in fields {
        assert_eq!(put_field(&a, &admin, &format!("posts/{name}"), spec).status, 201);
    }
    let defined = Instant::now();
    let values = json!({ "subtitle": "A head fake", "reading_minutes": 7, "mood": "very angry", "summary": "*x*",
        "cast": ["Walter", "Donny"], "notes": "staff only" });
    assert_eq!(patch_post(&a, &admin, DEMO_POST, json!({ "custom_fields": values })).status, 200);
    // Typed at once on the node that made them; the staff-only field exists for staff only.
    let mut expected = vec![
        ("cast".to_string(), "[String!]".to_string()),
        ("mood".to_string(), "PostMoodOption".to_string()),
        ("notes".to_string(), "String".to_string()),
        ("readingMinutes".to_string(), "Int".to_string()),
        ("subtitle".to_string(), "String".to_string()),
        ("summary".to_string(), "CustomMarkdown".to_string()),
    ];
    assert_eq!(graphql_fields_as(&a, Some(&admin), "PostCustomFields"), expected);
    expected.retain(|(name, _)| name != "notes");
    assert_eq!(graphql_fields(&a, "PostCustomFields"), expected);
    // On the other node within a second.
    while graphql_fields(&b, "PostCustomFields") != expected {
        assert!(
            defined.elapsed() < Duration::from_secs(1),
            "node B still types {:?}",
            graphql_fields(&b, "PostCustomFields")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let document = "query($slug: String!) { post(slug: $slug) { title customFields { subtitle readingMinutes mood \
        summary { html } cast } } }";
    let public = b.graphql(document, json!({ "slug": DEMO_POST }));
    let shown = &public["data"]["post"]["customFields"];
    assert_eq!(
        shown,
        &json!({ "subtitle": "A head fake", "readingMinutes": 7, "mood": "VERY_ANGRY",
            "summary": { "html": "<p><em>x</em></p>\n" }, "cast": ["Walter", "Donny"] }),
        "{public}"
    );
    let staff_document = "query($slug: String!) { post(slug: $slug) { customFields { notes } } }";
    let hidden = b.graphql(staff_document, json!({ "slug": DEMO_POST }));
    // Hidden from the public's introspection, and null for it if asked for all the same.
    assert_eq!(hidden["data"]["post"]["customFields"]["notes"], Value::Null, "{hidden}");
    let staff = b.graphql_as(&admin, staff_document, json!({ "slug": DEMO_POST }));
    assert_eq!(staff["data"]["post"]["customFields"]["notes"], "staff only", "{staff}");
    let enum_values = b.graphql("{ __type(name: \"PostMoodOption\") { enumValues { name } } }", json!({}));
    assert_eq!(enum_values["data"]["__type"]["enumValues"], json!([{ "name": "CALM" }, { "name": "VERY_ANGRY" }]));
    // Written through GraphQL's typed input: set, removed by null, the others kept.
    let id = a.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["id"].as_i64().unwrap();
    let mutation = "mutation($id: ID!, $values: PostCustomFieldsInput) { updatePost(id: $id, input: { customFields: $values }) { customFields { subtitle mood readingMinutes cast } } }";
    let values = json!({ "subtitle": "Via GraphQL", "mood": "CALM", "readingMinutes": null });
    let written = a.graphql_as(&admin, mutation, json!({ "id": id.to_string(), "values": values }));
    assert_eq!(
        written["data"]["updatePost"]["customFields"],
        json!({ "subtitle": "Via GraphQL", "mood": "CALM", "readingMinutes": null, "cast": ["Walter", "Donny"] }),
        "{written}"
    );
    assert_eq!(a.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["custom_fields"]["mood"], "calm");
    // GraphQL refuses a value of the wrong type before the service sees it; an undefined one too.
    let wrong =
        a.graphql_as(&admin, mutation, json!({ "id": id.to_string(), "values": { "readingMinutes": "seven" } }));
    assert!(wrong["errors"][0]["message"].as_str().unwrap().contains("readingMinutes"), "{wrong}");
    let unknown = a.graphql_as(&admin, mutation, json!({ "id": id.to_string(), "values": { "nope": 1 } }));
    assert!(unknown["errors"].is_array() && unknown["data"].is_null(), "{unknown}");
    // A field deleted is gone from the types; pages have their own.
    assert_eq!(a.send("DELETE", "/api/v1/fields/posts/notes", Some(&admin), None, &[]).status, 204);
    assert!(!graphql_fields_as(&a, Some(&admin), "PostCustomFields").iter().any(|(name, _)| name == "notes"));
    assert_eq!(put_field(&a, &admin, "pages/tagline", json!({ "type": "text" })).status, 201);
    let page = json!({ "title": "About", "status": "published", "custom_fields": { "tagline": "We abide" } });
    assert_eq!(a.send("POST", "/api/v1/pages", Some(&admin), Some(&page), &[]).status, 201);
    let about = a.graphql("{ page(slug: \"about\") { customFields { tagline } } }", json!({}));
    assert_eq!(about["data"]["page"]["customFields"]["tagline"], "We abide", "{about}");
}

/// A WordPress export of one post and one page, with public and private post meta.
fn export_with_meta() -> String {
    let meta = |key: &str, value: &str| {
        format!(
            "<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key><wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        )
    };
    let item = |id: u32, kind: &str, name: &str, metas: &str| {
        format!(
            "<item><title>{name}</title><link>https://dude.example/{name}/</link><dc:creator>thedude</dc:creator>\
             <content:encoded><![CDATA[Body of {name}.]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>\
             <wp:post_id>{id}</wp:post_id><wp:post_date_gmt>2010-03-07 18:30:00</wp:post_date_gmt>\
             <wp:post_name>{name}</wp:post_name><wp:status>publish</wp:status><wp:post_type>{kind}</wp:post_type>{metas}</item>"
        )
    };
    let post_meta = [
        meta("subtitle", "Abide"),
        meta("reading_minutes", " 12 "),
        meta("rating", "five"),
        meta("mood", "calm"),
        meta("_edit_lock", "1600000000:1"),
    ]
    .concat();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><rss version=\"2.0\" \
         xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\
         <wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://dude.example</wp:base_site_url>{}{}</channel></rss>",
        item(10, "post", "meta-post", &post_meta),
        item(11, "page", "meta-page", &meta("tagline", "We abide")),
    )
}

fn wordpress_post_meta_fills_the_fields_of_its_names(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    for (path, spec) in [
        ("posts/subtitle", json!({ "type": "text" })),
        ("posts/reading_minutes", json!({ "type": "integer" })),
        ("posts/rating", json!({ "type": "integer" })),
    ] {
        assert_eq!(put_field(&app, &admin, path, spec).status, 201);
    }
    let dir = std::env::temp_dir().join(format!("colophon-meta-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("meta.xml");
    std::fs::write(&file, export_with_meta()).unwrap();
    let report = colophon_import::import_wxr(&app.colophon, &file, Default::default(), &mut |_| {}).unwrap();
    assert_eq!((report.posts, report.pages, report.problems.len()), (1, 1, 0), "{report:?}");
    let post = app.get("/api/v1/posts/meta-post").json();
    assert_eq!(post["custom_fields"], json!({ "subtitle": "Abide", "reading_minutes": 12 }), "{post}");
    let notes: Vec<&str> = report.notes.iter().map(|n| n.reason.as_str()).collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("post meta rating: must be a whole number")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("post meta mood: no field of that name")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("post meta tagline: no field of that name")), "{notes:?}");
    // Asked to, the import defines the fields it lacks, as text; a second run changes nothing.
    let again = std::fs::read_to_string(&file).unwrap().replace("meta-", "more-").replace("post_id>1", "post_id>2");
    std::fs::write(&file, again).unwrap();
    let options = colophon_import::WxrImportOptions { create_fields: true, ..Default::default() };
    let report = colophon_import::import_wxr(&app.colophon, &file, options, &mut |_| {}).unwrap();
    assert_eq!((report.posts, report.pages), (1, 1), "{report:?}");
    assert_eq!(app.get("/api/v1/posts/more-post").json()["custom_fields"]["mood"], "calm");
    assert_eq!(app.get("/api/v1/pages/more-page").json()["custom_fields"], json!({ "tagline": "We abide" }));
    let fields = app.get("/api/v1/fields").json();
    let names: Vec<&str> = fields["data"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["tagline", "mood", "rating", "reading_minutes", "subtitle"], "{fields}");
    let _ = std::fs::remove_dir_all(&dir);
    // Searched by the imported text too.
    let hits = app.get("/api/v1/posts?q=abide").json();
    assert!(hits["data"].as_array().unwrap().iter().any(|p| p["slug"] == "meta-post"), "{hits}");
}

fn rand_suffix() -> String {
    format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}
