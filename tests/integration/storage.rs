use std::collections::BTreeSet;

use colophon_store::DatabaseTarget;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::support::server::TEST_SECRET;
use crate::support::{Backend, TestApp, TestDb};

backend_tests!(
    demo_content_loads_only_into_an_empty_database,
    synthetic_data_has_the_benchmark_shape_and_is_deterministic
);

#[derive(QueryableByName, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn columns(conn: &mut colophon_store::DbConnection, backend: Backend) -> BTreeSet<(String, String)> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema()"
        }
    };
    diesel::sql_query(sql)
        .load::<Column>(conn)
        .expect("list columns")
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect()
}

#[test]
#[ignore = "PostgreSQL: set COLOPHON_TEST_POSTGRES_URL and run with --include-ignored"]
fn both_migration_sets_produce_the_same_tables_and_columns() {
    let Some(pg) = TestApp::spawn_empty(Backend::Postgres) else { return };
    let sqlite = TestApp::spawn_empty(Backend::Sqlite).unwrap();
    let pg_columns = columns(&mut pg.conn(), Backend::Postgres);
    let sqlite_columns = columns(&mut sqlite.conn(), Backend::Sqlite);
    assert!(pg_columns.len() > 60, "{pg_columns:?}");
    // SQLite carries cache announcements between processes in tables; PostgreSQL uses NOTIFY.
    // Search: SQLite's FTS5 table and its shadow tables; PostgreSQL's tsvector column.
    let sqlite_only = ["cache_invalidations", "cache_watch"];
    let sqlite_columns: BTreeSet<_> = sqlite_columns
        .into_iter()
        .filter(|(table, _)| !sqlite_only.contains(&table.as_str()) && !table.starts_with("posts_fts"))
        .collect();
    let pg_columns: BTreeSet<_> = pg_columns
        .into_iter()
        .filter(|(table, column)| (table.as_str(), column.as_str()) != ("posts", "search_vector"))
        .collect();
    assert_eq!(pg_columns, sqlite_columns);
    let migrations = |dir: &str| -> BTreeSet<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
        std::fs::read_dir(path).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    };
    assert_eq!(migrations("postgres"), migrations("sqlite"), "same migration names on both backends");
}

fn demo_content_loads_only_into_an_empty_database(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    assert!(app.colophon.load_demo_if_empty().unwrap().is_none(), "a second start keeps the data as it is");
    assert_eq!(app.get("/api/v1/posts").json()["data"].as_array().unwrap().len(), 3);
    let Some(empty) = TestApp::spawn_empty(backend) else { return };
    assert!(empty.get("/api/v1/posts").json()["data"].as_array().unwrap().is_empty());
}

#[test]
fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let Some(app) = TestApp::spawn_empty(Backend::Sqlite) else { return };
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    let mut conn = app.conn();
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode").get_result(&mut *conn).unwrap();
    assert_eq!(mode.journal_mode, "wal");
    // A comment on a post that does not exist is refused by the foreign key.
    let orphan = colophon_store::insert_comment(
        &mut conn,
        &crate::support::fixtures::comment(colophon_domain::PostId(424242), "Orphan").build(),
    );
    assert!(orphan.is_err());
}

#[test]
fn a_bad_postgres_url_reports_the_real_error_and_creates_no_file() {
    let dir = TestDb::create(Backend::Sqlite).unwrap();
    let url = "postgres://nobody@127.0.0.1:1/nothing";
    let target = DatabaseTarget::resolve(Some(url), &dir.dir).unwrap();
    let error = colophon_service::Colophon::open(
        &target,
        &Default::default(),
        std::sync::Arc::new(colophon_service::SystemClock),
        colophon_service::ColophonConfig::new(TEST_SECRET.to_vec()),
        None,
    )
    .err()
    .expect("no database listens on port 1");
    let message = colophon_service::chain(&error);
    assert!(message.contains("Connection refused") || message.contains("connection to server"), "{message}");
    assert!(!message.contains("Invalid connection url"), "{message}");
    assert_eq!(std::fs::read_dir(&dir.dir).unwrap().count(), 0, "no SQLite file was created");
    assert!(DatabaseTarget::resolve(Some("host=localhost dbname=x"), &dir.dir).is_err(), "not a URL we know");
}

fn synthetic_data_has_the_benchmark_shape_and_is_deterministic(backend: Backend) {
    let Some(app) = TestApp::spawn_empty(backend) else { return };
    let options = colophon_synthetic::SyntheticOptions { posts: 60, seed: 7, batch: 25 };
    let report = colophon_synthetic::seed(&mut app.conn(), &options, |_| {}).unwrap();
    app.colophon.invalidate_cache();
    assert_eq!((report.authors, report.posts), (50, 60));
    let published = app.get("/api/v1/posts?limit=100").json()["data"].as_array().unwrap().len();
    assert_eq!(published, 60 - 2, "every 25th post is a draft");
    let busy = app.get(&format!("/api/v1/posts/{}", report.sample_slug)).json();
    assert_eq!(busy["comment_count"], 36);
    assert!(busy["body_html"].as_str().unwrap().len() > 2_500, "about 3 KB of HTML");
    assert_eq!(busy["sidebar"]["widgets"].as_array().unwrap().len(), 14);
    assert_eq!(busy["tags"].as_array().unwrap().len(), 3);
    let comments = app.get(&format!("/api/v1/posts/{}/comments?limit=100", report.sample_slug)).json();
    assert_eq!(comments["data"].as_array().unwrap().len(), 36);
    let mut conn = app.conn();
    for post in app.get("/api/v1/posts?limit=100").json()["data"].as_array().unwrap() {
        let fresh =
            colophon_store::count_approved_comments(&mut conn, colophon_domain::PostId(post["id"].as_i64().unwrap()))
                .unwrap();
        assert_eq!(post["comment_count"].as_i64().unwrap(), fresh, "{}", post["slug"]);
    }
    // The same seed gives the same data.
    let Some(again) = TestApp::spawn_empty(backend) else { return };
    colophon_synthetic::seed(&mut again.conn(), &options, |_| {}).unwrap();
    again.colophon.invalidate_cache();
    let first = |app: &TestApp| app.portable_json("/api/v1/posts?limit=5")["data"].clone();
    assert_eq!(first(&app), first(&again));
    // New writes after a bulk load get fresh ids (PostgreSQL's sequences were moved on).
    let admin = app
        .colophon
        .create_author_unchecked("late@colophon.test", "Late", colophon_domain::Role::Admin, "a long enough password")
        .unwrap();
    assert!(admin.id.0 > 50);
}
