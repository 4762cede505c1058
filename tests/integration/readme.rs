//! The README's shell examples, run as written against a live server, so none can rot. A block
//! that cannot run here (setup, benchmarks, a synopsis) says so with a `<!-- not run: why -->`
//! line just above it.

use std::process::Command;

use crate::support::{Backend, TestApp};

/// The ` ```sh ` blocks of a Markdown text that are not marked `not run`.
fn runnable_blocks(markdown: &str) -> Vec<String> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() == "```sh" {
            let marked = i > 0 && lines[i - 1].trim_start().starts_with("<!-- not run:");
            let end = (i + 1..lines.len()).find(|&j| lines[j].trim_end() == "```").expect("a closed code block");
            if !marked {
                blocks.push(lines[i + 1..end].join("\n"));
            }
            i = end;
        }
        i += 1;
    }
    blocks
}

fn require(tool: &str) {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    assert!(found, "the README's examples need `{tool}`: install it (Debian: apt-get install {tool})");
}

#[test]
fn every_shell_example_in_the_readme_runs() {
    for tool in ["bash", "curl", "jq"] {
        require(tool);
    }
    let Some(app) = TestApp::spawn(Backend::Sqlite) else { return };
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks = runnable_blocks(&readme);
    assert!(blocks.len() >= 5, "the API, writing, account, comment and GraphQL examples: {}", blocks.len());
    let host = app.base.trim_start_matches("http://").to_string();
    let script = blocks
        .join("\n")
        .replace("127.0.0.1:8080", &host)
        .replace("./target/release/colophon", env!("CARGO_BIN_EXE_colophon"));
    let admin = app.admin.clone().unwrap();
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .env("PASSWORD", &admin.password)
        .env("COLOPHON_DATA_DIR", &app.db.dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail = &stdout[stdout.len().saturating_sub(3_000)..];
    assert!(output.status.success(), "the README's examples failed:\n{stderr}\n--- the output ends:\n{tail}");
    for broken in ["\"status\":500", "\"status\":502", "\"status\":503", "null\n"] {
        assert!(!stdout.contains(broken), "an example answered {broken:?}");
    }
    // The examples did what they say.
    let tail = &stdout[stdout.len().saturating_sub(3_000)..];
    for expected in [
        "\"status\": \"draft\"",
        "\"status\": \"published\"",
        "412\n",
        "304\n",
        "204\n",
        "created Ed <ed@example.com> as editor",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in the output, which ends:\n{tail}");
    }
    assert!(stdout.contains("Image via Snorgtees"), "the GraphQL seed page");
}

#[test]
fn blocks_are_found_and_marked_ones_skipped() {
    let markdown = "x\n```sh\necho one\n```\n<!-- not run: setup -->\n```sh\necho two\n```\n```graphql\n{ a }\n```\n";
    assert_eq!(runnable_blocks(markdown), vec!["echo one".to_string()]);
}
