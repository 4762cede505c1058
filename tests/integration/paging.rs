//! Every GraphQL connection pages to its end: each edge carries a cursor that continues after it,
//! `hasNextPage` turns false on the last page, and nothing repeats or goes missing.

use colophon_domain::PostStatus;
use serde_json::{Value, json};

use crate::support::server::test_now;
use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(every_graphql_connection_pages_to_its_end);

/// Pages through a connection `first` at a time; returns the `id`s (or slugs) of every node.
fn page_through(app: &TestApp, token: Option<&str>, query: &str, path: &[&str], key: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    for _ in 0..50 {
        let variables = json!({ "after": after });
        let answer = match token {
            Some(token) => app.graphql_as(token, query, variables),
            None => app.graphql(query, variables),
        };
        assert!(answer["errors"].is_null(), "{answer}");
        let connection = path.iter().fold(&answer["data"], |value, step| &value[step]);
        let edges = connection["edges"].as_array().unwrap();
        for edge in edges {
            let cursor = edge["cursor"].as_str().unwrap();
            assert!(!cursor.is_empty(), "an edge without a cursor: {edge}");
            seen.push(edge["node"][key].as_str().map_or_else(|| edge["node"][key].to_string(), str::to_string));
        }
        let info = &connection["pageInfo"];
        if info["hasNextPage"] == false {
            return seen;
        }
        let end = info["endCursor"].clone();
        assert_eq!(end, edges.last().unwrap()["cursor"], "endCursor is the last edge's cursor");
        after = end;
    }
    panic!("the connection never ended: {seen:?}");
}

fn assert_complete(seen: &[String], expected: usize, what: &str) {
    let mut unique = seen.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "{what}: something came twice: {seen:?}");
    assert_eq!(seen.len(), expected, "{what}: {seen:?}");
}

fn every_graphql_connection_pages_to_its_end(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    for i in 0..5 {
        app.insert_post(
            &format!("published-{i}"),
            PostStatus::Published,
            Some(test_now() - chrono::Duration::days(i + 1)),
        );
        let draft =
            app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": format!("Draft {i}") })), &[]);
        assert_eq!(draft.status, 201);
    }
    let posts = "query($after: String) { posts(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { slug } } } }";
    assert_complete(&page_through(&app, None, posts, &["posts"], "slug"), 8, "published posts");

    let drafts = "query($after: String) { posts(first: 2, after: $after, status: \"draft\") { pageInfo { hasNextPage endCursor } edges { cursor node { slug status } } } }";
    let seen = page_through(&app, Some(&admin), drafts, &["posts"], "slug");
    assert_complete(&seen, 5, "drafts, for staff");
    assert!(seen.iter().all(|slug| slug.starts_with("draft-")), "{seen:?}");

    let scheduled = "query($after: String) { posts(first: 2, after: $after, status: \"published\") { pageInfo { hasNextPage endCursor } edges { cursor node { slug } } } }";
    assert_complete(&page_through(&app, Some(&admin), scheduled, &["posts"], "slug"), 8, "published, for staff");

    for order in ["OLDEST", "THREAD"] {
        let comments = format!(
            "query($after: String) {{ post(slug: \"{DEMO_POST}\") {{ comments(first: 3, after: $after, order: {order}) {{ pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ id }} }} }} }} }}"
        );
        assert_complete(&page_through(&app, None, &comments, &["post", "comments"], "id"), 10, order);
    }
}
