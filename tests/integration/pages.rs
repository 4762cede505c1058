//! Standalone pages: written through the same roles as posts, read by slug, in the sitemap, and
//! never in post lists, search, feeds or previous/next.

use serde_json::json;

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(pages_stand_apart_from_posts, pages_are_written_through_the_roles, pages_in_graphql);

fn pages_stand_apart_from_posts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let about = json!({
        "title": "About",
        "body_markdown": "Colophon is a *headless* CMS about zeppelins.",
        "status": "published",
        "sidebar": "main",
        "seo": { "meta_title": "About us" },
    });
    let made = app.send("POST", "/api/v1/pages", Some(&admin), Some(&about), &[]);
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.header("location"), Some("/api/v1/pages/about"));
    let page = app.get("/api/v1/pages/about").json();
    assert_eq!(page["title"], "About");
    // By id too, as PATCH and DELETE take it; a draft's id is as hidden as its slug.
    assert_eq!(app.get(&format!("/api/v1/pages/{}", page["id"])).json()["slug"], "about");
    let draft = app.send("POST", "/api/v1/pages", Some(&admin), Some(&json!({ "title": "Later" })), &[]).json();
    app.get(&format!("/api/v1/pages/{}", draft["id"])).problem(404);
    let as_staff = app.send("GET", &format!("/api/v1/pages/{}", draft["id"]), Some(&admin), None, &[]);
    assert_eq!(as_staff.json()["slug"], "later");
    assert!(page["body_html"].as_str().unwrap().contains("<em>headless</em>"));
    assert!(page.get("body_markdown").is_none(), "the public does not see the source");
    assert_eq!(page["sidebar"]["slug"], "main");
    assert_eq!(page["seo"]["meta_title"], "About us");
    assert!(page["seo"]["meta_description"].as_str().unwrap().contains("zeppelins"));
    assert_eq!(page["url"], page["seo"]["canonical_url"]);
    assert_eq!(app.get("/api/v1/pages").json()["data"][0]["slug"], "about");
    // Not a post anywhere.
    assert_eq!(app.get("/api/v1/posts/about").status, 404);
    assert!(!app.get("/api/v1/posts?limit=100").body.contains("\"about\""));
    assert!(app.get("/api/v1/posts?q=zeppelins").json()["data"].as_array().unwrap().is_empty());
    assert!(!app.get("/feed.atom").body.contains("zeppelin"));
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    assert_ne!(demo["next"]["slug"], "about");
    // In the sitemap, at its public address.
    assert!(app.get("/sitemap.xml").body.contains(page["url"].as_str().unwrap()));
    // A taken slug gets a numbered variant; the public never sees a draft.
    let again = app.send("POST", "/api/v1/pages", Some(&admin), Some(&json!({ "title": "About" })), &[]);
    assert_eq!(again.json()["slug"], "about-2");
    assert_eq!(app.get("/api/v1/pages/about-2").status, 404);
    let staff = app.send("GET", "/api/v1/pages?status=draft", Some(&admin), None, &[]).json();
    assert_eq!(staff["data"][0]["slug"], "about-2");
    // An edit shows at once (the cached page was dropped); a stale one is refused.
    let etag = app.get("/api/v1/pages/about").header("etag").unwrap().to_string();
    let id = page["id"].as_i64().unwrap();
    let edit = app.send(
        "PATCH",
        &format!("/api/v1/pages/{id}"),
        Some(&admin),
        Some(&json!({ "title": "About Colophon" })),
        &[("if-match", &etag)],
    );
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert_eq!(app.get("/api/v1/pages/about").json()["title"], "About Colophon");
    let stale = app.send(
        "PATCH",
        &format!("/api/v1/pages/{id}"),
        Some(&admin),
        Some(&json!({ "title": "Lost" })),
        &[("if-match", &etag)],
    );
    assert_eq!(stale.status, 412);
    assert_eq!(app.send("DELETE", "/api/v1/pages/about", Some(&admin), None, &[]).status, 204);
    assert_eq!(app.get("/api/v1/pages/about").status, 404);
    assert!(!app.get("/sitemap.xml").body.contains("/about"));
}

fn pages_are_written_through_the_roles(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, contributor) = app.user("donny", "contributor");
    let (_, author) = app.user("walter", "author");
    let (_, other) = app.user("bunny", "author");
    let draft = app.send("POST", "/api/v1/pages", Some(&contributor), Some(&json!({ "title": "Contact" })), &[]);
    assert_eq!(draft.status, 201, "{}", draft.body);
    let draft_id = draft.json()["id"].as_i64().unwrap();
    let publish = json!({ "title": "Imprint", "status": "published" });
    assert_eq!(app.send("POST", "/api/v1/pages", Some(&contributor), Some(&publish), &[]).status, 403);
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/v1/pages/{draft_id}"),
            Some(&contributor),
            Some(&json!({ "status": "published" })),
            &[]
        )
        .status,
        403
    );
    let mine = app.send("POST", "/api/v1/pages", Some(&author), Some(&publish), &[]);
    assert_eq!(mine.status, 201, "{}", mine.body);
    let mine_id = mine.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/v1/pages/{mine_id}"),
            Some(&other),
            Some(&json!({ "title": "Mine now" })),
            &[]
        )
        .status,
        403
    );
    assert_eq!(
        app.send("PATCH", &format!("/api/v1/pages/{draft_id}"), Some(&other), Some(&json!({ "title": "Seen?" })), &[])
            .status,
        404,
        "another's draft is not even there"
    );
    assert_eq!(
        app.send(
            "PATCH",
            &format!("/api/v1/pages/{mine_id}"),
            Some(&app.admin_token()),
            Some(&json!({ "title": "Imprint (edited)" })),
            &[]
        )
        .status,
        200
    );
    assert_eq!(app.send("POST", "/api/v1/pages", None, Some(&publish), &[]).status, 401);
    let own = app.send("GET", "/api/v1/pages?status=draft", Some(&contributor), None, &[]).json();
    assert_eq!(own["data"].as_array().unwrap().len(), 1);
    let others = app.send("GET", "/api/v1/pages?status=draft", Some(&other), None, &[]).json();
    assert!(others["data"].as_array().unwrap().is_empty());
    let bad = app.send("POST", "/api/v1/pages", Some(&author), Some(&json!({ "title": "X", "slug": "2024" })), &[]);
    assert_eq!(bad.problem(422)["errors"][0]["field"], "slug");
}

fn pages_in_graphql(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let made = app.graphql_as(
        &admin,
        "mutation { createPage(input: { title: \"Faq\", bodyMarkdown: \"Ask *away*\", status: PUBLISHED }) { id slug version url } }",
        json!({}),
    );
    assert!(made["errors"].is_null(), "{made}");
    let id = made["data"]["createPage"]["id"].as_str().unwrap().to_string();
    let read = app.graphql("{ page(slug: \"faq\") { title bodyHtml author { name } seo { metaTitle } } pages { edges { cursor node { slug } } } }", json!({}));
    assert_eq!(read["data"]["page"]["seo"]["metaTitle"], "Faq", "{read}");
    assert_eq!(read["data"]["pages"]["edges"][0]["node"]["slug"], "faq");
    let stale = app.graphql_as(
        &admin,
        "mutation($id: ID!) { updatePage(id: $id, input: { title: \"New\" }, expectedVersion: 7) { title } }",
        json!({ "id": id }),
    );
    assert_eq!(stale["errors"][0]["extensions"]["code"], "PRECONDITION_FAILED", "{stale}");
    let ok = app.graphql_as(
        &admin,
        "mutation($id: ID!) { updatePage(id: $id, input: { title: \"New\" }, expectedVersion: 1) { title version } }",
        json!({ "id": id }),
    );
    assert_eq!(ok["data"]["updatePage"]["version"], 2, "{ok}");
    let gone = app.graphql_as(&admin, "mutation($id: ID!) { deletePage(id: $id) }", json!({ "id": id }));
    assert_eq!(gone["data"]["deletePage"], true);
    assert!(app.graphql("{ page(slug: \"faq\") { id } }", json!({}))["data"]["page"].is_null());
}
