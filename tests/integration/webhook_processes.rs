//! Webhooks with the real binary: several server processes on one database deliver each event
//! once between them, and an event committed just before a SIGKILL arrives after the restart.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::first_run::{colophon, free_port, wait_ready};
use crate::support::receiver::Receiver;
use crate::support::{Backend, TestDb};
use crate::webhooks::kinds;

backend_tests!(
    three_server_processes_deliver_each_event_once,
    an_event_committed_before_a_kill_9_arrives_after_the_restart,
);

/// A database and the binary's settings for it, with an admin account made by the command line.
struct Deployment {
    db: TestDb,
    database_env: Vec<(&'static str, String)>,
    agent: ureq::Agent,
}

impl Deployment {
    fn new(backend: Backend) -> Option<Self> {
        let db = TestDb::create(backend)?;
        let database_env = db.env();
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let deployment = Self { db, database_env, agent };
        let mut create = deployment
            .command()
            .args(["user", "create", "--email", "ops@colophon.test", "--name", "Ops", "--role", "admin"])
            .arg("--password-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            create.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
        }
        assert!(create.wait().unwrap().success());
        Some(deployment)
    }

    fn command(&self) -> Command {
        let mut command = colophon(&self.db.dir);
        command.envs(self.database_env.iter().map(|(k, v)| (*k, v.as_str())));
        command
            .env("COLOPHON_JWT_SECRET", "a production secret of at least 32 bytes")
            .env("COLOPHON_WEBHOOK_ALLOW_PRIVATE", "on")
            .env("COLOPHON_WEBHOOK_RETRY_SCHEDULE_S", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1")
            .env("COLOPHON_WEBHOOK_TIMEOUT_S", "1");
        command
    }

    /// A server process on a port of its own: the child and its base URL.
    fn start(&self) -> (Child, String) {
        let port = free_port();
        let mut child = self
            .command()
            .args(["serve", "--no-demo", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_ready(port, &mut child);
        (child, format!("http://127.0.0.1:{port}"))
    }

    fn post(&self, base: &str, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut request = self.agent.post(&format!("{base}{path}"));
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        request.send_json(body).unwrap().body_mut().read_json().unwrap()
    }

    fn admin_token(&self, base: &str) -> String {
        let login = json!({ "email": "ops@colophon.test", "password": "a long enough password" });
        self.post(base, "/api/v1/auth/login", None, login)["access_token"].as_str().unwrap().to_string()
    }
}

fn stop(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Three `colophon serve` processes on one database, each delivering: writes spread over all
/// three, and every event arrives once.
fn three_server_processes_deliver_each_event_once(backend: Backend) {
    let Some(deployment) = Deployment::new(backend) else { return };
    let receiver = Receiver::start();
    let servers: Vec<(Child, String)> = (0..3).map(|_| deployment.start()).collect();
    let token = deployment.admin_token(&servers[0].1);
    let hook = json!({ "url": receiver.url, "events": ["product.created"] });
    deployment.post(&servers[0].1, "/api/v1/webhooks", Some(&token), hook);
    const EVENTS: usize = 60;
    for n in 0..EVENTS {
        let base = &servers[n % 3].1;
        let product = deployment.post(base, "/api/v1/products", Some(&token), json!({ "title": format!("Rug {n}") }));
        assert_eq!(product["title"], format!("Rug {n}"));
    }
    let received = receiver.wait_for(EVENTS);
    std::thread::sleep(Duration::from_millis(1500));
    for (child, _) in servers {
        stop(child);
    }
    let received = if received.len() < receiver.received().len() { receiver.received() } else { received };
    let mut ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    ids.sort_unstable();
    let all = ids.len();
    ids.dedup();
    assert_eq!((all, ids.len()), (EVENTS, EVENTS), "every event, once");
}

/// Killed with SIGKILL right after a write committed its event (the receiver down, so nothing was
/// delivered yet): after a restart the event arrives, once; killed and restarted again after the
/// receiver acknowledged it, it is not sent again.
fn an_event_committed_before_a_kill_9_arrives_after_the_restart(backend: Backend) {
    let Some(deployment) = Deployment::new(backend) else { return };
    let hook_port = Receiver::reserve_port();
    let (first, base) = deployment.start();
    let token = deployment.admin_token(&base);
    let hook = json!({ "url": format!("http://127.0.0.1:{hook_port}/hook"), "events": ["product.created"] });
    deployment.post(&base, "/api/v1/webhooks", Some(&token), hook);
    let product = deployment.post(&base, "/api/v1/products", Some(&token), json!({ "title": "Survivor" }));
    assert_eq!(product["title"], "Survivor");
    stop(first);

    let receiver = Receiver::start_on(hook_port);
    let (second, _) = deployment.start();
    let received = receiver.wait_for_within(1, Duration::from_secs(40));
    assert_eq!(kinds(&received), ["product.created"], "the committed event survived the kill");
    assert_eq!(received[0].json()["data"]["title"], "Survivor");
    stop(second);
    let (third, _) = deployment.start();
    std::thread::sleep(Duration::from_millis(2500));
    stop(third);
    assert_eq!(receiver.received().len(), 1, "acknowledged once, never sent again");
}
