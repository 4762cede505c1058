use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::support::server::TEST_SECRET;
use crate::support::{Backend, TestApp};

backend_tests!(
    login_me_refresh_rotation_and_logout,
    refresh_token_reuse_revokes_the_whole_sign_in,
    forged_and_expired_tokens_get_401,
    unknown_email_and_wrong_password_look_the_same,
    login_is_rate_limited_per_account_and_per_address,
    demotion_deletion_and_password_change_end_sessions_at_once,
    changing_credentials_takes_the_current_password,
    signing_out_everywhere_ends_every_session,
    graphql_login_and_me,
);

fn login_me_refresh_rotation_and_logout(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin.clone().unwrap();
    let login = app
        .post_json("/api/v1/auth/login", &json!({ "email": admin.email.to_uppercase(), "password": admin.password }));
    assert_eq!(login.status, 200, "e-mail is case-insensitive: {}", login.body);
    let session = login.json();
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["expires_in"], 900);
    let access = session["access_token"].as_str().unwrap();
    let refresh = session["refresh_token"].as_str().unwrap().to_string();

    let me = app.send("GET", "/api/v1/me", Some(access), None, &[]);
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["email"], "admin@colophon.test");
    assert_eq!(me.json()["role"], "admin");
    assert!(!me.body.contains("argon2"), "the hash never leaves the database");
    app.get("/api/v1/me").problem(401);

    let rotated = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": refresh }));
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let next = rotated.json();
    assert_ne!(next["refresh_token"], json!(refresh), "a new refresh token");
    assert_eq!(app.send("GET", "/api/v1/me", next["access_token"].as_str(), None, &[]).status, 200);

    let next_refresh = next["refresh_token"].as_str().unwrap();
    let logout = app.send(
        "POST",
        "/api/v1/auth/logout",
        next["access_token"].as_str(),
        Some(&json!({ "refresh_token": next_refresh })),
        &[],
    );
    assert_eq!(logout.status, 204, "{}", logout.body);
    app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": next_refresh })).problem(401);
    app.post_json("/api/v1/auth/logout", &json!({ "refresh_token": next_refresh })).problem(401);
}

fn refresh_token_reuse_revokes_the_whole_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin.clone().unwrap();
    let first =
        app.post_json("/api/v1/auth/login", &json!({ "email": admin.email, "password": admin.password })).json();
    let stolen = first["refresh_token"].as_str().unwrap().to_string();
    // The legitimate client rotates...
    let second = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": stolen })).json();
    let current = second["refresh_token"].as_str().unwrap().to_string();
    // ...then the thief presents the old token: refused, and the whole family dies with it.
    app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": stolen })).problem(401);
    app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": current })).problem(401);
    // Another sign-in of the same account is untouched.
    let other =
        app.post_json("/api/v1/auth/login", &json!({ "email": admin.email, "password": admin.password })).json();
    assert_eq!(app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": other["refresh_token"] })).status, 200);
    // Expired refresh tokens are refused too.
    let late = app.post_json("/api/v1/auth/login", &json!({ "email": admin.email, "password": admin.password })).json();
    app.clock.advance(Duration::days(31));
    app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": late["refresh_token"] })).problem(401);
    app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": "made-up" })).problem(401);
}

fn sign(header: &Header, claims: &serde_json::Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn forged_and_expired_tokens_get_401(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let token = app.admin_token();
    let now = app.clock_now();
    let claims = |sub: &str| json!({ "sub": sub, "ver": 0, "iss": "colophon", "aud": "colophon-api", "iat": now, "nbf": now, "exp": now + 600 });
    let parts: Vec<&str> = token.split('.').collect();
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let admin_id = app.get("/api/v1/authors/admin").json()["id"].as_i64().unwrap().to_string();
    let tampered_payload = URL_SAFE_NO_PAD.encode(claims("999").to_string());
    let forged = [
        ("alg none", format!("{none_header}.{}.", URL_SAFE_NO_PAD.encode(claims(&admin_id).to_string()))),
        ("HS512 with the right secret", sign(&Header::new(Algorithm::HS512), &claims(&admin_id), TEST_SECRET)),
        (
            "another secret",
            sign(&Header::new(Algorithm::HS256), &claims(&admin_id), b"some other secret of 32+ bytes!!"),
        ),
        ("tampered payload", format!("{}.{tampered_payload}.{}", parts[0], parts[2])),
        (
            "wrong audience",
            sign(
                &Header::new(Algorithm::HS256),
                &json!({"sub": admin_id, "ver": 0, "iss": "colophon", "aud": "x", "iat": now, "nbf": now, "exp": now + 600}),
                TEST_SECRET,
            ),
        ),
        (
            "no expiry",
            sign(
                &Header::new(Algorithm::HS256),
                &json!({"sub": admin_id, "ver": 0, "iss": "colophon", "aud": "colophon-api", "nbf": now}),
                TEST_SECRET,
            ),
        ),
        ("garbage", "not.a.jwt".to_string()),
    ];
    for (what, token) in &forged {
        let response = app.send("GET", "/api/v1/me", Some(token), None, &[]);
        assert_eq!(response.problem(401)["code"], "unauthenticated", "{what}");
        let body = json!({ "query": "mutation { deletePost(id: \"1\") }" });
        let gql = app.send("POST", "/graphql", Some(token), Some(&body), &[]);
        assert_eq!(gql.status, 401, "{what}: a bad token is refused, not treated as anonymous");
        assert_eq!(gql.json()["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{what}: {}", gql.body);
    }
    // The genuine token passes; then it expires.
    assert_eq!(app.send("GET", "/api/v1/me", Some(&token), None, &[]).status, 200);
    app.clock.advance(Duration::minutes(15));
    app.send("GET", "/api/v1/me", Some(&token), None, &[]).problem(401);
    // A malformed Authorization header is refused, not ignored.
    app.send("GET", "/api/v1/posts", None, None, &[("Authorization", "Basic YWRtaW46YWRtaW4=")]).problem(401);
}

fn unknown_email_and_wrong_password_look_the_same(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let before = app.colophon.password_verifications();
    let unknown =
        app.post_json("/api/v1/auth/login", &json!({ "email": "nobody@colophon.test", "password": "whatever it is" }));
    assert_eq!(
        app.colophon.password_verifications(),
        before + 1,
        "an unknown e-mail still runs one argon2 verification"
    );
    let wrong =
        app.post_json("/api/v1/auth/login", &json!({ "email": "admin@colophon.test", "password": "not the password" }));
    assert_eq!(app.colophon.password_verifications(), before + 2);
    let malformed =
        app.post_json("/api/v1/auth/login", &json!({ "email": "not an e-mail", "password": "whatever it is" }));
    assert_eq!(app.colophon.password_verifications(), before + 3, "even a malformed e-mail");
    let (a, b, c) = (unknown.problem(401), wrong.problem(401), malformed.problem(401));
    assert_eq!(a, b, "same body for unknown e-mail and wrong password");
    assert_eq!(a, c);
}

/// Guessing is throttled, but strangers cannot keep the owner out.
fn login_is_rate_limited_per_account_and_per_address(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, server| {
        server.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        config.auth.login_slowdown_step = std::time::Duration::from_millis(40);
    }) else {
        return;
    };
    let admin = app.admin.clone().unwrap();
    let attempt = |email: &str, password: &str, from: &str| {
        app.send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({ "email": email, "password": password })),
            &[("X-Forwarded-For", from)],
        )
    };
    // Five wrong passwords from one address: that address is refused for that account…
    for _ in 0..5 {
        attempt(&admin.email, "wrong password", "203.0.113.9").problem(401);
    }
    let limited = attempt(&admin.email, "wrong password", "203.0.113.9");
    limited.problem(429);
    let retry: u64 = limited.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // …while the owner, elsewhere, signs in at once (this was 429 for anyone's five guesses).
    assert_eq!(attempt(&admin.email, &admin.password, "198.51.100.7").status, 200);
    // Guesses spread over many addresses slow every attempt on the account down, but the right
    // password still gets in.
    for i in 0..12 {
        attempt(&admin.email, "wrong password", &format!("192.0.2.{i}")).problem(401);
    }
    let started = std::time::Instant::now();
    assert_eq!(attempt(&admin.email, &admin.password, "198.51.100.8").status, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(40), "attempts on an attacked account are slowed");
    // The guessing address's window passes.
    app.clock.advance(Duration::seconds(901));
    assert_eq!(attempt(&admin.email, &admin.password, "203.0.113.9").status, 200, "the window passed");
    // Per address: 20 attempts a minute from one client, whatever the accounts.
    for i in 0..20 {
        attempt(&format!("user{i}@colophon.test"), "some password", "203.0.113.50").problem(401);
    }
    attempt("someone-else@colophon.test", "some password", "203.0.113.50").problem(429);
}

fn demotion_deletion_and_password_change_end_sessions_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let (editor_id, editor) = app.user("editor", "editor");
    let queue = |token: &str| app.send("GET", "/api/v1/comments", Some(token), None, &[]).status;
    assert_eq!(queue(&editor), 200);
    let demote = app.send(
        "PATCH",
        &format!("/api/v1/authors/{editor_id}"),
        Some(&admin),
        Some(&json!({ "role": "contributor" })),
        &[],
    );
    assert_eq!(demote.status, 200, "{}", demote.body);
    assert_eq!(queue(&editor), 401, "the old token died with the role change");
    let fresh = app.login("editor@colophon.test", "a long enough password");
    assert_eq!(queue(&fresh), 403, "signed in again, as a contributor now");

    let (_, author) = app.user("writer", "author");
    let me = app.send("GET", "/api/v1/me", Some(&author), None, &[]).json();
    let change = app.send(
        "PATCH",
        &format!("/api/v1/authors/{}", me["id"]),
        Some(&author),
        Some(&json!({ "password": "a brand new password", "current_password": "a long enough password" })),
        &[],
    );
    assert_eq!(change.status, 200, "{}", change.body);
    app.send("GET", "/api/v1/me", Some(&author), None, &[]).problem(401);
    app.login("writer@colophon.test", "a brand new password");

    let (gone_id, gone) = app.user("leaver", "author");
    assert_eq!(app.send("DELETE", &format!("/api/v1/authors/{gone_id}"), Some(&admin), None, &[]).status, 204);
    app.send("GET", "/api/v1/me", Some(&gone), None, &[]).problem(401);
}

fn graphql_login_and_me(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin.clone().unwrap();
    let login = app.graphql(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken tokenType expiresIn refreshToken } }",
        json!({ "e": admin.email, "p": admin.password }),
    );
    let token = login["data"]["login"]["accessToken"].as_str().expect("a token").to_string();
    let me = app.graphql_as(&token, "{ me { email role name } }", json!({}));
    assert_eq!(me["data"]["me"]["role"], "ADMIN");
    assert!(app.graphql("{ me { email } }", json!({}))["data"]["me"].is_null(), "signed out: null");
    let bad = app.graphql(
        "mutation { login(email: \"admin@colophon.test\", password: \"nope nope\") { accessToken } }",
        json!({}),
    );
    assert_eq!(bad["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let refreshed = app.graphql(
        "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }",
        json!({ "r": login["data"]["login"]["refreshToken"] }),
    );
    assert!(refreshed["data"]["refreshToken"]["accessToken"].is_string(), "{refreshed}");
}

/// An access token alone (stolen from a browser, say) must not be enough to take an account
/// over: one's own password or e-mail changes only with the current password.
fn changing_credentials_takes_the_current_password(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (id, token) = app.user("walter", "author");
    let patch =
        |body: serde_json::Value| app.send("PATCH", &format!("/api/v1/authors/{id}"), Some(&token), Some(&body), &[]);
    let field = |response: crate::support::http::Response| response.problem(422)["errors"][0]["field"].clone();
    assert_eq!(field(patch(json!({ "password": "taken over now" }))), "current_password");
    assert_eq!(field(patch(json!({ "email": "thief@example.com" }))), "current_password");
    assert_eq!(
        field(patch(json!({ "email": "thief@example.com", "current_password": "a guess" }))),
        "current_password"
    );
    // The profile itself needs no password.
    assert_eq!(patch(json!({ "bio": "<p>Shomer shabbos.</p>" })).status, 200);
    let moved = patch(json!({ "email": "walter@example.com", "current_password": "a long enough password" }));
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.json()["email"], "walter@example.com");
    // Guessing the current password through a stolen token is limited like signing in.
    for _ in 0..4 {
        patch(json!({ "password": "taken over now", "current_password": "another guess" })).problem(422);
    }
    patch(json!({ "password": "taken over now", "current_password": "a long enough password" })).problem(429);
    // GraphQL asks the same.
    let gql = app.graphql_as(
        &token,
        "mutation($id: ID!) { updateAuthor(id: $id, input: { password: \"taken over now\" }) { id } }",
        json!({ "id": id.to_string() }),
    );
    assert_eq!(gql["errors"][0]["extensions"]["field"], "current_password", "{gql}");
    // An admin resetting someone else's password is a separate action that needs no password of theirs.
    let admin = app.admin_token();
    let reset = app.send(
        "PATCH",
        &format!("/api/v1/authors/{id}"),
        Some(&admin),
        Some(&json!({ "password": "reset by the admin" })),
        &[],
    );
    assert_eq!(reset.status, 200, "{}", reset.body);
    app.login("walter@example.com", "reset by the admin");
}

fn signing_out_everywhere_ends_every_session(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    app.user("donny", "author");
    let sign_in = || {
        app.post_json(
            "/api/v1/auth/login",
            &json!({ "email": "donny@colophon.test", "password": "a long enough password" }),
        )
        .json()
    };
    let (laptop, phone) = (sign_in(), sign_in());
    let access = laptop["access_token"].as_str().unwrap();
    assert_eq!(app.send("POST", "/api/v1/auth/logout-all", Some(access), None, &[]).status, 204);
    for session in [&laptop, &phone] {
        app.send("GET", "/api/v1/me", Some(session["access_token"].as_str().unwrap()), None, &[]).problem(401);
        let refreshed = app.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": session["refresh_token"] }));
        refreshed.problem(401);
    }
    // Signing in again works.
    let again = sign_in();
    assert_eq!(app.send("GET", "/api/v1/me", Some(again["access_token"].as_str().unwrap()), None, &[]).status, 200);
}
