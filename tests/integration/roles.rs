//! The role matrix: every write route, for each caller, on REST and on GraphQL, from one table;
//! and the same table for API keys, which act as their role would (read-only ones write nothing).

use std::sync::atomic::{AtomicU32, Ordering};

use colophon_domain::{AuthorId, CommentStatus, PostStatus, Role, Slug, Widget};
use colophon_store::{NewAuthor, NewProduct, NewSidebar};
use serde_json::{Value, json};

use crate::comments::comment;
use crate::support::server::test_now;
use crate::support::{Backend, TestApp};

backend_tests!(
    every_write_route_answers_each_role_as_the_table_says,
    every_write_route_answers_each_key_as_its_role_would
);

/// Callers, in the order of each row's expectations.
const CALLERS: [&str; 6] = ["anonymous", "contributor", "author", "editor", "admin", "other author"];

/// Fresh targets for one cell of the matrix, so that no cell sees another's writes.
struct Fixture {
    /// A published post of "author".
    post: i64,
    /// A draft of "contributor".
    draft: i64,
    product: i64,
    sidebar: String,
    comment: i64,
    author_id: i64,
    /// An account without posts, to delete.
    spare: i64,
    /// A preview link of the draft.
    preview: i64,
    /// A media item uploaded by "contributor" (its file is not there: nothing here serves it).
    media: i64,
    n: u32,
}

struct Row {
    name: &'static str,
    rest: fn(&Fixture) -> (&'static str, String, Option<Value>),
    graphql: fn(&Fixture) -> (String, Value),
    /// Expected REST status per caller in [`CALLERS`] order; GraphQL maps 2xx to no error and
    /// 401/403/404 to UNAUTHENTICATED/FORBIDDEN/NOT_FOUND.
    expect: [u16; 6],
}

fn q(query: &str) -> (String, Value) {
    (query.to_string(), json!({}))
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "create a draft",
            rest: |f| ("POST", "/api/v1/posts".into(), Some(json!({ "title": format!("Draft {}", f.n) }))),
            graphql: |f| q(&format!("mutation {{ createPost(input: {{ title: \"Draft {}\" }}) {{ id }} }}", f.n)),
            expect: [401, 201, 201, 201, 201, 201],
        },
        Row {
            name: "create a published post",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/posts".into(),
                    Some(json!({ "title": format!("Live {}", f.n), "status": "published" })),
                )
            },
            graphql: |f| {
                q(&format!(
                    "mutation {{ createPost(input: {{ title: \"Live {}\", status: PUBLISHED }}) {{ id }} }}",
                    f.n
                ))
            },
            expect: [401, 403, 201, 201, 201, 201],
        },
        Row {
            name: "edit the author's published post",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.post), Some(json!({ "title": "Edited" }))),
            graphql: |f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ title: \"Edited\" }}) {{ id }} }}", f.post))
            },
            expect: [401, 403, 200, 200, 200, 403],
        },
        Row {
            name: "edit the contributor's draft",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.draft), Some(json!({ "title": "Edited" }))),
            graphql: |f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ title: \"Edited\" }}) {{ id }} }}", f.draft))
            },
            expect: [401, 200, 404, 200, 200, 404],
        },
        Row {
            name: "publish the contributor's draft",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.draft), Some(json!({ "status": "published" }))),
            graphql: |f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ status: PUBLISHED }}) {{ id }} }}", f.draft))
            },
            expect: [401, 403, 404, 200, 200, 404],
        },
        Row {
            name: "unpublish the author's post",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.post), Some(json!({ "status": "draft" }))),
            graphql: |f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ status: DRAFT }}) {{ id }} }}", f.post))
            },
            expect: [401, 403, 200, 200, 200, 403],
        },
        Row {
            name: "delete the author's post",
            rest: |f| ("DELETE", format!("/api/v1/posts/{}", f.post), None),
            graphql: |f| q(&format!("mutation {{ deletePost(id: \"{}\") }}", f.post)),
            expect: [401, 403, 204, 204, 204, 403],
        },
        Row {
            name: "restore a revision of the author's published post",
            rest: |f| ("POST", format!("/api/v1/posts/{}/revisions/1/restore", f.post), None),
            graphql: |f| q(&format!("mutation {{ restoreRevision(post: \"{}\", number: 1) {{ id }} }}", f.post)),
            expect: [401, 403, 200, 200, 200, 403],
        },
        Row {
            name: "restore a revision of the contributor's draft",
            rest: |f| ("POST", format!("/api/v1/posts/{}/revisions/1/restore", f.draft), None),
            graphql: |f| q(&format!("mutation {{ restoreRevision(post: \"{}\", number: 1) {{ id }} }}", f.draft)),
            expect: [401, 200, 404, 200, 200, 404],
        },
        Row {
            name: "make a preview link of the contributor's draft",
            rest: |f| ("POST", format!("/api/v1/posts/{}/previews", f.draft), Some(json!({}))),
            graphql: |f| q(&format!("mutation {{ createPreviewLink(post: \"{}\") {{ id }} }}", f.draft)),
            expect: [401, 201, 404, 201, 201, 404],
        },
        Row {
            name: "make a preview link of the author's published post",
            rest: |f| ("POST", format!("/api/v1/posts/{}/previews", f.post), Some(json!({}))),
            graphql: |f| q(&format!("mutation {{ createPreviewLink(post: \"{}\") {{ id }} }}", f.post)),
            expect: [401, 403, 409, 409, 409, 403],
        },
        Row {
            name: "revoke a preview link of the contributor's draft",
            rest: |f| ("DELETE", format!("/api/v1/posts/{}/previews/{}", f.draft, f.preview), None),
            graphql: |f| q(&format!("mutation {{ revokePreviewLink(post: \"{}\", id: \"{}\") }}", f.draft, f.preview)),
            expect: [401, 204, 404, 204, 204, 404],
        },
        Row {
            name: "describe the contributor's media item",
            rest: |f| ("PATCH", format!("/api/v1/media/{}", f.media), Some(json!({ "alt": "Described" }))),
            graphql: |f| {
                q(&format!("mutation {{ updateMedia(id: \"{}\", input: {{ alt: \"Described\" }}) {{ id }} }}", f.media))
            },
            expect: [401, 200, 403, 200, 200, 403],
        },
        Row {
            name: "delete the contributor's media item",
            rest: |f| ("DELETE", format!("/api/v1/media/{}", f.media), None),
            graphql: |f| q(&format!("mutation {{ deleteMedia(id: \"{}\") }}", f.media)),
            expect: [401, 204, 403, 204, 204, 403],
        },
        Row {
            name: "delete the contributor's draft",
            rest: |f| ("DELETE", format!("/api/v1/posts/{}", f.draft), None),
            graphql: |f| q(&format!("mutation {{ deletePost(id: \"{}\") }}", f.draft)),
            expect: [401, 204, 404, 204, 204, 404],
        },
        Row {
            name: "create an author",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/authors".into(),
                    Some(json!({ "email": format!("new{}@colophon.test", f.n), "name": format!("New {}", f.n) })),
                )
            },
            graphql: |f| {
                q(&format!(
                    "mutation {{ createAuthor(input: {{ email: \"new{0}@colophon.test\", name: \"New {0}\" }}) {{ id }} }}",
                    f.n
                ))
            },
            expect: [401, 403, 403, 403, 201, 403],
        },
        Row {
            name: "edit the author's profile",
            rest: |f| ("PATCH", format!("/api/v1/authors/{}", f.author_id), Some(json!({ "bio": "<p>Hello</p>" }))),
            graphql: |f| {
                q(&format!(
                    "mutation {{ updateAuthor(id: \"{}\", input: {{ bio: \"Hello\" }}) {{ id }} }}",
                    f.author_id
                ))
            },
            expect: [401, 403, 200, 403, 200, 403],
        },
        Row {
            // On a spare account: a role change ends the target's sessions.
            name: "change an author's role",
            rest: |f| ("PATCH", format!("/api/v1/authors/{}", f.spare), Some(json!({ "role": "editor" }))),
            graphql: |f| {
                q(&format!("mutation {{ updateAuthor(id: \"{}\", input: {{ role: EDITOR }}) {{ id }} }}", f.spare))
            },
            expect: [401, 403, 403, 403, 200, 403],
        },
        Row {
            name: "delete an author",
            rest: |f| ("DELETE", format!("/api/v1/authors/{}", f.spare), None),
            graphql: |f| q(&format!("mutation {{ deleteAuthor(id: \"{}\") }}", f.spare)),
            expect: [401, 403, 403, 403, 204, 403],
        },
        Row {
            name: "create a draft page",
            rest: |f| ("POST", "/api/v1/pages".into(), Some(json!({ "title": format!("Page {}", f.n) }))),
            graphql: |f| q(&format!("mutation {{ createPage(input: {{ title: \"Page {}\" }}) {{ id }} }}", f.n)),
            expect: [401, 201, 201, 201, 201, 201],
        },
        Row {
            name: "create a published page",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/pages".into(),
                    Some(json!({ "title": format!("Live {}", f.n), "status": "published" })),
                )
            },
            graphql: |f| {
                q(&format!(
                    "mutation {{ createPage(input: {{ title: \"Live {}\", status: PUBLISHED }}) {{ id }} }}",
                    f.n
                ))
            },
            expect: [401, 403, 201, 201, 201, 201],
        },
        Row {
            name: "describe a tag",
            rest: |f| {
                (
                    "PATCH",
                    "/api/v1/tags/personal-branding".into(),
                    Some(json!({ "description": format!("Tag {}", f.n) })),
                )
            },
            graphql: |f| {
                q(&format!(
                    "mutation {{ updateTag(slug: \"personal-branding\", input: {{ description: \"Tag {}\" }}) {{ slug }} }}",
                    f.n
                ))
            },
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "create a product",
            rest: |_| ("POST", "/api/v1/products".into(), Some(json!({ "title": "A product" }))),
            graphql: |_| q("mutation { createProduct(input: { title: \"A product\" }) { id } }"),
            expect: [401, 403, 403, 201, 201, 403],
        },
        Row {
            name: "edit a product",
            rest: |f| ("PATCH", format!("/api/v1/products/{}", f.product), Some(json!({ "edition": "Second" }))),
            graphql: |f| {
                q(&format!(
                    "mutation {{ updateProduct(id: \"{}\", input: {{ edition: \"Second\" }}) {{ id }} }}",
                    f.product
                ))
            },
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "delete a product",
            rest: |f| ("DELETE", format!("/api/v1/products/{}", f.product), None),
            graphql: |f| q(&format!("mutation {{ deleteProduct(id: \"{}\") }}", f.product)),
            expect: [401, 403, 403, 204, 204, 403],
        },
        Row {
            name: "create a sidebar",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/sidebars".into(),
                    Some(json!({ "slug": format!("new-{}", f.n), "title": "New", "widgets": [] })),
                )
            },
            graphql: |f| {
                q(&format!(
                    "mutation {{ putSidebar(slug: \"new-{}\", input: {{ title: \"New\", widgets: [] }}) {{ id }} }}",
                    f.n
                ))
            },
            expect: [401, 403, 403, 201, 201, 403],
        },
        Row {
            name: "replace a sidebar",
            rest: |f| {
                (
                    "PUT",
                    format!("/api/v1/sidebars/{}", f.sidebar),
                    Some(json!({ "title": "Replaced", "widgets": [{ "kind": "html", "html": "<p>Hi</p>" }] })),
                )
            },
            graphql: |f| {
                q(&format!(
                    "mutation {{ putSidebar(slug: \"{}\", input: {{ title: \"Replaced\", widgets: [{{ kind: HTML, html: \"Hi\" }}] }}) {{ id }} }}",
                    f.sidebar
                ))
            },
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "delete a sidebar",
            rest: |f| ("DELETE", format!("/api/v1/sidebars/{}", f.sidebar), None),
            graphql: |f| q(&format!("mutation {{ deleteSidebar(slug: \"{}\") }}", f.sidebar)),
            expect: [401, 403, 403, 204, 204, 403],
        },
        Row {
            name: "moderate a comment",
            rest: |f| ("PATCH", format!("/api/v1/comments/{}", f.comment), Some(json!({ "status": "spam" }))),
            graphql: |f| q(&format!("mutation {{ moderateComment(id: \"{}\", status: SPAM) {{ id }} }}", f.comment)),
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "delete a comment",
            rest: |f| ("DELETE", format!("/api/v1/comments/{}", f.comment), None),
            graphql: |f| q(&format!("mutation {{ deleteComment(id: \"{}\") }}", f.comment)),
            expect: [401, 403, 403, 204, 204, 403],
        },
    ]
}

static FIXTURES: AtomicU32 = AtomicU32::new(0);

fn fixture(app: &TestApp, author: i64, contributor: i64) -> Fixture {
    let n = FIXTURES.fetch_add(1, Ordering::Relaxed);
    let mut conn = app.conn();
    let post = |slug: String, author: i64, status: PostStatus| {
        let at = (status == PostStatus::Published).then(|| test_now() - chrono::Duration::days(1));
        crate::support::fixtures::post(&slug)
            .title("Fixture")
            .body("<p>Fixture</p>")
            .by(AuthorId(author))
            .status(status, at)
            .build()
    };
    let published =
        colophon_store::insert_post(&mut conn, &post(format!("fixture-post-{n}"), author, PostStatus::Published))
            .unwrap();
    let draft =
        colophon_store::insert_post(&mut conn, &post(format!("fixture-draft-{n}"), contributor, PostStatus::Draft))
            .unwrap();
    let product = colophon_store::insert_product(
        &mut conn,
        &NewProduct {
            title: "P".into(),
            url: None,
            image: None,
            contributor_label: None,
            contributors: vec![],
            edition: None,
            now: test_now(),
        },
    )
    .unwrap();
    let sidebar = colophon_store::insert_sidebar(
        &mut conn,
        &NewSidebar {
            slug: Slug::parse(format!("fixture-{n}")).unwrap(),
            title: "S".into(),
            widgets: vec![Widget::Product(product.id)],
            now: test_now(),
        },
    )
    .unwrap();
    let comment =
        colophon_store::insert_comment(&mut conn, &comment(published.id.0, "Reader", CommentStatus::Approved, None))
            .unwrap();
    let spare = colophon_store::insert_author(
        &mut conn,
        &NewAuthor {
            slug: Slug::parse(format!("spare-{n}")).unwrap(),
            name: "Spare".into(),
            email: None,
            role: Role::Contributor,
            password_hash: None,
            bio_html: String::new(),
            avatar_url: None,
            website_url: None,
            now: test_now(),
        },
    )
    .unwrap();
    // One revision of each post, as an earlier edit would have left.
    for post in [&published, &draft] {
        let content = colophon_domain::PostContent {
            title: "Earlier".into(),
            slug: post.slug.to_string(),
            excerpt: String::new(),
            body_html: "<p>Earlier</p>".into(),
            body_markdown: None,
            featured_image: None,
            tags: vec![],
            sidebar: None,
            seo: colophon_domain::Seo::default(),
            status: post.status,
            published_at: post.published_at,
        };
        let revision = colophon_store::NewRevision {
            post_id: post.id,
            editor: None,
            editor_key: None,
            fields: &["title"],
            content: &content,
        };
        colophon_store::insert_revision(&mut conn, &revision, 100, test_now()).unwrap();
    }
    let preview = colophon_store::insert_preview_link(
        &mut conn,
        &colophon_store::NewPreviewLink {
            post_id: draft.id,
            created_by: AuthorId(contributor),
            token_version: 0,
            api_key: None,
            secret_hash: "0",
            expires_at: test_now() + chrono::Duration::days(1),
        },
        test_now(),
    )
    .unwrap();
    let media = colophon_store::insert_media(
        &mut conn,
        &colophon_store::NewMedia {
            sha256: format!("{:064x}", u64::from(n) + 1),
            media_type: colophon_domain::MediaType::Png,
            byte_size: 1,
            width: Some(1),
            height: Some(1),
            filename: "fixture.png".into(),
            alt: None,
            caption: None,
            credit: None,
            uploaded_by: Some(AuthorId(contributor)),
        },
        test_now(),
    )
    .unwrap();
    Fixture {
        post: published.id.0,
        draft: draft.id.0,
        preview: preview.id.0,
        media: media.id.0,
        product: product.id.0,
        sidebar: sidebar.slug.to_string(),
        comment: comment.id.0,
        author_id: author,
        spare: spare.id.0,
        n,
    }
}

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
    let (contributor_id, contributor) = app.user("contributor", "contributor");
    let (author_id, author) = app.user("author", "author");
    let (_, editor) = app.user("editor", "editor");
    let admin = app.admin_token();
    let (_, other) = app.user("other", "author");
    let tokens = [None, Some(contributor), Some(author), Some(editor), Some(admin), Some(other)];
    let callers: Vec<(String, Option<String>, usize)> =
        tokens.into_iter().enumerate().map(|(i, token)| (CALLERS[i].to_string(), token, i)).collect();
    let failures = check_matrix(&app, author_id, contributor_id, &callers, |row, column| row.expect[column]);
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}

/// Each key acts as a person of its role would: the same table, the key in place of the
/// sign-in token, except that no key manages accounts. An admin's key made with the author role
/// is an author who owns nothing here ("other author"); a read-only key, even an admin's, writes
/// nothing (403 on every row).
fn every_write_route_answers_each_key_as_its_role_would(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let (contributor_id, _) = app.user("contributor", "contributor");
    let (author_id, _) = app.user("author", "author");
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
    // Accounts are a person's business: no key creates, deletes or re-roles one, whatever its role.
    let accounts = ["create an author", "change an author's role", "delete an author"];
    let failures = check_matrix(&app, author_id, contributor_id, &callers, |row, column| {
        let refused = column == usize::MAX || (accounts.contains(&row.name) && row.expect[column] < 400);
        if refused { 403 } else { row.expect[column] }
    });
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}

/// Runs every row for every caller (name, token, and the column of [`CALLERS`] whose
/// expectations it shares), on REST and on GraphQL, each cell on fresh fixtures; returns the
/// cells that differ.
fn check_matrix(
    app: &TestApp,
    author_id: i64,
    contributor_id: i64,
    callers: &[(String, Option<String>, usize)],
    expected: impl Fn(&Row, usize) -> u16,
) -> Vec<String> {
    let mut failures = Vec::new();
    for row in rows() {
        for (name, token, column) in callers {
            let want = expected(&row, *column);
            let f = fixture(app, author_id, contributor_id);
            let (method, path, body) = (row.rest)(&f);
            let status = app.send(method, &path, token.as_deref(), body.as_ref(), &[]).status;
            if status != want {
                failures.push(format!("REST {}: {name} got {status}, expected {want}", row.name));
            }
            let f = fixture(app, author_id, contributor_id);
            let (query, variables) = (row.graphql)(&f);
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
