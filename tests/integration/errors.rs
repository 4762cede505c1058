use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(bad_requests_get_problem_json, malformed_bodies_get_problem_json);

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

fn malformed_bodies_get_problem_json(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    app.post_raw("/graphql", "application/json", b"{not json").problem(400);
    app.post_raw("/graphql", "text/plain", b"{}").problem(415);
    let huge = format!("{{\"query\": \"{}\"}}", "a".repeat(300 * 1024));
    app.post_raw("/graphql", "application/json", huge.as_bytes()).problem(413);
    let batch: Vec<_> = (0..11).map(|_| serde_json::json!({"query": "{ authors { name } }"})).collect();
    let problem = app.post_json("/graphql", &serde_json::Value::Array(batch)).problem(400);
    assert_eq!(problem["code"], "batch_too_large");
}
