use serde_json::json;

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    seed_page_renders_from_one_query,
    limits_and_errors_carry_codes,
    ids_that_are_no_numbers_are_refused_by_name
);

/// What a frontend sends to render the seed page.
pub const SEED_PAGE_QUERY: &str = r#"
query SeedPage($slug: String!) {
  post(slug: $slug) {
    title publishedAt excerpt bodyHtml commentCount
    featuredImage { credit }
    author { name bio }
    tags { slug name }
    previous { slug title }
    next { slug title }
    comments(first: 50) { edges { node { id parentId authorName authorUrl isRegistered bodyHtml createdAt } } }
    sidebar { title widgets { kind html author { name bio } product { title edition contributorLabel contributors } } }
  }
}"#;

fn seed_page_renders_from_one_query(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (response, queries) = app.count_queries(|| app.graphql(SEED_PAGE_QUERY, json!({ "slug": DEMO_POST })));
    assert!(response["errors"].is_null(), "{response}");
    let post = &response["data"]["post"];
    assert_eq!(post["title"], "The Case for Converging Your Personal/Professional Networks");
    assert_eq!(post["publishedAt"], "2010-04-29T09:00:00+00:00");
    assert_eq!(post["featuredImage"]["credit"], "Image via Snorgtees");
    assert_eq!(post["author"]["name"], "Steve Rubel");
    assert_eq!(post["previous"]["title"], "Thoughts on Media Reforestation and Algorithmic Journalism");
    assert_eq!(post["next"]["title"], "The Apple 4G iPhone Prototype is Probably a Head Fake");
    assert_eq!(post["comments"]["edges"].as_array().unwrap().len(), 10);
    let widgets = post["sidebar"]["widgets"].as_array().unwrap();
    assert_eq!(widgets[1]["kind"], "PRODUCT");
    assert_eq!(widgets[1]["product"]["contributorLabel"], "starring");
    assert_eq!(widgets[2]["product"]["contributors"][4], "David Huddleston");
    // The read compiler writes the whole field as one statement.
    assert_eq!(queries, 1, "the seed page cost {queries} statements");

    // Answered by the resolvers (a directive keeps the compiler out): without the page's
    // fields the post comes alone and author and tags go through the loaders, the same answers.
    let light =
        "query($slug: String!) { post(slug: $slug) { author @include(if: true) { name bio } tags { slug name } } }";
    let (response, queries) = app.count_queries(|| app.graphql(light, json!({ "slug": DEMO_POST })));
    assert_eq!(response["data"]["post"]["author"], post["author"]);
    assert_eq!(response["data"]["post"]["tags"], post["tags"]);
    assert_eq!(queries, 3, "post, author, tags");
}

fn limits_and_errors_carry_codes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let bad_first = app.graphql("{ posts(first: 0) { edges { cursor } } }", json!({}));
    assert_eq!(bad_first["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(bad_first["errors"][0]["extensions"]["field"], "first");
    let bad_after = app.graphql("{ posts(after: \"nope\") { edges { cursor } } }", json!({}));
    assert_eq!(bad_after["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(bad_after["errors"][0]["extensions"]["field"], "after");

    // Depth: nesting beyond the limit is refused before anything runs.
    let deep = "{ post(slug: \"x\") { sidebar { widgets { author { name } } } author { name } comments { edges { node { author { name } } } } } }";
    assert!(app.graphql(deep, json!({}))["errors"].is_null(), "a normal query passes");
    let too_deep = format!(
        "{{ posts {{ edges {{ node {{ comments {{ edges {{ node {{ {}id{} }} }} }} }} }} }} }}",
        "replies { ".repeat(7),
        " }".repeat(7)
    );
    let refused = app.graphql(&too_deep, json!({}));
    assert_eq!(refused["errors"][0]["extensions"]["code"], "DEPTH_LIMIT", "{refused}");

    // Complexity: 100 posts × 100 comments each is refused before it runs.
    let (expensive, queries) = app.count_queries(|| {
        app.graphql("{ posts(first: 100) { edges { node { comments(first: 100) { edges { node { bodyHtml authorName createdAt } } } } } } }", json!({}))
    });
    assert!(expensive["errors"][0]["message"].as_str().unwrap().contains("too complex"), "{expensive}");
    assert_eq!(queries, 0, "refused before any SQL ran");
}

/// Every id argument and input field is read one way: an id that is no number is a
/// `BAD_USER_INPUT` naming its field, never an id no item has, and nothing is written.
fn ids_that_are_no_numbers_are_refused_by_name(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let cases = [
        (
            "featuredImage.mediaId",
            r#"mutation { createPost(input: { title: "T", featuredImage: { mediaId: "x1" } }) { id } }"#,
        ),
        ("imageMediaId", r#"mutation { createProduct(input: { title: "P", imageMediaId: "seven" }) { id } }"#),
        (
            "widgets.productId",
            r#"mutation { putSidebar(slug: "s", input: { title: "S", widgets: [{ kind: PRODUCT, productId: "1.5" }] }) { id } }"#,
        ),
        (
            "widgets.authorId",
            r#"mutation { putSidebar(slug: "s", input: { title: "S", widgets: [{ kind: AUTHOR_BIO, authorId: "me" }] }) { id } }"#,
        ),
        ("id", r#"mutation { deleteProduct(id: "one") }"#),
    ];
    for (field, query) in cases {
        let answer = app.graphql_as(&admin, query, json!({}));
        assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{field}: {answer}");
        assert_eq!(answer["errors"][0]["extensions"]["field"], field, "{answer}");
    }
    let drafts = app.get_with("/api/v1/posts?status=draft", &[("authorization", &format!("Bearer {admin}"))]).json();
    assert!(drafts["data"].as_array().unwrap().iter().all(|p| p["title"] != "T"), "no post was made: {drafts}");
    assert_eq!(app.get("/api/v1/sidebars/s").status, 404, "no sidebar was made");
}
