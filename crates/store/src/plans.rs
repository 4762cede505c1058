//! SQLite's plans for the reads every page makes: each must walk an index in the order it
//! returns rows, never sort every published post (what a bound `status = ?` against a partial
//! index made it do, on every list page and every previous/next lookup).

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;

use crate::{DatabaseTarget, DbConnection, PostFilter, connect, run_migrations};

#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

/// Runs `f` on a migrated SQLite database with a few posts, and returns the plan of every
/// statement it sent.
fn plans_of(f: impl FnOnce(&mut DbConnection)) -> Vec<(String, String)> {
    let path = std::env::temp_dir().join(format!(
        "colophon-plans-{}-{:?}.db",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_file(&path);
    let mut conn = connect(&DatabaseTarget::Sqlite(path.clone())).unwrap();
    run_migrations(&mut conn).unwrap();
    conn.batch_execute(
        "INSERT INTO authors (id, slug, name, role, created_at, updated_at) VALUES (1, 'a', 'A', 'author', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
         INSERT INTO posts (slug, title, status, published_at, author_id, created_at, updated_at)
         SELECT 'p' || i, 'P', CASE WHEN i % 5 = 0 THEN 'draft' ELSE 'published' END,
                datetime('2026-01-01', '+' || i || ' hours'), 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n;",
    )
    .unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let sql = query.to_string();
            let sql = sql.split(" -- binds:").next().unwrap_or_default().to_string();
            record.lock().unwrap().push(sql);
        }
    });
    f(&mut conn);
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    let statements = seen.lock().unwrap().clone();
    let plans = statements
        .into_iter()
        .filter(|sql| sql.starts_with("SELECT"))
        .map(|sql| {
            let rows: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(&mut conn).unwrap();
            let plan = rows.into_iter().map(|r| r.detail).collect::<Vec<_>>().join("; ");
            (sql, plan)
        })
        .collect();
    drop(conn);
    let _ = std::fs::remove_file(&path);
    plans
}

fn assert_index_ordered(plans: &[(String, String)]) {
    assert!(!plans.is_empty());
    for (sql, plan) in plans {
        assert!(!plan.contains("TEMP B-TREE"), "sorts instead of reading an index in order:\n{sql}\n{plan}");
        assert!(plan.contains("posts_published_keyset"), "does not walk the keyset index:\n{sql}\n{plan}");
    }
}

#[test]
fn list_pages_walk_the_keyset_index() {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let plans = plans_of(|conn| {
        let first = crate::list_published(conn, &PostFilter::default(), None, 21, now).unwrap();
        let after = crate::PostKey::of(&first[20]);
        crate::list_published(conn, &PostFilter::default(), after, 21, now).unwrap();
    });
    assert_index_ordered(&plans);
}

#[test]
fn previous_and_next_walk_the_keyset_index() {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let plans = plans_of(|conn| {
        let post = crate::find_post(conn, colophon_domain::PostId(101)).unwrap().unwrap();
        let (previous, next) = crate::neighbours(conn, &post, now).unwrap();
        assert!(previous.is_some() && next.is_some());
    });
    let neighbours: Vec<_> = plans.into_iter().filter(|(sql, _)| sql.contains("previous_side")).collect();
    assert_index_ordered(&neighbours);
}
