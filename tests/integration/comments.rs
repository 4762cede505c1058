use colophon_domain::{CommentStatus, PostId};
use serde_json::json;

use crate::support::{Backend, DEMO_POST, TestApp, fixtures};

backend_tests!(only_approved_comments_are_shown_oldest_first_with_threading, comments_page_by_cursor);

fn only_approved_comments_are_shown_oldest_first_with_threading(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let mut conn = app.conn();
    let post_id = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["id"].as_i64().unwrap();
    for (name, status) in
        [("Pending", CommentStatus::Pending), ("Spammer", CommentStatus::Spam), ("Trashed", CommentStatus::Trash)]
    {
        fixtures::comment(PostId(post_id), name).status(status).insert(&mut conn);
    }
    let page = app.get(&format!("/api/v1/posts/{DEMO_POST}/comments?limit=100")).json();
    let comments = page["data"].as_array().unwrap();
    assert_eq!(comments.len(), 10, "the ten approved demo comments only");
    let names: Vec<&str> = comments.iter().map(|c| c["author_name"].as_str().unwrap()).collect();
    assert_eq!(names.first(), Some(&"Josh Moore"));
    assert_eq!(names.last(), Some(&"Steve Rubel"));
    let times: Vec<&str> = comments.iter().map(|c| c["created_at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");
    let seekgeek = comments.iter().find(|c| c["author_name"] == "seekgeek").unwrap();
    let reply = comments.iter().find(|c| c["author_name"] == "Steve Rubel").unwrap();
    assert_eq!(reply["parent_id"], seekgeek["id"], "the author's reply is threaded");
    assert!(reply["body_html"].as_str().unwrap().contains("I know. I am behind!"));
    assert_eq!(reply["is_registered"], false, "shown as an Unregistered Commenter, like the page");
    assert!(comments.iter().filter(|c| c["author_name"] != "Steve Rubel").all(|c| c["parent_id"].is_null()));
    // The post's count and GraphQL agree: approved only.
    assert_eq!(app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["comment_count"], 10);
    let gql = app.graphql(
        "query($s: String!) { post(slug: $s) { commentCount comments(first: 100) { edges { node { authorName parentId } } } } }",
        json!({ "s": DEMO_POST }),
    );
    let edges = gql["data"]["post"]["comments"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 10);
    assert_eq!(gql["data"]["post"]["commentCount"], 10);
    assert_eq!(edges[9]["node"]["parentId"], json!(seekgeek["id"].as_i64().unwrap().to_string()));
}

fn comments_page_by_cursor(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let mut names = Vec::new();
    let mut path = format!("/api/v1/posts/{DEMO_POST}/comments?limit=3");
    loop {
        let page = app.get(&path).json();
        names.extend(page["data"].as_array().unwrap().iter().map(|c| c["author_name"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/posts/{DEMO_POST}/comments?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(names.len(), 10);
    assert_eq!(names[0], "Josh Moore");
    // GraphQL pages the same way with `after`.
    let first = app.graphql(
        "query($s: String!) { post(slug: $s) { comments(first: 4) { edges { node { authorName } } pageInfo { hasNextPage endCursor } } } }",
        json!({ "s": DEMO_POST }),
    );
    let connection = &first["data"]["post"]["comments"];
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
    let second = app.graphql(
        "query($s: String!, $a: String) { post(slug: $s) { comments(first: 4, after: $a) { edges { node { authorName } } } } }",
        json!({ "s": DEMO_POST, "a": connection["pageInfo"]["endCursor"] }),
    );
    assert_eq!(second["data"]["post"]["comments"]["edges"][0]["node"]["authorName"], json!(names[4]));
}
