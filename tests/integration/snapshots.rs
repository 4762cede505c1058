//! The API's shapes, snapshotted where a shape is the contract a frontend codes against: the
//! seed post as REST serves it, the seed page's GraphQL answer, a list page, a refusal. Both
//! backends must give the same snapshot. A change shows as a diff to review: accept it by
//! running the test with `INSTA_UPDATE=always` and committing `tests/integration/snapshots/`.

use serde_json::{Value, json};

use crate::graphql::SEED_PAGE_QUERY;
use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(rest_shapes_hold, graphql_shapes_hold);

/// Snapshots `value` under `name`, shared by both backends.
fn snapshot(name: &str, value: &Value) {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!(name, value);
    });
}

fn rest_shapes_hold(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    snapshot("rest_seed_post", &app.portable_json(&format!("/api/v1/posts/{DEMO_POST}?include=comments,related")));
    snapshot("rest_post_list", &app.portable_json("/api/v1/posts?limit=2"));
    let missing = app.get("/api/v1/posts/no-such-post");
    snapshot("rest_not_found", &serde_json::from_str(&missing.body).unwrap());
    let admin = app.admin_token();
    let invalid = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "", "status": "live" })), &[]);
    snapshot("rest_refusal", &serde_json::from_str(&invalid.body).unwrap());
}

fn graphql_shapes_hold(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let page = app.graphql(SEED_PAGE_QUERY, json!({ "slug": DEMO_POST }));
    let page: Value = serde_json::from_str(&page.to_string().replace(&app.base, "http://colophon.test")).unwrap();
    snapshot("graphql_seed_page", &page);
}
