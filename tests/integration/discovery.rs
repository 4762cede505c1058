//! Feeds (Atom, RSS 2.0, JSON Feed; the site's, a tag's, an author's), the sitemap and its index,
//! and tags with counts and descriptions, read back by an independent feed parser and an XML
//! parser as feed readers and crawlers would.

use serde_json::json;

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    every_feed_parses_in_its_format_and_links_to_public_urls,
    the_sitemap_lists_indexable_posts_and_becomes_an_index_past_its_size,
    tags_have_counts_descriptions_and_editors,
    related_posts_share_the_most_tags_then_are_newest,
);

fn parse_feed(app: &TestApp, path: &str, content_type: &str) -> feed_rs::model::Feed {
    let response = app.get(path);
    assert_eq!(response.status, 200, "{path}: {}", response.body);
    assert!(
        response.header("content-type").unwrap().starts_with(content_type),
        "{path}: {:?}",
        response.header("content-type")
    );
    if !content_type.contains("json") {
        roxmltree::Document::parse(&response.body).unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"));
    }
    feed_rs::parser::parse(response.body.as_bytes()).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

fn every_feed_parses_in_its_format_and_links_to_public_urls(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| {
        config.urls.posts = colophon_domain::UrlTemplate::parse("https://dude.example/{slug}/").unwrap();
    }) else {
        return;
    };
    let formats = [("atom", "application/atom+xml"), ("rss", "application/rss+xml"), ("json", "application/feed+json")];
    for prefix in ["", "/tags/personal-branding", "/authors/steve-rubel"] {
        for (extension, content_type) in formats {
            let path = format!("{prefix}/feed.{extension}");
            let feed = parse_feed(&app, &path, content_type);
            assert!(!feed.entries.is_empty(), "{path}");
            let demo = feed
                .entries
                .iter()
                .find(|e| e.links.iter().any(|l| l.href == format!("https://dude.example/{DEMO_POST}/")))
                .unwrap_or_else(|| panic!("{path}: no entry links to the demo post's public URL"));
            assert!(demo.title.as_ref().unwrap().content.contains("Converging"), "{path}");
            assert!(demo.published.is_some(), "{path}");
            if prefix.is_empty() {
                assert_eq!(feed.entries.len(), 3, "{path}: the three published demo posts");
            }
        }
    }
    // A tag or author with no published post has no feed.
    assert_eq!(app.get("/tags/no-such-tag/feed.rss").status, 404);
    assert_eq!(app.get("/authors/nobody/feed.json").status, 404);
    // Validators and HEAD, as for every read.
    let first = app.get("/feed.rss");
    let etag = first.header("etag").unwrap().to_string();
    assert_eq!(app.get_with("/feed.rss", &[("if-none-match", &etag)]).status, 304);
    let head = app.send("HEAD", "/feed.json", None, None, &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

fn the_sitemap_lists_indexable_posts_and_becomes_an_index_past_its_size(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| {
        config.sitemap_size = 2;
        config.urls.posts = colophon_domain::UrlTemplate::parse("https://dude.example/{id}/{slug}").unwrap();
    }) else {
        return;
    };
    let admin = app.admin_token();
    let locs = |body: &str| -> Vec<String> {
        let document = roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("not well-formed: {e}\n{body}"));
        document.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap().to_string()).collect()
    };
    // Three published demo posts, two a file: an index of two.
    let index = app.get("/sitemap.xml");
    assert_eq!(index.status, 200);
    assert!(index.header("content-type").unwrap().starts_with("application/xml"));
    assert!(
        index.body.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
        "{}",
        index.body
    );
    let files = locs(&index.body);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[0].ends_with("/sitemaps/1.xml"), "{files:?}");
    let mut urls = locs(&app.get("/sitemaps/1.xml").body);
    urls.extend(locs(&app.get("/sitemaps/2.xml").body));
    assert_eq!(urls.len(), 3, "{urls:?}");
    assert!(urls.iter().all(|u| u.starts_with("https://dude.example/")), "{urls:?}");
    assert!(urls.iter().any(|u| u.ends_with(DEMO_POST)));
    assert!(app.get("/sitemaps/1.xml").body.contains("<lastmod>"), "lastmod on every address");
    assert_eq!(app.get("/sitemaps/3.xml").status, 404);
    assert_eq!(app.get("/sitemaps/0.xml").status, 404);
    assert_eq!(app.get("/sitemaps/x.xml").status, 404);

    // A noindex post and a draft are left out: two addresses, one file again.
    let demo = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    let noindex = json!({ "seo": { "noindex": true } });
    let edited = app.send("PATCH", &format!("/api/v1/posts/{}", demo["id"]), Some(&admin), Some(&noindex), &[]);
    assert_eq!(edited.status, 200, "{}", edited.body);
    app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Unfinished" })), &[]);
    let sitemap = app.get("/sitemap.xml");
    assert!(sitemap.body.contains("<urlset"), "{}", sitemap.body);
    let urls = locs(&sitemap.body);
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert!(!urls.iter().any(|u| u.ends_with(DEMO_POST)), "the noindex post is left out: {urls:?}");
    assert_eq!(app.get("/sitemaps/1.xml").status, 404, "no parts when there is no index");
    let etag = sitemap.header("etag").unwrap().to_string();
    assert_eq!(app.get_with("/sitemap.xml", &[("if-none-match", &etag)]).status, 304);
    assert_eq!(app.send("HEAD", "/sitemap.xml", None, None, &[]).status, 200);
}

fn tags_have_counts_descriptions_and_editors(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let listed = app.get("/api/v1/tags").json();
    let tags = listed["data"].as_array().unwrap();
    let branding = tags.iter().find(|t| t["slug"] == "personal-branding").unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(branding["name"], "Personal Branding");
    assert!(branding["post_count"].as_i64().unwrap() >= 1);
    // A tag only a draft carries is nobody's business yet.
    let draft = json!({ "title": "Secret launch", "tags": ["Project Nightfall"] });
    app.send("POST", "/api/v1/posts", Some(&admin), Some(&draft), &[]);
    assert!(!app.get("/api/v1/tags").body.contains("project-nightfall"));
    assert_eq!(app.get("/api/v1/tags/project-nightfall").status, 404);

    // Editors write descriptions and rename; others may not; the slug stays.
    let (_, author) = app.user("walter", "author");
    let change = json!({ "name": "Branding", "description": "On being yourself in public." });
    let refused = app.send("PATCH", "/api/v1/tags/personal-branding", Some(&author), Some(&change), &[]);
    assert_eq!(refused.status, 403, "{}", refused.body);
    let before = app.get("/api/v1/tags/personal-branding").json();
    assert_eq!(before["description"], "");
    let changed = app.send("PATCH", "/api/v1/tags/personal-branding", Some(&admin), Some(&change), &[]);
    assert_eq!(changed.status, 200, "{}", changed.body);
    let after = app.get("/api/v1/tags/personal-branding").json();
    assert_eq!(after["description"], "On being yourself in public.", "the cached tag was dropped");
    assert_eq!(after["name"], "Branding");
    let post = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json();
    assert!(
        post["tags"].as_array().unwrap().iter().any(|t| t["name"] == "Branding"),
        "posts show the new name: {post}"
    );
    let empty = app.send("PATCH", "/api/v1/tags/personal-branding", Some(&admin), Some(&json!({})), &[]);
    assert_eq!(empty.status, 422);
    let missing = app.send("PATCH", "/api/v1/tags/no-such-tag", Some(&admin), Some(&change), &[]);
    assert_eq!(missing.status, 404);
    // Its posts are the list filtered by it.
    let posts = app.get("/api/v1/posts?tag=personal-branding").json();
    assert_eq!(posts["data"].as_array().unwrap().len() as i64, after["post_count"].as_i64().unwrap());

    // GraphQL: the list, one tag with its posts, and the change.
    let read = app.graphql(
        "{ tags(first: 10) { edges { cursor node { slug postCount } } } \
           tag(slug: \"personal-branding\") { name description postCount posts(first: 5) { edges { node { slug } } } } }",
        json!({}),
    );
    assert!(read["errors"].is_null(), "{read}");
    assert_eq!(read["data"]["tag"]["description"], "On being yourself in public.");
    assert_eq!(read["data"]["tag"]["posts"]["edges"][0]["node"]["slug"], DEMO_POST);
    let write = app.graphql_as(
        &admin,
        "mutation { updateTag(slug: \"personal-branding\", input: { description: \"\" }) { description } }",
        json!({}),
    );
    assert_eq!(write["data"]["updateTag"]["description"], "", "{write}");
    let none = app.graphql("{ tag(slug: \"project-nightfall\") { slug } }", json!({}));
    assert!(none["data"]["tag"].is_null(), "{none}");
}

fn related_posts_share_the_most_tags_then_are_newest(backend: Backend) {
    let Some(app) = TestApp::spawn_empty(backend) else { return };
    let admin = app
        .colophon
        .create_author_unchecked("editor@colophon.test", "Ed", colophon_domain::Role::Admin, "a long enough password")
        .unwrap();
    let token = app.login(&admin.email.unwrap(), "a long enough password");
    let post = |title: &str, tags: &[&str], status: &str| {
        let body = json!({ "title": title, "tags": tags, "status": status });
        let made = app.send("POST", "/api/v1/posts", Some(&token), Some(&body), &[]);
        assert_eq!(made.status, 201, "{}", made.body);
        made.json()["slug"].as_str().unwrap().to_string()
    };
    let a = post("Alpha", &["x", "y", "z"], "published");
    let b = post("Bravo", &["x", "y"], "published");
    let c = post("Charlie", &["x"], "published");
    post("Delta", &["x", "y", "z"], "draft");
    post("Echo", &[], "published");
    let f = post("Foxtrot", &["z"], "published");
    let related = |query: &str| -> Vec<String> {
        let page = app.get(&format!("/api/v1/posts/{a}?{query}")).json();
        page["related"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"))
            .iter()
            .map(|p| p["slug"].as_str().unwrap().to_string())
            .collect()
    };
    // Bravo shares two tags; Foxtrot and Charlie one each, the newer first; drafts never.
    assert_eq!(related("include=related"), [b.clone(), f.clone(), c.clone()]);
    assert_eq!(related("include=related&related_limit=1"), std::slice::from_ref(&b));
    assert!(app.get(&format!("/api/v1/posts/{a}")).json()["related"].is_null(), "only when asked for");
    assert_eq!(app.get(&format!("/api/v1/posts/{a}?include=related&related_limit=11")).status, 400);
    // A new post sharing all three comes first at once (the cached answer names the tags' lists).
    let g = post("Golf", &["x", "y", "z"], "published");
    assert_eq!(related("include=related")[0], g);
    let both = app.get(&format!("/api/v1/posts/{a}?include=comments,related")).json();
    assert!(both["comments"].is_object() && both["related"].is_array(), "{both}");

    // GraphQL batches every post's related posts: the same statements for two posts as for all six.
    let query =
        |n: usize| format!("{{ posts(first: {n}) {{ edges {{ node {{ slug related(first: 2) {{ slug }} }} }} }} }}");
    let (two, two_statements) = app.count_queries(|| app.graphql(&query(2), json!({})));
    let (five, five_statements) = app.count_queries(|| app.graphql(&query(6), json!({})));
    assert!(two["errors"].is_null() && five["errors"].is_null(), "{two} {five}");
    assert_eq!(two_statements, five_statements, "constant SQL per page");
    let alpha =
        five["data"]["posts"]["edges"].as_array().unwrap().iter().find(|e| e["node"]["slug"] == a.as_str()).unwrap();
    assert_eq!(alpha["node"]["related"][0]["slug"], g.as_str());
}
