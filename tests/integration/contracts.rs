//! The checked-in contracts must equal what the code generates.

use std::path::Path;

use crate::support::{Backend, TestApp};

fn checked_in(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn openapi_document_matches_the_code() {
    let generated = colophon_api::openapi_json();
    assert!(
        checked_in("openapi/openapi.json") == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json` and review the diff"
    );
    let document: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["servers"][0]["url"].is_string(), "a servers entry");
    assert_eq!(document["security"], serde_json::json!([{}]), "reads are public by default");
    // Where a token changes the answer (staff see drafts; a signed-in comment is registered), it
    // is optional: anonymous or bearer.
    let optional = serde_json::json!([{}, { "bearer": [] }]);
    for (path, method) in
        [("/api/v1/posts", "get"), ("/api/v1/posts/{post}", "get"), ("/api/v1/posts/{slug}/comments", "post")]
    {
        assert_eq!(document["paths"][path][method]["security"], optional, "{method} {path}");
    }
    assert_eq!(document["paths"]["/api/v1/posts"]["post"]["security"], serde_json::json!([{ "bearer": [] }]));
}

#[test]
fn graphql_schema_matches_the_code() {
    assert!(
        checked_in("schema/schema.graphql") == colophon_api::graphql::sdl(),
        "schema/schema.graphql is stale: run `cargo run -- sdl > schema/schema.graphql` and review the diff"
    );
}

#[test]
fn every_route_in_the_document_is_served() {
    let Some(app) = TestApp::spawn(Backend::Sqlite) else { return };
    let served = app.get("/openapi.json");
    assert_eq!(served.status, 200);
    let mut document = served.json();
    let admin = app.admin_token();
    // Served with this server's own address (Swagger UI's "Try it out" calls it), and
    // otherwise the checked-in contract.
    assert_eq!(document["servers"], serde_json::json!([{ "url": app.base, "description": "This server" }]));
    let mut contract = serde_json::from_str::<serde_json::Value>(&checked_in("openapi/openapi.json")).unwrap();
    assert!(contract["servers"][0]["url"].as_str().unwrap().ends_with(":8080"));
    document["servers"] = serde_json::Value::Null;
    contract["servers"] = serde_json::Value::Null;
    assert!(document == contract, "the served document differs from openapi/openapi.json");
    // Something for `{id}` to name where nothing exists until an admin makes it.
    let hook = serde_json::json!({ "url": "http://127.0.0.1:9/hook" });
    assert_eq!(app.send("POST", "/api/v1/webhooks", Some(&admin), Some(&hook), &[]).status, 201);
    let page = serde_json::json!({ "title": "About", "status": "published" });
    assert_eq!(app.send("POST", "/api/v1/pages", Some(&admin), Some(&page), &[]).status, 201);
    // An imported post, whose old address the redirect lookup finds.
    let wxr = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/data/wxr/squarespace.xml");
    colophon_import::import_wxr(&app.colophon, &wxr, Default::default(), &mut |_| {}).unwrap();
    // A revision of the demo post, a media item (id 1) and a preview link of a draft.
    let edit = serde_json::json!({ "excerpt": "Crossing the streams." });
    let path = format!("/api/v1/posts/{}", crate::support::DEMO_POST);
    assert_eq!(app.send("PATCH", &path, Some(&admin), Some(&edit), &[]).status, 200);
    let media = app.upload(Some(&admin), "tee.jpg", &crate::media::photo(40, 30), &[]).json();
    let file = media["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let draft = serde_json::json!({ "title": "Preview me" });
    let draft = app.send("POST", "/api/v1/posts", Some(&admin), Some(&draft), &[]).json();
    let link = serde_json::json!({});
    let link = app.send("POST", &format!("/api/v1/posts/{}/previews", draft["id"]), Some(&admin), Some(&link), &[]);
    let preview_token = link.json()["token"].as_str().unwrap().to_string();
    let mut operation_ids = std::collections::HashSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(operation_ids.insert(id.to_string()), "operationId {id} is used twice");
        }
        let Some(get) = operations.get("get") else { continue };
        let token = get.get("security").map(|_| admin.as_str());
        let slug = if path.starts_with("/api/v1/posts") {
            crate::support::DEMO_POST
        } else if path.starts_with("/api/v1/sidebars") {
            "main"
        } else if path.starts_with("/api/v1/tags") {
            "personal-branding"
        } else {
            "steve-rubel"
        };
        let concrete = path
            .replace("{slug}", slug)
            .replace("{post}", crate::support::DEMO_POST)
            .replace("{author}", "steve-rubel")
            .replace("{page}", "about")
            .replace("{id}", "1")
            .replace("{number}", "1")
            .replace("{token}", &preview_token)
            .replace("{file}", &file)
            .replace("/revisions/diff", "/revisions/diff?from=1")
            .replace(
                "/api/v1/redirects",
                "/api/v1/redirects?path=/blog/2010/4/29/the-case-for-converging-your-personalprofessional-networks.html",
            );
        let response = app.send("GET", &concrete, token, None, &[]);
        assert_eq!(response.status, 200, "{path}: {}", response.body);
    }
}
