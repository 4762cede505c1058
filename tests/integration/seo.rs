//! SEO fields (set, derived when empty, cleared) and public URLs from the frontend's templates,
//! in REST, GraphQL and the feeds.

use serde_json::json;

use crate::support::{Backend, TestApp};

backend_tests!(seo_fields_take_defaults_until_set, public_urls_follow_the_templates);

fn seo_fields_take_defaults_until_set(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let body = json!({
        "title": "The Rug",
        "body_markdown": "It really tied the room together.",
        "status": "published",
        "featured_image": { "url": "https://images.example/rug.jpg", "alt": "A rug" },
    });
    let made = app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]).json();
    let id = made["id"].clone();
    let seo = &made["seo"];
    assert_eq!(seo["meta_title"], "The Rug");
    assert_eq!(seo["meta_description"], "It really tied the room together.");
    assert_eq!(seo["og_image"], "https://images.example/rug.jpg");
    assert_eq!(seo["canonical_url"], made["url"], "canonical: the public URL");
    assert_eq!(seo["noindex"], false);

    let set = json!({ "seo": {
        "meta_title": "Rugs | The Dude's",
        "meta_description": "Rugs that tie rooms together.",
        "canonical_url": "https://elsewhere.example/rug",
        "og_image": "https://images.example/card.png",
        "noindex": true,
    }});
    let edited = app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&set), &[]);
    assert_eq!(edited.status, 200, "{}", edited.body);
    let page = app.get("/api/v1/posts/the-rug").json();
    assert_eq!(page["seo"]["meta_title"], "Rugs | The Dude's");
    assert_eq!(page["seo"]["canonical_url"], "https://elsewhere.example/rug");
    assert_eq!(page["seo"]["og_image"], "https://images.example/card.png");
    assert_eq!(page["seo"]["noindex"], true);
    // Only the fields given change; null clears one back to its default.
    let clear = json!({ "seo": { "meta_title": null } });
    app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&clear), &[]);
    let page = app.get("/api/v1/posts/the-rug").json();
    assert_eq!(page["seo"]["meta_title"], "The Rug");
    assert_eq!(page["seo"]["meta_description"], "Rugs that tie rooms together.");
    assert_eq!(page["seo"]["noindex"], true);

    for (field, value) in [
        ("canonical_url", json!("javascript:alert(1)")),
        ("og_image", json!("/relative.png")),
        ("meta_description", json!("x".repeat(501))),
        ("meta_title", json!("\u{0}")),
    ] {
        let bad = json!({ "seo": { field: value } });
        let refused = app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&bad), &[]);
        assert_eq!(refused.problem(422)["errors"][0]["field"], format!("seo.{field}"));
    }
    let unknown = app.send(
        "PATCH",
        &format!("/api/v1/posts/{id}"),
        Some(&admin),
        Some(&json!({ "seo": { "keywords": "x" } })),
        &[],
    );
    assert_eq!(unknown.status, 422, "{}", unknown.body);

    // GraphQL reads the same, and writes them too.
    let read = app.graphql(
        "{ post(slug: \"the-rug\") { url seo { metaTitle metaDescription canonicalUrl ogImage noindex } } }",
        json!({}),
    );
    assert_eq!(read["data"]["post"]["seo"]["metaDescription"], "Rugs that tie rooms together.");
    assert_eq!(read["data"]["post"]["seo"]["noindex"], true);
    let write = app.graphql_as(
        &admin,
        "mutation($id: ID!) { updatePost(id: $id, input: { seo: { noindex: false, ogImage: null } }) { seo { noindex ogImage } } }",
        json!({ "id": id.to_string() }),
    );
    assert_eq!(write["data"]["updatePost"]["seo"]["noindex"], false, "{write}");
    assert_eq!(
        write["data"]["updatePost"]["seo"]["ogImage"], "https://images.example/rug.jpg",
        "back to the featured image"
    );
}

fn public_urls_follow_the_templates(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| {
        config.urls.posts = colophon_domain::UrlTemplate::parse("https://dude.example/{yyyy}/{mm}/{slug}").unwrap();
    }) else {
        return;
    };
    let admin = app.admin_token();
    let post = app.get(&format!("/api/v1/posts/{}", crate::support::DEMO_POST)).json();
    assert_eq!(post["url"], format!("https://dude.example/2010/04/{}", crate::support::DEMO_POST));
    let listed = app.get("/api/v1/posts?limit=1&fields=slug,url").json();
    assert!(listed["data"][0]["url"].as_str().unwrap().starts_with("https://dude.example/"), "{listed}");
    // A draft without a date has no address yet under a dated template.
    let draft = app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Undated" })), &[]).json();
    assert!(draft["url"].is_null(), "{draft}");
    // The feed links where the frontend shows each post.
    let feed = app.get("/feed.atom").body;
    assert!(feed.contains(&format!("href=\"https://dude.example/2010/04/{}\"", crate::support::DEMO_POST)), "{feed}");
    let graphql = app.graphql(&format!("{{ post(slug: \"{}\") {{ url }} }}", crate::support::DEMO_POST), json!({}));
    assert_eq!(graphql["data"]["post"]["url"], post["url"]);
}
