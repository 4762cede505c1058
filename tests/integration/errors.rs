use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(bad_requests_get_problem_json, malformed_graphql_requests_get_graphql_errors);

fn bad_requests_get_problem_json(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for limit in ["0", "1000", "-1"] {
        let problem = app.get(&format!("/api/v1/posts?limit={limit}")).problem(400);
        assert_eq!(problem["errors"][0]["field"], "limit");
    }
    app.get("/api/v1/posts?limit=abc").problem(400);
    let cursor = app.get("/api/v1/posts?limit=1").json()["next_cursor"].as_str().unwrap().to_string();
    // Any change to a cursor is refused, as is a cursor of another list.
    let mut tampered = cursor.clone().into_bytes();
    tampered[2] = if tampered[2] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [tampered.as_str(), "garbage", "%00%01", &"x".repeat(500)] {
        let problem = app.get(&format!("/api/v1/posts?cursor={bad}")).problem(400);
        assert_eq!(problem["errors"][0]["field"], "cursor");
    }
    let products_cursor = app.get("/api/v1/products?limit=1").json()["next_cursor"].as_str().unwrap().to_string();
    app.get(&format!("/api/v1/posts?cursor={products_cursor}")).problem(400);
    app.get(&format!("/api/v1/posts/{DEMO_POST}/comments?cursor={cursor}")).problem(400);

    assert_eq!(app.get("/api/v1/posts/no-such-post").problem(404)["code"], "not_found");
    app.get("/api/v1/posts/Not%20A%20Slug").problem(404);
    app.get("/api/v1/posts/no-such-post/comments").problem(404);
    app.get("/api/v1/nothing-here").problem(404);
    app.get("/api/v1/products/abc").problem(400);
    // Nothing about the server's insides leaks into a refusal.
    let body = app.get("/api/v1/posts?cursor=garbage").body.to_lowercase();
    for leak in ["select", "diesel", "panicked", "sqlite", "postgres"] {
        assert!(!body.contains(leak), "{leak} in {body}");
    }
}

/// Every refusal at `/graphql` is a GraphQL response (`errors[].extensions.code`), never
/// problem+json and never serde's own words.
fn malformed_graphql_requests_get_graphql_errors(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let check = |response: crate::support::http::Response, status: u16, code: &str| {
        assert_eq!(response.status, status, "{}", response.body);
        assert!(response.header("content-type").unwrap().starts_with("application/json"), "{:?}", response.headers);
        let body = response.json();
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        assert!(body.get("data").is_none(), "{body}");
        let text = response.body.to_lowercase();
        assert!(!text.contains("untagged enum") && !text.contains("batchrequest"), "{text}");
    };
    check(app.post_raw("/graphql", "application/json", b"{not json"), 400, "BAD_REQUEST");
    check(app.post_raw("/graphql", "text/plain", b"{}"), 415, "UNSUPPORTED_MEDIA_TYPE");
    check(app.post_raw("/graphql", "application/json", b"{\"query\": 42}"), 400, "BAD_REQUEST");
    check(app.post_raw("/graphql", "application/json", b"{\"variables\": {}}"), 400, "BAD_REQUEST");
    let huge = format!("{{\"query\": \"{}\"}}", "a".repeat(300 * 1024));
    check(app.post_raw("/graphql", "application/json", huge.as_bytes()), 413, "PAYLOAD_TOO_LARGE");
    let batch: Vec<_> = (0..11).map(|_| serde_json::json!({"query": "{ authors { name } }"})).collect();
    let refused = app.post_json("/graphql", &serde_json::Value::Array(batch));
    assert!(refused.body.contains("at most 10 operations"), "{}", refused.body);
    check(refused, 400, "BAD_REQUEST");
}
