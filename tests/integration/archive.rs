//! The Colophon archive: everything but secrets out of SQLite, into an empty database of either
//! backend, and out again byte for byte; the restored site serves what the old one did, new rows
//! follow the restored ids, and the archive's lines match `schema/archive.schema.json`.

use serde_json::{Value, json};

use crate::support::{Backend, DEMO_POST, TestApp, TestDb};

backend_tests!(an_archive_from_sqlite_restores_and_exports_again_identically);

fn export(app: &TestApp, secrets: bool) -> String {
    let mut out = Vec::new();
    let options = colophon_service::ArchiveOptions { include_secrets: secrets, media_files: true };
    app.colophon.export_archive(&mut out, options).expect("export");
    String::from_utf8(out).unwrap()
}

/// Every line but the header (which says when it was made).
fn rows(archive: &str) -> Vec<&str> {
    archive.lines().skip(1).collect()
}

fn an_archive_from_sqlite_restores_and_exports_again_identically(backend: Backend) {
    let source = TestApp::spawn(Backend::Sqlite).unwrap();
    let admin = source.admin_token();
    // Beyond the demo: a page, a renamed post (its old slug redirects), a held comment with its
    // private fields, a blocklist rule, a setting, and an earlier import's records.
    let page = json!({"title": "About", "body_markdown": "About *us*.", "status": "published"});
    assert_eq!(source.send("POST", "/api/v1/pages", Some(&admin), Some(&page), &[]).status, 201);
    let post = source.send("GET", &format!("/api/v1/posts/{DEMO_POST}"), Some(&admin), None, &[]);
    let etag = post.header("etag").unwrap().to_string();
    let renamed = source.send(
        "PATCH",
        &format!("/api/v1/posts/{DEMO_POST}"),
        Some(&admin),
        Some(&json!({"slug": "crossing-the-streams"})),
        &[("if-match", &etag)],
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let comment = json!({"author_name": "Maude", "author_email": "maude@example.com", "body": "Held for you."});
    assert_eq!(source.post_json("/api/v1/posts/crossing-the-streams/comments", &comment).status, 201);
    let rule = json!({"kind": "word", "value": "rugs"});
    assert_eq!(source.send("POST", "/api/v1/blocklist", Some(&admin), Some(&rule), &[]).status, 201);
    let setting = json!({"comment_moderation": "previously_approved"});
    assert_eq!(source.send("PATCH", "/api/v1/settings", Some(&admin), Some(&setting), &[]).status, 200);
    let wxr = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/data/wxr/squarespace.xml");
    colophon_import::import_wxr(&source.colophon, &wxr, Default::default(), &mut |_| {}).unwrap();

    let archive = export(&source, false);
    let header: Value = serde_json::from_str(archive.lines().next().unwrap()).unwrap();
    assert_eq!((header["format"].as_str(), header["version"].as_u64()), (Some("colophon-archive"), Some(2)));
    assert!(!archive.contains("$argon2"), "no password hash without --include-secrets");
    assert!(archive.contains("maude@example.com"), "private fields are the site's: they are kept");
    let dir = std::env::temp_dir().join(format!("colophon-archive-{}-{}", std::process::id(), backend_name(backend)));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("site.jsonl");
    std::fs::write(&file, &archive).unwrap();

    let Some(db) = TestDb::create(backend) else { return };
    let target = TestApp::start_with_pool(db, false, Default::default(), |_, _| {}).unwrap();
    let restored = target.colophon.import_archive(&file).expect("restore");
    assert_eq!((restored.authors, restored.posts, restored.pages), (3, 4, 1), "{restored:#?}");
    assert_eq!(rows(&export(&target, false)), rows(&archive), "the same archive again");

    // The restored site serves what the old one did.
    for path in ["/api/v1/posts/crossing-the-streams", "/api/v1/pages/about", "/api/v1/posts?limit=50"] {
        assert_eq!(target.portable_json(path), source.portable_json(path), "{path}");
    }
    assert_eq!(target.get(&format!("/api/v1/posts/{DEMO_POST}")).status, 301, "the old slug still redirects");
    // New rows follow the restored ids; a second restore is refused.
    let made = colophon_import::import_wxr(
        &target.colophon,
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/data/wxr/wordpress.xml"),
        Default::default(),
        &mut |_| {},
    );
    assert_eq!(made.unwrap().posts, 3, "inserts after a restore do not collide with its ids");
    let again = target.colophon.import_archive(&file);
    assert!(again.unwrap_err().to_string().contains("empty database"));
    // The squarespace export was recorded before the archive: importing it again changes nothing.
    let repeat = colophon_import::import_wxr(&target.colophon, &wxr, Default::default(), &mut |_| {}).unwrap();
    assert_eq!((repeat.posts, repeat.comments), (0, 0), "{repeat:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

#[test]
fn secrets_travel_only_when_asked_and_then_sign_in_works() {
    let source = TestApp::spawn(Backend::Sqlite).unwrap();
    let admin = source.admin.clone().unwrap();
    let archive = export(&source, true);
    assert!(archive.contains("$argon2id$"), "the hashes, with --include-secrets");
    let dir = std::env::temp_dir().join(format!("colophon-archive-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("site.jsonl");
    std::fs::write(&file, &archive).unwrap();
    let target =
        TestApp::start_with_pool(TestDb::create(Backend::Sqlite).unwrap(), false, Default::default(), |_, _| {})
            .unwrap();
    target.colophon.import_archive(&file).unwrap();
    let login = target.post_json("/api/v1/auth/login", &json!({"email": admin.email, "password": admin.password}));
    assert_eq!(login.status, 200, "{}", login.body);
    // A damaged line stops the restore with its number, and nothing is written.
    let damaged = archive.replacen("\"kind\":\"post\"", "\"kind\":\"poster\"", 1);
    let broken_line = damaged.lines().position(|l| l.contains("poster")).unwrap() + 1;
    std::fs::write(&file, &damaged).unwrap();
    let empty =
        TestApp::start_with_pool(TestDb::create(Backend::Sqlite).unwrap(), false, Default::default(), |_, _| {})
            .unwrap();
    let refused = empty.colophon.import_archive(&file).unwrap_err().to_string();
    assert!(refused.contains(&format!("line {broken_line}:")), "{refused}");
    assert_eq!(empty.get("/api/v1/authors").json()["data"].as_array().unwrap().len(), 0, "all or nothing");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `schema/archive.schema.json` names every kind an archive holds, and each kind's row has
/// exactly the fields the schema requires.
#[test]
fn the_archive_schema_matches_what_is_exported() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/archive.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let app = TestApp::spawn(Backend::Sqlite).unwrap();
    let page = json!({"title": "About", "body_markdown": "About.", "status": "published"});
    assert_eq!(app.send("POST", "/api/v1/pages", Some(&app.admin_token()), Some(&page), &[]).status, 201);
    let archive = export(&app, false);
    let header: Value = serde_json::from_str(archive.lines().next().unwrap()).unwrap();
    let required = |def: &Value| {
        let mut names: Vec<String> = def["required"].as_array().unwrap().iter().map(ToString::to_string).collect();
        names.sort();
        names
    };
    let keys = |object: &Value| {
        let mut names: Vec<String> = object.as_object().unwrap().keys().map(|k| format!("\"{k}\"")).collect();
        names.sort();
        names
    };
    assert_eq!(keys(&header), required(&schema["$defs"]["header"]));
    let kinds: Vec<&str> = schema["$defs"]["record"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["kind"]["const"].as_str().unwrap())
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for line in rows(&archive) {
        let record: Value = serde_json::from_str(line).unwrap();
        let kind = record["kind"].as_str().unwrap();
        assert!(kinds.contains(&kind), "{kind} is in the schema");
        assert_eq!(keys(&record["row"]), required(&schema["$defs"][kind]), "{kind}");
        seen.insert(kind.to_string());
    }
    assert!(seen.len() >= 8, "the demo and a page fill most kinds: {seen:?}");
}
