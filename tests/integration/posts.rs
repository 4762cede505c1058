use std::collections::HashSet;

use chrono::Duration;
use colophon_domain::PostStatus;
use serde_json::json;

use crate::support::server::test_now;
use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    demo_post_is_served_with_author_tags_neighbours_and_sidebar,
    pages_have_no_duplicates_or_gaps_while_posts_are_inserted,
    drafts_and_future_posts_are_invisible,
    scheduled_post_appears_when_its_time_passes,
    filters_by_author_and_tag,
    etag_revalidation_answers_304,
    a_post_page_and_its_comments_come_in_one_request,
    demo_comments_keep_their_paragraphs,
);

fn demo_post_is_served_with_author_tags_neighbours_and_sidebar(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let response = app.get(&format!("/api/v1/posts/{DEMO_POST}"));
    assert_eq!(response.status, 200, "{}", response.body);
    let post = response.json();
    assert_eq!(post["title"], "The Case for Converging Your Personal/Professional Networks");
    assert_eq!(post["published_at"], "2010-04-29T09:00:00Z");
    // By id too, as PATCH and DELETE take it.
    let by_id = app.get(&format!("/api/v1/posts/{}", post["id"]));
    assert_eq!(by_id.status, 200, "{}", by_id.body);
    assert_eq!(by_id.json()["slug"], DEMO_POST);
    app.get("/api/v1/posts/987654").problem(404);
    assert_eq!(post["status"], "published");
    assert_eq!(post["author"]["name"], "Steve Rubel");
    assert!(post["author"]["bio"].as_str().unwrap().contains("Jeff Lebowski is ... the Dude"));
    assert_eq!(post["featured_image"]["credit"], "Image via Snorgtees");
    assert!(post["excerpt"].as_str().unwrap().starts_with("Do you \"cross the streams?\""));
    assert!(post["body_html"].as_str().unwrap().contains("Just ask Rob, who I will definitely buy from again."));
    assert_eq!(post["comment_count"], 10);
    assert_eq!(post["tags"][0]["slug"], "social-networking");
    assert_eq!(post["previous"]["title"], "Thoughts on Media Reforestation and Algorithmic Journalism");
    assert_eq!(post["next"]["title"], "The Apple 4G iPhone Prototype is Probably a Head Fake");
    let widgets = post["sidebar"]["widgets"].as_array().unwrap();
    let products: Vec<_> = widgets.iter().filter(|w| w["kind"] == "product").collect();
    assert_eq!(products.len(), 3);
    assert_eq!(products[0]["product"]["contributor_label"], "starring");
    assert_eq!(products[0]["product"]["contributors"], serde_json::json!(["Jeff Bridges", "John Goodman"]));
    assert_eq!(products[1]["product"]["contributors"].as_array().unwrap().len(), 5);
    assert!(widgets.iter().any(|w| w["kind"] == "author_bio" && w["author"]["name"] == "Steve Rubel"));
}

fn pages_have_no_duplicates_or_gaps_while_posts_are_inserted(backend: Backend) {
    let Some(app) = TestApp::spawn_empty(backend) else { return };
    let mut conn = app.conn();
    colophon_store::insert_author(
        &mut conn,
        &colophon_store::NewAuthor {
            slug: colophon_domain::Slug::parse("writer").unwrap(),
            name: "Writer".into(),
            email: None,
            role: colophon_domain::Role::Author,
            password_hash: None,
            bio_html: String::new(),
            avatar_url: None,
            website_url: None,
            now: test_now(),
        },
    )
    .unwrap();
    // 25 posts, five of them sharing one timestamp so that the id breaks the tie.
    let base = test_now() - Duration::days(100);
    for i in 0..25 {
        let at = if i < 5 { base } else { base + Duration::hours(i) };
        app.insert_post(&format!("post-{i}"), PostStatus::Published, Some(at));
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/posts?limit=4&cursor={c}"),
            None => "/api/v1/posts?limit=4".to_string(),
        };
        let page = app.get(&path).json();
        pages += 1;
        for post in page["data"].as_array().unwrap() {
            seen.push(post["slug"].as_str().unwrap().to_string());
        }
        // Newer posts arriving while a reader pages must not shift the pages behind the cursor.
        app.insert_post(&format!("late-{pages}"), PostStatus::Published, Some(test_now() - Duration::minutes(pages)));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 7, "25 posts in pages of 4");
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no duplicates: {seen:?}");
    let expected: HashSet<String> = (0..25).map(|i| format!("post-{i}")).collect();
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), expected, "no gaps, no late arrivals behind the cursor");
    let order: Vec<String> =
        (5..25).rev().map(|i| format!("post-{i}")).chain((0..5).rev().map(|i| format!("post-{i}"))).collect();
    assert_eq!(seen, order, "newest first, ties broken by id");
}

fn drafts_and_future_posts_are_invisible(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let draft = app.insert_post("secret-draft", PostStatus::Draft, None);
    app.insert_post("future-post", PostStatus::Published, Some(test_now() + Duration::days(1)));
    app.get(&format!("/api/v1/posts/{}", draft.id.0)).problem(404);
    let list = app.get("/api/v1/posts?limit=100").json();
    let slugs: Vec<&str> = list["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs.len(), 3, "only the demo posts: {slugs:?}");
    for slug in ["secret-draft", "future-post"] {
        app.get(&format!("/api/v1/posts/{slug}")).problem(404);
        app.get(&format!("/api/v1/posts/{slug}/comments")).problem(404);
        let data = app.graphql("query($s: String!) { post(slug: $s) { id } }", serde_json::json!({ "s": slug }));
        assert!(data["data"]["post"].is_null(), "{data}");
    }
    let gql = app.graphql("{ posts(first: 100) { edges { node { slug } } } }", serde_json::json!({}));
    assert_eq!(gql["data"]["posts"]["edges"].as_array().unwrap().len(), 3);
    // The newest demo post has no "next": the future post is not a neighbour yet.
    let newest = app.get("/api/v1/posts/the-apple-4g-iphone-prototype-is-probably-a-head-fake").json();
    assert!(newest["next"].is_null());
}

fn scheduled_post_appears_when_its_time_passes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    app.insert_post("scheduled", PostStatus::Published, Some(test_now() + Duration::hours(2)));
    app.get("/api/v1/posts/scheduled").problem(404);
    app.clock.advance(Duration::hours(2));
    let post = app.get("/api/v1/posts/scheduled");
    assert_eq!(post.status, 200, "{}", post.body);
    assert_eq!(post.json()["status"], "published");
    assert_eq!(app.get("/api/v1/posts?limit=1").json()["data"][0]["slug"], "scheduled");
}

fn filters_by_author_and_tag(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let by_tag = app.get("/api/v1/posts?tag=personal-branding").json();
    let slugs: Vec<_> = by_tag["data"].as_array().unwrap().iter().map(|p| p["slug"].clone()).collect();
    assert_eq!(slugs, vec![serde_json::json!(DEMO_POST)]);
    assert_eq!(app.get("/api/v1/posts?author=steve-rubel").json()["data"].as_array().unwrap().len(), 3);
    assert_eq!(app.get("/api/v1/posts?author=nobody").json()["data"].as_array().unwrap().len(), 0);
    assert_eq!(app.get("/api/v1/posts?tag=Not%20A%20Slug").problem(400)["errors"][0]["field"], "tag");
    let gql = app.graphql(
        "{ posts(tag: \"social-networking\", author: \"steve-rubel\") { edges { node { slug } } } }",
        serde_json::json!({}),
    );
    assert_eq!(gql["data"]["posts"]["edges"][0]["node"]["slug"], DEMO_POST);
}

fn etag_revalidation_answers_304(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for path in [
        format!("/api/v1/posts/{DEMO_POST}"),
        "/api/v1/posts".to_string(),
        format!("/api/v1/posts/{DEMO_POST}/comments"),
        "/api/v1/authors/steve-rubel".to_string(),
        "/api/v1/sidebars/main".to_string(),
        "/api/v1/products".to_string(),
    ] {
        let first = app.get(&path);
        assert_eq!(first.status, 200, "{path}");
        let etag = first.header("etag").expect("an ETag").to_string();
        let again = app.get_with(&path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(app.get_with(&path, &[("If-None-Match", "\"stale\"")]).status, 200);
    }
    // A change to what the post page shows changes its tag.
    let path = format!("/api/v1/posts/{DEMO_POST}");
    let etag = app.get(&path).header("etag").unwrap().to_string();
    app.insert_post("newer-neighbour", PostStatus::Published, Some(test_now() - Duration::days(1)));
    let older = app.get("/api/v1/posts/the-apple-4g-iphone-prototype-is-probably-a-head-fake");
    assert_eq!(older.json()["next"]["slug"], "newer-neighbour");
    assert_eq!(app.get_with(&path, &[("If-None-Match", &etag)]).status, 304, "unchanged post, same tag");
}

/// A frontend's whole post page in one request: the post and the first page of its comments,
/// in one statement; and only the fields it shows.
fn a_post_page_and_its_comments_come_in_one_request(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| config.cache = false) else { return };
    let path = format!("/api/v1/posts/{DEMO_POST}");
    let alone = app.get(&path).json();
    assert!(alone.get("comments").is_none(), "comments only when asked for");
    let (page, statements) = app.count_queries(|| app.get(&format!("{path}?include=comments&comments_limit=4")).json());
    let separate = app.get(&format!("{path}/comments?limit=4")).json();
    assert_eq!(page["comments"], separate, "the same page as GET …/comments");
    assert_eq!(page["title"], alone["title"]);
    assert_eq!(statements, 1, "the post page and its comments in one statement");
    let threads = app.get(&format!("{path}?include=comments&comments_order=thread&comments_limit=100")).json();
    assert_eq!(threads["comments"], app.get(&format!("{path}/comments?order=thread&limit=100")).json());
    app.get(&format!("{path}?include=comments&comments_order=newest")).problem(400);
    app.get(&format!("{path}?include=comments&comments_limit=0")).problem(400);

    // Sparse fieldsets, on an item and on a list.
    let sparse = app.get(&format!("{path}?fields=title,comment_count,comments&include=comments")).json();
    let mut keys: Vec<String> = sparse.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["comment_count", "comments", "title"]);
    let list = app.get("/api/v1/posts?fields=slug,title&limit=2").json();
    for item in list["data"].as_array().unwrap() {
        let mut keys: Vec<_> = item.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["slug", "title"]);
    }
    assert!(list["next_cursor"].is_string(), "paging stays");
    let unknown = app.get("/api/v1/posts?fields=slug,password_hash").problem(400);
    assert_eq!(unknown["errors"][0]["field"], "fields");
    // An old slug's 301 keeps the question.
    let admin = app.admin_token();
    let id = alone["id"].as_i64().unwrap();
    app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&json!({ "slug": "renamed" })), &[]);
    let moved = app.get(&format!("{path}?include=comments&fields=title"));
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/api/v1/posts/renamed?include=comments&fields=title"));
}

/// The seed's comments lost their paragraph breaks when the page was copied ("…'acceptable'.As a
/// few people…"); the demo gives them back.
fn demo_comments_keep_their_paragraphs(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let comments = app.get(&format!("/api/v1/posts/{DEMO_POST}/comments?limit=100")).json();
    let by = |name: &str| {
        comments["data"].as_array().unwrap().iter().find(|c| c["author_name"] == name).unwrap()["body_html"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let axis = by("AxisPR");
    assert_eq!(axis.matches("<p>").count(), 4, "{axis}");
    assert!(!axis.contains("'acceptable'.As"), "{axis}");
    let josh = by("Josh Moore");
    assert!(josh.contains("<p>Hi Steve,</p>") && josh.contains("<br>- People who know me"), "{josh}");
    assert!(josh.ends_with("Keep up the great work.<br>JM</p>"), "{josh}");
}
