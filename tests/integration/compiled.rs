//! The read compiler: a list whose JSON the database writes says, post by post, exactly what each
//! post's own page says (written by serde), on both backends.

use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

backend_tests!(
    compiled_lists_say_what_each_post_page_says,
    compiled_lists_keep_the_fields_asked_for_in_order,
    compiled_pages_say_what_assembled_pages_say,
    compiled_graphql_posts_say_what_resolvers_say
);

/// The fields a list's post shares with the post's page.
const SUMMARY: [&str; 14] = [
    "id",
    "slug",
    "title",
    "excerpt",
    "status",
    "published_at",
    "updated_at",
    "author",
    "featured_image",
    "tags",
    "comments_enabled",
    "comment_count",
    "url",
    "custom_fields",
];

fn compiled_lists_say_what_each_post_page_says(backend: Backend) {
    // A dated address with a quote in it: the template's text reaches SQL as a literal.
    let Some(app) = TestApp::spawn_with(backend, |config, _| {
        config.urls.posts =
            colophon_domain::UrlTemplate::parse("https://dude.example/{yyyy}/{mm}/{dd}/{slug}?id={id}&o='k'").unwrap();
    }) else {
        return;
    };
    let admin = app.admin_token();
    let odd = [
        // Times with a fraction of a second in milliseconds and in microseconds, a title JSON
        // must escape, an image with a credit alone, tags in an order of their own.
        json!({ "title": "Quotes \" and \\ and \t and 🎳 <b>", "status": "published",
                "published_at": "2010-04-20T15:00:00.25Z", "tags": ["zebra", "apple", "mango"],
                "featured_image": { "credit": "Image via Snorgtees" } }),
        json!({ "title": "Micro", "status": "published", "published_at": "2009-01-02T03:04:05.123456Z",
                "excerpt": "Ünïcödé — “curly”", "comments_enabled": false,
                "featured_image": { "url": "https://img.example/a.jpg", "alt": "An alt", "credit": "C" } }),
        json!({ "title": "Plain", "status": "published", "published_at": "2008-12-31T23:59:59Z",
                "custom_fields": { "sub": "Über \"x\"", "n": 3, "ok": true } }),
    ];
    for (name, kind) in [("sub", "text"), ("n", "integer"), ("ok", "boolean")] {
        let spec = json!({ "type": kind });
        let made = app.send("PUT", &format!("/api/v1/fields/posts/{name}"), Some(&admin), Some(&spec), &[]);
        assert_eq!(made.status, 201, "{}", made.body);
    }
    for body in &odd {
        let created = app.send("POST", "/api/v1/posts", Some(&admin), Some(body), &[]);
        assert_eq!(created.status, 201, "{}", created.body);
    }
    let mut listed = Vec::new();
    let mut path = "/api/v1/posts?limit=2".to_string();
    loop {
        let page = app.get(&path).json();
        listed.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/posts?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert!(listed.len() >= 4, "{listed:?}");
    for (i, title) in ["Quotes", "Micro", "Plain"].iter().enumerate() {
        assert!(listed.iter().any(|p| p["title"].as_str().unwrap().starts_with(title)), "post {i} listed");
    }
    for item in &listed {
        // With `fields`, the page is assembled by serde: a second, independent writer.
        let page =
            app.get(&format!("/api/v1/posts/{}?fields={}", item["slug"].as_str().unwrap(), SUMMARY.join(","))).json();
        let expected: serde_json::Map<String, Value> =
            SUMMARY.iter().map(|field| (field.to_string(), page[*field].clone())).collect();
        assert_eq!(item, &Value::Object(expected), "the list's post and its page differ");
    }
    let micro = listed.iter().find(|p| p["title"] == "Micro").unwrap();
    assert_eq!(micro["published_at"], "2009-01-02T03:04:05.123456Z");
    assert_eq!(micro["url"], format!("https://dude.example/2009/01/02/micro?id={}&o='k'", micro["id"]));
    let quoted = listed.iter().find(|p| p["title"].as_str().unwrap().starts_with("Quotes")).unwrap();
    assert_eq!(quoted["published_at"], "2010-04-20T15:00:00.250Z");
    let tags: Vec<&str> = quoted["tags"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(tags, ["zebra", "apple", "mango"]);
    assert_eq!(
        quoted["featured_image"],
        json!({ "url": null, "alt": null, "credit": "Image via Snorgtees",
        "media_id": null, "width": null, "height": null })
    );

    // Filtered and sorted lists are compiled the same way.
    let sorted = app.get("/api/v1/posts?sort=title&filter=published_at:%3C'2010-01-01'").json();
    let titles: Vec<&str> = sorted["data"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Micro", "Plain"]);
    assert_eq!(sorted["data"][0], *micro);
}

fn compiled_lists_keep_the_fields_asked_for_in_order(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let answer = app.get("/api/v1/posts?fields=url,title,id,title,snippet&limit=3");
    let page = answer.json();
    for item in page["data"].as_array().unwrap() {
        let mut keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["id", "title", "url"], "{item}");
    }
    // In the order asked for, each once (a parser would hide a repeated name).
    let text = answer.body.replace(' ', "");
    assert_eq!(text.matches("\"title\":").count(), 3, "{text}");
    assert!(text.starts_with("{\"data\":[{\"url\":"), "{text}");
    let full = app.get("/api/v1/posts?limit=3").json();
    assert_eq!(page["data"][0]["title"], full["data"][0]["title"]);
    assert_eq!(page["next_cursor"], full["next_cursor"]);
    let bad = app.get("/api/v1/posts?fields=email");
    assert!(bad.problem(400)["detail"].as_str().unwrap().contains("unknown field email"), "{}", bad.body);
}

/// Every field of a post's page: asking for them all (`fields=`) takes the assembled path.
const PAGE_FIELDS: &str = "url,seo,id,slug,title,excerpt,status,published_at,updated_at,author,featured_image,tags,\
comments_enabled,comment_count,custom_fields,version,body_markdown,body_html,previous,next,sidebar,comments";

fn compiled_pages_say_what_assembled_pages_say(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| {
        config.urls.posts = colophon_domain::UrlTemplate::parse("https://dude.example/{yyyy}/{slug}").unwrap();
    }) else {
        return;
    };
    let admin = app.admin_token();
    // Custom fields of each kind of JSON value, one of them for staff only.
    for (name, spec) in [
        ("subtitle", json!({ "type": "text" })),
        ("minutes", json!({ "type": "number" })),
        ("cast", json!({ "type": "list", "of": "text" })),
        ("notes", json!({ "type": "markdown", "public": false })),
        ("live", json!({ "type": "boolean" })),
    ] {
        let made = app.send("PUT", &format!("/api/v1/fields/posts/{name}"), Some(&admin), Some(&spec), &[]);
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let values = json!({ "subtitle": "Odd \" \u{e9}", "minutes": 2.5, "cast": ["Walter", "Donny"], "notes": "*x*",
        "live": false });
    let seo = json!({ "meta_title": "Own title", "canonical_url": "https://elsewhere.example/x", "noindex": true });
    let body = json!({ "title": "Odd \" one", "status": "published", "published_at": "2011-02-03T04:05:06.7Z",
        "excerpt": "word ".repeat(60), "body_markdown": "Some *Markdown*", "tags": ["b", "a"], "seo": seo,
        "featured_image": { "url": "https://img.example/p.jpg", "alt": "Alt" }, "custom_fields": values });
    let created = app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]);
    assert_eq!(created.status, 201, "{}", created.body);
    let list = app.get("/api/v1/posts?limit=100").json();
    let slugs: Vec<String> =
        list["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_string()).collect();
    assert!(slugs.contains(&crate::support::DEMO_POST.to_string()) && slugs.len() >= 3, "{slugs:?}");
    for slug in &slugs {
        for include in
            ["", "include=comments", "include=comments&comments_limit=5", "include=comments&comments_limit=100"]
        {
            for token in [None, Some(admin.as_str())] {
                let path = format!("/api/v1/posts/{slug}?{include}");
                let compiled = app.send("GET", &path, token, None, &[]);
                assert_eq!(compiled.status, 200, "{}", compiled.body);
                let assembled = app.send("GET", &format!("{path}&fields={PAGE_FIELDS}"), token, None, &[]);
                assert_eq!(compiled.json(), assembled.json(), "{path} (signed in: {})", token.is_some());
            }
        }
    }
    // The demo page holds all there is: a sidebar of products, a bio and HTML, a paged thread.
    let demo =
        app.get(&format!("/api/v1/posts/{}?include=comments&comments_limit=5", crate::support::DEMO_POST)).json();
    assert_eq!(demo["sidebar"]["widgets"].as_array().unwrap().len(), 5, "{demo}");
    assert!(demo["comments"]["next_cursor"].is_string() && demo["previous"].is_object(), "{demo}");
    let odd = app.get("/api/v1/posts/odd-one").json();
    assert_eq!(odd["seo"]["meta_title"], "Own title");
    assert_eq!(odd["published_at"], "2011-02-03T04:05:06.700Z");
    assert!(odd.get("body_markdown").is_none(), "the public never sees the source");
    let own = app.send("GET", "/api/v1/posts/odd-one", Some(&admin), None, &[]).json();
    assert_eq!(own["body_markdown"], "Some *Markdown*");
    assert_eq!((odd["custom_fields"]["minutes"].clone(), odd["custom_fields"].get("notes")), (json!(2.5), None));
    assert_eq!(own["custom_fields"]["notes"]["markdown"], "*x*");
}

/// Every field of a post the read compiler writes for GraphQL, with aliases, fragments, both
/// shapes of a connection and two of them side by side.
const GRAPH_PAGE: &str = "query Page($slug: String!, $n: Int!) { post(slug: $slug) {
  __typename id slug headline: title excerpt bodyHtml version status publishedAt updatedAt commentsEnabled url
  commentCount featuredImage { __typename url alt credit mediaId width height }
  author { __typename id slug name bio avatarUrl websiteUrl } tags { __typename slug name description }
  previous { __typename id slug title publishedAt } next { ...Link }
  sidebar { __typename id slug title widgets { __typename kind html author { name bio }
    product { __typename id title url imageUrl image { url alt credit } contributorLabel contributors edition } } }
  comments(first: $n) { __typename edges { __typename node { ...C } } nodes { id } pageInfo { __typename hasNextPage hasPreviousPage } }
  all: comments(first: 100, order: OLDEST) { nodes { ...C } pageInfo { hasNextPage } }
  ... on Post { again: slug }
} }
fragment Link on PostLink { id slug title publishedAt }
fragment C on Comment { __typename id parentId authorName authorUrl isRegistered bodyHtml depth status createdAt }";

fn compiled_graphql_posts_say_what_resolvers_say(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| {
        config.cache = false;
        config.urls.posts = colophon_domain::UrlTemplate::parse("https://dude.example/{yyyy}/{slug}").unwrap();
    }) else {
        return;
    };
    let admin = app.admin_token();
    let body = json!({ "title": "Odd \" one", "status": "published", "published_at": "2011-02-03T04:05:06.7Z",
        "tags": ["b", "a"], "featured_image": { "credit": "Image via Snorgtees" } });
    assert_eq!(app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]).status, 201);
    // A directive anywhere in the document leaves it to the resolvers: the same document,
    // answered field by field, is the reference.
    let resolved_page = GRAPH_PAGE.replacen("__typename id slug", "__typename @include(if: true) id slug", 1);
    let list = app.get("/api/v1/posts?limit=100").json();
    let slugs: Vec<&str> = list["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert!(slugs.contains(&crate::support::DEMO_POST) && slugs.contains(&"odd-one"), "{slugs:?}");
    for slug in slugs {
        for n in [1, 5, 100] {
            let variables = json!({ "slug": slug, "n": n });
            let (compiled, statements) = app.count_queries(|| app.graphql(GRAPH_PAGE, variables.clone()));
            let (resolved, resolvers) = app.count_queries(|| app.graphql(&resolved_page, variables.clone()));
            assert!(compiled.get("errors").is_none() && resolved.get("errors").is_none(), "{compiled} {resolved}");
            assert_eq!(compiled, resolved, "{slug}, first {n}");
            assert_eq!(statements, 1, "{slug}: the compiled post is one statement");
            assert!(resolvers > 1, "{slug}: the reference took the resolvers' path");
            let signed_in = app.graphql_as(&admin, GRAPH_PAGE, variables);
            assert_eq!(signed_in, compiled, "{slug}, signed in");
        }
    }
    let demo = app.graphql(GRAPH_PAGE, json!({ "slug": crate::support::DEMO_POST, "n": 5 }));
    let post = &demo["data"]["post"];
    assert_eq!(post["sidebar"]["widgets"].as_array().unwrap().len(), 5, "{demo}");
    assert_eq!(post["comments"]["pageInfo"]["hasNextPage"], true, "{demo}");
    assert_eq!(post["comments"]["edges"].as_array().unwrap().len(), 5, "{demo}");
    let odd = app.graphql(GRAPH_PAGE, json!({ "slug": "odd-one", "n": 5 }));
    assert_eq!(odd["data"]["post"]["publishedAt"], "2011-02-03T04:05:06.700+00:00", "{odd}");
    assert_eq!(odd["data"]["post"]["headline"], "Odd \" one", "{odd}");
    assert_eq!(odd["data"]["post"]["url"], "https://dude.example/2011/odd-one", "{odd}");

    // Fields spelled twice, in fragments too, merge as GraphQL merges them: still one statement.
    let merged = "query($s: String!) { post(slug: $s) { ...Card title author { bio } } }
        fragment Card on Post { title slug author { name } }";
    let (answer, statements) = app.count_queries(|| app.graphql(merged, json!({ "s": "odd-one" })));
    assert_eq!(statements, 1, "{answer}");
    let resolved =
        app.graphql(&merged.replacen("title author", "title @include(if: true) author", 1), json!({ "s": "odd-one" }));
    assert_eq!(answer, resolved);
    let author = answer["data"]["post"]["author"].as_object().unwrap();
    assert!(author.contains_key("name") && author.contains_key("bio"), "{answer}");

    // What the compiler does not write is answered by the resolvers: a draft for its author,
    // the Markdown, a field with an argument it does not know, a missing post.
    let draft = json!({ "title": "Secret draft", "body_markdown": "*hidden*" });
    assert_eq!(app.send("POST", "/api/v1/posts", Some(&admin), Some(&draft), &[]).status, 201);
    let query = "query($s: String!) { post(slug: $s) { title status bodyMarkdown comments(first: 2, order: THREAD) { nodes { id } } } }";
    let own = app.graphql_as(&admin, query, json!({ "s": "secret-draft" }));
    assert_eq!(own["data"]["post"]["status"], "DRAFT", "{own}");
    assert_eq!(own["data"]["post"]["bodyMarkdown"], "*hidden*", "{own}");
    let public = app.graphql("query($s: String!) { post(slug: $s) { title } }", json!({ "s": "secret-draft" }));
    assert_eq!(public["data"]["post"], Value::Null, "{public}");
    let missing = app.graphql("{ post(slug: \"no-such-post\") { title } }", json!({}));
    assert_eq!(missing["data"]["post"], Value::Null, "{missing}");
    let too_many = app.graphql("{ post(slug: \"odd-one\") { comments(first: 101) { nodes { id } } } }", json!({}));
    assert!(too_many["errors"][0]["message"].as_str().unwrap().contains("between 1 and 100"), "{too_many}");
}
