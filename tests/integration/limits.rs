//! Every input limit refuses with a clear problem, and the headers that keep browsers safe.

use serde_json::json;

use crate::support::{Backend, TestApp};

backend_tests!(oversized_requests_are_refused_clearly, graphql_documents_are_bounded);

fn oversized_requests_are_refused_clearly(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let long_query = format!("/api/v1/posts?tag={}", "a".repeat(9_000));
    assert_eq!(app.get(&long_query).problem(400)["code"], "query_too_long");
    // A header block beyond actix's limit is refused before routing.
    let huge = "h".repeat(40 * 1024);
    assert_eq!(app.get_with("/api/v1/posts", &[("X-Padding", &huge)]).problem(400)["code"], "headers_too_large");
    let tags: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    let admin = app.admin_token();
    app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "x", "tags": tags })), &[]).problem(422);
    app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "x".repeat(301) })), &[]).problem(422);
    app.get("/api/v1/posts?limit=101").problem(400);
    app.get(&format!("/api/v1/posts?cursor={}", "A".repeat(65))).problem(400);
}

fn graphql_documents_are_bounded(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let code = |body: serde_json::Value| body["errors"][0]["extensions"]["code"].as_str().unwrap_or("").to_string();
    let aliases: String = (0..31).map(|i| format!("a{i}: authors {{ name }} ")).collect();
    assert_eq!(code(app.graphql(&format!("{{ {aliases} }}"), json!({}))), "TOO_MANY_ALIASES");
    let few: String = (0..5).map(|i| format!("a{i}: authors {{ name }} ")).collect();
    assert!(app.graphql(&format!("{{ {few} }}"), json!({}))["errors"].is_null());
    let padding = " ".repeat(17 * 1024);
    assert_eq!(code(app.graphql(&format!("{{ authors {{ name }} {padding} }}"), json!({}))), "QUERY_TOO_LARGE");
    // A field repeated without aliases resolves once but is parsed, validated and counted 1,330
    // times: the selections are counted, repeats included.
    let repeated = format!("{{ authors {{ {} }} }}", "id ".repeat(1_330));
    assert_eq!(code(app.graphql(&repeated, json!({}))), "TOO_MANY_SELECTIONS");
    // Fragments are counted as often as they are spread.
    let spread = format!("{{ authors {{ ...F {} }} }} fragment F on Author {{ id name slug }}", "...F ".repeat(300));
    assert_eq!(code(app.graphql(&spread, json!({}))), "TOO_MANY_SELECTIONS");
    // Introspection can be switched off.
    let Some(closed) = TestApp::spawn_with(backend, |_, server| server.graphql_introspection = false) else { return };
    let answer = closed.graphql("{ __schema { types { name } } }", json!({}));
    assert!(answer["data"]["__schema"].is_null(), "{answer}");
    assert!(app.graphql("{ __schema { types { name } } }", json!({}))["data"]["__schema"]["types"].is_array());
    assert!(closed.graphql("{ authors { name } }", json!({}))["errors"].is_null());
}

#[test]
fn security_headers_and_cors() {
    let Some(app) = TestApp::spawn(Backend::Sqlite) else { return };
    let api = app.get_with("/api/v1/posts", &[("Origin", "https://evil.example")]);
    assert_eq!(api.header("content-security-policy"), Some("default-src 'none'; frame-ancestors 'none'"));
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(api.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(api.header("access-control-allow-origin"), None, "no CORS unless configured");
    let docs = app.get("/docs/");
    let csp = docs.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("https:"), "Swagger UI needs no other origin: {csp}");
    let graphiql = app.get("/graphql").header("content-security-policy").unwrap().to_string();
    assert!(graphiql.contains("frame-ancestors 'none'") && graphiql.contains("script-src"), "{graphiql}");

    let Some(cors) = TestApp::spawn_with(Backend::Sqlite, |_, server| {
        server.cors_origins = vec!["https://frontend.example".into()];
    }) else {
        return;
    };
    let allowed = cors.get_with("/api/v1/posts", &[("Origin", "https://frontend.example")]);
    assert_eq!(allowed.status, 200);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://frontend.example"));
    let preflight = |app: &TestApp, method: &str| {
        app.send(
            "OPTIONS",
            "/api/v1/posts/1",
            None,
            None,
            &[("Origin", "https://frontend.example"), ("Access-Control-Request-Method", method)],
        )
    };
    let write = preflight(&cors, "PATCH");
    assert!(write.header("access-control-allow-origin").is_none() || write.status >= 400, "writes are off by default");
    assert_eq!(preflight(&cors, "GET").status, 200);
    let other = cors.get_with("/api/v1/posts", &[("Origin", "https://evil.example")]);
    assert_ne!(other.header("access-control-allow-origin"), Some("https://evil.example"));
    let Some(writes) = TestApp::spawn_with(Backend::Sqlite, |_, server| {
        server.cors_origins = vec!["https://frontend.example".into()];
        server.cors_allow_writes = true;
    }) else {
        return;
    };
    let write = preflight(&writes, "PATCH");
    assert_eq!(write.status, 200);
    assert_eq!(write.header("access-control-allow-origin"), Some("https://frontend.example"));
}
