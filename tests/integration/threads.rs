//! Reading comments the way the seed page shows them, re-creating its thread through the public
//! API, feeds, and a concurrent load of submissions.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use colophon_service::Limit;
use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    thread_order_puts_replies_under_their_parents,
    the_seed_thread_is_recreated_through_the_public_api,
    atom_feeds_list_posts_and_approved_comments,
    concurrent_submissions_lose_nothing,
);

fn thread_order_puts_replies_under_their_parents(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c, _| c.comments.per_address = Limit::per_minute(1000)) else {
        return;
    };
    let admin = app.admin_token();
    app.send("PATCH", "/api/v1/settings", Some(&admin), Some(&json!({ "comment_moderation": "approved" })), &[]);
    let path = format!("/api/v1/posts/{DEMO_POST}/comments");
    let all = app.get(&format!("{path}?limit=100")).json();
    let josh = all["data"][0]["id"].clone();
    // A reply to the first comment, submitted last: oldest-first puts it last, thread order second.
    let reply =
        app.post_json(&path, &json!({ "author_name": "Replier", "body": "Agreed, Josh.", "parent_id": josh })).json();
    let nested =
        app.post_json(&path, &json!({ "author_name": "Nested", "body": "Me too.", "parent_id": reply["id"] })).json();
    let thread = app.get(&format!("{path}?order=thread&limit=100")).json();
    let names: Vec<&str> =
        thread["data"].as_array().unwrap().iter().map(|c| c["author_name"].as_str().unwrap()).collect();
    assert_eq!(&names[..3], ["Josh Moore", "Replier", "Nested"]);
    let depths: Vec<i64> = thread["data"].as_array().unwrap().iter().map(|c| c["depth"].as_i64().unwrap()).collect();
    assert_eq!(&depths[..3], [0, 1, 2]);
    let steve = names.iter().position(|n| *n == "Steve Rubel").unwrap();
    assert_eq!(names[steve - 1], "seekgeek", "the author's reply follows the comment it answers");
    assert_eq!(depths[steve], 1);
    // Pages hold whole threads: two top-level comments per page, never a reply cut off.
    let first = app.get(&format!("{path}?order=thread&limit=2")).json();
    let first_names: Vec<&str> =
        first["data"].as_array().unwrap().iter().map(|c| c["author_name"].as_str().unwrap()).collect();
    assert_eq!(first_names, ["Josh Moore", "Replier", "Nested", "Julie Fogg"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("{path}?order=thread&limit=2&cursor={cursor}")).json();
    assert_eq!(second["data"][0]["author_name"], "Sherrilynne Starkie");
    app.get(&format!("{path}?order=sideways")).problem(400);
    // GraphQL: thread order, and replies batched per level.
    let gql = app.graphql(
        "query($s: String!) { post(slug: $s) { comments(first: 2, order: THREAD) { edges { cursor node { authorName depth } } pageInfo { endCursor hasNextPage } } } }",
        json!({ "s": DEMO_POST }),
    );
    let edges = gql["data"]["post"]["comments"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 4, "{gql}");
    let end = gql["data"]["post"]["comments"]["pageInfo"]["endCursor"].clone();
    let next = app.graphql(
        "query($s: String!, $a: String) { post(slug: $s) { comments(first: 1, after: $a, order: THREAD) { edges { node { authorName } } } } }",
        json!({ "s": DEMO_POST, "a": end }),
    );
    assert_eq!(next["data"]["post"]["comments"]["edges"][0]["node"]["authorName"], "Sherrilynne Starkie", "{next}");
    let (tree, queries) = app.count_queries(|| {
        app.graphql(
            "query($s: String!) { post(slug: $s) { comments(first: 100) { edges { node { authorName replies { authorName replies { authorName } } } } } } }",
            json!({ "s": DEMO_POST }),
        )
    });
    let josh_node = &tree["data"]["post"]["comments"]["edges"][0]["node"];
    assert_eq!(josh_node["replies"][0]["authorName"], "Replier", "{tree}");
    assert_eq!(josh_node["replies"][0]["replies"][0]["authorName"], "Nested");
    assert!(queries <= 5, "post, comments, then one query per reply level: {queries}");
    let _ = nested;
}

/// The seed page's thread, rebuilt by anonymous readers and the signed-in author, moderated by an
/// editor, then read back by a frontend in one GraphQL query.
fn the_seed_thread_is_recreated_through_the_public_api(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c, _| c.comments.per_address = Limit::per_minute(1000)) else {
        return;
    };
    let admin = app.admin_token();
    let steve = app.send(
        "POST",
        "/api/v1/authors",
        Some(&admin),
        Some(&json!({ "email": "steve@rubel.example", "name": "Steve R", "role": "author", "password": "cross the streams" })),
        &[],
    );
    assert_eq!(steve.status, 201, "{}", steve.body);
    let steve = app.login("steve@rubel.example", "cross the streams");
    let post = app.send(
        "POST",
        "/api/v1/posts",
        Some(&steve),
        Some(&json!({ "title": "Converging Networks, Again", "body_markdown": "Do you cross the streams?", "status": "published" })),
        &[],
    )
    .json();
    let slug = post["slug"].as_str().unwrap().to_string();
    let path = format!("/api/v1/posts/{slug}/comments");
    let readers = [
        ("Josh Moore", "Work/life separation is dead.\n\nKeep up the great work.\nJM"),
        ("Julie Fogg", "I do business with people that I like."),
        (
            "seekgeek",
            "'In Part II I will look at the case against \"crossing the streams.\" 'Still waiting for Part II Steve...",
        ),
    ];
    let mut ids = Vec::new();
    for (name, body) in readers {
        let response = app.post_json(&path, &json!({ "author_name": name, "body": body }));
        assert_eq!(response.json()["status"], "pending");
        ids.push(response.json()["id"].clone());
    }
    let (_, editor) = app.user("editor", "editor");
    let approved =
        app.send("PATCH", "/api/v1/comments", Some(&editor), Some(&json!({ "ids": ids, "status": "approved" })), &[]);
    assert_eq!(approved.status, 200, "{}", approved.body);
    let reply = app.send(
        "POST",
        &path,
        Some(&steve),
        Some(&json!({ "body": "I know. I am behind!", "parent_id": ids[2] })),
        &[],
    );
    assert_eq!(reply.json()["status"], "approved", "the author's reply needs no moderation");

    let page = app.graphql(
        "query($s: String!) { post(slug: $s) { title commentCount author { name } comments(first: 50, order: THREAD) { edges { node { authorName isRegistered depth bodyHtml } } } } }",
        json!({ "s": slug }),
    );
    let post = &page["data"]["post"];
    assert_eq!(post["commentCount"], 4, "{page}");
    let nodes: Vec<&Value> = post["comments"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
    let names: Vec<&str> = nodes.iter().map(|n| n["authorName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Josh Moore", "Julie Fogg", "seekgeek", "Steve R"]);
    assert_eq!(nodes[3]["isRegistered"], true);
    assert_eq!(nodes[3]["depth"], 1);
    assert_eq!(nodes[0]["bodyHtml"], "<p>Work/life separation is dead.</p><p>Keep up the great work.<br>JM</p>");
}

fn atom_feeds_list_posts_and_approved_comments(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let feed = app.get("/feed.atom");
    assert_eq!(feed.status, 200);
    assert!(feed.header("content-type").unwrap().starts_with("application/atom+xml"));
    let parsed = feed.body.parse::<atom_syndication::Feed>().expect("a valid Atom document");
    let titles: Vec<&str> = parsed.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles[1], "The Case for Converging Your Personal/Professional Networks");
    assert_eq!(parsed.entries().len(), 3);
    app.post_json(
        &format!("/api/v1/posts/{DEMO_POST}/comments"),
        &json!({ "author_name": "Pending", "body": "not yet approved" }),
    );
    let comments = app.get(&format!("/posts/{DEMO_POST}/comments.atom"));
    assert_eq!(comments.status, 200);
    let parsed = comments.body.parse::<atom_syndication::Feed>().expect("a valid Atom document");
    assert_eq!(parsed.entries().len(), 10, "approved comments only");
    assert!(
        parsed
            .entries()
            .iter()
            .any(|e| e.content().and_then(|c| c.value()).is_some_and(|v| v.contains("I know. I am behind!")))
    );
    assert!(!comments.body.contains("not yet approved"));
    app.get("/posts/no-such-post/comments.atom").problem(404);
}

/// 2,000 comments at once from 200 addresses (behind a trusted proxy): every one stored once,
/// the count right, no error.
fn concurrent_submissions_lose_nothing(backend: Backend) {
    const THREADS: usize = 16;
    const TOTAL: usize = 2_000;
    let Some(app) = TestApp::spawn_with(backend, |config, server| {
        server.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        server.workers = 4;
        config.comments.per_address = Limit::per_minute(1_000);
    }) else {
        return;
    };
    let admin = app.admin_token();
    app.send("PATCH", "/api/v1/settings", Some(&admin), Some(&json!({ "comment_moderation": "approved" })), &[]);
    let path = format!("/api/v1/posts/{DEMO_POST}/comments");
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let mut failures = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= TOTAL {
                            break failures;
                        }
                        let client = format!("10.0.{}.{}", i % 200 / 100, i % 100);
                        let body =
                            json!({ "author_name": format!("Reader {i}"), "body": format!("Comment number {i}") });
                        let response = app.send("POST", &path, None, Some(&body), &[("X-Forwarded-For", &client)]);
                        if response.status != 201 {
                            failures.push(format!("{i}: {} {}", response.status, response.body));
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    assert!(failures.is_empty(), "{} failed, first: {:?}", failures.len(), failures.first());
    let post_id =
        colophon_domain::PostId(app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["id"].as_i64().unwrap());
    let mut conn = app.conn();
    let stored = colophon_store::count_approved_comments(&mut conn, post_id).unwrap();
    assert_eq!(stored, 10 + TOTAL as i64, "every comment stored exactly once");
    let shown = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["comment_count"].as_i64().unwrap();
    assert_eq!(shown, stored, "the counter agrees with COUNT(*)");
    let rate = TOTAL as f64 / elapsed.as_secs_f64();
    // Written to the real stderr: the figure for the closing note (debug build, test machine).
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "comments accepted ({backend:?}, debug build, {THREADS} clients): {TOTAL} in {elapsed:.2?} = {rate:.0}/s\n"
        )
        .as_bytes(),
    );
}
