use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    a_new_author_writes_publishes_and_edits_safely,
    graphql_authoring_with_expected_version,
    slugs_are_derived_unique_and_old_ones_redirect,
    bodies_are_sanitized_and_excerpts_derived,
    invalid_input_names_the_field_and_writes_nothing,
    concurrent_edits_from_one_version_one_wins,
    scheduled_posts_go_live_on_time,
    staff_list_drafts_by_status,
);

fn post_count(app: &TestApp, token: &str) -> usize {
    let published = app.get("/api/v1/posts?limit=100").json()["data"].as_array().unwrap().len();
    let drafts = app.send("GET", "/api/v1/posts?status=draft&limit=100", Some(token), None, &[]).json()["data"]
        .as_array()
        .unwrap()
        .len();
    published + drafts
}

fn a_new_author_writes_publishes_and_edits_safely(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let created = app.send(
        "POST",
        "/api/v1/authors",
        Some(&admin),
        Some(&json!({ "email": "Jeff@Example.com", "name": "Jeff Lebowski", "role": "author", "password": "the dude abides" })),
        &[],
    );
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.json()["email"], "jeff@example.com");
    assert_eq!(created.json()["slug"], "jeff-lebowski");
    let jeff = app.login("jeff@example.com", "the dude abides");

    let draft = app.send(
        "POST",
        "/api/v1/posts",
        Some(&jeff),
        Some(&json!({ "title": "The Rug Really Tied the Room Together", "body_markdown": "That rug *really* tied the room together.\n\nSecond paragraph.", "tags": ["Bowling"] })),
        &[],
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let location = draft.header("location").unwrap().to_string();
    assert_eq!(location, "/api/v1/posts/the-rug-really-tied-the-room-together");
    let body = draft.json();
    assert_eq!(body["status"], "draft");
    assert_eq!(
        body["body_html"],
        "<p>That rug <em>really</em> tied the room together.</p>\n<p>Second paragraph.</p>\n"
    );
    assert_eq!(body["excerpt"], "That rug really tied the room together.");
    assert_eq!(body["body_markdown"], "That rug *really* tied the room together.\n\nSecond paragraph.");
    assert_eq!(body["author"]["name"], "Jeff Lebowski");
    let id = body["id"].as_i64().unwrap();
    let etag = draft.header("etag").unwrap().to_string();
    assert!(etag.starts_with("\"v1-"), "{etag}");

    app.get(&location).problem(404);
    assert_eq!(app.send("GET", &location, Some(&jeff), None, &[]).status, 200, "the author sees the draft");

    let published = app.send(
        "PATCH",
        &format!("/api/v1/posts/{id}"),
        Some(&jeff),
        Some(&json!({ "status": "published" })),
        &[("If-Match", &etag)],
    );
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(published.json()["status"], "published");
    let etag = published.header("etag").unwrap().to_string();
    assert!(etag.starts_with("\"v2-"), "{etag}");
    let public = app.get(&location);
    assert_eq!(public.status, 200);
    assert!(public.json().get("body_markdown").is_none(), "the Markdown source is for editors");
    assert_eq!(app.get("/api/v1/posts?limit=1").json()["data"][0]["id"], id);
    let gql = app.graphql("{ posts(first: 1) { edges { node { title author { name } } } } }", json!({}));
    assert_eq!(gql["data"]["posts"]["edges"][0]["node"]["title"], "The Rug Really Tied the Room Together");

    let edited = app.send(
        "PATCH",
        &format!("/api/v1/posts/{id}"),
        Some(&jeff),
        Some(&json!({ "title": "The Rug" })),
        &[("If-Match", &etag)],
    );
    assert_eq!(edited.status, 200, "{}", edited.body);
    let stale = app.send(
        "PATCH",
        &format!("/api/v1/posts/{id}"),
        Some(&jeff),
        Some(&json!({ "title": "Lost edit" })),
        &[("If-Match", &etag)],
    );
    assert_eq!(stale.problem(412)["code"], "precondition_failed");
    assert_eq!(app.get(&location).json()["title"], "The Rug", "the stale edit wrote nothing");
    // The ETag a reader got from GET works as If-Match too.
    let current = app.get(&location).header("etag").unwrap().to_string();
    let ok = app.send(
        "PATCH",
        &format!("/api/v1/posts/{id}"),
        Some(&jeff),
        Some(&json!({ "comments_enabled": false })),
        &[("If-Match", &current)],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    app.send("DELETE", &format!("/api/v1/posts/{id}"), Some(&jeff), None, &[("If-Match", &current)]).problem(412);
    assert_eq!(app.send("DELETE", &format!("/api/v1/posts/{id}"), Some(&jeff), None, &[]).status, 204);
    app.get(&location).problem(404);
}

fn graphql_authoring_with_expected_version(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, token) = app.user("writer", "author");
    let created = app.graphql_as(
        &token,
        "mutation { createPost(input: { title: \"GraphQL Post\", bodyMarkdown: \"Hello **world**\" }) { id slug status version bodyHtml bodyMarkdown } }",
        json!({}),
    );
    let post = &created["data"]["createPost"];
    assert_eq!(post["slug"], "graphql-post", "{created}");
    assert_eq!(post["status"], "DRAFT");
    assert_eq!(post["version"], 1);
    assert_eq!(post["bodyHtml"], "<p>Hello <strong>world</strong></p>\n");
    assert_eq!(post["bodyMarkdown"], "Hello **world**");
    let id = post["id"].as_str().unwrap();
    let update = "mutation($id: ID!, $v: Int) { updatePost(id: $id, input: { status: PUBLISHED, title: \"Renamed\" }, expectedVersion: $v) { version status title } }";
    let ok = app.graphql_as(&token, update, json!({ "id": id, "v": 1 }));
    assert_eq!(ok["data"]["updatePost"]["version"], 2, "{ok}");
    assert_eq!(ok["data"]["updatePost"]["status"], "PUBLISHED");
    let stale = app.graphql_as(&token, update, json!({ "id": id, "v": 1 }));
    assert_eq!(stale["errors"][0]["extensions"]["code"], "PRECONDITION_FAILED", "{stale}");
    let invalid = app.graphql_as(&token, "mutation { createPost(input: { title: \"\" }) { id } }", json!({}));
    assert_eq!(invalid["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(invalid["errors"][0]["extensions"]["field"], "title");
    let deleted = app.graphql_as(&token, "mutation($id: ID!) { deletePost(id: $id) }", json!({ "id": id }));
    assert_eq!(deleted["data"]["deletePost"], true);
    assert!(app.graphql("{ post(slug: \"graphql-post\") { id } }", json!({}))["data"]["post"].is_null());
}

fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.send("POST", "/api/v1/posts", Some(token), Some(&body), &[]);
    assert_eq!(response.status, 201, "{}", response.body);
    response.json()
}

fn slugs_are_derived_unique_and_old_ones_redirect(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let title = "The Case for Converging Your Personal/Professional Networks";
    let second = create(&app, &admin, json!({ "title": title }));
    assert_eq!(second["slug"], format!("{DEMO_POST}-2"), "a derived slug that is taken gets a number");
    let third = create(&app, &admin, json!({ "title": title }));
    assert_eq!(third["slug"], format!("{DEMO_POST}-3"));
    // An explicit slug that is taken gets a number too (a 409 would tell a contributor that
    // someone else's draft exists).
    let clash = create(&app, &admin, json!({ "title": "Other", "slug": DEMO_POST }));
    assert_eq!(clash["slug"], format!("{DEMO_POST}-4"));

    // Renaming a published post keeps its old address working.
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    let renamed = app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", demo["id"]),
        Some(&admin),
        Some(&json!({ "slug": "cross-the-streams" })),
        &[],
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let old = app.get(&format!("/api/v1/posts/{DEMO_POST}"));
    assert_eq!(old.status, 301);
    assert_eq!(old.header("location"), Some("/api/v1/posts/cross-the-streams"));
    assert_eq!(app.get("/api/v1/posts/cross-the-streams").json()["title"], title);
    let gql = app.graphql(&format!("{{ post(slug: \"{DEMO_POST}\") {{ slug }} }}"), json!({}));
    assert_eq!(gql["data"]["post"]["slug"], "cross-the-streams", "GraphQL follows the redirect");
    // A draft's old slug does not redirect (nobody could have linked to it).
    let draft_slug = second["slug"].as_str().unwrap();
    app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", second["id"]),
        Some(&admin),
        Some(&json!({ "slug": "renamed-draft" })),
        &[],
    );
    app.send("GET", &format!("/api/v1/posts/{draft_slug}"), Some(&admin), None, &[]).problem(404);
    // A slug that cannot come from the title must be given.
    let no_slug = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "!!!" })), &[]);
    assert_eq!(no_slug.problem(422)["errors"][0]["field"], "slug");
}

fn bodies_are_sanitized_and_excerpts_derived(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let html = r#"<p onclick="steal()">Hello <a href="javascript:alert(1)">link</a><img src="x" onerror="alert(1)"></p><script>alert(1)</script><iframe src="https://evil.example"></iframe>"#;
    let post = create(&app, &admin, json!({ "title": "Sanitized", "body_html": html }));
    let body = post["body_html"].as_str().unwrap();
    for forbidden in ["onclick", "javascript:", "onerror", "<script", "<iframe", "alert("] {
        assert!(!body.contains(forbidden), "{forbidden} survived for an admin: {body}");
    }
    assert!(body.contains("Hello"));
    let markdown = create(
        &app,
        &admin,
        json!({ "title": "Markdown with HTML", "body_markdown": "Hi <script>alert(1)</script> [x](javascript:alert(2))" }),
    );
    assert!(!markdown["body_html"].as_str().unwrap().contains("script"));
    assert!(!markdown["body_html"].as_str().unwrap().contains("javascript"));
    let long = create(&app, &admin, json!({ "title": "Long", "body_markdown": "word ".repeat(200) }));
    let excerpt = long["excerpt"].as_str().unwrap();
    assert!(excerpt.chars().count() <= 300 && excerpt.ends_with('…'), "{excerpt}");
    let given = create(&app, &admin, json!({ "title": "Given", "body_markdown": "Body", "excerpt": "My own teaser" }));
    assert_eq!(given["excerpt"], "My own teaser");
    // A derived excerpt follows body edits; a given one stays.
    let edited = app
        .send(
            "PATCH",
            &format!("/api/v1/posts/{}", long["id"]),
            Some(&admin),
            Some(&json!({ "body_markdown": "New start." })),
            &[],
        )
        .json();
    assert_eq!(edited["excerpt"], "New start.");
    let kept = app
        .send(
            "PATCH",
            &format!("/api/v1/posts/{}", given["id"]),
            Some(&admin),
            Some(&json!({ "body_markdown": "Other body" })),
            &[],
        )
        .json();
    assert_eq!(kept["excerpt"], "My own teaser");
}

fn invalid_input_names_the_field_and_writes_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let before = post_count(&app, &admin);
    let cases = [
        (json!({ "body_markdown": "no title" }), "title"),
        (json!({ "title": "" }), "title"),
        (json!({ "title": "x".repeat(301) }), "title"),
        (json!({ "title": "ok", "slug": "Not A Slug" }), "slug"),
        (json!({ "title": "ok", "status": "live" }), "status"),
        (json!({ "title": "ok", "status": "scheduled" }), "published_at"),
        (json!({ "title": "ok", "featured_image": { "url": "javascript:alert(1)" } }), "featured_image.url"),
        (json!({ "title": "ok", "tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>() }), "tags"),
        (json!({ "title": "ok", "excerpt": "x".repeat(301) }), "excerpt"),
        (json!({ "title": "ok", "body_markdown": "a", "body_html": "b" }), "body_html"),
        (json!({ "title": "ok", "sidebar": "no-such-sidebar" }), "sidebar"),
        (json!({ "title": "ok", "author": "nobody" }), "author"),
    ];
    for (body, field) in cases {
        let response = app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]);
        let problem = response.problem(422);
        assert!(problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == field), "{field}: {problem}");
    }
    // Several bad values at once are all reported. (A word outside a closed set, as an unknown
    // `status`, is refused where the body is read, like any value of the wrong type.)
    let bad_values = json!({ "title": "", "slug": "A B", "excerpt": "x".repeat(301) });
    let many = app.send("POST", "/api/v1/posts", Some(&admin), Some(&bad_values), &[]).problem(422);
    assert_eq!(many["errors"].as_array().unwrap().len(), 3, "{many}");
    let unknown =
        app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "ok", "titel": "typo" })), &[]);
    assert!(unknown.problem(422)["detail"].as_str().unwrap().contains("titel"));
    let wrong_type = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": 42 })), &[]);
    wrong_type.problem(422);
    let auth = format!("Bearer {admin}");
    let send_raw = |content_type: &str, body: &[u8]| {
        app.send_raw("POST", "/api/v1/posts", content_type, body, &[("authorization", &auth)])
    };
    send_raw("application/json", b"{\"title\": ").problem(400);
    send_raw("text/plain", b"{\"title\": \"ok\"}").problem(415);
    let huge = format!("{{\"title\": \"big\", \"body_html\": \"{}\"}}", "a".repeat(300 * 1024));
    send_raw("application/json", huge.as_bytes()).problem(413);
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    let patch = app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", demo["id"]),
        Some(&admin),
        Some(&json!({ "title": "", "slug": "ok-slug" })),
        &[],
    );
    patch.problem(422);
    assert_eq!(
        app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["version"],
        demo["version"],
        "a refused PATCH writes nothing"
    );
    app.send("PATCH", "/api/v1/posts/999999", Some(&admin), Some(&json!({ "title": "x" })), &[]).problem(404);
    // A path segment that is not a number names a post by slug.
    app.send("PATCH", "/api/v1/posts/no-such-slug", Some(&admin), Some(&json!({ "title": "x" })), &[]).problem(404);
    assert_eq!(post_count(&app, &admin), before, "no refusal wrote a post");
}

fn concurrent_edits_from_one_version_one_wins(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, first) = app.user("first", "editor");
    let (_, second) = app.user("second", "editor");
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}"));
    let etag = demo.header("etag").unwrap().to_string();
    let id = demo.json()["id"].as_i64().unwrap();
    for round in 0..5 {
        let etag = if round == 0 {
            etag.clone()
        } else {
            app.get(&format!("/api/v1/posts/{DEMO_POST}")).header("etag").unwrap().to_string()
        };
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<(String, u16)> = std::thread::scope(|scope| {
            let handles: Vec<_> = [(&first, "First"), (&second, "Second")]
                .into_iter()
                .map(|(token, who)| {
                    let (barrier, etag) = (&barrier, &etag);
                    let app = &app;
                    scope.spawn(move || {
                        let title = format!("{who} edit {round}");
                        barrier.wait();
                        let status = app
                            .send(
                                "PATCH",
                                &format!("/api/v1/posts/{id}"),
                                Some(token),
                                Some(&json!({ "title": title })),
                                &[("If-Match", etag)],
                            )
                            .status;
                        (title, status)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winners: Vec<_> = results.iter().filter(|(_, s)| *s == 200).collect();
        let losers: Vec<_> = results.iter().filter(|(_, s)| *s == 412).collect();
        assert_eq!((winners.len(), losers.len()), (1, 1), "round {round}: {results:?}");
        assert_eq!(
            app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["title"],
            json!(winners[0].0),
            "the stored post is the winner's"
        );
    }
}

fn scheduled_posts_go_live_on_time(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let at = crate::support::server::test_now() + Duration::hours(3);
    let post = create(
        &app,
        &admin,
        json!({ "title": "Tomorrow", "status": "scheduled", "published_at": at.and_utc().to_rfc3339() }),
    );
    assert_eq!(post["status"], "scheduled");
    app.get("/api/v1/posts/tomorrow").problem(404);
    let scheduled = app.send("GET", "/api/v1/posts?status=scheduled", Some(&admin), None, &[]).json();
    assert_eq!(scheduled["data"][0]["slug"], "tomorrow");
    app.clock.advance(Duration::hours(3));
    assert_eq!(app.get("/api/v1/posts/tomorrow").json()["status"], "published");
    assert_eq!(app.get("/api/v1/posts?limit=1").json()["data"][0]["slug"], "tomorrow");
}

fn staff_list_drafts_by_status(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, contributor) = app.user("contributor", "contributor");
    let (_, editor) = app.user("editor", "editor");
    create(&app, &contributor, json!({ "title": "Contributor draft" }));
    create(&app, &editor, json!({ "title": "Editor draft" }));
    let own = app.send("GET", "/api/v1/posts?status=draft", Some(&contributor), None, &[]).json();
    let titles: Vec<_> = own["data"].as_array().unwrap().iter().map(|p| p["title"].clone()).collect();
    assert_eq!(titles, vec![json!("Contributor draft")], "contributors see their own drafts only");
    let all = app.send("GET", "/api/v1/posts?status=draft", Some(&editor), None, &[]).json();
    assert_eq!(all["data"].as_array().unwrap().len(), 2, "editors see every draft");
    app.get("/api/v1/posts?status=draft").problem(401);
    app.send("GET", "/api/v1/posts?status=secret", Some(&editor), None, &[]).problem(400);
    let gql = app.graphql_as(&editor, "{ posts(status: \"draft\") { edges { node { title status } } } }", json!({}));
    assert_eq!(gql["data"]["posts"]["edges"].as_array().unwrap().len(), 2, "{gql}");
}
