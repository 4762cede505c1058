//! Markup that would freeze a worker is refused up front; stored content stays editable; a write
//! cut off by the request timeout is never committed.

use std::time::Duration;

use colophon_store::columns::Stored;
use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    deep_markup_is_refused_naming_the_field,
    markdown_that_renders_too_large_is_refused,
    a_post_stored_larger_than_the_input_limit_stays_editable,
    a_write_cut_off_by_the_request_timeout_is_not_committed,
    text_xml_cannot_carry_is_refused,
    feeds_stay_well_formed_whatever_is_stored,
);

fn field_of(response: &crate::support::http::Response) -> String {
    let problem = response.problem(422);
    problem["errors"][0]["field"].as_str().unwrap_or_default().to_string()
}

fn deep_markup_is_refused_naming_the_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let post = |body: Value| app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]);

    let quotes = post(json!({ "title": "Quotes", "body_markdown": ">".repeat(40_000) }));
    assert_eq!(field_of(&quotes), "body_markdown", "{}", quotes.body);
    assert!(quotes.json()["errors"][0]["message"].as_str().unwrap().contains("64 levels"));
    let lists = post(json!({ "title": "Lists", "body_markdown": "- ".repeat(5_000) }));
    assert_eq!(field_of(&lists), "body_markdown");
    let raw = post(json!({ "title": "Raw", "body_markdown": "<div>".repeat(5_000) }));
    assert_eq!(field_of(&raw), "body_markdown");
    let divs = post(json!({ "title": "Divs", "body_html": "<div>".repeat(40_000) }));
    assert_eq!(field_of(&divs), "body_html");
    // Sixty-four levels is allowed and is stored sanitized.
    let ok = post(json!({ "title": "Deep enough", "body_html": format!("{}x", "<div>".repeat(64)) }));
    assert_eq!(ok.status, 201, "{}", ok.body);

    let bio = app.send(
        "PATCH",
        "/api/v1/authors/steve-rubel",
        Some(&admin),
        Some(&json!({ "bio": "<div>".repeat(40_000) })),
        &[],
    );
    assert_eq!(field_of(&bio), "bio");
    let sidebar = app.send(
        "PUT",
        "/api/v1/sidebars/deep",
        Some(&admin),
        Some(&json!({ "title": "Deep", "widgets": [{ "kind": "html", "html": "<div>".repeat(40_000) }] })),
        &[],
    );
    assert_eq!(field_of(&sidebar), "widgets[0].html");
    let comment = app.send(
        "POST",
        &format!("/api/v1/posts/{DEMO_POST}/comments"),
        None,
        Some(&json!({ "author_name": "Q", "body": "<blockquote>".repeat(800) })),
        &[],
    );
    assert_eq!(field_of(&comment), "body");
    // GraphQL refuses the same way, naming the field.
    let gql = app.graphql_as(
        &admin,
        "mutation($b: String!) { createPost(input: { title: \"G\", bodyMarkdown: $b }) { id } }",
        json!({ "b": ">".repeat(40_000) }),
    );
    assert_eq!(gql["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{gql}");
    assert_eq!(gql["errors"][0]["extensions"]["field"], "body_markdown", "{gql}");
    assert!(app.get("/healthz").status == 200);
}

/// A table's header row pads every later row to its width: a few KiB of Markdown can render to
/// megabytes. The output is bounded while it is written.
fn markdown_that_renders_too_large_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let markdown = format!("|{}\n|{}\n{}", "a|".repeat(1_000), "-|".repeat(1_000), "|x\n".repeat(2_000));
    assert!(markdown.len() < 12_000);
    let response =
        app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "T", "body_markdown": markdown })), &[]);
    assert_eq!(field_of(&response), "body_markdown");
    assert!(response.body.contains("KiB of HTML"), "{}", response.body);
}

/// 20 KB of Markdown once rendered to more than the 512 KiB input limit (before rendered bodies
/// were bounded); later edits of such a post (title only, by anyone allowed) must not re-check
/// the stored HTML against the input limit.
fn a_post_stored_larger_than_the_input_limit_stays_editable(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let post =
        app.insert_post("wide", colophon_domain::PostStatus::Published, Some(crate::support::server::test_now()));
    let wide = format!("<table><tr>{}</tr></table>", "<td>x</td>".repeat(60_000));
    {
        use colophon_store::schema::posts;
        use diesel::prelude::*;
        let mut conn = app.conn();
        diesel::update(posts::table.find(post.id.stored()))
            .set(posts::body_html.eq(&wide))
            .execute(&mut *conn)
            .unwrap();
    }
    let stored = wide.len();
    assert!(stored > 512 * 1024, "the stored body is {stored} bytes");
    let id = post.id;
    let edited =
        app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&json!({ "title": "Wider" })), &[]);
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.json()["title"], "Wider");
    assert_eq!(edited.json()["body_html"].as_str().unwrap().len(), stored);
}

/// The request timeout answers 503 "retry shortly": the write it cut off must not commit later.
fn a_write_cut_off_by_the_request_timeout_is_not_committed(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |_, server| server.request_timeout = Duration::from_millis(400))
    else {
        return;
    };
    let admin = app.admin_token();
    let before = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    let id = before["id"].as_i64().unwrap();
    // Another connection holds the lock the edit needs, for longer than the request may take.
    let mut blocker = app.db.conn();
    match backend {
        Backend::Sqlite => blocker.batch_execute("BEGIN IMMEDIATE").unwrap(),
        Backend::Postgres => {
            blocker.batch_execute(&format!("BEGIN; SELECT 1 FROM posts WHERE id = {id} FOR UPDATE")).unwrap();
        }
    }
    let edit =
        app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&json!({ "title": "Too late" })), &[]);
    let problem = edit.problem(503);
    assert_eq!(problem["code"], "timeout");
    // The lock goes away; the abandoned transaction gets its turn and must roll back.
    blocker.batch_execute("COMMIT").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let mut conn = app.db.conn();
    let title: String = {
        use diesel::prelude::*;
        colophon_store::schema::posts::table
            .find(colophon_domain::PostId(id).stored())
            .select(colophon_store::schema::posts::title)
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!(title, before["title"].as_str().unwrap(), "the timed-out edit was committed");
    // The same edit, without a blocker, goes through: nothing is stuck.
    let again =
        app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&json!({ "title": "In time" })), &[]);
    assert_eq!(again.status, 200, "{}", again.body);
}

/// Characters XML 1.0 cannot carry would make the Atom feeds ill-formed: refused in text fields.
fn text_xml_cannot_carry_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    for (field, value) in [("title", "Bad \u{FFFE} title"), ("excerpt", "x\u{FFFF}"), ("body_html", "<p>\u{FDD0}</p>")]
    {
        let mut body = json!({ "title": "Fine" });
        body[field] = json!(value);
        let response = app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]);
        assert_eq!(field_of(&response), field, "{}", response.body);
    }
    let comment = app.send(
        "POST",
        &format!("/api/v1/posts/{DEMO_POST}/comments"),
        None,
        Some(&json!({ "author_name": "Name\u{FFFF}", "body": "hello" })),
        &[],
    );
    assert_eq!(field_of(&comment), "author_name");
    let author =
        app.send("PATCH", "/api/v1/authors/steve-rubel", Some(&admin), Some(&json!({ "name": "Steve\u{1FFFE}" })), &[]);
    assert_eq!(field_of(&author), "name");
    // A lone surrogate is no character at all (JSON can spell one, Rust strings cannot hold it).
    let auth = format!("Bearer {admin}");
    for raw in [r#"{"title": "a\ud800b"}"#, r#"{"title": "a\udfff"}"#] {
        let lone =
            app.send_raw("POST", "/api/v1/posts", "application/json", raw.as_bytes(), &[("Authorization", &auth)]);
        assert_eq!(field_of(&lone), "title", "{raw}");
    }
}

/// Rows written before the rule, or behind the API, may hold such characters: the feeds leave
/// them out and stay well-formed.
fn feeds_stay_well_formed_whatever_is_stored(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let post = app.insert_post(
        "odd-characters",
        colophon_domain::PostStatus::Published,
        Some(crate::support::server::test_now()),
    );
    {
        use colophon_store::schema::posts;
        use diesel::prelude::*;
        let mut conn = app.conn();
        diesel::update(posts::table.find(post.id.stored()))
            .set((posts::title.eq("Odd \u{FFFE}\u{1} title"), posts::excerpt.eq("x\u{FFFF}y")))
            .execute(&mut *conn)
            .unwrap();
    }
    let feed = app.get("/feed.atom");
    assert_eq!(feed.status, 200);
    let parsed = feed.body.parse::<atom_syndication::Feed>().expect("a well-formed feed");
    assert!(parsed.entries().iter().any(|e| e.title().as_str() == "Odd  title"), "{}", feed.body);
}
