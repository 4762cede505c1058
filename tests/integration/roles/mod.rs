//! The role matrix: every write operation, for each caller, on REST and on GraphQL, from one
//! table; the same table for API keys, which act as their role would (read-only ones write
//! nothing); and a check that the table covers every write the contracts describe.

mod coverage;
mod fixture;
mod table;

use colophon_domain::Role;

use crate::support::{Backend, TestApp};
use fixture::{Owners, fixture};
use table::{Body, Row, rows};

backend_tests!(
    every_write_route_answers_each_role_as_the_table_says,
    every_write_route_answers_each_key_as_its_role_would
);

/// Callers, in the order of each row's expectations.
const CALLERS: [&str; 6] = ["anonymous", "contributor", "author", "editor", "admin", "other author"];

fn graphql_code(status: u16) -> Option<&'static str> {
    match status {
        200..=299 => None,
        401 => Some("UNAUTHENTICATED"),
        403 => Some("FORBIDDEN"),
        404 => Some("NOT_FOUND"),
        409 => Some("CONFLICT"),
        other => panic!("no GraphQL code for {other}"),
    }
}

fn every_write_route_answers_each_role_as_the_table_says(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (contributor, contributor_token) = app.user("contributor", "contributor");
    let (author, author_token) = app.user("author", "author");
    let (_, editor) = app.user("editor", "editor");
    let admin = app.admin_token();
    let (_, other) = app.user("other", "author");
    let tokens = [None, Some(contributor_token), Some(author_token), Some(editor), Some(admin), Some(other)];
    let callers: Vec<(String, Option<String>, usize)> =
        tokens.into_iter().enumerate().map(|(i, token)| (CALLERS[i].to_string(), token, i)).collect();
    let owners = Owners { author, contributor, admin: admin_id(&app) };
    let failures = check_matrix(&app, &owners, &callers, |row, column| row.expect[column]);
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}

/// Each key acts as a person of its role would: the same table, the key in place of the
/// sign-in token, except that no key manages accounts or keys. An admin's key made with the author role
/// is an author who owns nothing here ("other author"); a read-only key, even an admin's, writes
/// nothing (403 on every row).
fn every_write_route_answers_each_key_as_its_role_would(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (contributor, _) = app.user("contributor", "contributor");
    let (author, _) = app.user("author", "author");
    app.user("editor", "editor");
    let admin = app.admin.clone().unwrap().email;
    let key = |owner: &str, role: Option<Role>, read_only: bool| {
        let input = colophon_service::ApiKeyInput { name: "matrix".into(), role, read_only, ..Default::default() };
        app.colophon.create_api_key_by_operator(owner, input).expect("create a key").secret
    };
    let callers = vec![
        ("contributor's key".to_string(), Some(key("contributor@colophon.test", None, false)), 1),
        ("author's key".to_string(), Some(key("author@colophon.test", None, false)), 2),
        ("editor's key".to_string(), Some(key("editor@colophon.test", None, false)), 3),
        ("admin's key".to_string(), Some(key(&admin, None, false)), 4),
        ("admin's author-role key".to_string(), Some(key(&admin, Some(Role::Author), false)), 5),
        ("admin's read-only key".to_string(), Some(key(&admin, None, true)), usize::MAX),
    ];
    // Accounts and keys are a person's business: no key creates, deletes or re-roles an account,
    // or makes, rotates or revokes a key, whatever its role.
    let in_person = [
        "create an author",
        "change an author's role",
        "delete an author",
        "create a key",
        "rotate a key",
        "revoke a key",
    ];
    let owners = Owners { author, contributor, admin: admin_id(&app) };
    let failures = check_matrix(&app, &owners, &callers, |row, column| {
        let refused = column == usize::MAX || (in_person.contains(&row.name) && row.expect[column] < 400);
        if refused { 403 } else { row.expect[column] }
    });
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}

/// Runs every row for every caller (name, token, and the column of [`CALLERS`] whose
/// expectations it shares), on REST and on GraphQL, each cell on fresh fixtures; returns the
/// cells that differ.
fn check_matrix(
    app: &TestApp,
    owners: &Owners,
    callers: &[(String, Option<String>, usize)],
    expected: impl Fn(&Row, usize) -> u16,
) -> Vec<String> {
    let mut failures = Vec::new();
    for row in rows() {
        for (name, token, column) in callers {
            let want = expected(&row, *column);
            let f = fixture(app, owners);
            let (method, path, body) = (row.rest)(&f);
            let status = match body {
                Body::Empty => app.send(method, &path, token.as_deref(), None, &[]).status,
                Body::Json(body) => app.send(method, &path, token.as_deref(), Some(&body), &[]).status,
                Body::Upload(file) => app.upload(token.as_deref(), "matrix.png", &file, &[]).status,
            };
            if status != want {
                failures.push(format!("REST {}: {name} got {status}, expected {want}", row.name));
            }
            let Some(graphql) = row.graphql else { continue };
            let f = fixture(app, owners);
            let (query, variables) = graphql(&f);
            let response = match token {
                Some(token) => app.graphql_as(token, &query, variables),
                None => app.graphql(&query, variables),
            };
            let code = response["errors"][0]["extensions"]["code"].as_str();
            if code != graphql_code(want) {
                failures.push(format!(
                    "GraphQL {}: {name} got {code:?}, expected {:?}: {response}",
                    row.name,
                    graphql_code(want)
                ));
            }
        }
    }
    failures
}

/// The demo admin's id.
fn admin_id(app: &TestApp) -> i64 {
    let email = &app.admin.as_ref().expect("started with demo content").email;
    colophon_store::find_credentials(&mut app.conn(), email).unwrap().expect("the demo admin").id.0
}
