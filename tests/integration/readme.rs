//! The README's shell examples, run as written against a live server, so none can rot. A block
//! that cannot run here (setup, benchmarks, a synopsis) says so with a `<!-- not run: why -->`
//! line just above it. A command that ends in `# ⇒ text` promises that its output holds `text`:
//! the test checks each promise, so an example that runs but shows nothing fails.

use std::process::Command;

use crate::support::{Backend, TestApp};

/// What a command's trailing comment promises its output holds.
const PROMISE: &str = "# ⇒ ";

/// The ` ```sh ` blocks of a Markdown text that are not marked `not run`, each with the number of
/// its first line.
fn runnable_blocks(markdown: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() == "```sh" {
            let marked = i > 0 && lines[i - 1].trim_start().starts_with("<!-- not run:");
            let end = (i + 1..lines.len()).find(|&j| lines[j].trim_end() == "```").expect("a closed code block");
            if !marked {
                blocks.push((i + 2, lines[i + 1..end].join("\n")));
            }
            i = end;
        }
        i += 1;
    }
    blocks
}

/// A block as bash runs it: each command that promises something has its output kept, printed
/// and checked against the promise, naming the README's line when it fails.
fn with_promises_checked(first_line: usize, block: &str) -> (String, usize) {
    let mut script = Vec::new();
    let mut command: Vec<&str> = Vec::new();
    let mut promises = 0;
    for (offset, line) in block.lines().enumerate() {
        command.push(line);
        if line.trim_end().ends_with('\\') {
            continue;
        }
        let whole = std::mem::take(&mut command);
        let last = whole.len() - 1;
        match whole[last].rsplit_once(PROMISE) {
            Some((code, promise)) => {
                promises += 1;
                let mut lines: Vec<&str> = whole[..last].to_vec();
                lines.push(code.trim_end());
                let quoted = promise.trim().replace('\'', "'\\''");
                script.push(format!(
                    "__out=$({})\nprintf '%s\\n' \"$__out\"\n__promise \"$__out\" '{quoted}' {}",
                    lines.join("\n"),
                    first_line + offset
                ));
            }
            None => script.push(whole.join("\n")),
        }
    }
    (script.join("\n"), promises)
}

/// Fails the script when a command's output does not hold what its comment promised.
const PROMISE_CHECK: &str = r#"__promise() {
  case "$1" in
    *"$2"*) ;;
    *) printf 'README.md line %s promised %s; the output was:\n%s\n' "$3" "$2" "$1" >&2; exit 1 ;;
  esac
}
"#;

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
    let mut checked = Vec::new();
    for (line, block) in &blocks {
        let (script, promises) = with_promises_checked(*line, block);
        assert!(promises > 0, "the example at README.md line {line} promises nothing (end a command with `# ⇒ …`)");
        checked.push(script);
    }
    let host = app.base.trim_start_matches("http://").to_string();
    let script = format!("{PROMISE_CHECK}{}", checked.join("\n"))
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
    // What each example promised was checked as it ran; the whole tour made some promises.
    let promised = readme.lines().filter(|l| l.contains(PROMISE)).count();
    assert!(promised >= 40, "the README promises little: {promised} checked outputs");
}

#[test]
fn blocks_are_found_and_marked_ones_skipped() {
    let markdown = "x\n```sh\necho one\n```\n<!-- not run: setup -->\n```sh\necho two\n```\n```graphql\n{ a }\n```\n";
    assert_eq!(runnable_blocks(markdown), vec![(3, "echo one".to_string())]);
}

#[test]
fn promises_are_checked_and_name_their_line() {
    let block = "A=1\necho \"$A\" \\\n  two   # ⇒ 1 two\necho three";
    let (script, promises) = with_promises_checked(10, block);
    assert_eq!(promises, 1);
    let run = |script: &str| {
        Command::new("bash").args(["-euo", "pipefail", "-c", &format!("{PROMISE_CHECK}{script}")]).output().unwrap()
    };
    let kept = run(&script);
    assert!(kept.status.success(), "{}", String::from_utf8_lossy(&kept.stderr));
    assert_eq!(String::from_utf8_lossy(&kept.stdout), "1 two\nthree\n");
    let (broken, _) = with_promises_checked(10, &block.replace("⇒ 1 two", "⇒ 2 two"));
    let failed = run(&broken);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("README.md line 12 promised 2 two"));
}
