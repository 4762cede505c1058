//! The matrix covers every write the contracts describe: each write operation of
//! `openapi/openapi.json` and each field of GraphQL's `MutationRoot` in `schema/schema.graphql`
//! is what some row sends (found by matching the row's request, not by a label it could get
//! wrong), or is exempt below with the reason. A new write without a row fails here.

use std::collections::BTreeSet;

use serde_json::Value;

use super::fixture::Fixture;
use super::rows;

/// REST writes whose answer does not depend on the caller's role, with where they are tested.
const REST_EXEMPT: [(&str, &str); 5] = [
    ("login", "signs a person in: there is no caller yet (auth tests)"),
    ("refresh", "trades a refresh token for a new pair: the token is the caller (auth tests)"),
    ("logout", "ends the caller's own session, whatever the role (auth tests)"),
    ("logout_all", "ends the caller's own sessions, whatever the role (auth tests)"),
    ("submit_comment", "a reader's write: anyone may comment, signed in or not (comments tests)"),
];

/// GraphQL mutations exempt for the same reasons.
const GRAPHQL_EXEMPT: [(&str, &str); 5] = [
    ("login", "as REST login"),
    ("refreshToken", "as REST refresh"),
    ("logout", "as REST logout"),
    ("logoutEverywhere", "as REST logout_all"),
    ("addComment", "as REST submit_comment"),
];

/// Every write operation of the OpenAPI document: (method, path template, operation id).
fn rest_writes() -> Vec<(String, String, String)> {
    let document: Value = serde_json::from_str(include_str!("../../../openapi/openapi.json")).unwrap();
    let mut writes = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            if ["post", "put", "patch", "delete"].contains(&method.as_str()) {
                let id = operation["operationId"].as_str().unwrap().to_string();
                writes.push((method.to_uppercase(), path.clone(), id));
            }
        }
    }
    writes
}

/// Whether `path` is an instance of `template` (`{name}` stands for one segment).
fn instance_of(path: &str, template: &str) -> bool {
    let (path, template): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), template.split('/').collect());
    path.len() == template.len()
        && path.iter().zip(&template).all(|(p, t)| p == t || (t.starts_with('{') && !p.is_empty()))
}

/// The fields of `type MutationRoot` in the schema (descriptions skipped).
fn mutations() -> BTreeSet<String> {
    let schema = include_str!("../../../schema/schema.graphql");
    let body = schema.split("type MutationRoot {").nth(1).unwrap().split("\n}").next().unwrap();
    let mut in_description = false;
    let mut fields = BTreeSet::new();
    for line in body.lines().map(str::trim) {
        if line.starts_with("\"\"\"") {
            // A one-line description opens and closes on the same line.
            in_description ^= !(line.len() > 3 && line.ends_with("\"\"\""));
            continue;
        }
        if !in_description && !line.is_empty() {
            let name: String = line.chars().take_while(char::is_ascii_alphanumeric).collect();
            fields.insert(name);
        }
    }
    fields
}

/// The mutation a query calls: the first field of `mutation { … }`.
fn mutation_of(query: &str) -> String {
    let selection = query.split_once('{').expect("a selection").1.trim_start();
    selection.chars().take_while(char::is_ascii_alphanumeric).collect()
}

#[test]
fn every_write_operation_has_a_row_or_a_reason() {
    let sample = Fixture::sample();
    let writes = rest_writes();
    let mut covered = BTreeSet::new();
    let mut covered_mutations = BTreeSet::new();
    for row in rows() {
        let (method, path, _) = (row.rest)(&sample);
        let found = writes.iter().find(|(m, template, _)| m == method && instance_of(&path, template));
        let (_, _, id) = found.unwrap_or_else(|| panic!("row {:?}: {method} {path} is no operation", row.name));
        covered.insert(id.clone());
        if let Some(graphql) = row.graphql {
            covered_mutations.insert(mutation_of(&graphql(&sample).0));
        }
    }
    let exempt: BTreeSet<&str> = REST_EXEMPT.iter().map(|(id, _)| *id).collect();
    let missing: Vec<&str> = writes
        .iter()
        .map(|(_, _, id)| id.as_str())
        .filter(|id| !covered.contains(*id) && !exempt.contains(id))
        .collect();
    assert!(missing.is_empty(), "REST writes without a row in the role matrix: {missing:?}");
    for id in exempt {
        assert!(!covered.contains(id), "{id} is exempt and has a row: drop one");
        assert!(writes.iter().any(|(_, _, w)| w == id), "{id} is exempt but no longer exists");
    }
    let all = mutations();
    assert!(all.len() > 20, "the schema's mutations were not read: {all:?}");
    let exempt: BTreeSet<&str> = GRAPHQL_EXEMPT.iter().map(|(name, _)| *name).collect();
    let missing: Vec<&String> =
        all.iter().filter(|m| !covered_mutations.contains(*m) && !exempt.contains(m.as_str())).collect();
    assert!(missing.is_empty(), "GraphQL mutations without a row in the role matrix: {missing:?}");
    let unknown: Vec<&String> = covered_mutations.iter().filter(|m| !all.contains(*m)).collect();
    assert!(unknown.is_empty(), "rows call mutations the schema does not have: {unknown:?}");
}
