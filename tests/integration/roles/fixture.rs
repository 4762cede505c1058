//! Fresh targets for each cell of the role matrix, written straight to the store.

use std::sync::atomic::{AtomicU32, Ordering};

use colophon_domain::{
    AuthorId, BlockRuleKind, CustomFieldName, EventKind, FieldDefinition, FieldEntity, FieldSpec, FieldSpecInput,
    FieldType, PostStatus, Slug, Widget,
};
use colophon_store::{NewProduct, NewSidebar};

use crate::support::server::test_now;
use crate::support::{TestApp, fixtures};

/// Fresh targets for one cell of the matrix, so that no cell sees another's writes.
pub(super) struct Fixture {
    /// A published post of "author".
    pub post: i64,
    /// A draft of "contributor".
    pub draft: i64,
    pub product: i64,
    pub sidebar: String,
    pub comment: i64,
    pub author_id: i64,
    /// An account without posts, to delete.
    pub spare: i64,
    /// A preview link of the draft.
    pub preview: i64,
    /// A media item uploaded by "contributor" (its file is not there: nothing here serves it).
    pub media: i64,
    /// A published page of "author".
    pub page: i64,
    pub block_rule: i64,
    /// A key of the admin's.
    pub key: i64,
    /// A subscription (to `author.deleted`) with one delivery.
    pub webhook: i64,
    pub delivery: i64,
    /// A text field of posts.
    pub field: String,
    pub n: u32,
}

static FIXTURES: AtomicU32 = AtomicU32::new(0);

impl Fixture {
    /// Ids that name nothing, to read what the table's rows send without a server.
    pub fn sample() -> Self {
        Self {
            post: 1,
            draft: 2,
            product: 3,
            sidebar: "sample".into(),
            comment: 4,
            author_id: 5,
            spare: 6,
            preview: 7,
            media: 8,
            page: 9,
            block_rule: 10,
            key: 11,
            webhook: 12,
            delivery: 13,
            field: "sample".into(),
            n: 0,
        }
    }
}

/// Callers the fixtures belong to.
pub(super) struct Owners {
    pub author: i64,
    pub contributor: i64,
    pub admin: i64,
}

pub(super) fn fixture(app: &TestApp, owners: &Owners) -> Fixture {
    let (author, contributor) = (owners.author, owners.contributor);
    let n = FIXTURES.fetch_add(1, Ordering::Relaxed);
    let mut conn = app.conn();
    let post = |slug: String, author: i64, status: PostStatus| {
        let at = (status == PostStatus::Published).then(|| test_now() - chrono::Duration::days(1));
        fixtures::post(&slug).title("Fixture").body("<p>Fixture</p>").by(AuthorId(author)).status(status, at)
    };
    let (published, comments) =
        post(format!("fixture-post-{n}"), author, PostStatus::Published).insert_with_comments(&mut conn, &["Reader"]);
    let draft = post(format!("fixture-draft-{n}"), contributor, PostStatus::Draft).insert(&mut conn);
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
    let spare = fixtures::author(&format!("spare-{n}")).insert(&mut conn);
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
            custom_fields: Default::default(),
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
    let page = colophon_store::insert_page(
        &mut conn,
        &crate::support::fixtures::post(&format!("fixture-page-{n}"))
            .title("Fixture")
            .body("<p>Fixture</p>")
            .by(AuthorId(author))
            .status(PostStatus::Published, Some(test_now() - chrono::Duration::days(1)))
            .build()
            .content,
        test_now(),
    )
    .unwrap();
    let block_rule =
        colophon_store::insert_block_rule(&mut conn, BlockRuleKind::Word, &format!("zzfixture{n}"), test_now())
            .unwrap();
    let key = fixtures::key(AuthorId(owners.admin)).insert(&mut conn);
    let webhook = colophon_store::insert_webhook(
        &mut conn,
        "http://127.0.0.1:9/hook",
        &[EventKind::AuthorDeleted],
        "whsec_fixture",
        test_now(),
    )
    .unwrap();
    let object = format!("author:fixture-{n}");
    colophon_store::queue_event(&mut conn, EventKind::AuthorDeleted, &object, "{}", test_now(), test_now()).unwrap();
    colophon_store::fan_out_events(&mut conn).unwrap();
    let delivery = colophon_store::deliveries_of(&mut conn, webhook.id, None, 1).unwrap()[0].id;
    let field = CustomFieldName::parse(format!("fixture{n}")).unwrap();
    let spec = FieldSpec::parse(&field, FieldSpecInput { kind: Some(FieldType::Text), ..Default::default() }).unwrap();
    let definition = FieldDefinition { entity: FieldEntity::Posts, name: field.clone(), spec };
    colophon_store::put_field_definition(&mut conn, &definition, test_now()).unwrap();
    Fixture {
        field: field.to_string(),
        page: page.id.0,
        block_rule: block_rule.id.0,
        key: key.id.0,
        webhook: webhook.id.0,
        delivery: delivery.0,
        post: published.id.0,
        draft: draft.id.0,
        preview: preview.id.0,
        media: media.id.0,
        product: product.id.0,
        sidebar: sidebar.slug.to_string(),
        comment: comments[0].id.0,
        author_id: author,
        spare: spare.id.0,
        n,
    }
}

/// A picture of one pixel, different for each `n` (an upload of bytes already in the library
/// answers 200, not 201).
pub(super) fn picture(n: u32) -> Vec<u8> {
    let [a, b, c, _] = n.to_le_bytes();
    let pixel = image::RgbImage::from_pixel(1, 1, image::Rgb([a, b, c]));
    let mut out = std::io::Cursor::new(Vec::new());
    pixel.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
