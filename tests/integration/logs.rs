//! What the server logs, read from the real binary's stderr: every line of a request carries its
//! id, and a 5xx shows its whole cause chain (which the client never sees); an API key is never
//! logged, accepted or refused.

use std::io::Read;
use std::process::Stdio;

use diesel::connection::SimpleConnection;
use serde_json::Value;

use crate::first_run::{colophon, free_port, wait_ready};
use crate::support::{Backend, DEMO_POST, TestDb};

/// The binary serving a new SQLite site on a free port, logging JSON at `filter` to a pipe.
fn serve_logging_json(filter: &str) -> (TestDb, u16, std::process::Child) {
    let db = TestDb::create(Backend::Sqlite).unwrap();
    let port = free_port();
    let mut child = colophon(&db.dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("COLOPHON_LOG_FORMAT", "json")
        .env("RUST_LOG", filter)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_ready(port, &mut child);
    (db, port, child)
}

#[test]
fn a_failed_request_is_logged_with_its_id_and_whole_cause() {
    let (db, port, mut child) = serve_logging_json("info,colophon_service=debug");
    // Hand-edited data the domain refuses (no slug has spaces): reading the post fails in the store.
    let corrupt = format!(
        "UPDATE authors SET slug = 'the overlord' WHERE id = (SELECT author_id FROM posts WHERE slug = '{DEMO_POST}')"
    );
    db.conn().batch_execute(&corrupt).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    // Related posts take the assembled path, which reads the author as the domain's type (the
    // read compiler passes stored text through: what it serves was validated when written).
    let url = format!("http://127.0.0.1:{port}/api/v1/posts/{DEMO_POST}?include=related");
    let mut failed = agent.get(&url).header("X-Request-Id", "probe-5xx.1").call().unwrap();
    assert_eq!(failed.status(), 500);
    assert_eq!(failed.headers().get("x-request-id").unwrap(), "probe-5xx.1", "the id is echoed");
    let body = failed.body_mut().read_to_string().unwrap();
    assert!(!body.contains("overlord") && !body.contains("corrupt"), "the cause stays in the log: {body}");
    // Without an id, or with one unfit for a log line, the server makes one.
    let made = agent.get(&format!("http://127.0.0.1:{port}/healthz")).call().unwrap();
    let made = made.headers().get("x-request-id").unwrap().to_str().unwrap().to_string();
    assert!(made.len() == 16 && made.bytes().all(|b| b.is_ascii_hexdigit()), "{made}");
    let odd = agent.get(&format!("http://127.0.0.1:{port}/healthz")).header("X-Request-Id", "a\"b c").call().unwrap();
    assert_ne!(odd.headers().get("x-request-id").unwrap(), "a\"b c");
    // An API key, made by the operator's command line, used, then presented tampered.
    let made = colophon(&db.dir)
        .args(["key", "create", "--name", "log probe", "--owner", "admin@colophon.test", "--read-only"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let key = String::from_utf8(made.stdout).unwrap().trim().to_string();
    let me = format!("http://127.0.0.1:{port}/api/v1/me");
    assert_eq!(agent.get(&me).header("Authorization", &format!("Bearer {key}")).call().unwrap().status(), 200);
    let tampered = format!("{key}x");
    assert_eq!(agent.get(&me).header("Authorization", &format!("Bearer {tampered}")).call().unwrap().status(), 401);
    child.kill().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    child.wait().unwrap();

    let secret = key.splitn(3, '_').nth(2).unwrap();
    let leaked: Vec<&str> = stderr.lines().filter(|line| line.contains(secret)).collect();
    assert!(leaked.is_empty(), "an API key's secret reached the log: {leaked:?}");
    let lines: Vec<Value> = stderr.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let of_probe: Vec<&Value> = lines.iter().filter(|line| line["span"]["request_id"] == "probe-5xx.1").collect();
    let cause = of_probe
        .iter()
        .find(|line| line["level"] == "ERROR")
        .unwrap_or_else(|| panic!("no error line carries the request id:\n{stderr}"));
    let cause = cause["fields"]["cause"].as_str().unwrap();
    assert!(
        cause.starts_with("internal error: ") && cause.matches(": ").count() >= 2 && cause.contains("overlord"),
        "the whole chain, outermost first: {cause}"
    );
    assert!(
        of_probe.iter().any(|line| line["fields"]["status"] == 500),
        "the request's own line carries the id too:\n{stderr}"
    );
}

/// A delivery that fails is logged at WARN with its reason (the receiver's first bytes), so an
/// operator sees why without opening the delivery log.
#[test]
fn a_failed_webhook_delivery_is_a_warning_with_its_reason() {
    let db = TestDb::create(Backend::Sqlite).unwrap();
    let port = free_port();
    let receiver = crate::support::receiver::Receiver::start();
    receiver.answer(&[500]);
    let mut child = colophon(&db.dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("COLOPHON_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .env("COLOPHON_WEBHOOK_ALLOW_PRIVATE", "on")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_ready(port, &mut child);
    let made = colophon(&db.dir)
        .args(["key", "create", "--name", "hooks", "--owner", "admin@colophon.test"])
        .output()
        .unwrap();
    let key = String::from_utf8(made.stdout).unwrap().trim().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let post = |path: &str, body: serde_json::Value| {
        agent
            .post(&format!("http://127.0.0.1:{port}/api/v1{path}"))
            .header("Authorization", &format!("Bearer {key}"))
            .send_json(body)
            .unwrap()
            .status()
    };
    assert_eq!(post("/webhooks", serde_json::json!({ "url": receiver.url, "events": ["product.created"] })), 201);
    assert_eq!(post("/products", serde_json::json!({ "title": "Rug" })), 201);
    receiver.wait_for(1);
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    child.wait().unwrap();
    let lines: Vec<Value> = stderr.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let failed = lines
        .iter()
        .find(|line| line["fields"]["message"] == "webhook delivery failed")
        .unwrap_or_else(|| panic!("no failed delivery logged:\n{stderr}"));
    assert_eq!(failed["level"], "WARN");
    assert_eq!(failed["fields"]["status"], 500);
    assert_eq!(failed["fields"]["reason"], "answer 500", "the receiver's answer");
}

/// With the service's debug level on, every line of a request names the use case that ran (a
/// span per use case, inside the request's), its statements say how long they took, and a write
/// says what it did (its audit action and target).
#[test]
fn a_request_log_names_its_use_case_and_the_time_of_its_statements() {
    let (db, port, mut child) = serve_logging_json("info,colophon_service=debug");
    let made = colophon(&db.dir)
        .args(["key", "create", "--name", "spans", "--owner", "admin@colophon.test"])
        .output()
        .unwrap();
    let key = String::from_utf8(made.stdout).unwrap().trim().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = format!("http://127.0.0.1:{port}/api/v1/posts/{DEMO_POST}");
    assert_eq!(agent.get(&url).header("X-Request-Id", "probe-read.1").call().unwrap().status(), 200);
    let edit = agent
        .patch(&url)
        .header("X-Request-Id", "probe-write.1")
        .header("Authorization", &format!("Bearer {key}"))
        .send_json(serde_json::json!({ "title": "The Dude abides" }))
        .unwrap();
    assert_eq!(edit.status(), 200);
    child.kill().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    child.wait().unwrap();
    let lines: Vec<Value> = stderr.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let of = |request: &str, message: &str| -> Vec<&Value> {
        lines
            .iter()
            .filter(|line| line["fields"]["message"] == message)
            .filter(|line| line["spans"].as_array().is_some_and(|s| s.iter().any(|s| s["request_id"] == request)))
            .collect()
    };
    let read = of("probe-read.1", "statements");
    let read = read.first().unwrap_or_else(|| panic!("no statements line for the read:\n{stderr}"));
    assert_eq!(read["span"]["name"], "post_page_json", "the use case is the innermost span: {read}");
    assert!(read["fields"]["ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{read}");
    let wrote = of("probe-write.1", "wrote");
    let wrote = wrote.first().unwrap_or_else(|| panic!("no line says what the write did:\n{stderr}"));
    assert_eq!(wrote["span"]["name"], "update_post");
    assert_eq!(wrote["fields"]["action"], "post.update");
    assert!(wrote["fields"]["target"].as_str().is_some_and(|t| t.starts_with("post:")), "{wrote}");
    assert!(!of("probe-write.1", "statements").is_empty(), "the write's statements are timed too");
}
