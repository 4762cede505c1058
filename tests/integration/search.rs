//! Full-text search on both backends: a fixed corpus whose queries' top results are asserted in
//! the same order on PostgreSQL (tsvector, ts_rank_cd) and SQLite (FTS5, bm25), the query syntax,
//! snippets, paging over ranked results, drafts for staff, and freshness after an edit.

use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

backend_tests!(
    titles_outrank_excerpts_outrank_bodies,
    phrases_exclusions_prefixes_and_stems,
    snippets_mark_the_match_and_escape_the_rest,
    ranked_results_page_without_gaps_or_repeats,
    staff_search_their_drafts_and_the_public_does_not,
    bad_queries_are_400_naming_q,
    an_edit_changes_what_search_finds,
    graphql_search_agrees_with_rest,
    a_search_ranks_at_most_five_hundred_matches,
);

/// Publishes a post as the admin; returns its slug.
fn publish(app: &TestApp, admin: &str, title: &str, excerpt: Option<&str>, body: &str) -> String {
    let mut post = json!({ "title": title, "body_markdown": body, "status": "published" });
    if let Some(excerpt) = excerpt {
        post["excerpt"] = json!(excerpt);
    }
    let made = app.send("POST", "/api/v1/posts", Some(admin), Some(&post), &[]);
    assert_eq!(made.status, 201, "{}", made.body);
    made.json()["slug"].as_str().unwrap().to_string()
}

fn search(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/posts?q={}", urlencode(query)));
    assert_eq!(response.status, 200, "{query}: {}", response.body);
    response.json()
}

fn slugs(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_string()).collect()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The corpus: one word, `marmot`, in a title, in an excerpt and in a body (not in its first
/// paragraph, which would be its excerpt too).
fn corpus(app: &TestApp, admin: &str) -> [String; 3] {
    let body = publish(app, admin, "Gardening notes", None, "Beans and peas.\n\nWe saw a marmot by the shed.");
    let excerpt = publish(
        app,
        admin,
        "Weekend in the hills",
        Some("A marmot, a lake and a long walk."),
        "Nothing much happened on the walk.",
    );
    let title = publish(app, admin, "The marmot of the valley", None, "It lives under the rocks.");
    [title, excerpt, body]
}

fn titles_outrank_excerpts_outrank_bodies(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let [title, excerpt, body] = corpus(&app, &admin);
    assert_eq!(slugs(&search(&app, "marmot")), [title, excerpt, body]);
    let page = search(&app, "marmot");
    let scores: Vec<f64> = page["data"].as_array().unwrap().iter().map(|p| p["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
    // A word nobody wrote finds nothing.
    assert!(slugs(&search(&app, "wombat")).is_empty());
}

fn phrases_exclusions_prefixes_and_stems(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let rug = publish(&app, &admin, "The rug", None, "That rug really tied the room together, did it not?");
    let apart = publish(&app, &admin, "Apart", None, "The room was tidy; the knot was tied tightly.");
    let bowling = publish(&app, &admin, "League night", None, "Bowling with Walter and Donny, the Lebowski way.");
    let nihilists =
        publish(&app, &admin, "Visitors", None, "Bowling was interrupted by nihilists who believe in nothing.");
    let mut both = slugs(&search(&app, "tied room"));
    both.sort();
    let mut expected = vec![rug.clone(), apart.clone()];
    expected.sort();
    assert_eq!(both, expected, "words anywhere");
    assert_eq!(slugs(&search(&app, "\"tied the room\"")), std::slice::from_ref(&rug), "a phrase, in order");
    let mut bowlers = slugs(&search(&app, "bowling"));
    bowlers.sort();
    let mut expected = vec![bowling.clone(), nihilists.clone()];
    expected.sort();
    assert_eq!(bowlers, expected);
    assert_eq!(slugs(&search(&app, "bowling -nihilists")), std::slice::from_ref(&bowling), "an exclusion");
    assert_eq!(
        slugs(&search(&app, "bowling -\"believe in nothing\"")),
        std::slice::from_ref(&bowling),
        "an excluded phrase"
    );
    assert_eq!(slugs(&search(&app, "lebow*")), std::slice::from_ref(&bowling), "a prefix");
    assert_eq!(slugs(&search(&app, "nihilist")).len(), 1, "a stem: nihilist finds nihilists");
    assert_eq!(slugs(&search(&app, "bowled")).len(), 2, "a stem: bowled finds bowling");
    // Operators of either engine are words like any other here.
    assert!(slugs(&search(&app, "rug OR wombat")).is_empty(), "OR is a word, and nobody wrote wombat");
    assert_eq!(slugs(&search(&app, "title:rug")), slugs(&search(&app, "title rug")));
    // The demo content is searchable too (indexed at start-up or as it was written).
    assert!(!slugs(&search(&app, "publicness")).is_empty());
}

fn snippets_mark_the_match_and_escape_the_rest(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    publish(
        &app,
        &admin,
        "Escapes",
        None,
        "A sentence about `<img src=x onerror=alert(1)>` markup, and then the word periwinkle, and more words after it.",
    );
    let page = search(&app, "periwinkle");
    let snippet = page["data"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>periwinkle</mark>"), "{snippet}");
    assert!(!snippet.contains("<img"), "the body's text is escaped: {snippet}");
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<'), "{snippet}");
}

fn ranked_results_page_without_gaps_or_repeats(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let mut expected = Vec::new();
    for i in 0..23 {
        // Different lengths and counts of the word, so that scores differ (and some tie).
        let body = format!("{} {}", "quokka ".repeat(1 + i % 4), "filler ".repeat(i % 5));
        expected.push(publish(&app, &admin, &format!("Post {i}"), None, &body));
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let page = app.get(&format!("/api/v1/posts?q=quokka&limit=10&cursor={cursor}")).json();
        seen.extend(slugs(&page));
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
        assert!(pages < 10, "paging never ends");
    }
    assert_eq!(pages, 3);
    let first_walk = seen.clone();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected, "every match once");
    // The same search again walks the same order.
    let again = app.get("/api/v1/posts?q=quokka&limit=23").json();
    assert_eq!(slugs(&again), first_walk);
    // A cursor belongs to its search.
    let first = app.get("/api/v1/posts?q=quokka&limit=10").json();
    let stolen = first["next_cursor"].as_str().unwrap();
    let other = app.get(&format!("/api/v1/posts?q=filler&cursor={stolen}"));
    assert_eq!(other.problem(400)["errors"][0]["field"], "cursor");
}

fn staff_search_their_drafts_and_the_public_does_not(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (_, writer) = app.user("maude", "contributor");
    let (_, other) = app.user("brandt", "contributor");
    let admin = app.admin_token();
    let draft = app.send(
        "POST",
        "/api/v1/posts",
        Some(&writer),
        Some(&json!({ "title": "Secret vaginal art", "body_markdown": "Strongly vaginal." })),
        &[],
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    assert!(slugs(&search(&app, "vaginal")).is_empty(), "drafts are not public");
    let own = app.send("GET", "/api/v1/posts?q=vaginal&status=draft", Some(&writer), None, &[]).json();
    assert_eq!(slugs(&own).len(), 1);
    let others = app.send("GET", "/api/v1/posts?q=vaginal&status=draft", Some(&other), None, &[]).json();
    assert!(slugs(&others).is_empty(), "a contributor finds only their own drafts");
    let editor = app.send("GET", "/api/v1/posts?q=vaginal&status=draft", Some(&admin), None, &[]).json();
    assert_eq!(slugs(&editor).len(), 1, "editors find every draft");
    let anonymous = app.get("/api/v1/posts?q=vaginal&status=draft");
    assert_eq!(anonymous.status, 401);
}

fn bad_queries_are_400_naming_q(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for query in ["-rug", "\"\"", "!!!", "b*", &"word ".repeat(20), &"x".repeat(201)] {
        let response = app.get(&format!("/api/v1/posts?q={}", urlencode(query)));
        assert_eq!(response.problem(400)["errors"][0]["field"], "q", "{query:?}");
    }
    // An empty q is no search: the list.
    assert_eq!(app.get("/api/v1/posts?q=").json()["data"].as_array().unwrap().len(), 3);
}

fn an_edit_changes_what_search_finds(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let slug = publish(&app, &admin, "Plain", None, "Nothing to see.");
    assert!(slugs(&search(&app, "axolotl")).is_empty());
    let id = app.get(&format!("/api/v1/posts/{slug}")).json()["id"].clone();
    let edit = app.send(
        "PATCH",
        &format!("/api/v1/posts/{id}"),
        Some(&admin),
        Some(&json!({ "body_markdown": "An axolotl appears." })),
        &[],
    );
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert_eq!(slugs(&search(&app, "axolotl")), std::slice::from_ref(&slug), "the cached empty answer was dropped");
    app.send("DELETE", &format!("/api/v1/posts/{id}"), Some(&admin), None, &[]);
    assert!(slugs(&search(&app, "axolotl")).is_empty(), "deleted posts leave the index");
}

fn graphql_search_agrees_with_rest(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let rest = corpus(&app, &admin).to_vec();
    let query = "query($q: String!, $after: String) { search(query: $q, first: 2, after: $after) { \
                 edges { cursor node { score snippet post { slug } } } pageInfo { hasNextPage endCursor } } }";
    let first = app.graphql(query, json!({ "q": "marmot" }));
    let edges = first["data"]["search"]["edges"].as_array().unwrap().clone();
    assert!(first["data"]["search"]["pageInfo"]["hasNextPage"].as_bool().unwrap());
    let after = first["data"]["search"]["pageInfo"]["endCursor"].as_str().unwrap();
    let second = app.graphql(query, json!({ "q": "marmot", "after": after }));
    let mut found: Vec<String> =
        edges.iter().map(|e| e["node"]["post"]["slug"].as_str().unwrap().to_string()).collect();
    found.extend(
        second["data"]["search"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["post"]["slug"].as_str().unwrap().to_string()),
    );
    assert_eq!(found, rest);
    // The title post matched in its title alone (shown anyway); the next, in its excerpt.
    assert!(edges[1]["node"]["snippet"].as_str().unwrap().contains("<mark>marmot</mark>"), "{edges:?}");
    let bad = app.graphql("{ search(query: \"-x\") { edges { cursor } } }", json!({}));
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{bad}");
}

/// A word in every post must not make one search rank the whole site: 500 matches are ranked
/// (SQLite: the newest; PostgreSQL: the first its index finds), and no more are returned.
fn a_search_ranks_at_most_five_hundred_matches(backend: Backend) {
    let Some(app) = TestApp::spawn_empty(backend) else { return };
    let options = colophon_synthetic::SyntheticOptions { posts: 1100, seed: 3, batch: 550 };
    colophon_synthetic::seed(&mut app.conn(), &options, |_| {}).unwrap();
    app.colophon.invalidate_cache();
    let mut found = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app.get(&format!("/api/v1/posts?q=synthetic&limit=100&fields=id&cursor={cursor}")).json();
        found.extend(page["data"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(found.len(), 500, "1,056 published posts match; 500 are ranked");
    let mut distinct = found.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 500, "each once");
    if backend == Backend::Sqlite {
        // Synthetic posts are published in id order, every 25th a draft: the newest 500 are ranked.
        assert!(*found.iter().min().unwrap() > 550, "{:?}", found.iter().min());
    }
}
