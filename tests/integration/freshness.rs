//! Precise invalidation: after any write, no cached answer differs from a freshly computed one;
//! writes readers cannot see invalidate nothing; another process learns exactly what changed.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::graphql::SEED_PAGE_QUERY;
use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    no_cached_answer_is_stale_after_any_write,
    writes_readers_cannot_see_invalidate_nothing,
    another_process_learns_exactly_what_changed,
);

const PREVIOUS: &str = "thoughts-on-media-reforestation-and-algorithmic-journalism";
const NEXT: &str = "the-apple-4g-iphone-prototype-is-probably-a-head-fake";

const LIST_QUERY: &str = "{ posts(first: 10) { edges { node { slug title excerpt commentCount author { name bio }
    tags { slug } previous { slug title } next { slug title }
    comments(first: 3) { edges { node { id authorName bodyHtml replies { id } } } }
    sidebar { title widgets { kind html product { title } author { name } } } } } } }";

/// Every public read: REST, feeds and GraphQL (including answers that are `null`).
fn reads() -> Vec<Read> {
    let rest = [
        "/api/v1/posts?limit=20".to_string(),
        "/api/v1/posts?author=steve-rubel".into(),
        "/api/v1/posts?author=new-author".into(),
        "/api/v1/posts?tag=social-networking".into(),
        "/api/v1/posts?tag=bowling".into(),
        // Filtered and sorted: by tags and author, by title, by edit time, by comment count.
        "/api/v1/posts?filter=tag:%5Bsocial-networking,bowling%5D%2B-author:new-author&sort=title".into(),
        "/api/v1/posts?sort=-updated_at&limit=2".into(),
        "/api/v1/posts?filter=comment_count:%3C40&sort=-comment_count,title&limit=2".into(),
        format!("/api/v1/posts/{DEMO_POST}"),
        format!("/api/v1/posts/{PREVIOUS}"),
        format!("/api/v1/posts/{NEXT}"),
        format!("/api/v1/posts/{DEMO_POST}/comments?limit=100"),
        format!("/api/v1/posts/{DEMO_POST}/comments?order=thread"),
        "/api/v1/authors".into(),
        "/api/v1/authors/steve-rubel".into(),
        "/api/v1/products".into(),
        "/api/v1/products/1".into(),
        "/api/v1/sidebars".into(),
        "/api/v1/sidebars/main".into(),
        "/feed.atom".into(),
        format!("/posts/{DEMO_POST}/comments.atom"),
    ];
    let graphql = [
        (SEED_PAGE_QUERY, json!({ "slug": DEMO_POST })),
        (LIST_QUERY, json!({})),
        (
            "{ authors { slug name bio } products { title } sidebar(slug: \"main\") { widgets { kind product { title } author { name } } } }",
            json!({}),
        ),
        (
            "query($s: String!) { post(slug: $s) { title previous { slug } next { slug } } }",
            json!({ "s": "fresh-news" }),
        ),
        ("query($s: String!) { post(slug: $s) { title } }", json!({ "s": "renamed-news" })),
        ("{ author(slug: \"new-author\") { name } }", json!({})),
        ("{ posts(first: 3, tag: \"bowling\") { edges { node { slug } } } }", json!({})),
        (
            "{ posts(first: 2, where: { or: [{ tag: { eq: \"bowling\" } }, { commentCount: { gt: 0 } }] }, orderBy: [{ field: TITLE, direction: DESC }]) { edges { cursor node { slug title } } } }",
            json!({}),
        ),
    ];
    rest.into_iter()
        .map(Read::Rest)
        .chain(graphql.into_iter().map(|(q, v)| Read::Graphql(json!({ "query": q, "variables": v }))))
        .collect()
}

#[derive(Debug)]
enum Read {
    Rest(String),
    Graphql(Value),
}

impl Read {
    fn fetch(&self, app: &TestApp) -> (u16, String, Option<String>) {
        let response = match self {
            Read::Rest(path) => app.get(path),
            Read::Graphql(body) => app.post_json("/graphql", body),
        };
        let state = response.header("x-colophon-cache").map(str::to_string);
        (response.status, response.body, state)
    }
}

/// Fetches every read as the cache answers it now, then as it is computed afresh, and compares.
fn assert_nothing_stale(app: &TestApp, after: &str) {
    let reads = reads();
    let cached: Vec<_> = reads.iter().map(|r| r.fetch(app)).collect();
    app.colophon.invalidate_cache();
    for (read, cached) in reads.iter().zip(cached) {
        let fresh = read.fetch(app);
        assert_eq!((cached.0, &cached.1), (fresh.0, &fresh.1), "stale answer for {read:?} after {after}");
    }
    // Warm everything for the next write (the answers above were computed after the reset).
    for read in &reads {
        read.fetch(app);
    }
}

fn wait_for_hits(app: &TestApp) {
    // A write that changes the publication schedule pauses the cache for a few milliseconds.
    let deadline = Instant::now() + Duration::from_secs(2);
    while Read::Rest("/api/v1/products".into()).fetch(app).2.as_deref() != Some("hit") {
        assert!(Instant::now() < deadline, "the cache never served again");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn no_cached_answer_is_stale_after_any_write(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let send = |method: &str, path: &str, body: Value| {
        let response = app.send(method, path, Some(&admin), Some(&body), &[]);
        assert!(response.status < 300, "{method} {path}: {}", response.body);
        response.json()
    };
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["id"].as_i64().unwrap();
    let previous = app.get(&format!("/api/v1/posts/{PREVIOUS}")).json()["id"].as_i64().unwrap();
    for read in reads() {
        read.fetch(&app);
    }
    let step = |what: &str, write: &dyn Fn()| {
        wait_for_hits(&app);
        write();
        assert_nothing_stale(&app, what);
    };
    step("editing the post's title", &|| {
        send("PATCH", &format!("/api/v1/posts/{demo}"), json!({ "title": "Crossing the Streams" }));
    });
    step("editing a neighbour's title", &|| {
        send("PATCH", &format!("/api/v1/posts/{previous}"), json!({ "title": "Media Reforestation, Again" }));
    });
    step("retagging the post", &|| {
        send("PATCH", &format!("/api/v1/posts/{demo}"), json!({ "tags": ["Bowling", "Personal Branding"] }));
    });
    step("publishing a new post", &|| {
        let created = send(
            "POST",
            "/api/v1/posts",
            json!({ "title": "Fresh news", "status": "published", "tags": ["Social Networking"], "body_markdown": "Hello" }),
        );
        assert_eq!(created["slug"], "fresh-news");
    });
    step("renaming its slug", &|| {
        send("PATCH", "/api/v1/posts/fresh-news", json!({ "slug": "renamed-news" }));
    });
    step("a registered comment (approved at once)", &|| {
        send("POST", &format!("/api/v1/posts/{DEMO_POST}/comments"), json!({ "body": "From the staff" }));
    });
    let held = app
        .post_json(
            &format!("/api/v1/posts/{DEMO_POST}/comments"),
            &json!({ "author_name": "Walter", "body": "Am I the only one around here who gives a shit about the rules?" }),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    step("approving a held comment", &|| {
        send("PATCH", &format!("/api/v1/comments/{held}"), json!({ "status": "approved" }));
    });
    step("replying to it (approved)", &|| {
        send(
            "POST",
            &format!("/api/v1/posts/{DEMO_POST}/comments"),
            json!({ "body": "Over the line!", "parent_id": held }),
        );
    });
    step("marking it spam", &|| {
        send("PATCH", &format!("/api/v1/comments/{held}"), json!({ "status": "spam" }));
    });
    step("deleting a comment", &|| {
        let first = app.get(&format!("/api/v1/posts/{DEMO_POST}/comments?limit=1")).json()["data"][0]["id"].clone();
        assert_eq!(app.send("DELETE", &format!("/api/v1/comments/{first}"), Some(&admin), None, &[]).status, 204);
    });
    step("editing the author", &|| {
        send("PATCH", "/api/v1/authors/steve-rubel", json!({ "name": "Steven Rubel", "bio": "<p>Changed.</p>" }));
    });
    step("creating an author", &|| {
        send("POST", "/api/v1/authors", json!({ "email": "new@example.com", "name": "New Author", "role": "author" }));
    });
    step("giving the post to the new author", &|| {
        send("PATCH", &format!("/api/v1/posts/{demo}"), json!({ "author": "new-author" }));
    });
    step("editing a product", &|| {
        send("PATCH", "/api/v1/products/1", json!({ "title": "The Big Lebowski (4K)" }));
    });
    step("deleting a product", &|| {
        assert_eq!(app.send("DELETE", "/api/v1/products/2", Some(&admin), None, &[]).status, 204);
    });
    step("replacing the sidebar", &|| {
        send(
            "PUT",
            "/api/v1/sidebars/main",
            json!({ "title": "Sidebar", "widgets": [{ "kind": "product", "product_id": 3 }] }),
        );
    });
    step("unpublishing a post", &|| {
        send("PATCH", "/api/v1/posts/renamed-news", json!({ "status": "draft" }));
    });
    step("re-dating a post", &|| {
        send("PATCH", &format!("/api/v1/posts/{previous}"), json!({ "published_at": "2011-01-01T00:00:00Z" }));
    });
    step("deleting a post", &|| {
        assert_eq!(app.send("DELETE", &format!("/api/v1/posts/{demo}"), Some(&admin), None, &[]).status, 204);
    });
    step("deleting the sidebar", &|| {
        assert_eq!(app.send("DELETE", "/api/v1/sidebars/main", Some(&admin), None, &[]).status, 204);
    });
}

fn hits(app: &TestApp) -> Vec<(String, bool)> {
    reads().iter().map(|read| (format!("{read:?}"), read.fetch(app).2.as_deref() == Some("hit"))).collect()
}

/// A held or spam comment, a draft, a sign-in or a setting changes nothing a reader sees: every
/// cached answer stays. Approving a comment drops its post's answers only.
fn writes_readers_cannot_see_invalidate_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    for _ in 0..2 {
        for read in reads() {
            read.fetch(&app);
        }
    }
    let comment = |body: Value| app.post_json(&format!("/api/v1/posts/{DEMO_POST}/comments"), &body);
    let held = comment(json!({ "author_name": "Donny", "body": "I am the walrus" }));
    assert_eq!(held.json()["status"], "pending");
    comment(json!({ "author_name": "Bot", "body": "cheap pills", "website": "http://spam.example" }));
    let draft = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Secret draft" })), &[]).json();
    app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", draft["id"]),
        Some(&admin),
        Some(&json!({ "title": "Still secret" })),
        &[],
    );
    app.admin_token();
    app.send("PATCH", "/api/v1/settings", Some(&admin), Some(&json!({ "comment_moderation": "pending" })), &[]);
    let missed: Vec<_> = hits(&app).into_iter().filter(|(_, hit)| !hit).map(|(read, _)| read).collect();
    assert!(missed.is_empty(), "invisible writes dropped cached answers: {missed:#?}");

    let id = held.json()["id"].as_i64().unwrap();
    app.send("PATCH", &format!("/api/v1/comments/{id}"), Some(&admin), Some(&json!({ "status": "approved" })), &[]);
    let after: std::collections::HashMap<_, _> = hits(&app).into_iter().collect();
    let hit = |path: &str| after[&format!("{:?}", Read::Rest(path.to_string()))];
    assert!(!hit(&format!("/api/v1/posts/{DEMO_POST}")), "the post's count changed");
    assert!(!hit(&format!("/api/v1/posts/{DEMO_POST}/comments?limit=100")));
    assert!(!hit("/api/v1/posts?limit=20"), "the list shows the count");
    for unrelated in ["/api/v1/products", "/api/v1/authors", "/api/v1/sidebars/main", &format!("/api/v1/posts/{NEXT}")]
    {
        assert!(hit(unrelated), "{unrelated} was dropped by a comment on another post");
    }
}

/// Two server processes on one database: a write through one is seen by the other within
/// moments, and only the answers it changed are dropped there.
fn another_process_learns_exactly_what_changed(backend: Backend) {
    let Some(a) = TestApp::spawn(backend) else { return };
    let b = TestApp::start_with_pool(a.db.sharing(), false, Default::default(), |_, _| {})
        .expect("a second server on the same database");
    let admin = a.admin_token();
    let post = format!("/api/v1/posts/{DEMO_POST}");
    let warm = |app: &TestApp| {
        for path in [post.as_str(), "/api/v1/products", "/api/v1/authors"] {
            app.get(path);
            assert_eq!(app.get(path).header("x-colophon-cache"), Some("hit"), "{path}");
        }
    };
    warm(&b);
    // A held comment on A: nothing changes on B.
    a.post_json(&format!("{post}/comments"), &json!({ "author_name": "Maude", "body": "Vaginal." }));
    std::thread::sleep(Duration::from_millis(100));
    for path in [post.as_str(), "/api/v1/products"] {
        assert_eq!(b.get(path).header("x-colophon-cache"), Some("hit"), "{path} after a held comment");
    }
    // An edit on A: B serves the new title within moments, and keeps its unrelated answers.
    let id = a.get(&post).json()["id"].as_i64().unwrap();
    let edit =
        a.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&json!({ "title": "Nihilists" })), &[]);
    assert_eq!(edit.status, 200);
    let deadline = Instant::now() + Duration::from_secs(2);
    while b.get(&post).json()["title"] != "Nihilists" {
        assert!(Instant::now() < deadline, "B never saw the edit");
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(b.get("/api/v1/products").header("x-colophon-cache"), Some("hit"), "an unrelated answer was dropped");
    assert_eq!(b.get("/api/v1/authors").header("x-colophon-cache"), Some("hit"));
}
