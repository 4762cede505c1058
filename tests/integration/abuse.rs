//! What outside testers broke by misuse: old slugs taken over, dates the backends disagree on,
//! parallel moderators moving the count twice, filters ignored for staff.

use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    a_renamed_posts_old_slug_stays_reserved,
    publication_dates_outside_1970_to_9999_are_refused,
    parallel_moderators_move_the_count_once,
    the_staff_list_refuses_a_malformed_filter,
    slugs_of_digits_alone_would_read_as_ids,
    writers_bringing_the_same_new_tag_all_succeed,
);

fn a_renamed_posts_old_slug_stays_reserved(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    let renamed = app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", demo["id"]),
        Some(&admin),
        Some(&json!({ "slug": "cross-the-streams" })),
        &[],
    );
    assert_eq!(renamed.status, 200);
    // Someone's new draft asks for the old slug: it gets a variant, and the redirect lives on.
    let (_, writer) = app.user("bunny", "author");
    let draft =
        app.send("POST", "/api/v1/posts", Some(&writer), Some(&json!({ "title": "Mine", "slug": DEMO_POST })), &[]);
    assert_eq!(draft.status, 201, "{}", draft.body);
    assert_eq!(draft.json()["slug"], format!("{DEMO_POST}-2"));
    let old = app.get(&format!("/api/v1/posts/{DEMO_POST}"));
    assert_eq!(old.status, 301, "the old address still leads to the post");
    // Nor can a rename take it.
    let other = draft.json()["id"].clone();
    let rename =
        app.send("PATCH", &format!("/api/v1/posts/{other}"), Some(&writer), Some(&json!({ "slug": DEMO_POST })), &[]);
    assert_eq!(rename.json()["slug"], format!("{DEMO_POST}-3"));
    assert_eq!(app.get(&format!("/api/v1/posts/{DEMO_POST}")).status, 301);
    // The post itself may take its old name back.
    let back = app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", demo["id"]),
        Some(&admin),
        Some(&json!({ "slug": DEMO_POST })),
        &[],
    );
    assert_eq!(back.json()["slug"], DEMO_POST);
    assert_eq!(app.get(&format!("/api/v1/posts/{DEMO_POST}")).status, 200);
    // An editor who names an old slug explicitly releases it.
    assert_eq!(app.get("/api/v1/posts/cross-the-streams").status, 301);
    let editor_post = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Released", "slug": "cross-the-streams" })),
        &[],
    );
    assert_eq!(editor_post.json()["slug"], "cross-the-streams");
}

fn publication_dates_outside_1970_to_9999_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    for date in ["-100000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"] {
        let response = app.send(
            "POST",
            "/api/v1/posts",
            Some(&admin),
            Some(&json!({ "title": "When?", "status": "published", "published_at": date })),
            &[],
        );
        let problem = response.problem(422);
        assert_eq!(problem["errors"][0]["field"], "published_at", "{date}");
    }
    let fine = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Far ahead", "status": "scheduled", "published_at": "9999-01-01T00:00:00Z" })),
        &[],
    );
    assert_eq!(fine.status, 201, "{}", fine.body);
    let public: Vec<Value> = app.get("/api/v1/posts?limit=100").json()["data"].as_array().unwrap().clone();
    assert!(public.iter().all(|p| p["slug"] != "far-ahead"), "a post scheduled far ahead is not public");
}

/// Eight moderators approving (then spamming) one comment at once: the count moves once.
fn parallel_moderators_move_the_count_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let count = || app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["comment_count"].as_i64().unwrap();
    let before = count();
    let pending = app
        .post_json(
            &format!("/api/v1/posts/{DEMO_POST}/comments"),
            &json!({ "author_name": "Jesus", "body": "Nobody …s with the Jesus" }),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    for status in ["approved", "spam", "approved"] {
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    let response = app.send(
                        "PATCH",
                        &format!("/api/v1/comments/{pending}"),
                        Some(&admin),
                        Some(&json!({ "status": status })),
                        &[],
                    );
                    assert_eq!(response.status, 200, "{}", response.body);
                });
            }
        });
        let expected = before + i64::from(status == "approved");
        assert_eq!(count(), expected, "after eight parallel {status}");
    }
    let listed =
        app.get(&format!("/api/v1/posts/{DEMO_POST}/comments?limit=100")).json()["data"].as_array().unwrap().len();
    assert_eq!(count(), listed as i64, "the count is the number of approved comments");
}

/// Eight posts at once with a tag nobody has used yet: on PostgreSQL the second writer to insert
/// it used to hit the unique slug and answer 409 for a request that was fine.
fn writers_bringing_the_same_new_tag_all_succeed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    for round in 0..3 {
        std::thread::scope(|scope| {
            for i in 0..8 {
                let (app, admin) = (&app, &admin);
                scope.spawn(move || {
                    let body =
                        json!({ "title": format!("Race {round} {i}"), "tags": [format!("Fresh {round}"), "Bowling"] });
                    let response = app.send("POST", "/api/v1/posts", Some(admin), Some(&body), &[]);
                    assert_eq!(response.status, 201, "{}", response.body);
                });
            }
        });
        let staff = app.send("GET", "/api/v1/posts?status=draft&limit=100", Some(&admin), None, &[]).json();
        let tagged = staff["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["tags"].as_array().unwrap().iter().any(|t| t["slug"] == format!("fresh-{round}")))
            .count();
        assert_eq!(tagged, 8, "every post of round {round} carries the one new tag");
    }
}

fn the_staff_list_refuses_a_malformed_filter(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let staff = app.send("GET", "/api/v1/posts?status=draft&author=Not%20A%20Slug", Some(&admin), None, &[]);
    assert_eq!(staff.problem(400)["errors"][0]["field"], "author");
    let public = app.get("/api/v1/posts?author=Not%20A%20Slug");
    assert_eq!(public.problem(400)["errors"][0]["field"], "author");
    let moderation = app.send("GET", "/api/v1/comments?post_id=abc", Some(&admin), None, &[]);
    let problem = moderation.problem(400);
    assert!(problem["detail"].as_str().unwrap().contains("post_id"), "{problem}");
    assert_eq!(problem["errors"][0]["field"], "post_id", "{problem}");
}

/// `/posts/{post}` takes an id or a slug: a slug of digits alone would make `PATCH /posts/2`
/// edit post 2 while `GET /posts/2` showed the post whose slug is "2".
fn slugs_of_digits_alone_would_read_as_ids(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let explicit = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Two", "slug": "2" })), &[]);
    assert_eq!(explicit.problem(422)["errors"][0]["field"], "slug");
    let derived = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "2024" })), &[]);
    assert_eq!(derived.status, 201, "{}", derived.body);
    assert_eq!(derived.json()["slug"], "post-2024");
    let author = app.send(
        "POST",
        "/api/v1/authors",
        Some(&admin),
        Some(&json!({ "email": "n@example.com", "name": "Number", "slug": "42" })),
        &[],
    );
    assert_eq!(author.problem(422)["errors"][0]["field"], "slug");
    // An explicit excerpt that is nothing but markup says so instead of storing nothing.
    let excerpt = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Teaser", "excerpt": "<script>alert(1)</script>" })),
        &[],
    );
    assert_eq!(excerpt.problem(422)["errors"][0]["field"], "excerpt");
}
