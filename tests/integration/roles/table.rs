//! The table of the role matrix: one row per write (a scenario of one operation), what it sends
//! on REST and on GraphQL, and the status each caller gets.

use serde_json::{Value, json};

use super::fixture::{Fixture, picture};
use Body::{Empty, Json, Upload};

/// What a REST cell sends.
pub(super) enum Body {
    Empty,
    Json(Value),
    /// A file, as the multipart form of `POST /api/v1/media`.
    Upload(Vec<u8>),
}

/// What a GraphQL cell sends: the query and its variables.
type GraphqlCell = fn(&Fixture) -> (String, Value);

pub(super) struct Row {
    pub name: &'static str,
    pub rest: fn(&Fixture) -> (&'static str, String, Body),
    /// `None` where GraphQL has no such mutation (uploads, settings, the blocklist).
    pub graphql: Option<GraphqlCell>,
    /// Expected REST status per caller in [`CALLERS`] order; GraphQL maps 2xx to no error and
    /// 401/403/404 to UNAUTHENTICATED/FORBIDDEN/NOT_FOUND.
    pub expect: [u16; 6],
}

fn q(query: &str) -> (String, Value) {
    (query.to_string(), json!({}))
}

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "create a draft",
            rest: |f| ("POST", "/api/v1/posts".into(), Json(json!({ "title": format!("Draft {}", f.n) }))),
            graphql: Some(|f| q(&format!("mutation {{ createPost(input: {{ title: \"Draft {}\" }}) {{ id }} }}", f.n))),
            expect: [401, 201, 201, 201, 201, 201],
        },
        Row {
            name: "create a published post",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/posts".into(),
                    Json(json!({ "title": format!("Live {}", f.n), "status": "published" })),
                )
            },
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ createPost(input: {{ title: \"Live {}\", status: PUBLISHED }}) {{ id }} }}",
                    f.n
                ))
            }),
            expect: [401, 403, 201, 201, 201, 201],
        },
        Row {
            name: "edit the author's published post",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.post), Json(json!({ "title": "Edited" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ title: \"Edited\" }}) {{ id }} }}", f.post))
            }),
            expect: [401, 403, 200, 200, 200, 403],
        },
        Row {
            name: "edit the contributor's draft",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.draft), Json(json!({ "title": "Edited" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ title: \"Edited\" }}) {{ id }} }}", f.draft))
            }),
            expect: [401, 200, 404, 200, 200, 404],
        },
        Row {
            name: "publish the contributor's draft",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.draft), Json(json!({ "status": "published" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ status: PUBLISHED }}) {{ id }} }}", f.draft))
            }),
            expect: [401, 403, 404, 200, 200, 404],
        },
        Row {
            name: "unpublish the author's post",
            rest: |f| ("PATCH", format!("/api/v1/posts/{}", f.post), Json(json!({ "status": "draft" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updatePost(id: \"{}\", input: {{ status: DRAFT }}) {{ id }} }}", f.post))
            }),
            expect: [401, 403, 200, 200, 200, 403],
        },
        Row {
            name: "delete the author's post",
            rest: |f| ("DELETE", format!("/api/v1/posts/{}", f.post), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deletePost(id: \"{}\") }}", f.post))),
            expect: [401, 403, 204, 204, 204, 403],
        },
        Row {
            name: "restore a revision of the author's published post",
            rest: |f| ("POST", format!("/api/v1/posts/{}/revisions/1/restore", f.post), Empty),
            graphql: Some(|f| q(&format!("mutation {{ restoreRevision(post: \"{}\", number: 1) {{ id }} }}", f.post))),
            expect: [401, 403, 200, 200, 200, 403],
        },
        Row {
            name: "restore a revision of the contributor's draft",
            rest: |f| ("POST", format!("/api/v1/posts/{}/revisions/1/restore", f.draft), Empty),
            graphql: Some(|f| q(&format!("mutation {{ restoreRevision(post: \"{}\", number: 1) {{ id }} }}", f.draft))),
            expect: [401, 200, 404, 200, 200, 404],
        },
        Row {
            name: "make a preview link of the contributor's draft",
            rest: |f| ("POST", format!("/api/v1/posts/{}/previews", f.draft), Json(json!({}))),
            graphql: Some(|f| q(&format!("mutation {{ createPreviewLink(post: \"{}\") {{ id }} }}", f.draft))),
            expect: [401, 201, 404, 201, 201, 404],
        },
        Row {
            name: "make a preview link of the author's published post",
            rest: |f| ("POST", format!("/api/v1/posts/{}/previews", f.post), Json(json!({}))),
            graphql: Some(|f| q(&format!("mutation {{ createPreviewLink(post: \"{}\") {{ id }} }}", f.post))),
            expect: [401, 403, 409, 409, 409, 403],
        },
        Row {
            name: "revoke a preview link of the contributor's draft",
            rest: |f| ("DELETE", format!("/api/v1/posts/{}/previews/{}", f.draft, f.preview), Empty),
            graphql: Some(|f| {
                q(&format!("mutation {{ revokePreviewLink(post: \"{}\", id: \"{}\") }}", f.draft, f.preview))
            }),
            expect: [401, 204, 404, 204, 204, 404],
        },
        Row {
            name: "describe the contributor's media item",
            rest: |f| ("PATCH", format!("/api/v1/media/{}", f.media), Json(json!({ "alt": "Described" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updateMedia(id: \"{}\", input: {{ alt: \"Described\" }}) {{ id }} }}", f.media))
            }),
            expect: [401, 200, 403, 200, 200, 403],
        },
        Row {
            name: "delete the contributor's media item",
            rest: |f| ("DELETE", format!("/api/v1/media/{}", f.media), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deleteMedia(id: \"{}\") }}", f.media))),
            expect: [401, 204, 403, 204, 204, 403],
        },
        Row {
            name: "delete the contributor's draft",
            rest: |f| ("DELETE", format!("/api/v1/posts/{}", f.draft), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deletePost(id: \"{}\") }}", f.draft))),
            expect: [401, 204, 404, 204, 204, 404],
        },
        Row {
            name: "create an author",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/authors".into(),
                    Json(json!({ "email": format!("new{}@colophon.test", f.n), "name": format!("New {}", f.n) })),
                )
            },
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ createAuthor(input: {{ email: \"new{0}@colophon.test\", name: \"New {0}\" }}) {{ id }} }}",
                    f.n
                ))
            }),
            expect: [401, 403, 403, 403, 201, 403],
        },
        Row {
            name: "edit the author's profile",
            rest: |f| ("PATCH", format!("/api/v1/authors/{}", f.author_id), Json(json!({ "bio": "<p>Hello</p>" }))),
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ updateAuthor(id: \"{}\", input: {{ bio: \"Hello\" }}) {{ id }} }}",
                    f.author_id
                ))
            }),
            expect: [401, 403, 200, 403, 200, 403],
        },
        Row {
            // On a spare account: a role change ends the target's sessions.
            name: "change an author's role",
            rest: |f| ("PATCH", format!("/api/v1/authors/{}", f.spare), Json(json!({ "role": "editor" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updateAuthor(id: \"{}\", input: {{ role: EDITOR }}) {{ id }} }}", f.spare))
            }),
            expect: [401, 403, 403, 403, 200, 403],
        },
        Row {
            name: "delete an author",
            rest: |f| ("DELETE", format!("/api/v1/authors/{}", f.spare), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deleteAuthor(id: \"{}\") }}", f.spare))),
            expect: [401, 403, 403, 403, 204, 403],
        },
        Row {
            name: "create a draft page",
            rest: |f| ("POST", "/api/v1/pages".into(), Json(json!({ "title": format!("Page {}", f.n) }))),
            graphql: Some(|f| q(&format!("mutation {{ createPage(input: {{ title: \"Page {}\" }}) {{ id }} }}", f.n))),
            expect: [401, 201, 201, 201, 201, 201],
        },
        Row {
            name: "create a published page",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/pages".into(),
                    Json(json!({ "title": format!("Live {}", f.n), "status": "published" })),
                )
            },
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ createPage(input: {{ title: \"Live {}\", status: PUBLISHED }}) {{ id }} }}",
                    f.n
                ))
            }),
            expect: [401, 403, 201, 201, 201, 201],
        },
        Row {
            name: "describe a tag",
            rest: |f| {
                (
                    "PATCH",
                    "/api/v1/tags/personal-branding".into(),
                    Json(json!({ "description": format!("Tag {}", f.n) })),
                )
            },
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ updateTag(slug: \"personal-branding\", input: {{ description: \"Tag {}\" }}) {{ slug }} }}",
                    f.n
                ))
            }),
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "create a product",
            rest: |_| ("POST", "/api/v1/products".into(), Json(json!({ "title": "A product" }))),
            graphql: Some(|_| q("mutation { createProduct(input: { title: \"A product\" }) { id } }")),
            expect: [401, 403, 403, 201, 201, 403],
        },
        Row {
            name: "edit a product",
            rest: |f| ("PATCH", format!("/api/v1/products/{}", f.product), Json(json!({ "edition": "Second" }))),
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ updateProduct(id: \"{}\", input: {{ edition: \"Second\" }}) {{ id }} }}",
                    f.product
                ))
            }),
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "delete a product",
            rest: |f| ("DELETE", format!("/api/v1/products/{}", f.product), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deleteProduct(id: \"{}\") }}", f.product))),
            expect: [401, 403, 403, 204, 204, 403],
        },
        Row {
            name: "create a sidebar",
            rest: |f| {
                (
                    "POST",
                    "/api/v1/sidebars".into(),
                    Json(json!({ "slug": format!("new-{}", f.n), "title": "New", "widgets": [] })),
                )
            },
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ putSidebar(slug: \"new-{}\", input: {{ title: \"New\", widgets: [] }}) {{ id }} }}",
                    f.n
                ))
            }),
            expect: [401, 403, 403, 201, 201, 403],
        },
        Row {
            name: "replace a sidebar",
            rest: |f| {
                (
                    "PUT",
                    format!("/api/v1/sidebars/{}", f.sidebar),
                    Json(json!({ "title": "Replaced", "widgets": [{ "kind": "html", "html": "<p>Hi</p>" }] })),
                )
            },
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ putSidebar(slug: \"{}\", input: {{ title: \"Replaced\", widgets: [{{ kind: HTML, html: \"Hi\" }}] }}) {{ id }} }}",
                    f.sidebar
                ))
            }),
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "delete a sidebar",
            rest: |f| ("DELETE", format!("/api/v1/sidebars/{}", f.sidebar), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deleteSidebar(slug: \"{}\") }}", f.sidebar))),
            expect: [401, 403, 403, 204, 204, 403],
        },
        Row {
            name: "moderate a comment",
            rest: |f| ("PATCH", format!("/api/v1/comments/{}", f.comment), Json(json!({ "status": "spam" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ moderateComment(id: \"{}\", status: SPAM) {{ id }} }}", f.comment))
            }),
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "delete a comment",
            rest: |f| ("DELETE", format!("/api/v1/comments/{}", f.comment), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deleteComment(id: \"{}\") }}", f.comment))),
            expect: [401, 403, 403, 204, 204, 403],
        },
        Row {
            name: "moderate comments in bulk",
            rest: |f| ("PATCH", "/api/v1/comments".into(), Json(json!({ "ids": [f.comment], "status": "spam" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ moderateComments(ids: [\"{}\"], status: SPAM) {{ id }} }}", f.comment))
            }),
            expect: [401, 403, 403, 200, 200, 403],
        },
        Row {
            name: "edit the author's published page",
            rest: |f| ("PATCH", format!("/api/v1/pages/{}", f.page), Json(json!({ "title": "Edited" }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updatePage(id: \"{}\", input: {{ title: \"Edited\" }}) {{ id }} }}", f.page))
            }),
            expect: [401, 403, 200, 200, 200, 403],
        },
        Row {
            name: "delete the author's page",
            rest: |f| ("DELETE", format!("/api/v1/pages/{}", f.page), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deletePage(id: \"{}\") }}", f.page))),
            expect: [401, 403, 204, 204, 204, 403],
        },
        Row {
            name: "upload a picture",
            rest: |f| ("POST", "/api/v1/media".into(), Upload(picture(f.n))),
            graphql: None,
            expect: [401, 201, 201, 201, 201, 201],
        },
        Row {
            name: "change the site's settings",
            rest: |_| ("PATCH", "/api/v1/settings".into(), Json(json!({ "comment_moderation": "pending" }))),
            graphql: None,
            expect: [401, 403, 403, 403, 200, 403],
        },
        Row {
            name: "add a blocklist rule",
            rest: |f| {
                ("POST", "/api/v1/blocklist".into(), Json(json!({ "kind": "word", "value": format!("zzrule{}", f.n) })))
            },
            graphql: None,
            expect: [401, 403, 403, 403, 201, 403],
        },
        Row {
            name: "remove a blocklist rule",
            rest: |f| ("DELETE", format!("/api/v1/blocklist/{}", f.block_rule), Empty),
            graphql: None,
            expect: [401, 403, 403, 403, 204, 403],
        },
        Row {
            name: "define a field",
            // Pages: every cell's fixture defines a field of posts, past the 50 allowed.
            rest: |f| ("PUT", format!("/api/v1/fields/pages/made{}", f.n), Json(json!({ "type": "text" }))),
            graphql: None,
            expect: [401, 403, 403, 403, 201, 403],
        },
        Row {
            name: "delete a field",
            rest: |f| ("DELETE", format!("/api/v1/fields/posts/{}", f.field), Empty),
            graphql: None,
            expect: [401, 403, 403, 403, 204, 403],
        },
        Row {
            name: "create a key",
            rest: |f| ("POST", "/api/v1/keys".into(), Json(json!({ "name": format!("Key {}", f.n) }))),
            graphql: Some(|f| q(&format!("mutation {{ createApiKey(input: {{ name: \"Key {}\" }}) {{ key }} }}", f.n))),
            expect: [401, 403, 403, 403, 201, 403],
        },
        Row {
            name: "rotate a key",
            rest: |f| ("POST", format!("/api/v1/keys/{}/rotate", f.key), Empty),
            graphql: Some(|f| q(&format!("mutation {{ rotateApiKey(id: \"{}\") {{ key }} }}", f.key))),
            expect: [401, 403, 403, 403, 200, 403],
        },
        Row {
            name: "revoke a key",
            rest: |f| ("DELETE", format!("/api/v1/keys/{}", f.key), Empty),
            graphql: Some(|f| q(&format!("mutation {{ revokeApiKey(id: \"{}\") }}", f.key))),
            expect: [401, 403, 403, 403, 204, 403],
        },
        Row {
            name: "subscribe a webhook",
            rest: |_| {
                (
                    "POST",
                    "/api/v1/webhooks".into(),
                    Json(json!({ "url": "http://127.0.0.1:9/hook", "events": ["author.deleted"] })),
                )
            },
            graphql: Some(|_| {
                q(
                    "mutation { createWebhook(input: { url: \"http://127.0.0.1:9/hook\", events: [AUTHOR_DELETED] }) { secret } }",
                )
            }),
            expect: [401, 403, 403, 403, 201, 403],
        },
        Row {
            name: "pause a webhook",
            rest: |f| ("PATCH", format!("/api/v1/webhooks/{}", f.webhook), Json(json!({ "active": false }))),
            graphql: Some(|f| {
                q(&format!("mutation {{ updateWebhook(id: \"{}\", input: {{ active: false }}) {{ id }} }}", f.webhook))
            }),
            expect: [401, 403, 403, 403, 200, 403],
        },
        Row {
            name: "send a delivery again",
            rest: |f| ("POST", format!("/api/v1/webhooks/{}/deliveries/{}/redeliver", f.webhook, f.delivery), Empty),
            graphql: Some(|f| {
                q(&format!(
                    "mutation {{ redeliverWebhook(webhookId: \"{}\", deliveryId: \"{}\") }}",
                    f.webhook, f.delivery
                ))
            }),
            expect: [401, 403, 403, 403, 202, 403],
        },
        Row {
            name: "delete a webhook",
            rest: |f| ("DELETE", format!("/api/v1/webhooks/{}", f.webhook), Empty),
            graphql: Some(|f| q(&format!("mutation {{ deleteWebhook(id: \"{}\") }}", f.webhook))),
            expect: [401, 403, 403, 403, 204, 403],
        },
    ]
}
