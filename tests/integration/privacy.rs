use colophon_domain::{Role, Slug};
use colophon_store::NewAuthor;
use serde_json::json;

use crate::support::server::test_now;
use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(private_fields_never_appear_in_rest_or_graphql);

const SECRETS: [&str; 6] =
    ["private.example", "203.0.113.77", "SecretAgent", "editor@colophon.example", "$argon2id$fake-hash", "\"role\""];

fn private_fields_never_appear_in_rest_or_graphql(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let mut conn = app.conn();
    let post_id = app.get(&format!("/api/v1/posts/{DEMO_POST}")).json()["id"].as_i64().unwrap();
    crate::support::fixtures::comment(colophon_domain::PostId(post_id), "Visible").insert(&mut conn);
    colophon_store::insert_author(
        &mut conn,
        &NewAuthor {
            slug: Slug::parse("editor").unwrap(),
            name: "Editor".into(),
            email: Some("editor@colophon.example".into()),
            role: Role::Editor,
            password_hash: Some("$argon2id$fake-hash".into()),
            bio_html: String::new(),
            avatar_url: None,
            website_url: None,
            now: test_now(),
        },
    )
    .unwrap();
    let paths = [
        "/api/v1/posts".to_string(),
        format!("/api/v1/posts/{DEMO_POST}"),
        format!("/api/v1/posts/{DEMO_POST}/comments?limit=100"),
        "/api/v1/authors".to_string(),
        "/api/v1/authors/editor".to_string(),
        "/api/v1/authors/steve-rubel".to_string(),
        "/api/v1/products".to_string(),
        "/api/v1/sidebars".to_string(),
        "/api/v1/sidebars/main".to_string(),
    ];
    for path in &paths {
        let response = app.get(path);
        assert_eq!(response.status, 200, "{path}");
        for secret in SECRETS {
            assert!(!response.body.contains(secret), "{secret} leaked by {path}: {}", response.body);
        }
    }
    assert!(app.get(&format!("/api/v1/posts/{DEMO_POST}/comments?limit=100")).body.contains("Visible says hi"));

    // GraphQL: no type even has a field for private data...
    let schema = app.graphql("{ __schema { types { name fields { name } } } }", json!({}));
    // `Me` is the caller's own record and is private by definition; `ApiKey` is for admins only
    // (its `role` is the key's, and only an admin signed in in person can read it).
    let admin_only = |t: &&serde_json::Value| t["name"] != "Me" && t["name"] != "ApiKey";
    for t in schema["data"]["__schema"]["types"].as_array().unwrap().iter().filter(admin_only) {
        for field in t["fields"].as_array().into_iter().flatten() {
            let name = field["name"].as_str().unwrap().to_lowercase();
            for private in ["email", "ip", "useragent", "password", "passwordhash", "role", "tokenversion"] {
                assert_ne!(name, private, "type {} exposes {name}", t["name"]);
            }
        }
    }
    // ...and the widest query a frontend can make returns none.
    let everything = app.graphql(
        "query($s: String!) { post(slug: $s) { title author { name bio postCount } comments(first: 100) { edges { node { authorName authorUrl bodyHtml isRegistered author { name } } } } sidebar { widgets { kind author { name bio } } } } authors { slug name bio } }",
        json!({ "s": DEMO_POST }),
    );
    let text = everything.to_string();
    assert!(text.contains("Visible says hi"), "{text}");
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} leaked by GraphQL");
    }
}
