//! Webhooks from the outbox: signed (Standard Webhooks), written in the write's own transaction,
//! delivered at least once, retried on the schedule, in order per object, once across
//! processes, never to private addresses unless allowed; scheduled posts announce themselves
//! when they go live.

use std::time::Duration;

use chrono::Duration as Span;
use serde_json::{Value, json};

use crate::support::receiver::{Received, Receiver};
use crate::support::server::TEST_SECRET;
use crate::support::{Backend, DEMO_POST, TestApp};

backend_tests!(
    events_are_signed_and_describe_what_the_public_sees,
    a_rolled_back_write_sends_nothing,
    failures_are_retried_on_the_schedule_and_410_switches_off,
    a_receiver_that_was_down_gets_everything_in_order,
    scheduled_posts_announce_themselves_when_they_go_live,
    private_addresses_are_refused_by_name_and_after_resolution,
    three_processes_deliver_each_event_once,
    webhooks_in_graphql,
    a_stalled_receiver_does_not_delay_the_others,
);

/// A server whose process delivers webhooks (the harness's do not, by default).
fn with_deliverer(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |_, server| server.deliver_webhooks = true)
}

/// Subscribes `url` to `events` (all when empty) as the admin; returns (id, secret).
fn subscribe(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (i64, String) {
    let made = app.send("POST", "/api/v1/webhooks", Some(admin), Some(&json!({ "url": url, "events": events })), &[]);
    assert_eq!(made.status, 201, "{}", made.body);
    let made = made.json();
    (made["id"].as_i64().unwrap(), made["secret"].as_str().unwrap().to_string())
}

fn deliveries(app: &TestApp, admin: &str, webhook: i64) -> Vec<Value> {
    let page = app.send("GET", &format!("/api/v1/webhooks/{webhook}/deliveries?limit=100"), Some(admin), None, &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()["data"].as_array().unwrap().clone()
}

/// Waits until the delivery log says `f` (at most 10 s).
fn wait_until(app: &TestApp, admin: &str, webhook: i64, f: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let log = deliveries(app, admin, webhook);
        if f(&log) || std::time::Instant::now() > deadline {
            return log;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

pub(crate) fn kinds(received: &[Received]) -> Vec<String> {
    received.iter().map(|r| r.json()["type"].as_str().unwrap().to_string()).collect()
}

fn verify(secret: &str, received: &Received) {
    let (id, timestamp) = (received.header("webhook-id"), received.header("webhook-timestamp"));
    assert!(id.starts_with("msg_"), "{id}");
    let expected = colophon_service::sign_webhook(secret, id, timestamp.parse().unwrap(), &received.body).unwrap();
    assert_eq!(received.header("webhook-signature"), expected);
    assert_eq!(received.header("content-type"), "application/json");
}

fn events_are_signed_and_describe_what_the_public_sees(backend: Backend) {
    let Some(app) = with_deliverer(backend) else { return };
    let admin = app.admin_token();
    let receiver = Receiver::start();
    let (webhook, secret) = subscribe(&app, &admin, &receiver.url, &[]);
    assert!(secret.starts_with("whsec_"));
    let listed = app.send("GET", "/api/v1/webhooks", Some(&admin), None, &[]);
    assert!(!listed.body.contains(&secret), "the secret is shown once");

    // A draft sends nothing; publishing it does; an edit of a visible post does.
    let draft =
        app.send("POST", "/api/v1/posts", Some(&admin), Some(&json!({ "title": "Hooked", "tags": ["Bowling"] })), &[]);
    let id = draft.json()["id"].as_i64().unwrap();
    let publish = |body: Value| app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&body), &[]);
    assert_eq!(publish(json!({ "status": "published" })).status, 200);
    // Custom fields travel too, the public ones only.
    for (name, public) in [("subtitle", true), ("notes", false)] {
        let spec = json!({ "type": "text", "public": public });
        let made = app.send("PUT", &format!("/api/v1/fields/posts/{name}"), Some(&admin), Some(&spec), &[]);
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let values = json!({ "subtitle": "Seen", "notes": "Staff only" });
    assert_eq!(publish(json!({ "title": "Hooked again", "custom_fields": values })).status, 200);
    let received = receiver.wait_for(2);
    assert_eq!(kinds(&received), ["post.published", "post.updated"]);
    for r in &received {
        verify(&secret, r);
    }
    let published = received[0].json();
    assert_eq!(published["data"]["id"], id);
    assert_eq!(published["data"]["slug"], "hooked");
    assert_eq!(published["data"]["tags"], json!(["bowling"]));
    let me = app.send("GET", "/api/v1/me", Some(&admin), None, &[]).json();
    assert_eq!(published["data"]["actor"]["author_id"], me["id"]);
    let keys = published["data"]["surrogate_keys"].as_array().unwrap();
    assert!(keys.contains(&json!(format!("post:{id}"))) && keys.contains(&json!("list:posts")), "{keys:?}");
    assert_ne!(received[0].header("webhook-id"), received[1].header("webhook-id"));
    assert_eq!(published["data"]["custom_fields"], json!({}));
    assert_eq!(received[1].json()["data"]["custom_fields"], json!({ "subtitle": "Seen" }));

    // A held comment says so without its text; spam sends nothing; approval sends the text.
    let path = format!("/api/v1/posts/{DEMO_POST}/comments");
    let held = app
        .post_json(&path, &json!({ "author_name": "Reader", "author_email": "r@example.com", "body": "Held for now" }));
    assert_eq!(held.status, 201, "{}", held.body);
    let spam =
        app.post_json(&path, &json!({ "author_name": "Bot", "body": "Buy now", "website": "http://spam.example" }));
    assert_eq!(spam.status, 201);
    let comment = held.json()["id"].as_i64().unwrap();
    let approve = app.send(
        "PATCH",
        &format!("/api/v1/comments/{comment}"),
        Some(&admin),
        Some(&json!({ "status": "approved" })),
        &[],
    );
    assert_eq!(approve.status, 200);
    let received = receiver.wait_for(4);
    assert_eq!(kinds(&received)[2..], ["comment.created", "comment.approved"]);
    let created = received[2].json();
    assert_eq!(created["data"]["status"], "pending");
    assert!(created["data"]["body_html"].is_null(), "{created}");
    assert!(!received[2].body.contains("r@example.com") && !received[3].body.contains("r@example.com"));
    assert!(received[3].body.contains("Held for now"));

    // The log: each delivery with its attempt.
    let log = wait_until(&app, &admin, webhook, |log| log.len() == 4 && log.iter().all(|d| d["state"] == "delivered"));
    assert_eq!(log.len(), 4, "{log:?}");
    let first = &log[3];
    assert_eq!(first["type"], "post.published");
    assert_eq!(first["log"][0]["status"], 200);
    assert_eq!(first["log"][0]["response"], "answer 200");
    // Only admins see any of this.
    let (_, editor) = app.user("editor", "editor");
    app.send("GET", "/api/v1/webhooks", Some(&editor), None, &[]).problem(403);
    app.send("POST", "/api/v1/webhooks", Some(&editor), Some(&json!({ "url": receiver.url })), &[]).problem(403);
}

fn a_rolled_back_write_sends_nothing(backend: Backend) {
    let Some(app) = with_deliverer(backend) else { return };
    let admin = app.admin_token();
    let receiver = Receiver::start();
    let (webhook, _) = subscribe(&app, &admin, &receiver.url, &["comment.approved", "product.created"]);
    let path = format!("/api/v1/posts/{DEMO_POST}/comments");
    let held = app.post_json(&path, &json!({ "author_name": "Reader", "body": "Held" })).json()["id"].as_i64().unwrap();
    // Approving it and a comment that does not exist, all or none: none, and no event.
    let bulk = json!({ "ids": [held, 999_999], "status": "approved" });
    app.send("PATCH", "/api/v1/comments", Some(&admin), Some(&bulk), &[]).problem(404);
    // A committed write after it is delivered, and it is the only one.
    let product = app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "Rug" })), &[]);
    assert_eq!(product.status, 201);
    assert_eq!(kinds(&receiver.wait_for(1)), ["product.created"]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(deliveries(&app, &admin, webhook).len(), 1);
}

fn failures_are_retried_on_the_schedule_and_410_switches_off(backend: Backend) {
    let Some(app) = with_deliverer(backend) else { return };
    let admin = app.admin_token();
    let receiver = Receiver::start();
    receiver.answer(&[500]);
    let (webhook, secret) = subscribe(&app, &admin, &receiver.url, &["product.created"]);
    app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "Rug" })), &[]);
    let log = wait_until(&app, &admin, webhook, |log| {
        log.first().is_some_and(|d| d["attempts"] == 1 && d["log"].as_array().unwrap().len() == 1)
    });
    let delivery = &log[0];
    assert_eq!(delivery["state"], "pending");
    assert_eq!(delivery["log"][0]["status"], 500);
    let due = chrono::DateTime::parse_from_rfc3339(delivery["next_attempt_at"].as_str().unwrap()).unwrap().timestamp();
    let wait = due - app.clock_now();
    assert!((4..=6).contains(&wait), "the first retry comes after about 5 s: {wait}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(receiver.received().len(), 1, "not before it is due");
    app.clock.advance(Span::seconds(6));
    let received = receiver.wait_for(2);
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].header("webhook-id"), received[1].header("webhook-id"), "the same message id on a retry");
    verify(&secret, &received[1]);
    let log = wait_until(&app, &admin, webhook, |log| log[0]["state"] == "delivered");
    assert_eq!(log[0]["attempts"], 2);

    // Redeliver sends it again with the same id.
    let id = log[0]["id"].as_i64().unwrap();
    let again =
        app.send("POST", &format!("/api/v1/webhooks/{webhook}/deliveries/{id}/redeliver"), Some(&admin), None, &[]);
    assert_eq!(again.status, 202, "{}", again.body);
    let received = receiver.wait_for(3);
    assert_eq!(received[2].header("webhook-id"), received[0].header("webhook-id"));

    // 410 Gone switches the subscription off; nothing more is sent until it is switched on.
    receiver.answer(&[410]);
    app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "Rug 2" })), &[]);
    receiver.wait_for(4);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut listed = Value::Null;
    while std::time::Instant::now() < deadline {
        listed = app.send("GET", "/api/v1/webhooks", Some(&admin), None, &[]).json()["data"][0].clone();
        if listed["active"] == false {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert_eq!(listed["active"], false, "{listed}");
    assert!(listed["disabled_reason"].as_str().unwrap().contains("410"));
    app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "Rug 3" })), &[]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(receiver.received().len(), 4);
    let on =
        app.send("PATCH", &format!("/api/v1/webhooks/{webhook}"), Some(&admin), Some(&json!({ "active": true })), &[]);
    assert_eq!(on.status, 200);
    assert!(on.json()["disabled_reason"].is_null());
    // Events while it was off were not queued for it; new ones are.
    app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "Rug 4" })), &[]);
    let received = receiver.wait_for(5);
    assert_eq!(received.len(), 5);
    assert_eq!(received[4].json()["data"]["title"], "Rug 4");
}

fn a_receiver_that_was_down_gets_everything_in_order(backend: Backend) {
    let Some(app) = with_deliverer(backend) else { return };
    let admin = app.admin_token();
    let port = Receiver::reserve_port();
    let (webhook, _) = subscribe(&app, &admin, &format!("http://127.0.0.1:{port}/hook"), &[]);
    let draft = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Ordered", "status": "published" })),
        &[],
    );
    let id = draft.json()["id"].as_i64().unwrap();
    for title in ["Ordered 2", "Ordered 3"] {
        let edit =
            app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&json!({ "title": title })), &[]);
        assert_eq!(edit.status, 200);
    }
    // Once the first attempt's outcome is recorded (its retry scheduled), before the clock moves.
    let log = wait_until(&app, &admin, webhook, |log| log.iter().any(|d| d["log"].as_array().unwrap().len() == 1));
    let tried: Vec<&Value> = log.iter().filter(|d| d["attempts"] == 1).collect();
    assert_eq!(tried.len(), 1, "one object's later events wait for its first: {log:?}");
    assert_eq!(tried[0]["log"].as_array().unwrap().len(), 1, "{:?}", tried[0]);
    assert!(tried[0]["log"][0]["status"].is_null(), "no answer: {:?}", tried[0]);
    let receiver = Receiver::start_on(port);
    app.clock.advance(Span::seconds(6));
    let received = receiver.wait_for(3);
    assert_eq!(kinds(&received), ["post.published", "post.updated", "post.updated"]);
    let titles: Vec<String> =
        received.iter().map(|r| r.json()["data"]["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles, ["Ordered", "Ordered 2", "Ordered 3"]);
}

fn scheduled_posts_announce_themselves_when_they_go_live(backend: Backend) {
    let Some(app) = with_deliverer(backend) else { return };
    let admin = app.admin_token();
    let receiver = Receiver::start();
    subscribe(&app, &admin, &receiver.url, &["post.published"]);
    let at =
        |hours: i64| (chrono::DateTime::from_timestamp(app.clock_now(), 0).unwrap() + Span::hours(hours)).to_rfc3339();
    let (in_one_hour, in_two_hours) = (at(1), at(2));
    let body = json!({ "title": "Later", "status": "published", "published_at": in_one_hour });
    let post = app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]);
    assert_eq!(post.status, 201, "{}", post.body);
    let id = post.json()["id"].as_i64().unwrap();
    // Rescheduled: the first announcement is withdrawn.
    let moved = json!({ "published_at": in_two_hours, "title": "Later still" });
    assert_eq!(app.send("PATCH", &format!("/api/v1/posts/{id}"), Some(&admin), Some(&moved), &[]).status, 200);
    // A second scheduled post, unscheduled before its time: nothing is sent for it.
    let other = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Never", "status": "published", "published_at": in_one_hour })),
        &[],
    );
    let other = other.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.send("PATCH", &format!("/api/v1/posts/{other}"), Some(&admin), Some(&json!({ "status": "draft" })), &[])
            .status,
        200
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(receiver.received().is_empty(), "not before its time");
    app.clock.advance(Span::hours(1) + Span::seconds(1));
    std::thread::sleep(Duration::from_millis(300));
    assert!(receiver.received().is_empty(), "the withdrawn announcement stays withdrawn");
    app.clock.advance(Span::hours(1));
    receiver.wait_for(1);
    std::thread::sleep(Duration::from_millis(300));
    let received = receiver.received();
    assert_eq!(kinds(&received), ["post.published"], "once");
    let event = received[0].json();
    assert_eq!(event["data"]["id"], id);
    assert_eq!(event["data"]["title"], "Later still");
    assert_eq!(event["timestamp"].as_str().unwrap()[..19], in_two_hours[..19]);
}

fn private_addresses_are_refused_by_name_and_after_resolution(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, server| {
        config.webhooks.allow_private = false;
        server.deliver_webhooks = true;
    }) else {
        return;
    };
    let admin = app.admin_token();
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://[::ffff:0:7f00:1]/hook",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
        "ftp://example.com/",
    ] {
        let refused = app.send("POST", "/api/v1/webhooks", Some(&admin), Some(&json!({ "url": url })), &[]);
        assert_eq!(refused.problem(422)["errors"][0]["field"], "url", "{url}");
    }
    // A subscription that reaches a private address anyway (here: written by hand, as a DNS name
    // that resolves to one would be) is refused at delivery, after resolution.
    let receiver = Receiver::start();
    {
        use colophon_store::schema::webhooks;
        use diesel::prelude::*;
        diesel::insert_into(webhooks::table)
            .values((
                webhooks::url.eq(&receiver.url),
                webhooks::events.eq("*"),
                webhooks::secret.eq("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                webhooks::active.eq(true),
                webhooks::created_at.eq(crate::support::server::test_now()),
            ))
            .execute(&mut *app.conn())
            .unwrap();
    }
    app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": "Rug" })), &[]);
    let webhook =
        app.send("GET", "/api/v1/webhooks", Some(&admin), None, &[]).json()["data"][0]["id"].as_i64().unwrap();
    // `attempts` counts a claim; the log shows the attempt once its outcome is recorded.
    let log =
        wait_until(&app, &admin, webhook, |log| log.first().is_some_and(|d| !d["log"].as_array().unwrap().is_empty()));
    let response = log[0]["log"][0]["response"].as_str().unwrap_or_default().to_string();
    assert!(response.contains("private"), "{log:?}");
    assert!(receiver.received().is_empty(), "nothing reached the private address");
}

/// Three service processes' deliverers on one database: each event arrives once.
fn three_processes_deliver_each_event_once(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |_, server| server.deliver_webhooks = false) else { return };
    let admin = app.admin_token();
    let receiver = Receiver::start();
    subscribe(&app, &admin, &receiver.url, &["product.created"]);
    const EVENTS: usize = 60;
    for n in 0..EVENTS {
        let made =
            app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": format!("Rug {n}") })), &[]);
        assert_eq!(made.status, 201);
    }
    let mut workers = Vec::new();
    for _ in 0..3 {
        let (target, listen) = (app.db.target.clone(), app.db.direct.clone());
        let pool = app.db.pool(colophon_store::PoolSettings { max_size: 3, ..Default::default() });
        let clock: std::sync::Arc<dyn colophon_service::Clock> = app.clock.clone();
        workers.push(std::thread::spawn(move || {
            let mut config = colophon_service::ColophonConfig::new(TEST_SECRET.to_vec());
            config.webhooks.allow_private = true;
            config.webhooks.concurrency = 4;
            config.cache = false;
            config.listen = listen;
            let service = colophon_service::Colophon::open(&target, &pool, clock, config, None).unwrap();
            actix_web::rt::System::new().block_on(async move {
                let mut idle = 0;
                while idle < 5 {
                    match colophon_delivery::deliver_due(&service).await {
                        Ok(0) => {
                            idle += 1;
                            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
                        }
                        Ok(_) => idle = 0,
                        Err(error) => panic!("{error}"),
                    }
                }
            });
        }));
    }
    for worker in workers {
        worker.join().unwrap();
    }
    let received = receiver.received();
    let mut ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!((before, ids.len()), (EVENTS, EVENTS), "every event once");
}

fn webhooks_in_graphql(backend: Backend) {
    let Some(app) = with_deliverer(backend) else { return };
    let admin = app.admin_token();
    let receiver = Receiver::start();
    let made = app.graphql_as(
        &admin,
        "mutation($u: String!) { createWebhook(input: { url: $u, events: [PRODUCT_CREATED] }) { secret webhook { id events active } } }",
        json!({ "u": receiver.url }),
    );
    assert!(made["errors"].is_null(), "{made}");
    let webhook = made["data"]["createWebhook"]["webhook"]["id"].as_str().unwrap().to_string();
    assert_eq!(made["data"]["createWebhook"]["webhook"]["events"], json!(["PRODUCT_CREATED"]));
    app.graphql_as(&admin, "mutation { createProduct(input: { title: \"Rug\" }) { id } }", json!({}));
    receiver.wait_for(1);
    let query = format!(
        "{{ webhookDeliveries(webhookId: \"{webhook}\") {{ type state attempts log {{ status }} }} webhooks {{ url }} }}"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut log = Value::Null;
    while std::time::Instant::now() < deadline {
        log = app.graphql_as(&admin, &query, json!({}));
        if log["data"]["webhookDeliveries"][0]["state"] == "DELIVERED" {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert_eq!(log["data"]["webhookDeliveries"][0]["type"], "PRODUCT_CREATED", "{log}");
    assert_eq!(log["data"]["webhookDeliveries"][0]["state"], "DELIVERED", "{log}");
    let deleted = app.graphql_as(&admin, &format!("mutation {{ deleteWebhook(id: \"{webhook}\") }}"), json!({}));
    assert_eq!(deleted["data"]["deleteWebhook"], true);
    let anonymous = app.graphql("{ webhooks { url } }", json!({}));
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

/// A receiver that never answers holds at most its share of the deliverer's slots (then none,
/// once its breaker opens): a healthy receiver still gets each event within a second, where a
/// deliverer that waited for whole rounds held it for the stalled one's time-out each round.
fn a_stalled_receiver_does_not_delay_the_others(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, server| {
        server.deliver_webhooks = true;
        config.webhooks.concurrency = 4;
        config.webhooks.timeout = Duration::from_secs(3);
    }) else {
        return;
    };
    let admin = app.admin_token();
    let (stalled, healthy) = (Receiver::stalled(), Receiver::start());
    subscribe(&app, &admin, &stalled.url, &["product.created"]);
    subscribe(&app, &admin, &healthy.url, &["product.created"]);
    let mut slowest = Duration::ZERO;
    for n in 0..16 {
        let sent = std::time::Instant::now();
        let made =
            app.send("POST", "/api/v1/products", Some(&admin), Some(&json!({ "title": format!("Rug {n}") })), &[]);
        assert_eq!(made.status, 201);
        let received = healthy.wait_for_within(n + 1, Duration::from_secs(5));
        assert_eq!(received.len(), n + 1, "event {n} reached the healthy receiver");
        slowest = slowest.max(received[n].at.duration_since(sent));
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(slowest < Duration::from_secs(1), "the healthy receiver waited {slowest:?}");
    let stalled_got = stalled.received().len();
    assert!((1..=4).contains(&stalled_got), "the stalled receiver was sent {stalled_got}: at most its share at once");
}
