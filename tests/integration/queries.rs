use colophon_domain::PostStatus;
use serde_json::json;

use crate::support::server::test_now;
use crate::support::{Backend, TestApp};

backend_tests!(
    a_page_of_posts_costs_a_constant_number_of_queries,
    a_filtered_and_sorted_page_costs_what_the_plain_one_does,
    a_post_page_costs_one_statement
);

const MAX_QUERIES_PER_PAGE: u64 = 4;

fn a_page_of_posts_costs_a_constant_number_of_queries(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for i in 0..30 {
        app.insert_post(&format!("extra-{i}"), PostStatus::Published, Some(test_now() - chrono::Duration::hours(i)));
    }
    let mut rest_counts = Vec::new();
    let mut graphql_counts = Vec::new();
    for limit in [1, 5, 20] {
        let (page, rest) = app.count_queries(|| app.get(&format!("/api/v1/posts?limit={limit}")).json());
        let items = page["data"].as_array().unwrap();
        assert_eq!(items.len(), limit);
        assert!(items.iter().all(|p| p["author"]["name"].is_string() && p["tags"].is_array()));
        rest_counts.push(rest);

        let (data, graphql) = app.count_queries(|| {
            app.graphql(
                "query($n: Int!) { posts(first: $n) { edges { node { title commentCount author { name } tags { slug } } } } }",
                json!({ "n": limit }),
            )
        });
        let edges = data["data"]["posts"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), limit, "{data}");
        assert!(edges.iter().all(|e| e["node"]["author"]["name"].is_string()));
        graphql_counts.push(graphql);
    }
    // The read compiler: posts, authors and tags in one statement.
    assert!(rest_counts.iter().all(|&n| n == 1), "REST: {rest_counts:?}");
    assert!(graphql_counts.iter().all(|&n| n <= MAX_QUERIES_PER_PAGE), "GraphQL: {graphql_counts:?}");
    assert!(rest_counts.windows(2).all(|w| w[0] == w[1]), "REST cost grows with the page: {rest_counts:?}");
    assert!(graphql_counts.windows(2).all(|w| w[0] == w[1]), "GraphQL cost grows with the page: {graphql_counts:?}");
}

/// A filter and a sort are compiled into the list's one statement, like the plain list,
/// whatever the page size or the filter's size.
fn a_filtered_and_sorted_page_costs_what_the_plain_one_does(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for i in 0..30 {
        app.insert_post(&format!("extra-{i}"), PostStatus::Published, Some(test_now() - chrono::Duration::hours(i)));
    }
    let plain = app.count_queries(|| app.get("/api/v1/posts?limit=5").json()).1;
    let filter = "comment_count:%3E=0%2B-tag:%5Bnope,none%5D%2B(slug:-x,title:-y)";
    for limit in [1, 5, 20] {
        let path = format!("/api/v1/posts?limit={limit}&filter={filter}&sort=-comment_count,title");
        let (page, rest) = app.count_queries(|| app.get(&path).json());
        assert_eq!(page["data"].as_array().unwrap().len(), limit, "{page}");
        assert_eq!((rest, plain), (1, 1), "REST, {limit} posts");
        let query = "query($n: Int!) { posts(first: $n, where: { commentCount: { gte: 0 }, not: { tag: { in: [\"nope\"] } } }, orderBy: [{ field: TITLE }]) { edges { node { title author { name } tags { slug } } } } }";
        let (data, graphql) = app.count_queries(|| app.graphql(query, json!({ "n": limit })));
        assert_eq!(data["data"]["posts"]["edges"].as_array().unwrap().len(), limit, "{data}");
        assert!(graphql <= MAX_QUERIES_PER_PAGE, "GraphQL, {limit} posts: {graphql}");
    }
}

/// The post, both neighbours, the sidebar with its products, the authors shown, the tags and
/// the first comments: one statement.
fn a_post_page_costs_one_statement(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| config.cache = false) else { return };
    for include in ["", "?include=comments&comments_limit=5"] {
        let path = format!("/api/v1/posts/{}{include}", crate::support::DEMO_POST);
        let (post, queries) = app.count_queries(|| app.get(&path).json());
        assert_eq!(post["sidebar"]["widgets"].as_array().unwrap().len(), 5);
        assert!(post["previous"].is_object() && post["next"].is_object());
        assert_eq!(queries, 1, "{path}");
    }
    // The benchmark's GraphQL document: the read compiler's one statement too.
    let document = include_str!("../../bench/seed_page.graphql");
    let variables = json!({ "slug": crate::support::DEMO_POST });
    let (answer, queries) = app.count_queries(|| app.graphql(document, variables));
    let post = &answer["data"]["post"];
    assert_eq!(post["sidebar"]["widgets"].as_array().unwrap().len(), 5, "{answer}");
    assert!(post["previous"].is_object() && !post["comments"]["edges"].as_array().unwrap().is_empty(), "{answer}");
    assert_eq!(queries, 1, "the GraphQL seed page");
}
