//! Comment submission: who may, how a comment starts, and every spam defence.

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};
use crate::xss::open_comments_app;

backend_tests!(
    anonymous_comments_start_pending_and_registered_ones_approved,
    moderation_modes_decide_how_comments_start,
    replies_must_answer_an_approved_comment_of_the_same_post,
    closed_posts_drafts_and_duplicates_are_refused,
    submissions_are_rate_limited_per_address,
    honeypot_fast_forms_links_and_blocklist_catch_spam,
    comment_count_matches_a_fresh_count_through_every_change,
);

fn path() -> String {
    format!("/api/v1/posts/{DEMO_POST}/comments")
}

fn submit(app: &TestApp, token: Option<&str>, body: Value) -> crate::support::http::Response {
    app.send("POST", &path(), token, Some(&body), &[("User-Agent", "TestBrowser/1.0")])
}

fn queue(app: &TestApp, admin: &str, status: &str) -> Vec<Value> {
    let page = app.send("GET", &format!("/api/v1/comments?status={status}&limit=100"), Some(admin), None, &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()["data"].as_array().unwrap().clone()
}

/// A demo app whose comment rate limit is out of the way of tests about other rules.
fn unlimited(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |config, _| config.comments.per_address = colophon_service::Limit::per_minute(10_000))
}

fn anonymous_comments_start_pending_and_registered_ones_approved(backend: Backend) {
    let Some(app) = unlimited(backend) else { return };
    let admin = app.admin_token();
    let response = submit(
        &app,
        None,
        json!({ "author_name": "Reader", "author_email": "Reader@Private.example", "author_url": "https://reader.example", "body": "First!" }),
    );
    assert_eq!(response.status, 201, "{}", response.body);
    let created = response.json();
    assert_eq!(created["status"], "pending");
    let location = response.header("location").unwrap().to_string();
    app.get(&location).problem(404);
    let public = app.get(&format!("{}?limit=100", path())).body;
    assert!(!public.contains("First!"), "pending comments are not public");
    let pending = queue(&app, &admin, "pending");
    let stored = pending.iter().find(|c| c["id"] == created["id"]).expect("in the moderation queue");
    assert_eq!(stored["author_email"], "reader@private.example");
    assert_eq!(stored["ip"], "127.0.0.1");
    assert_eq!(stored["user_agent"], "TestBrowser/1.0");
    assert_eq!(stored["is_registered"], false);

    let approve = app.send(
        "PATCH",
        &format!("/api/v1/comments/{}", created["id"]),
        Some(&admin),
        Some(&json!({ "status": "approved" })),
        &[],
    );
    assert_eq!(approve.status, 200);
    let shown = app.get(&location);
    assert_eq!(shown.status, 200);
    for private in ["reader@private.example", "127.0.0.1", "TestBrowser"] {
        assert!(!shown.body.contains(private), "{private} leaked");
        assert!(!app.get(&format!("{}?limit=100", path())).body.contains(private), "{private} leaked in the list");
    }

    // Signed in: registered, approved at once, under the account's name.
    let (_, token) = app.user("steve", "author");
    let registered =
        submit(&app, Some(&token), json!({ "author_name": "Someone Else", "body": "I know. I am behind!" }));
    assert_eq!(registered.status, 201, "{}", registered.body);
    assert_eq!(registered.json()["status"], "approved");
    let comment = app.get(registered.header("location").unwrap()).json();
    assert_eq!(comment["is_registered"], true);
    assert_eq!(comment["author_name"], "steve");
    assert!(comment["author_id"].is_i64());

    // GraphQL: the same rules.
    let gql = app.graphql(
        "mutation($s: String!) { addComment(postSlug: $s, input: { authorName: \"Gql\", body: \"Via GraphQL\" }) { id status isRegistered } }",
        json!({ "s": DEMO_POST }),
    );
    assert_eq!(gql["data"]["addComment"]["status"], "PENDING", "{gql}");
    let gql = app.graphql_as(&token, "mutation($s: String!) { addComment(postSlug: $s, input: { body: \"Signed in\" }) { status isRegistered authorName } }", json!({ "s": DEMO_POST }));
    assert_eq!(gql["data"]["addComment"]["status"], "APPROVED", "{gql}");
    assert_eq!(gql["data"]["addComment"]["isRegistered"], true);
    let missing = app.graphql(
        "mutation($s: String!) { addComment(postSlug: $s, input: { body: \"no name\" }) { id } }",
        json!({ "s": DEMO_POST }),
    );
    assert_eq!(missing["errors"][0]["extensions"]["field"], "author_name", "{missing}");
    // Field rules.
    for (body, field) in [
        (json!({ "body": "x" }), "author_name"),
        (json!({ "author_name": "x".repeat(81), "body": "x" }), "author_name"),
        (json!({ "author_name": "A", "body": "" }), "body"),
        (json!({ "author_name": "A", "body": "x".repeat(10_001) }), "body"),
        (json!({ "author_name": "A", "body": "x", "author_email": "not-an-email" }), "author_email"),
        (json!({ "author_name": "A", "body": "x", "author_url": "javascript:alert(1)" }), "author_url"),
        (json!({ "author_name": "A", "body": "<script>only markup</script>" }), "body"),
    ] {
        let problem = submit(&app, None, body).problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
}

fn set_moderation(app: &TestApp, admin: &str, mode: &str) {
    let response =
        app.send("PATCH", "/api/v1/settings", Some(admin), Some(&json!({ "comment_moderation": mode })), &[]);
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.json()["comment_moderation"], mode);
}

fn moderation_modes_decide_how_comments_start(backend: Backend) {
    let Some(app) = unlimited(backend) else { return };
    let admin = app.admin_token();
    assert_eq!(app.send("GET", "/api/v1/settings", Some(&admin), None, &[]).json()["comment_moderation"], "pending");
    set_moderation(&app, &admin, "approved");
    assert_eq!(
        submit(&app, None, json!({ "author_name": "A", "body": "approved at once" })).json()["status"],
        "approved"
    );
    set_moderation(&app, &admin, "previously_approved");
    let first =
        submit(&app, None, json!({ "author_name": "B", "author_email": "b@example.com", "body": "my first" })).json();
    assert_eq!(first["status"], "pending", "no approved comment yet");
    app.send(
        "PATCH",
        &format!("/api/v1/comments/{}", first["id"]),
        Some(&admin),
        Some(&json!({ "status": "approved" })),
        &[],
    );
    let second =
        submit(&app, None, json!({ "author_name": "B", "author_email": "B@Example.com", "body": "my second" })).json();
    // Approved (the same name and e-mail were approved before), but the answer is the one every
    // submitter gets: it must not tell anyone whether an e-mail has an approved comment.
    assert_eq!(second["status"], "pending");
    assert_eq!(app.get(&format!("/api/v1/comments/{}", second["id"])).status, 200, "published");
    // The e-mail alone is not enough: WordPress matches the name too.
    let impostor =
        submit(&app, None, json!({ "author_name": "Not B", "author_email": "b@example.com", "body": "trust me" }))
            .json();
    assert_eq!(impostor["status"], "pending");
    app.get(&format!("/api/v1/comments/{}", impostor["id"])).problem(404);
    let stranger =
        submit(&app, None, json!({ "author_name": "C", "author_email": "c@example.com", "body": "hello" })).json();
    assert_eq!(stranger["status"], "pending");
    app.send("PATCH", "/api/v1/settings", Some(&admin), Some(&json!({ "comment_moderation": "sometimes" })), &[])
        .problem(422);
    let (_, editor) = app.user("editor", "editor");
    app.send("PATCH", "/api/v1/settings", Some(&editor), Some(&json!({ "comment_moderation": "approved" })), &[])
        .problem(403);
}

fn replies_must_answer_an_approved_comment_of_the_same_post(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| {
        config.comments.max_depth = 2;
        config.comments.per_address = colophon_service::Limit::per_minute(10_000);
    }) else {
        return;
    };
    let admin = app.admin_token();
    set_moderation(&app, &admin, "approved");
    let comments = app.get(&format!("{}?limit=100", path())).json();
    let seekgeek =
        comments["data"].as_array().unwrap().iter().find(|c| c["author_name"] == "seekgeek").unwrap()["id"].clone();
    let reply = submit(&app, None, json!({ "author_name": "R", "body": "a reply", "parent_id": seekgeek })).json();
    assert_eq!(reply["status"], "approved");
    let stored = app.get(&format!("/api/v1/comments/{}", reply["id"])).json();
    assert_eq!((stored["parent_id"].clone(), stored["depth"].clone()), (seekgeek.clone(), json!(1)));
    let deeper = submit(&app, None, json!({ "author_name": "R", "body": "deeper", "parent_id": reply["id"] })).json();
    let too_deep = submit(&app, None, json!({ "author_name": "R", "body": "too deep", "parent_id": deeper["id"] }));
    assert!(too_deep.problem(422)["detail"].as_str().unwrap().contains("2 levels"));
    // Not to a pending comment, not across posts, not to nothing.
    set_moderation(&app, &admin, "pending");
    let pending = submit(&app, None, json!({ "author_name": "P", "body": "pending one" })).json();
    submit(&app, None, json!({ "author_name": "R", "body": "to pending", "parent_id": pending["id"] })).problem(422);
    submit(&app, None, json!({ "author_name": "R", "body": "to nothing", "parent_id": 999_999 })).problem(422);
    let other = app
        .send(
            "POST",
            "/api/v1/posts",
            Some(&admin),
            Some(&json!({ "title": "Other post", "status": "published" })),
            &[],
        )
        .json();
    let across = app.post_json(
        &format!("/api/v1/posts/{}/comments", other["slug"].as_str().unwrap()),
        &json!({ "author_name": "R", "body": "across", "parent_id": seekgeek }),
    );
    assert_eq!(across.problem(422)["errors"][0]["field"], "parent_id");
}

fn closed_posts_drafts_and_duplicates_are_refused(backend: Backend) {
    let Some(app) = unlimited(backend) else { return };
    let admin = app.admin_token();
    let draft = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Secret draft" })), &[]).json();
    app.post_json(
        &format!("/api/v1/posts/{}/comments", draft["slug"].as_str().unwrap()),
        &json!({ "author_name": "A", "body": "x" }),
    )
    .problem(404);
    app.post_json("/api/v1/posts/no-such-post/comments", &json!({ "author_name": "A", "body": "x" })).problem(404);
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", demo["id"]),
        Some(&admin),
        Some(&json!({ "comments_enabled": false })),
        &[],
    );
    submit(&app, None, json!({ "author_name": "A", "body": "closed" })).problem(403);
    app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", demo["id"]),
        Some(&admin),
        Some(&json!({ "comments_enabled": true })),
        &[],
    );

    let body = json!({ "author_name": "A", "body": "Same words twice" });
    assert_eq!(submit(&app, None, body.clone()).status, 201);
    submit(&app, None, body.clone()).problem(409);
    let count =
        |app: &TestApp| queue(app, &admin, "pending").iter().filter(|c| c["body_source"] == "Same words twice").count();
    assert_eq!(count(&app), 1, "no second row");
    app.clock.advance(Duration::minutes(11));
    assert_eq!(submit(&app, None, body).status, 201, "the window passed");
    assert_eq!(count(&app), 2);
}

fn submissions_are_rate_limited_per_address(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for i in 0..5 {
        assert_eq!(submit(&app, None, json!({ "author_name": "A", "body": format!("comment {i}") })).status, 201);
    }
    let limited = submit(&app, None, json!({ "author_name": "A", "body": "one too many" }));
    limited.problem(429);
    assert!(limited.header("retry-after").is_some());
    // Forwarded headers from an untrusted peer change nothing.
    let spoofed = app.send(
        "POST",
        &path(),
        None,
        Some(&json!({ "author_name": "A", "body": "spoofed" })),
        &[("X-Forwarded-For", "203.0.113.9")],
    );
    spoofed.problem(429);
    let gql = app.graphql(
        "mutation($s: String!) { addComment(postSlug: $s, input: { authorName: \"A\", body: \"gql\" }) { id } }",
        json!({ "s": DEMO_POST }),
    );
    assert_eq!(gql["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{gql}");
    app.clock.advance(Duration::seconds(61));
    assert_eq!(submit(&app, None, json!({ "author_name": "A", "body": "later" })).status, 201);

    // Behind a trusted proxy, each forwarded client has its own allowance.
    let Some(proxied) =
        TestApp::spawn_with(backend, |_, server| server.trusted_proxies = vec!["127.0.0.1".parse().unwrap()])
    else {
        return;
    };
    for client in ["198.51.100.1", "198.51.100.2"] {
        for i in 0..5 {
            let r = proxied.send(
                "POST",
                &path(),
                None,
                Some(&json!({ "author_name": "A", "body": format!("{client} {i}") })),
                &[("X-Forwarded-For", client)],
            );
            assert_eq!(r.status, 201, "{}", r.body);
        }
        proxied
            .send(
                "POST",
                &path(),
                None,
                Some(&json!({ "author_name": "A", "body": "more" })),
                &[("X-Forwarded-For", client)],
            )
            .problem(429);
    }
    let admin = proxied.admin_token();
    assert!(
        queue(&proxied, &admin, "pending").iter().any(|c| c["ip"] == "198.51.100.2"),
        "the forwarded address is stored"
    );
}

fn honeypot_fast_forms_links_and_blocklist_catch_spam(backend: Backend) {
    let Some(app) = open_comments_app(backend) else { return };
    let admin = app.admin_token();
    let status_of = |response: crate::support::http::Response| -> (String, String) {
        assert_eq!(response.status, 201, "{}", response.body);
        let id = response.json()["id"].clone();
        let stored = app.send("GET", "/api/v1/comments?limit=100", Some(&admin), None, &[]).json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string();
        (response.json()["status"].as_str().unwrap().to_string(), stored)
    };
    // The honeypot: answered like any other comment, stored as spam.
    let (shown, stored) = status_of(submit(
        &app,
        None,
        json!({ "author_name": "Bot", "body": "buy now", "website": "https://spam.example" }),
    ));
    assert_eq!((shown.as_str(), stored.as_str()), ("pending", "spam"));
    // A form token used too soon is a bot's; in time, a person's.
    let token =
        app.get(&format!("/api/v1/posts/{DEMO_POST}/comment-token")).json()["token"].as_str().unwrap().to_string();
    let (_, stored) =
        status_of(submit(&app, None, json!({ "author_name": "Fast", "body": "too fast", "form_token": token })));
    assert_eq!(stored, "spam");
    app.clock.advance(Duration::seconds(5));
    let (_, stored) =
        status_of(submit(&app, None, json!({ "author_name": "Human", "body": "took my time", "form_token": token })));
    assert_eq!(stored, "approved");
    let (_, stored) = status_of(submit(
        &app,
        None,
        json!({ "author_name": "Forger", "body": "forged token", "form_token": "AAAAAAAAAAAAAAAA" }),
    ));
    assert_eq!(stored, "spam");
    // Too many links, however they are written: held.
    let sneaky = "<a href=\"https:a.example/1\">1</a> <a href=\"https:b.example/2\">2</a> <a href=\"https:c.example/3\">3</a> <a href=\"https:d.example/4\">4</a>";
    let (_, stored) = status_of(submit(&app, None, json!({ "author_name": "Sneaky", "body": sneaky })));
    assert_eq!(stored, "pending", "links without slashes are links");
    let links = "see https://a.example https://b.example https://c.example https://d.example";
    let (_, stored) = status_of(submit(&app, None, json!({ "author_name": "Linker", "body": links })));
    assert_eq!(stored, "pending");
    // The blocklist, edited by admins.
    for (kind, value, email) in [
        ("word", "Casino", "ok@example.com"),
        ("email", "Spammer@Example.com", "spammer@example.com"),
        ("address", "127.0.0.1", "ok@example.com"),
    ] {
        let added =
            app.send("POST", "/api/v1/blocklist", Some(&admin), Some(&json!({ "kind": kind, "value": value })), &[]);
        assert_eq!(added.status, 201, "{}", added.body);
        let body =
            if kind == "word" { "visit the CASINO now".to_string() } else { format!("an ordinary comment ({kind})") };
        let (_, stored) =
            status_of(submit(&app, None, json!({ "author_name": "X", "author_email": email, "body": body })));
        assert_eq!(stored, "spam", "{kind}");
        let id = added.json()["id"].clone();
        assert_eq!(app.send("DELETE", &format!("/api/v1/blocklist/{id}"), Some(&admin), None, &[]).status, 204);
    }
    let (_, stored) = status_of(submit(&app, None, json!({ "author_name": "X", "body": "a clean comment again" })));
    assert_eq!(stored, "approved", "rules removed");
    app.send("POST", "/api/v1/blocklist", Some(&admin), Some(&json!({ "kind": "address", "value": "not-an-ip" })), &[])
        .problem(422);
    app.send("GET", "/api/v1/blocklist", None, None, &[]).problem(401);
}

/// The stored counter must equal `COUNT(*)` of approved comments after every kind of change.
fn comment_count_matches_a_fresh_count_through_every_change(backend: Backend) {
    let Some(app) = unlimited(backend) else { return };
    let admin = app.admin_token();
    let post = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    let post_id = colophon_domain::PostId(post["id"].as_i64().unwrap());
    let check = |step: &str| {
        let fresh = colophon_store::count_approved_comments(&mut app.conn(), post_id).unwrap();
        let shown = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["comment_count"].as_i64().unwrap();
        assert_eq!(shown, fresh, "after {step}");
        fresh
    };
    assert_eq!(check("start"), 10);
    let a = submit(&app, None, json!({ "author_name": "A", "body": "one" })).json()["id"].clone();
    let b = submit(&app, None, json!({ "author_name": "B", "body": "two" })).json()["id"].clone();
    check("pending submissions");
    let moderate = |id: &Value, status: &str| {
        let r =
            app.send("PATCH", &format!("/api/v1/comments/{id}"), Some(&admin), Some(&json!({ "status": status })), &[]);
        assert_eq!(r.status, 200, "{}", r.body);
    };
    moderate(&a, "approved");
    assert_eq!(check("approve"), 11);
    moderate(&a, "approved");
    assert_eq!(check("approve again"), 11);
    moderate(&a, "spam");
    assert_eq!(check("approved to spam"), 10);
    moderate(&a, "trash");
    check("spam to trash");
    let bulk =
        app.send("PATCH", "/api/v1/comments", Some(&admin), Some(&json!({ "ids": [a, b], "status": "approved" })), &[]);
    assert_eq!(bulk.status, 200, "{}", bulk.body);
    assert_eq!(check("bulk approve"), 12);
    let bulk_missing = app.send(
        "PATCH",
        "/api/v1/comments",
        Some(&admin),
        Some(&json!({ "ids": [a, 999_999], "status": "spam" })),
        &[],
    );
    bulk_missing.problem(404);
    assert_eq!(check("a refused bulk changes nothing"), 12);
    // Deleting a parent keeps its reply, moved up.
    let seekgeek = app.get(&format!("{}?limit=100", path())).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["author_name"] == "seekgeek")
        .unwrap()["id"]
        .clone();
    assert_eq!(app.send("DELETE", &format!("/api/v1/comments/{seekgeek}"), Some(&admin), None, &[]).status, 204);
    assert_eq!(check("delete an approved parent"), 11);
    let reply = app.get(&format!("{}?limit=100", path())).json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["author_name"] == "Steve Rubel")
        .unwrap()
        .clone();
    assert!(reply["parent_id"].is_null(), "the reply moved up: {reply}");
    assert_eq!(reply["depth"], 0);
    let (_, token) = app.user("writer", "author");
    submit(&app, Some(&token), json!({ "body": "registered" }));
    assert_eq!(check("registered comment"), 12);
    let queue_all =
        app.send("GET", &format!("/api/v1/comments?post_id={}&limit=100", post_id.0), Some(&admin), None, &[]).json();
    assert!(queue_all["data"].as_array().unwrap().iter().all(|c| c["post_id"] == post["id"]));
    app.send("GET", "/api/v1/comments?status=bogus", Some(&admin), None, &[]).problem(400);
}
