//! Filters and sorts of the public post list: REST `filter=` (Ghost's NQL) and `sort=`, GraphQL
//! `where:` and `orderBy:`; keyset pages of every order; only public fields; bad ones are 400s.

use colophon_domain::{PostStatus, Slug};
use serde_json::{Value, json};

use crate::support::server::test_now;
use crate::support::{Backend, DEMO_POST, TestApp, fixtures};

backend_tests!(
    filters_and_sorts_answer_in_rest,
    where_and_order_by_answer_in_graphql,
    bad_filters_and_sorts_are_400s_naming_them,
    a_list_filtered_by_comment_count_follows_new_comments,
);

/// Six posts, `f-a` (a day old, "alpha") to `f-f` (six days, "foxtrot"), tagged and commented:
///
/// | post | tags | comments |
/// |---|---|---|
/// | f-a | fx-news | 0 |
/// | f-b | fx-news, fx-bowl | 3 |
/// | f-c | fx-bowl | 5 |
/// | f-d | – | 0 |
/// | f-e | fx-news | 1 |
/// | f-f | fx-misc | 0 |
///
/// and a draft tagged fx-news that no list may show.
fn arrange(app: &TestApp) {
    let names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
    let tags: [&[&str]; 6] = [&["fx-news"], &["fx-news", "fx-bowl"], &["fx-bowl"], &[], &["fx-news"], &["fx-misc"]];
    let comments = [0, 3, 5, 0, 1, 0];
    let mut conn = app.conn();
    for (i, name) in names.iter().enumerate() {
        let slug = format!("f-{}", &name[..1]);
        let at = test_now() - chrono::Duration::days(i as i64 + 1);
        let commenters: Vec<String> = (0..comments[i]).map(|n| format!("Reader {n}")).collect();
        let commenters: Vec<&str> = commenters.iter().map(String::as_str).collect();
        let (post, _) = fixtures::post(&slug)
            .title(name)
            .status(PostStatus::Published, Some(at))
            .insert_with_comments(&mut conn, &commenters);
        tag(&mut conn, post.id, tags[i]);
    }
    let draft = fixtures::post("f-draft").title("alpha").insert(&mut conn);
    tag(&mut conn, draft.id, &["fx-news"]);
}

fn tag(conn: &mut colophon_store::DbConnection, post: colophon_domain::PostId, slugs: &[&str]) {
    let wanted: Vec<(Slug, String)> = slugs.iter().map(|s| (Slug::parse(*s).unwrap(), s.to_string())).collect();
    let tags = colophon_store::ensure_tags(conn, &wanted).unwrap();
    colophon_store::set_post_tags(conn, post, &tags).unwrap();
}

/// Percent-encodes a query value (NQL uses `+`, `'`, `[` and `:`).
fn encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn slugs(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_string()).collect()
}

/// Every slug of a REST list, following `next_cursor` `limit` at a time.
fn rest_slugs(app: &TestApp, query: &str, limit: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor = String::new();
    for _ in 0..20 {
        let page = app.get(&format!("/api/v1/posts?{query}&limit={limit}&cursor={cursor}"));
        assert_eq!(page.status, 200, "{query}: {}", page.body);
        let page = page.json();
        let slugs = slugs(&page);
        assert!(slugs.len() <= limit);
        seen.extend(slugs);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => return seen,
        }
    }
    panic!("{query} never ended: {seen:?}");
}

fn filtered(app: &TestApp, filter: &str) -> Vec<String> {
    rest_slugs(app, &format!("filter={}", encoded(filter)), 100)
}

fn filters_and_sorts_answer_in_rest(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    arrange(&app);
    // Newest first unless sorted; drafts never.
    assert_eq!(filtered(&app, "tag:fx-news"), ["f-a", "f-b", "f-e"]);
    assert_eq!(filtered(&app, "tag:[fx-news,fx-bowl]+-tag:fx-misc"), ["f-a", "f-b", "f-c", "f-e"]);
    assert_eq!(filtered(&app, "tag:fx-news+tag:-fx-bowl"), ["f-a", "f-e"], "tag:-x is not tagged x");
    assert_eq!(filtered(&app, "tag:fx-news+comment_count:>0"), ["f-b", "f-e"]);
    assert_eq!(filtered(&app, "tag:fx-bowl,slug:f-f"), ["f-b", "f-c", "f-f"]);
    assert_eq!(filtered(&app, "(tag:fx-bowl,tag:fx-misc)+comment_count:<=3"), ["f-b", "f-f"]);
    assert_eq!(filtered(&app, "title:'charlie',title:[echo,delta]"), ["f-c", "f-d", "f-e"]);
    let four_days = (test_now() - chrono::Duration::days(4)).format("%Y-%m-%d %H:%M:%S");
    assert_eq!(filtered(&app, &format!("published_at:>='{four_days}'+slug:-f-b")), ["f-a", "f-c", "f-d"]);
    let author = app.get("/api/v1/posts/f-a").json()["author"]["slug"].as_str().unwrap().to_string();
    assert_eq!(filtered(&app, &format!("author:{author}+tag:fx-news")), ["f-a", "f-b", "f-e"]);
    assert_eq!(filtered(&app, &format!("-author:{author}+tag:fx-news")), Vec::<String>::new());
    assert_eq!(filtered(&app, "author:[nobody-here]"), Vec::<String>::new());
    // A `+` decoded as a space (an unencoded URL) is still an and.
    let spaced = app.get("/api/v1/posts?filter=tag:fx-news+comment_count:%3E0").json();
    assert_eq!(slugs(&spaced), ["f-b", "f-e"]);
    // Ghost's `order=` is `sort=`; an empty filter or sort filters and sorts nothing.
    assert_eq!(
        rest_slugs(&app, &format!("filter={}&order=title%20desc", encoded("tag:fx-news")), 2),
        ["f-e", "f-b", "f-a"]
    );
    assert_eq!(app.get("/api/v1/posts?q=alpha&filter=&sort=").status, 200);
    // `tag=` and `filter=` hold together.
    assert_eq!(rest_slugs(&app, &format!("tag=fx-bowl&filter={}", encoded("comment_count:>3")), 10), ["f-c"]);

    // Sorted, paged two at a time: every post once, in order, the id breaking ties.
    let mine = encoded("slug:[f-a,f-b,f-c,f-d,f-e,f-f]");
    let by_comments = rest_slugs(&app, &format!("filter={mine}&sort=-comment_count,title"), 2);
    assert_eq!(by_comments, ["f-c", "f-b", "f-e", "f-a", "f-d", "f-f"]);
    assert_eq!(rest_slugs(&app, &format!("filter={mine}&sort=title"), 4), ["f-a", "f-b", "f-c", "f-d", "f-e", "f-f"]);
    assert_eq!(rest_slugs(&app, &format!("filter={mine}&sort=-title"), 5), ["f-f", "f-e", "f-d", "f-c", "f-b", "f-a"]);
    assert_eq!(
        rest_slugs(&app, &format!("filter={mine}&sort=published_at"), 3),
        ["f-f", "f-e", "f-d", "f-c", "f-b", "f-a"]
    );
    assert_eq!(
        rest_slugs(&app, &format!("filter={mine}&sort={}", encoded("comment_count asc,title desc")), 1),
        ["f-f", "f-d", "f-a", "f-e", "f-b", "f-c"]
    );
    // Every post of the site, by title: the demo's among them, none twice.
    let all = rest_slugs(&app, "sort=title", 3);
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((all.len(), unique.len()), (9, 9), "{all:?}");

    // A page never repeats a post when posts change under the cursor.
    let first = app.get(&format!("/api/v1/posts?filter={mine}&sort=-comment_count,title&limit=2")).json();
    assert_eq!(slugs(&first), ["f-c", "f-b"]);
    let post = colophon_domain::PostId(app.get("/api/v1/posts/f-a").json()["id"].as_i64().unwrap());
    let mut conn = app.conn();
    for i in 0..6 {
        fixtures::comment(post, &format!("Late reader {i}")).insert(&mut conn);
    }
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/posts?filter={mine}&sort=-comment_count,title&limit=10&cursor={cursor}"));
    assert_eq!(slugs(&rest.json()), ["f-e", "f-d", "f-f"], "f-a moved ahead of the cursor");
}

const GRAPHQL: &str = "query($where: PostWhere, $order: [PostOrderBy!], $after: String) {
    posts(first: 2, after: $after, where: $where, orderBy: $order) {
        pageInfo { hasNextPage endCursor } edges { cursor node { slug commentCount } } } }";

fn graphql_slugs(app: &TestApp, filter: Value, order: Value) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    for _ in 0..20 {
        let answer = app.graphql(GRAPHQL, json!({ "where": filter, "order": order, "after": after }));
        assert!(answer["errors"].is_null(), "{answer}");
        let connection = &answer["data"]["posts"];
        let edges = connection["edges"].as_array().unwrap();
        seen.extend(edges.iter().map(|e| e["node"]["slug"].as_str().unwrap().to_string()));
        if connection["pageInfo"]["hasNextPage"] == false {
            return seen;
        }
        after = connection["pageInfo"]["endCursor"].clone();
        assert_eq!(after, edges.last().unwrap()["cursor"]);
    }
    panic!("never ended: {seen:?}");
}

fn where_and_order_by_answer_in_graphql(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    arrange(&app);
    let news_or_bowl = json!({ "tag": { "in": ["fx-news", "fx-bowl"] }, "not": { "tag": { "eq": "fx-misc" } } });
    assert_eq!(graphql_slugs(&app, news_or_bowl.clone(), Value::Null), ["f-a", "f-b", "f-c", "f-e"]);
    let by_comments = json!([{ "field": "COMMENT_COUNT", "direction": "DESC" }, { "field": "TITLE" }]);
    assert_eq!(graphql_slugs(&app, news_or_bowl, by_comments), ["f-c", "f-b", "f-e", "f-a"]);
    let since = (test_now() - chrono::Duration::days(3)).and_utc().to_rfc3339();
    let recent_or_commented = json!({
        "slug": { "in": ["f-a", "f-b", "f-c", "f-d", "f-e", "f-f"] },
        "or": [{ "publishedAt": { "gte": since } }, { "commentCount": { "gte": 1 } }],
    });
    assert_eq!(
        graphql_slugs(&app, recent_or_commented, json!([{ "field": "TITLE", "direction": "DESC" }])),
        ["f-e", "f-c", "f-b", "f-a"]
    );
    // The same list as REST's, for the same condition.
    let rest = rest_slugs(&app, &format!("filter={}&sort=-updated_at,title", encoded("tag:fx-news,tag:fx-bowl")), 100);
    let graphql = graphql_slugs(
        &app,
        json!({ "or": [{ "tag": { "eq": "fx-news" } }, { "tag": { "eq": "fx-bowl" } }] }),
        json!([{ "field": "UPDATED_AT", "direction": "DESC" }, { "field": "TITLE" }]),
    );
    assert_eq!(rest, graphql);
}

fn bad_filters_and_sorts_are_400s_naming_them(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for (param, value, expected) in [
        ("filter", "email:a", "`email` is not a field a filter can name"),
        ("filter", "status:draft", "`status` is not a field"),
        ("filter", "author_email:x", "not a field"),
        ("filter", "tag:>news", "only equality"),
        ("filter", "comment_count:many", "not a whole number"),
        ("filter", "published_at:>'last week'", "not a date"),
        ("filter", "(((((tag:a)))))", "nest at most"),
        ("filter", "tag:a+", "a condition is missing"),
        ("sort", "email", "`email` is not a field posts can be sorted by"),
        ("sort", "title,-title", "names `title` twice"),
        ("sort", "title,slug", "not a field posts can be sorted by"),
        ("sort", "title sideways", "a direction is asc or desc"),
    ] {
        let problem = app.get(&format!("/api/v1/posts?{param}={}", encoded(value))).problem(400);
        let text = problem.to_string();
        assert!(text.contains(expected), "{param}={value}: {problem}");
        assert!(text.contains(&format!("\"{param}\"")), "{param}={value} names its parameter: {problem}");
    }
    for (query, expected) in [
        ("q=bowling&sort=title", "takes no filter or sort"),
        ("status=draft&sort=title", "not with status"),
        ("status=draft&sort=-published_at", "not with status"),
    ] {
        let problem = app.get(&format!("/api/v1/posts?{query}")).problem(400);
        assert!(problem.to_string().contains(expected), "{query}: {problem}");
    }
    // A cursor of one order is not a cursor of another.
    let page = app.get("/api/v1/posts?sort=title&limit=1").json();
    let cursor = page["next_cursor"].as_str().unwrap();
    app.get(&format!("/api/v1/posts?sort=-title&limit=1&cursor={cursor}")).problem(400);
    app.get(&format!("/api/v1/posts?limit=1&cursor={cursor}")).problem(400);
    assert_eq!(app.get(&format!("/api/v1/posts?sort=title&limit=1&cursor={cursor}")).status, 200);

    // GraphQL: an error on the field, with its path, naming what is wrong.
    for (filter, order, expected) in [
        (json!({ "tag": { "eq": "Not A Slug" } }), Value::Null, "tag: `Not A Slug`"),
        (json!({}), Value::Null, "names no field"),
        (json!({ "not": { "not": { "not": { "not": { "not": { "tag": { "eq": "a" } } } } } } }), Value::Null, "nests"),
        (Value::Null, json!([{ "field": "TITLE" }, { "field": "TITLE" }]), "names `title` twice"),
    ] {
        let answer = app.graphql(GRAPHQL, json!({ "where": filter, "order": order }));
        let error = &answer["errors"][0];
        assert!(error["message"].as_str().unwrap().contains(expected), "{answer}");
        assert_eq!(error["path"], json!(["posts"]), "{answer}");
    }
    let unknown = app.graphql("{ posts(where: { email: { eq: \"a\" } }) { edges { cursor } } }", json!({}));
    assert!(unknown["errors"][0]["message"].as_str().unwrap().contains("email"), "{unknown}");
    // Thousands of nested `not`s are refused before the parser recurses into them, in the
    // document or in variables, and the server goes on answering.
    let levels = 2_000;
    let deep = format!(
        "{{ posts(where: {}tag: {{ eq: \"a\" }}{}) {{ edges {{ cursor }} }} }}",
        "{not:".repeat(levels),
        "}".repeat(levels)
    );
    let answer = app.graphql(&deep, json!({}));
    assert_eq!(answer["errors"][0]["extensions"]["code"], "QUERY_TOO_DEEP", "{answer}");
    let mut nested = json!({ "tag": { "eq": "a" } });
    for _ in 0..levels {
        nested = json!({ "not": nested });
    }
    let answer = app.post_json("/graphql", &json!({ "query": GRAPHQL, "variables": { "where": nested } }));
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.json()["errors"][0]["message"].is_string(), "{}", answer.body);
    assert_eq!(app.get("/api/v1/posts?sort=title&limit=1").status, 200);
}

/// A list filtered by comment count changes when a post it does not show gains comments: no
/// post of its answer changed, so only the count key can tell the cache.
fn a_list_filtered_by_comment_count_follows_new_comments(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    let count = demo["comment_count"].as_i64().unwrap();
    let path = format!("/api/v1/posts?filter={}", encoded(&format!("comment_count:>{count}")));
    assert_eq!(slugs(&app.get(&path).json()), Vec::<String>::new());
    let again = app.get(&path);
    assert_eq!(again.header("x-colophon-cache"), Some("hit"), "the empty answer is kept");
    let admin = app.admin_token();
    let body = json!({ "body": "One more" });
    let posted = app.send("POST", &format!("/api/v1/posts/{DEMO_POST}/comments"), Some(&admin), Some(&body), &[]);
    assert_eq!(posted.status, 201, "{}", posted.body);
    assert_eq!(slugs(&app.get(&path).json()), [DEMO_POST]);
}
