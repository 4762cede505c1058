//! HTTP as clients, caches and tools expect it: HEAD everywhere GET is, validators and 304 on
//! every read, compression by Accept-Encoding (kept compressed in the cache), no-store honoured,
//! a cache that hot pages survive a flood in, the explorer offline, and the entry points.

use std::io::Read;

use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    head_answers_every_get_route,
    every_read_has_validators_and_answers_304,
    answers_are_compressed_as_the_client_accepts,
    no_store_answers_are_never_replayed,
    hot_pages_survive_a_flood_of_one_off_documents,
    cdns_purge_by_the_keys_an_answer_shows,
);

fn get_routes() -> Vec<String> {
    vec![
        "/".into(),
        "/api/v1/posts".into(),
        format!("/api/v1/posts/{DEMO_POST}"),
        format!("/api/v1/posts/{DEMO_POST}/comments"),
        "/api/v1/authors/steve-rubel".into(),
        "/api/v1/products".into(),
        "/api/v1/sidebars/main".into(),
        "/openapi.json".into(),
        "/docs/".into(),
        "/docs/swagger-ui-bundle.js".into(),
        "/feed.atom".into(),
        format!("/posts/{DEMO_POST}/comments.atom"),
        "/graphql".into(),
        "/graphiql/graphiql.min.js".into(),
        "/healthz".into(),
        "/readyz".into(),
    ]
}

fn head_answers_every_get_route(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for path in get_routes() {
        let get = app.get(&path);
        assert_eq!(get.status, 200, "GET {path}");
        let head = app.send("HEAD", &path, None, None, &[]);
        assert_eq!(head.status, 200, "HEAD {path}: {}", head.body);
        assert!(head.bytes.is_empty(), "HEAD {path} sent a body");
        assert_eq!(head.header("content-type"), get.header("content-type"), "HEAD {path}");
        if let Some(length) = head.header("content-length") {
            assert_eq!(length.parse::<usize>().unwrap(), get.bytes.len(), "HEAD {path}: the GET's length");
        }
        assert_eq!(head.header("etag").is_some(), get.header("etag").is_some(), "HEAD {path}");
    }
    // The README's revalidation example: the ETag from HEAD, then 304.
    let etag = app.send("HEAD", "/api/v1/posts", None, None, &[]).header("etag").unwrap().to_string();
    assert_eq!(app.get_with("/api/v1/posts", &[("If-None-Match", &etag)]).status, 304);
    // 405s name HEAD among the methods a GET route allows.
    let refused = app.send("PUT", "/api/v1/posts", None, None, &[]);
    assert_eq!(refused.status, 405);
    assert_eq!(refused.header("allow"), Some("GET, HEAD, POST"));
    for path in ["/feed.atom", "/openapi.json", "/", "/docs"] {
        let refused = app.send("DELETE", path, None, None, &[]);
        assert_eq!(refused.status, 405, "{path}");
        assert_eq!(refused.header("allow"), Some("GET, HEAD"), "{path}");
    }
}

fn every_read_has_validators_and_answers_304(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    for path in get_routes().into_iter().filter(|p| !p.starts_with("/healthz") && !p.starts_with("/readyz")) {
        let first = app.get(&path);
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path} has no ETag")).to_string();
        assert!(first.header("cache-control").is_some(), "{path} has no Cache-Control");
        let again = app.get_with(&path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.bytes.is_empty());
    }
    // `/` says where things are; `/docs` leads to `/docs/`.
    let index = app.get("/").json();
    assert_eq!(index["links"]["graphql"], "/graphql");
    let docs = app.get("/docs");
    assert_eq!(docs.status, 301);
    assert_eq!(docs.header("location"), Some("/docs/"));
}

fn decode(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
        }
        "br" => {
            brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).unwrap();
        }
        "zstd" => out = zstd::decode_all(bytes).unwrap(),
        other => panic!("{other}"),
    }
    out
}

fn answers_are_compressed_as_the_client_accepts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let path = format!("/api/v1/posts/{DEMO_POST}");
    let identity = app.get(&path);
    assert!(identity.header("content-encoding").is_none(), "nothing asked, nothing compressed");
    assert!(identity.header("vary").is_some_and(|v| v.to_lowercase().contains("accept-encoding")));
    for (accept, coding) in [
        ("gzip", "gzip"),
        ("br", "br"),
        ("zstd", "zstd"),
        ("gzip, deflate, br, zstd", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
    ] {
        for round in ["first", "hit"] {
            let response = app.get_with(&path, &[("Accept-Encoding", accept)]);
            assert_eq!(response.header("content-encoding"), Some(coding), "{accept} ({round})");
            assert!(response.bytes.len() < identity.bytes.len() / 2, "{accept}: {} bytes", response.bytes.len());
            assert_eq!(decode(coding, &response.bytes), identity.bytes, "{accept} ({round})");
            assert!(response.header("etag").unwrap().starts_with("W/"), "an encoded form's tag is weak");
            if round == "hit" {
                assert_eq!(response.header("x-colophon-cache"), Some("hit"));
            }
        }
    }
    // GraphQL answers, cached or not, and answers the cache never keeps (signed in).
    let query = json!({ "query": "{ posts(first: 20) { edges { node { title excerpt author { name bio } } } } }" });
    let plain = app.post_json("/graphql", &query);
    let encoded = app.send_raw(
        "POST",
        "/graphql",
        "application/json",
        query.to_string().as_bytes(),
        &[("Accept-Encoding", "br")],
    );
    assert_eq!(encoded.header("content-encoding"), Some("br"));
    assert_eq!(decode("br", &encoded.bytes), plain.bytes);
    let admin = app.admin_token();
    let signed_in = app.send("GET", "/api/v1/posts?limit=20", Some(&admin), None, &[("Accept-Encoding", "gzip")]);
    assert_eq!(signed_in.header("content-encoding"), Some("gzip"));
    let text = decode("gzip", &signed_in.bytes);
    assert!(serde_json::from_slice::<Value>(&text).unwrap()["data"].is_array());
}

/// A comment form's token is `no-store`: served to every reader from the cache, it would defeat
/// the timing check it exists for.
fn no_store_answers_are_never_replayed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let path = format!("/api/v1/posts/{DEMO_POST}/comment-token");
    for _ in 0..3 {
        let token = app.get(&path);
        assert_eq!(token.status, 200);
        assert_eq!(token.header("cache-control"), Some("no-store"));
        assert_eq!(token.header("x-colophon-cache"), None, "never kept, never replayed");
    }
}

/// 300 one-off GraphQL requests (large variables make each answer's key large) used to empty the
/// whole cache. A bounded cache with frequency-based admission keeps the pages people read.
fn hot_pages_survive_a_flood_of_one_off_documents(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |_, server| server.cache_capacity = 2 * 1024 * 1024) else { return };
    let hot = [format!("/api/v1/posts/{DEMO_POST}"), "/api/v1/posts".to_string(), "/api/v1/products".to_string()];
    for _ in 0..20 {
        for path in &hot {
            app.get(path);
        }
    }
    let padding = "x".repeat(30 * 1024);
    for i in 0..300 {
        let body =
            json!({ "query": "query($p: String) { authors { name } }", "variables": { "p": format!("{i}{padding}") } });
        assert_eq!(app.post_json("/graphql", &body).status, 200);
    }
    for path in &hot {
        assert_eq!(app.get(path).header("x-colophon-cache"), Some("hit"), "{path} was pushed out by the flood");
    }
}

#[test]
fn the_explorer_works_offline() {
    let Some(app) = TestApp::spawn(Backend::Sqlite) else { return };
    let page = app.get_with("/graphql", &[("Accept", "text/html")]);
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(!csp.contains("http"), "self-only: {csp}");
    assert!(!page.body.contains("http://") && !page.body.contains("https://"), "{}", page.body);
    let assets: Vec<&str> = page.body.split('"').filter(|s| s.starts_with("/graphiql/")).collect();
    assert_eq!(assets.len(), 5, "{assets:?}");
    for asset in assets {
        let plain = app.get(asset);
        assert_eq!(plain.status, 200, "{asset}");
        assert!(plain.bytes.len() > 100, "{asset}");
        let gzipped = app.get_with(asset, &[("Accept-Encoding", "gzip")]);
        if gzipped.header("content-encoding") == Some("gzip") {
            assert_eq!(decode("gzip", &gzipped.bytes), plain.bytes, "{asset}");
        }
    }
    assert!(app.get("/graphiql/graphiql.min.js").body.contains("GraphiQL"));
}

/// A CDN purges by the keys an answer shows (`Surrogate-Key` for Fastly and Varnish xkey,
/// `Cache-Tag` for Cloudflare); shared caches keep answers only when told to, browsers always
/// revalidate, and what depends on who asks is never tagged for sharing.
fn cdns_purge_by_the_keys_an_answer_shows(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let path = format!("/api/v1/posts/{DEMO_POST}");
    let answers = [app.get(&path), app.get(&path)];
    let post = answers[0].json();
    let (id, author) = (post["id"].as_i64().unwrap(), post["author"]["id"].as_i64().unwrap());
    for (answer, state) in answers.iter().zip(["miss", "hit"]) {
        assert_eq!(answer.header("x-colophon-cache"), Some(state));
        let keys: Vec<&str> = answer.header("surrogate-key").unwrap_or_default().split(' ').collect();
        for wanted in [format!("post:{id}"), format!("author:{author}")] {
            assert!(keys.contains(&wanted.as_str()), "{wanted} missing from {keys:?}");
        }
        assert_eq!(answer.header("cache-tag").map(|t| t.split(',').collect::<Vec<_>>()), Some(keys.clone()));
        assert_eq!(answer.header("cache-control"), Some("no-cache"), "no shared caching unless configured");
    }
    let signed_in = app.get_with(&path, &[("Authorization", &format!("Bearer {}", app.admin_token()))]);
    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.header("surrogate-key"), None);
    assert_eq!(signed_in.header("cache-control"), Some("private, no-cache"));

    let Some(cdn) = TestApp::spawn_with(backend, |_, server| {
        server.shared_caching = colophon_api::SharedCaching { max_age_secs: 600, stale_while_revalidate_secs: 30 };
    }) else {
        return;
    };
    for _ in 0..2 {
        let answer = cdn.get(&path);
        assert_eq!(answer.header("cache-control"), Some("public, max-age=0, s-maxage=600, stale-while-revalidate=30"));
        assert!(answer.header("surrogate-key").is_some_and(|keys| keys.contains(&format!("post:{id}"))));
    }
    let token = cdn.get(&format!("{path}/comment-token"));
    assert_eq!(token.header("cache-control"), Some("no-store"), "never shared");
    let signed_in = cdn.get_with(&path, &[("Authorization", &format!("Bearer {}", cdn.admin_token()))]);
    assert_eq!(signed_in.header("cache-control"), Some("private, no-cache"));
}
