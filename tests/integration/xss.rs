//! The XSS corpus (`data/xss-vectors.json`) through the real submission path, the stored HTML
//! checked with an HTML parser against the seed's allowlist.

use std::collections::{HashMap, HashSet};

use colophon_domain::{COMMENT_LINK_REL, COMMENT_TAGS, COMMENT_URL_SCHEMES, comment_attributes};
use colophon_service::Limit;
use serde_json::json;

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(no_xss_vector_yields_anything_outside_the_allowlist, every_allowed_tag_survives_with_its_attributes);

const VECTORS: &str = include_str!("data/xss-vectors.json");

/// An app that takes many comments quickly and publishes them at once.
pub fn open_comments_app(backend: Backend) -> Option<TestApp> {
    let app = TestApp::spawn_with(backend, |config, _| {
        config.comments.per_address = Limit::per_minute(100_000);
    })?;
    let admin = app.admin_token();
    let set =
        app.send("PATCH", "/api/v1/settings", Some(&admin), Some(&json!({ "comment_moderation": "approved" })), &[]);
    assert_eq!(set.status, 200, "{}", set.body);
    Some(app)
}

/// Every element, attribute and URL in `html` is one the allowlist permits; returns the
/// violations found.
pub fn violations(html: &str) -> Vec<String> {
    let allowed_tags: HashSet<&str> = COMMENT_TAGS.iter().copied().chain(["p", "br"]).collect();
    let allowed_attributes: HashMap<&str, HashSet<&str>> = comment_attributes();
    let fragment = scraper::Html::parse_fragment(html);
    let mut found = Vec::new();
    // Walk the document from its root (the tree also holds the detached parsing context).
    for node in fragment.tree.root().descendants() {
        let Some(element) = node.value().as_element() else { continue };
        let name = element.name();
        // The parser's own wrapper around a fragment.
        if name == "html" && node.parent().is_some_and(|p| p.value().is_fragment()) {
            continue;
        }
        if !allowed_tags.contains(name) {
            found.push(format!("element <{name}>"));
        }
        for (attribute, value) in element.attrs() {
            let permitted = allowed_attributes.get(name).is_some_and(|a| a.contains(attribute))
                || (name == "a" && attribute == "rel" && value == COMMENT_LINK_REL);
            if !permitted {
                found.push(format!("attribute {attribute}=\"{value}\" on <{name}>"));
            }
            if attribute == "href" || attribute == "cite" {
                let url = value.trim().to_ascii_lowercase();
                if !COMMENT_URL_SCHEMES.iter().any(|scheme| url.starts_with(&format!("{scheme}:"))) {
                    found.push(format!("URL {value:?} in {attribute}"));
                }
            }
        }
        if name == "a" && element.attr("rel") != Some(COMMENT_LINK_REL) {
            found.push("a link without rel=\"nofollow ugc noopener\"".into());
        }
    }
    found
}

fn no_xss_vector_yields_anything_outside_the_allowlist(backend: Backend) {
    let Some(app) = open_comments_app(backend) else { return };
    let vectors: Vec<String> = serde_json::from_str(VECTORS).expect("the corpus is a JSON array of strings");
    assert!(vectors.len() >= 150, "the corpus has {} vectors", vectors.len());
    let mut stored = 0;
    for (i, vector) in vectors.iter().enumerate() {
        let response = app.post_json(
            &format!("/api/v1/posts/{DEMO_POST}/comments"),
            &json!({ "author_name": format!("Tester {i}"), "body": vector }),
        );
        match response.status {
            201 => stored += 1,
            // Refused: nothing but markup (nothing left once sanitized) or control characters.
            // Nothing is stored, nothing is served.
            422 => continue,
            other => panic!("vector {i} {vector:?}: {other} {}", response.body),
        }
        let id = response.json()["id"].as_i64().unwrap();
        let comment = app.get(&format!("/api/v1/comments/{id}")).json();
        let html = comment["body_html"].as_str().unwrap();
        let problems = violations(html);
        assert!(problems.is_empty(), "vector {i} {vector:?} produced {html:?}: {problems:?}");
    }
    // Most vectors carry text, so the sanitizer's output (not just a refusal) is what was checked.
    assert!(stored >= 100, "only {stored} of {} vectors were stored", vectors.len());
}

fn every_allowed_tag_survives_with_its_attributes(backend: Backend) {
    let Some(app) = open_comments_app(backend) else { return };
    let body = r#"<a href="https://example.com/x" title="Example">link</a> <a href="mailto:steve@example.com">mail</a> <abbr title="Hypertext">HTML</abbr> <acronym title="As Soon As Possible">ASAP</acronym> <b>bold</b> <code>code()</code> <em>em</em> <i>italic</i> <strike>gone</strike> <strong>strong</strong> <blockquote cite="https://example.com/q">quoted</blockquote>"#;
    let response =
        app.post_json(&format!("/api/v1/posts/{DEMO_POST}/comments"), &json!({ "author_name": "Tags", "body": body }));
    assert_eq!(response.status, 201, "{}", response.body);
    let html = app.get(&format!("/api/v1/comments/{}", response.json()["id"])).json()["body_html"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(violations(&html).is_empty(), "{html}");
    for expected in [
        r#"<a href="https://example.com/x" title="Example" rel="nofollow ugc noopener">link</a>"#,
        r#"<a href="mailto:steve@example.com" rel="nofollow ugc noopener">mail</a>"#,
        r#"<abbr title="Hypertext">HTML</abbr>"#,
        r#"<acronym title="As Soon As Possible">ASAP</acronym>"#,
        "<b>bold</b>",
        "<code>code()</code>",
        "<em>em</em>",
        "<i>italic</i>",
        "<strike>gone</strike>",
        "<strong>strong</strong>",
        r#"<blockquote cite="https://example.com/q">quoted</blockquote>"#,
    ] {
        assert!(html.contains(expected), "{expected} missing from {html}");
    }
    // The seed's own comments round-trip: text in, the same text out as paragraphs.
    let seed = "I do business with people that I like.\n\nSometimes it takes personal interaction.\nReally.";
    let response = app.post_json(
        &format!("/api/v1/posts/{DEMO_POST}/comments"),
        &json!({ "author_name": "Julie Fogg", "body": seed }),
    );
    let html = app.get(&format!("/api/v1/comments/{}", response.json()["id"])).json()["body_html"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        html,
        "<p>I do business with people that I like.</p><p>Sometimes it takes personal interaction.<br>Really.</p>"
    );
    let stored = app.get(&format!("/api/v1/posts/{DEMO_POST}/comments?limit=100")).json();
    let josh = stored["data"].as_array().unwrap().iter().find(|c| c["author_name"] == "Josh Moore").unwrap().clone();
    assert!(josh["body_html"].as_str().unwrap().starts_with("<p>Hi Steve,</p><p>I have been experimenting"), "{josh}");
}
