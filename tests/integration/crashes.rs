//! Nothing acknowledged is lost: the real binary is killed with SIGKILL in the middle of a
//! comment-and-edit load, restarted, and every write that got a 2xx is found exactly once; and
//! SIGTERM lets in-flight requests finish before the process exits.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use colophon_domain::{PostId, Slug};
use serde_json::json;

use crate::support::{Backend, DEMO_POST, TestDb};

backend_tests!(writes_acknowledged_before_a_kill_9_survive_it, sigterm_finishes_in_flight_requests_then_exits);

struct Server {
    base: String,
    agent: ureq::Agent,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the `colophon` binary on the test's database; returns it and, on a first start, the
/// demo admin's password it printed.
fn start(db: &TestDb) -> (Child, Server, Option<String>) {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_colophon"));
    command
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&db.dir)
        .env("COLOPHON_JWT_SECRET", "crash-test-secret-of-at-least-32-bytes")
        .env("COLOPHON_COMMENTS_PER_MINUTE", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command.env_remove("DATABASE_URL").envs(db.env());
    let mut child = command.spawn().expect("start the colophon binary");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(password) = line.trim().strip_prefix("password:") {
                let _ = sender.send(password.trim().to_string());
            }
        }
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !agent.get(&format!("{base}/readyz")).call().is_ok_and(|r| r.status().as_u16() == 200) {
        assert!(Instant::now() < deadline, "the binary did not become ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    let password = receiver.recv_timeout(Duration::from_millis(500)).ok();
    (child, Server { base, agent }, password)
}

impl Server {
    fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
        if_match: Option<&str>,
    ) -> Result<(u16, String, Option<String>), ureq::Error> {
        let mut request = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        let mut response = match body {
            Some(body) => {
                self.agent.run(request.header("content-type", "application/json").body(body.to_string()).unwrap())?
            }
            None => self.agent.run(request.body(()).unwrap())?,
        };
        let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = response.body_mut().read_to_string()?;
        Ok((response.status().as_u16(), body, etag))
    }

    fn token(&self, password: &str) -> String {
        let (status, body, _) = self
            .send(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": "admin@colophon.test", "password": password })),
                None,
            )
            .unwrap();
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string()
    }
}

#[derive(Default)]
struct Acknowledged {
    comments: Vec<String>,
    /// (version, title) of each edit answered 200.
    edits: Vec<(i64, String)>,
    server_errors: Vec<String>,
}

/// Comments (anonymous and registered) and If-Match edits until `stop`; records every 2xx.
fn load(server: &Server, token: &str, round: usize, stop: &AtomicBool, acked: &Mutex<Acknowledged>) {
    std::thread::scope(|scope| {
        for thread in 0..6 {
            scope.spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let text = format!("crash round {round} thread {thread} comment {i}");
                    let author = (thread % 2 == 0).then_some(token);
                    let body = json!({ "author_name": "Crash Tester", "body": text });
                    match server.send("POST", &format!("/api/v1/posts/{DEMO_POST}/comments"), author, Some(body), None)
                    {
                        Ok((201, _, _)) => acked.lock().unwrap().comments.push(text),
                        Ok((status, body, _)) if status >= 500 => acked.lock().unwrap().server_errors.push(body),
                        _ => {}
                    }
                }
            });
        }
        scope.spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let Ok((200, body, Some(etag))) =
                    server.send("GET", &format!("/api/v1/posts/{DEMO_POST}"), Some(token), None, None)
                else {
                    continue;
                };
                let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_i64().unwrap();
                let title = format!("Round {round} edit {i}");
                if let Ok((200, body, _)) = server.send(
                    "PATCH",
                    &format!("/api/v1/posts/{id}"),
                    Some(token),
                    Some(json!({ "title": title })),
                    Some(&etag),
                ) {
                    let version =
                        serde_json::from_str::<serde_json::Value>(&body).unwrap()["version"].as_i64().unwrap();
                    acked.lock().unwrap().edits.push((version, title));
                }
            }
        });
    });
}

fn comment_rows(conn: &mut colophon_store::DbConnection, text: &str) -> i64 {
    use colophon_store::schema::comments;
    use diesel::prelude::*;
    comments::table.filter(comments::body_source.eq(text)).count().get_result(conn).unwrap()
}

fn writes_acknowledged_before_a_kill_9_survive_it(backend: Backend) {
    let Some(db) = TestDb::create(backend) else { return };
    let (mut child, mut server, password) = start(&db);
    let password = password.expect("the first start prints the admin password");
    let mut checked = 0;
    for round in 0..3 {
        let token = server.token(&password);
        let stop = AtomicBool::new(false);
        let acked = Mutex::new(Acknowledged::default());
        let kill_after = Duration::from_millis(300 + rand::random::<u64>() % 600);
        let pid = child.id().to_string();
        std::thread::scope(|scope| {
            scope.spawn(|| load(&server, &token, round, &stop, &acked));
            std::thread::sleep(kill_after);
            Command::new("kill").args(["-KILL", &pid]).status().expect("SIGKILL");
            // Once the process is gone, every later request fails to connect and the load ends.
            std::thread::sleep(Duration::from_millis(200));
            stop.store(true, Ordering::Relaxed);
        });
        child.wait().unwrap();
        let acked = acked.into_inner().unwrap();
        assert!(acked.server_errors.is_empty(), "5xx under load: {:?}", acked.server_errors.first());
        assert!(!acked.comments.is_empty(), "round {round}: the load ran");
        (child, server, _) = start(&db);
        let mut conn = db.conn();
        for text in &acked.comments {
            assert_eq!(comment_rows(&mut conn, text), 1, "{text} was acknowledged, so it is stored exactly once");
        }
        checked += acked.comments.len() + acked.edits.len();
        let post = colophon_store::find_post_by_slug(&mut conn, &Slug::parse(DEMO_POST).unwrap()).unwrap().unwrap();
        if let Some((version, title)) = acked.edits.iter().max_by_key(|(v, _)| *v) {
            assert!(post.version >= *version, "an acknowledged edit was lost");
            if post.version == *version {
                assert_eq!(&post.title, title);
            }
        }
        let approved = colophon_store::count_approved_comments(&mut conn, PostId(post.id.0)).unwrap();
        assert_eq!(post.comment_count, approved, "no half-written comment: the count matches the rows");
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("kill -9 ({backend:?}): 3 crashes, {checked} acknowledged writes checked, none lost\n").as_bytes(),
    );
}

fn sigterm_finishes_in_flight_requests_then_exits(backend: Backend) {
    let Some(db) = TestDb::create(backend) else { return };
    let (mut child, server, password) = start(&db);
    let token = server.token(&password.unwrap());
    let stop = AtomicBool::new(false);
    let acked = Mutex::new(Acknowledged::default());
    let pid = child.id().to_string();
    let status = std::thread::scope(|scope| {
        scope.spawn(|| load(&server, &token, 9, &stop, &acked));
        std::thread::sleep(Duration::from_millis(500));
        let signalled = Instant::now();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(signalled.elapsed() < Duration::from_secs(35), "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        stop.store(true, Ordering::Relaxed);
        status
    });
    assert!(status.success(), "a clean exit: {status}");
    let acked = acked.into_inner().unwrap();
    assert!(acked.server_errors.is_empty(), "{:?}", acked.server_errors.first());
    let mut conn = db.conn();
    for text in &acked.comments {
        assert_eq!(comment_rows(&mut conn, text), 1, "{text}");
    }
    assert!(!acked.comments.is_empty());
}
