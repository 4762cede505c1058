//! The media library end to end: uploads sniffed and stripped, files served immutable with
//! ranges and variants, items shown by posts and products, in REST and GraphQL. Every test runs
//! on SQLite and PostgreSQL with local storage, and on PostgreSQL against a real S3-compatible
//! server (`COLOPHON_TEST_S3_URL`, started by `.ci/run`).

use std::io::Cursor;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

/// Where a test's files go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Local,
    S3,
}

/// One `#[test]` per backend and storage: SQLite with local files, PostgreSQL with local files,
/// PostgreSQL with S3. The last two are ignored unless asked for (`--include-ignored`), and then
/// fail loudly without their servers.
macro_rules! media_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name($crate::support::Backend::Sqlite, super::Storage::Local) })*
        }
        mod postgres {
            $(
                #[test]
                #[ignore = "PostgreSQL: set COLOPHON_TEST_POSTGRES_URL and run with --include-ignored"]
                fn $name() { super::$name($crate::support::Backend::Postgres, super::Storage::Local) }
            )*
        }
        mod s3 {
            $(
                #[test]
                #[ignore = "S3: set COLOPHON_TEST_S3_URL (and COLOPHON_TEST_POSTGRES_URL) and run with --include-ignored"]
                fn $name() { super::$name($crate::support::Backend::Postgres, super::Storage::S3) }
            )*
        }
    };
}

pub(crate) use media_tests;

media_tests!(
    an_upload_loses_its_metadata_and_is_served_immutable,
    the_same_bytes_upload_once,
    files_come_in_ranges_and_answer_head_and_revalidation,
    refused_uploads_say_why_and_store_nothing,
    variants_come_at_listed_widths_only,
    posts_and_products_show_media_items,
    a_new_alt_text_reaches_what_shows_the_item,
    items_in_use_are_not_deleted,
    the_library_pages_filters_and_answers_graphql,
);

/// The S3-compatible server of this run, with a bucket of the test's own.
pub(crate) fn s3_storage() -> Arc<dyn colophon_service::BlobStore> {
    let Some(endpoint) = std::env::var("COLOPHON_TEST_S3_URL").ok().filter(|u| !u.is_empty()) else {
        panic!("COLOPHON_TEST_S3_URL is not set: this S3 test cannot run (it must not pass without running)");
    };
    let bytes: [u8; 6] = rand::random();
    let bucket = format!("colophon-test-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let settings = colophon_media::S3Settings {
        endpoint,
        bucket,
        region: "us-east-1".into(),
        access_key: "test".into(),
        secret_key: "test".into(),
        path_style: true,
    };
    let store = colophon_media::S3Blobs::new(&settings).expect("an S3 client");
    store.ensure_bucket().expect("the S3 test server answers and makes a bucket");
    Arc::new(store)
}

fn spawn(backend: Backend, storage: Storage) -> Option<TestApp> {
    spawn_with(backend, storage, |_| {})
}

pub(crate) fn spawn_with(
    backend: Backend,
    storage: Storage,
    configure: impl FnOnce(&mut colophon_service::MediaSettings),
) -> Option<TestApp> {
    let s3 = (storage == Storage::S3).then(s3_storage);
    TestApp::spawn_with(backend, |config, _| {
        if let Some(s3) = s3 {
            config.media.storage = Some(s3);
        }
        configure(&mut config.media);
    })
}

/// A JPEG made here, `width` × `height`, with an EXIF block (GPS coordinates among its bytes)
/// and a comment, as a phone would leave them.
pub fn photo(width: u32, height: u32) -> Vec<u8> {
    use img_parts::{ImageEXIF, jpeg::Jpeg};
    let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    let mut jpeg = Jpeg::from_bytes(out.into_inner().into()).unwrap();
    let mut exif = b"MM\x00\x2A\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00".to_vec();
    exif.extend_from_slice(b"GPSLatitude 51.5074N GPSLongitude 0.1278W");
    jpeg.set_exif(Some(exif.into()));
    let comment = img_parts::jpeg::JpegSegment::new_with_contents(
        img_parts::jpeg::markers::COM,
        img_parts::Bytes::from_static(b"taken at home"),
    );
    jpeg.segments_mut().insert(1, comment);
    jpeg.encoder().bytes().to_vec()
}

pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, 255]));
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The path of a media URL (`http://127.0.0.1:port/media/…` → `/media/…`).
pub(crate) fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest[rest.find('/').unwrap()..].to_string()
}

pub(crate) fn upload(app: &TestApp, token: &str, name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Value {
    let response = app.upload(Some(token), name, bytes, fields);
    assert_eq!(response.status, 201, "{}", response.body);
    response.json()
}

fn an_upload_loses_its_metadata_and_is_served_immutable(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let (_, token) = app.user("writer", "contributor");
    let original = photo(800, 600);
    let response = app.upload(
        Some(&token),
        "../../home/me/rug.jpg",
        &original,
        &[("alt", "A rug"), ("credit", "Image via Snorgtees")],
    );
    assert_eq!(response.status, 201, "{}", response.body);
    let item = response.json();
    assert_eq!(response.header("location"), Some(format!("/api/v1/media/{}", item["id"]).as_str()));
    assert_eq!(item["media_type"], "image/jpeg");
    assert_eq!((item["width"].as_i64(), item["height"].as_i64()), (Some(800), Some(600)));
    assert_eq!(item["filename"], "rug.jpg");
    assert_eq!(item["alt"], "A rug");
    assert_eq!(item["credit"], "Image via Snorgtees");
    assert!(item["srcset"].as_str().unwrap().contains("?w=640 640w"), "{item}");
    assert!(!item["srcset"].as_str().unwrap().contains("960w"), "no variant wider than the picture: {item}");

    let file = app.get(&path_of(item["url"].as_str().unwrap()));
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/jpeg"));
    assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(file.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(file.header("etag"), Some(format!("\"{}\"", item["sha256"].as_str().unwrap()).as_str()));
    let served = String::from_utf8_lossy(&file.bytes);
    assert!(String::from_utf8_lossy(&original).contains("GPSLatitude"));
    assert!(!served.contains("GPSLatitude") && !served.contains("taken at home"), "metadata was served");
    let jpeg = img_parts::jpeg::Jpeg::from_bytes(file.bytes.clone().into()).unwrap();
    assert!(img_parts::ImageEXIF::exif(&jpeg).is_none());
    assert_eq!(file.bytes.len() as i64, item["byte_size"].as_i64().unwrap());
    let decoded = image::load_from_memory(&file.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (800, 600));
}

fn the_same_bytes_upload_once(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let (_, token) = app.user("writer", "author");
    let bytes = png(30, 20);
    let first = upload(&app, &token, "a.png", &bytes, &[]);
    let again = app.upload(Some(&token), "b.png", &bytes, &[("alt", "ignored")]);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["id"], first["id"]);
    assert_eq!(again.json()["filename"], "a.png");
    let list = app.send("GET", "/api/v1/media", Some(&token), None, &[]).json();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

fn files_come_in_ranges_and_answer_head_and_revalidation(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let (_, token) = app.user("writer", "author");
    let item = upload(&app, &token, "a.png", &png(64, 64), &[]);
    let path = path_of(item["url"].as_str().unwrap());
    let whole = app.get(&path);
    let total = whole.bytes.len();

    let part = app.get_with(&path, &[("range", "bytes=0-9")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.bytes, whole.bytes[..10]);
    assert_eq!(part.header("content-range"), Some(format!("bytes 0-9/{total}").as_str()));
    let tail = app.get_with(&path, &[("range", "bytes=-5")]);
    assert_eq!((tail.status, tail.bytes.as_slice()), (206, &whole.bytes[total - 5..]));
    let backwards = app.get_with(&path, &[("range", "bytes=5-2")]);
    assert_eq!((backwards.status, backwards.bytes.len()), (200, total), "an invalid range is ignored");
    let past = app.get_with(&path, &[("range", &format!("bytes={total}-"))]);
    past.problem(416);
    assert_eq!(past.header("content-range"), Some(format!("bytes */{total}").as_str()));

    let head = app.send("HEAD", &path, None, None, &[]);
    assert_eq!(head.status, 200);
    assert!(head.bytes.is_empty());
    assert_eq!(head.header("content-length"), Some(total.to_string().as_str()));
    assert_eq!(head.header("content-type"), Some("image/png"));

    let etag = whole.header("etag").unwrap().to_string();
    let held = app.get_with(&path, &[("if-none-match", &etag)]);
    assert_eq!((held.status, held.bytes.len()), (304, 0));

    app.get(&format!("/media/{}.jpg", "0".repeat(64))).problem(404);
    app.get("/media/..%2F..%2Fetc%2Fpasswd").problem(404);
    app.get(&format!("/media/{}.svg", "a".repeat(64))).problem(404);
}

fn refused_uploads_say_why_and_store_nothing(backend: Backend, storage: Storage) {
    let Some(app) = spawn_with(backend, storage, |media| media.max_bytes = 64 * 1024) else { return };
    let (_, token) = app.user("writer", "author");
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    let problem = app.upload(Some(&token), "x.svg", svg, &[]).problem(415);
    assert!(problem["detail"].as_str().unwrap().contains("SVG"), "{problem}");
    let html = b"<!doctype html><script>alert(1)</script>";
    app.upload(Some(&token), "x.jpg", html, &[]).problem(415);
    let fake = b"\x89PNG\r\n\x1a\n<script>alert(1)</script>";
    let problem = app.upload(Some(&token), "x.png", fake, &[]).problem(422);
    assert_eq!(problem["errors"][0]["field"], "file");
    // A well-formed PNG whose pixels are garbage: refused when it comes in, not on every
    // variant request after.
    let mut garbage = img_parts::png::Png::from_bytes(png(64, 64).into()).unwrap();
    for chunk in garbage.chunks_mut() {
        if chunk.kind() == *b"IDAT" {
            *chunk = img_parts::png::PngChunk::new(*b"IDAT", img_parts::Bytes::from(vec![0xAB; 200]));
        }
    }
    let garbage = garbage.encoder().bytes().to_vec();
    let problem = app.upload(Some(&token), "x.png", &garbage, &[]).problem(422);
    assert!(problem["detail"].as_str().unwrap().contains("decoded"), "{problem}");
    app.upload(Some(&token), "x.jpg", b"\xFF\xD8\xFF\xD9", &[]).problem(422);
    app.upload(Some(&token), "big.png", &vec![0x89; 65 * 1024], &[]).problem(413);
    app.upload(None, "a.png", &png(2, 2), &[]).problem(401);
    let key = app
        .colophon
        .create_api_key_by_operator(
            "writer@colophon.test",
            colophon_service::ApiKeyInput { name: "build".into(), read_only: true, ..Default::default() },
        )
        .unwrap()
        .secret;
    app.upload(Some(&key), "a.png", &png(2, 2), &[]).problem(403);
    let problem = app.upload(Some(&token), "a.png", &png(2, 2), &[("alt", &"x".repeat(301))]).problem(422);
    assert_eq!(problem["errors"][0]["field"], "alt");
    app.upload(Some(&token), "a.png", &png(2, 2), &[("colour", "red")]).problem(422);
    let json = app.send("POST", "/api/v1/media", Some(&token), Some(&json!({ "file": "aGk=" })), &[]);
    json.problem(415);
    let list = app.send("GET", "/api/v1/media", Some(&token), None, &[]).json();
    assert_eq!(list["data"], json!([]), "nothing was stored");
}

fn variants_come_at_listed_widths_only(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let (_, token) = app.user("writer", "author");
    let item = upload(&app, &token, "wide.jpg", &photo(1000, 500), &[]);
    let path = path_of(item["url"].as_str().unwrap());

    let small = app.get(&format!("{path}?w=320"));
    assert_eq!(small.status, 200, "{}", small.body);
    assert_eq!(small.header("content-type"), Some("image/jpeg"));
    let picture = image::load_from_memory(&small.bytes).unwrap();
    assert_eq!((picture.width(), picture.height()), (320, 160));
    assert_ne!(small.header("etag"), app.get(&path).header("etag"));
    assert_eq!(app.get(&format!("{path}?w=320")).bytes, small.bytes, "made once, then kept");

    let webp = app.get(&format!("{path}?w=640&format=webp"));
    assert_eq!(webp.header("content-type"), Some("image/webp"));
    let picture = image::load_from_memory(&webp.bytes).unwrap();
    assert_eq!((picture.width(), picture.height()), (640, 320));
    let wider = image::load_from_memory(&app.get(&format!("{path}?w=1920")).bytes).unwrap();
    assert_eq!(wider.width(), 1000, "never enlarged");

    let problem = app.get(&format!("{path}?w=333")).problem(400);
    assert!(problem["detail"].as_str().unwrap().contains("320, 640"), "{problem}");
    app.get(&format!("{path}?format=gif")).problem(400);
    app.get(&format!("{path}?format=webp")).problem(400);
    let pdf = upload(&app, &token, "doc.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", &[]);
    assert_eq!(pdf["media_type"], "application/pdf");
    assert_eq!(pdf["srcset"], "");
    let pdf_path = path_of(pdf["url"].as_str().unwrap());
    app.get(&format!("{pdf_path}?w=320")).problem(400);
    let served = app.get(&pdf_path);
    assert_eq!(served.header("content-type"), Some("application/pdf"));
    assert_eq!(served.header("content-disposition"), Some("attachment"), "downloaded, never shown inline");
    assert!(served.header("content-security-policy").is_some_and(|p| p.starts_with("sandbox")));
    assert_eq!(app.get(&path).header("content-disposition"), None, "pictures show inline");
}

fn posts_and_products_show_media_items(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let admin = app.admin_token();
    let item =
        upload(&app, &admin, "tee.jpg", &photo(600, 400), &[("alt", "A T-shirt"), ("credit", "Image via Snorgtees")]);
    let id = item["id"].as_i64().unwrap();
    let post = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "With a picture", "status": "published", "featured_image": { "media_id": id } })),
        &[],
    );
    assert_eq!(post.status, 201, "{}", post.body);
    let image = &post.json()["featured_image"];
    assert_eq!(image["url"], item["url"]);
    assert_eq!((image["alt"].as_str(), image["credit"].as_str()), (Some("A T-shirt"), Some("Image via Snorgtees")));
    assert_eq!(
        (image["width"].as_i64(), image["height"].as_i64(), image["media_id"].as_i64()),
        (Some(600), Some(400), Some(id))
    );
    let public = app.get(&format!("/api/v1/posts/{}", post.json()["slug"].as_str().unwrap())).json();
    assert_eq!(public["featured_image"]["width"], 600);
    let shown = app.get(&path_of(public["featured_image"]["url"].as_str().unwrap()));
    assert_eq!(shown.status, 200);

    let own_alt = app.send(
        "PATCH",
        &format!("/api/v1/posts/{}", post.json()["id"]),
        Some(&admin),
        Some(&json!({ "featured_image": { "media_id": id, "alt": "Its own words" } })),
        &[],
    );
    assert_eq!(own_alt.json()["featured_image"]["alt"], "Its own words");
    let both = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Both", "featured_image": { "media_id": id, "url": "https://x.test/a.png" } })),
        &[],
    );
    assert_eq!(both.problem(422)["errors"][0]["field"], "featured_image.media_id");
    let missing = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "M", "featured_image": { "media_id": 999999 } })),
        &[],
    );
    assert_eq!(missing.problem(422)["errors"][0]["field"], "featured_image.media_id");

    let product = app.send(
        "POST",
        "/api/v1/products",
        Some(&admin),
        Some(&json!({ "title": "A tee", "image_media_id": id })),
        &[],
    );
    assert_eq!(product.status, 201, "{}", product.body);
    let product = product.json();
    assert_eq!(product["image_url"], item["url"]);
    assert_eq!(product["image"]["credit"], "Image via Snorgtees");
    assert_eq!(product["image"]["height"], 400);
    let graphql = app.graphql("{ products { id imageUrl image { url alt credit width height mediaId } } }", json!({}));
    let shown = graphql["data"]["products"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"].as_str() == Some(product["id"].to_string().as_str())))
        .unwrap_or_else(|| panic!("{graphql}"));
    assert_eq!(shown["image"]["width"], 600, "{graphql}");
    assert_eq!(shown["image"]["mediaId"], id.to_string());
    let cleared = app.send(
        "PATCH",
        &format!("/api/v1/products/{}", product["id"]),
        Some(&admin),
        Some(&json!({ "image_media_id": null })),
        &[],
    );
    assert_eq!(cleared.json()["image"], Value::Null, "{}", cleared.body);
    let plain = app.send(
        "PATCH",
        &format!("/api/v1/products/{}", product["id"]),
        Some(&admin),
        Some(&json!({ "image_url": "https://images.example/tee.jpg" })),
        &[],
    );
    assert_eq!(plain.json()["image"]["url"], "https://images.example/tee.jpg", "plain URLs keep working");
    assert_eq!(plain.json()["image"]["media_id"], Value::Null);
}

fn a_new_alt_text_reaches_what_shows_the_item(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let admin = app.admin_token();
    let item = upload(&app, &admin, "tee.jpg", &photo(60, 40), &[("alt", "Old words")]);
    let id = item["id"].as_i64().unwrap();
    let create = |title: &str, image: Value| {
        let body = json!({ "title": title, "status": "published", "featured_image": image });
        let response = app.send("POST", "/api/v1/posts", Some(&admin), Some(&body), &[]);
        assert_eq!(response.status, 201, "{}", response.body);
        response.json()
    };
    let inherits = create("Inherits", json!({ "media_id": id }));
    let own = create("Own", json!({ "media_id": id, "alt": "Its own words" }));
    let slug = inherits["slug"].as_str().unwrap().to_string();
    let before = app.get(&format!("/api/v1/posts/{slug}"));
    assert_eq!(before.json()["featured_image"]["alt"], "Old words");

    let updated =
        app.send("PATCH", &format!("/api/v1/media/{id}"), Some(&admin), Some(&json!({ "alt": "New words" })), &[]);
    assert_eq!(updated.status, 200, "{}", updated.body);
    let after = app.get(&format!("/api/v1/posts/{slug}"));
    assert_eq!(after.json()["featured_image"]["alt"], "New words", "the cached page was dropped");
    assert_ne!(after.header("etag"), before.header("etag"));
    assert!(after.json()["version"].as_i64() > inherits["version"].as_i64());
    let own_now = app.get(&format!("/api/v1/posts/{}", own["slug"].as_str().unwrap())).json();
    assert_eq!(own_now["featured_image"]["alt"], "Its own words");
    let (_, stranger) = app.user("stranger", "author");
    app.send("PATCH", &format!("/api/v1/media/{id}"), Some(&stranger), Some(&json!({ "alt": "Mine" })), &[])
        .problem(403);

    // An uploader describes their item, but changes only the posts they may edit themselves.
    let (_, contributor) = app.user("helper", "contributor");
    let theirs = upload(&app, &contributor, "mine.jpg", &photo(30, 20), &[("alt", "Helper's words")]);
    let shown = create("Shows the helper's picture", json!({ "media_id": theirs["id"] }));
    let described = app.send(
        "PATCH",
        &format!("/api/v1/media/{}", theirs["id"]),
        Some(&contributor),
        Some(&json!({ "alt": "Walter was here" })),
        &[],
    );
    assert_eq!(described.json()["alt"], "Walter was here", "{}", described.body);
    let page = app.get(&format!("/api/v1/posts/{}", shown["slug"].as_str().unwrap())).json();
    assert_eq!(page["featured_image"]["alt"], "Helper's words", "the admin's post is not the helper's to change");
}

fn items_in_use_are_not_deleted(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let admin = app.admin_token();
    let item = upload(&app, &admin, "tee.jpg", &photo(60, 40), &[]);
    let id = item["id"].as_i64().unwrap();
    let path = path_of(item["url"].as_str().unwrap());
    assert_eq!(app.get(&format!("{path}?w=320")).status, 200);
    let post = app.send(
        "POST",
        "/api/v1/posts",
        Some(&admin),
        Some(&json!({ "title": "Uses it", "featured_image": { "media_id": id } })),
        &[],
    );
    let post_id = post.json()["id"].as_i64().unwrap();
    let problem = app.send("DELETE", &format!("/api/v1/media/{id}"), Some(&admin), None, &[]).problem(409);
    assert!(problem["detail"].as_str().unwrap().contains(&format!("post {post_id}")), "{problem}");
    assert_eq!(app.get(&path).status, 200);
    app.send("PATCH", &format!("/api/v1/posts/{post_id}"), Some(&admin), Some(&json!({ "featured_image": null })), &[]);
    let deleted = app.send("DELETE", &format!("/api/v1/media/{id}"), Some(&admin), None, &[]);
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    app.get(&path).problem(404);
    app.get(&format!("{path}?w=320")).problem(404);
    app.send("GET", &format!("/api/v1/media/{id}"), Some(&admin), None, &[]).problem(404);
    // The revision from before the picture was taken off names the deleted item: restoring it
    // brings the post back without that picture rather than not at all.
    let restored = app.send("POST", &format!("/api/v1/posts/{post_id}/revisions/1/restore"), Some(&admin), None, &[]);
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(restored.json()["featured_image"], Value::Null);
}

fn the_library_pages_filters_and_answers_graphql(backend: Backend, storage: Storage) {
    let Some(app) = spawn(backend, storage) else { return };
    let admin = app.admin_token();
    for n in 1..=3 {
        upload(&app, &admin, "p.png", &png(n, n), &[]);
    }
    upload(&app, &admin, "d.pdf", b"%PDF-1.7\n%%EOF\n", &[]);
    let first = app.send("GET", "/api/v1/media?limit=2", Some(&admin), None, &[]).json();
    assert_eq!(first["data"][0]["media_type"], "application/pdf", "newest first");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.send("GET", &format!("/api/v1/media?limit=2&cursor={cursor}"), Some(&admin), None, &[]).json();
    assert_eq!(second["data"].as_array().unwrap().len(), 2);
    assert_eq!(second["next_cursor"], Value::Null);
    let pngs = app.send("GET", "/api/v1/media?media_type=image/png", Some(&admin), None, &[]).json();
    assert_eq!(pngs["data"].as_array().unwrap().len(), 3);
    app.send("GET", "/api/v1/media", None, None, &[]).problem(401);

    let listed = app.graphql_as(
        &admin,
        "{ mediaItems(first: 10, mediaType: \"image/png\") { edges { cursor node { id url width mediaType } } pageInfo { hasNextPage } } }",
        json!({}),
    );
    let edges = listed["data"]["mediaItems"]["edges"].as_array().unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(edges.len(), 3);
    let id = edges[0]["node"]["id"].as_str().unwrap().to_string();
    let updated = app.graphql_as(
        &admin,
        "mutation($id: ID!) { updateMedia(id: $id, input: { caption: \"A square\" }) { caption } }",
        json!({ "id": id }),
    );
    assert_eq!(updated["data"]["updateMedia"]["caption"], "A square", "{updated}");
    let deleted = app.graphql_as(&admin, "mutation($id: ID!) { deleteMedia(id: $id) }", json!({ "id": id }));
    assert_eq!(deleted["data"]["deleteMedia"], true, "{deleted}");
    let gone = app.graphql_as(&admin, "query($id: ID!) { mediaItem(id: $id) { id } }", json!({ "id": id }));
    assert_eq!(gone["errors"][0]["extensions"]["code"], "NOT_FOUND", "{gone}");
    let anonymous = app.graphql("{ mediaItems { edges { node { id } } } }", json!({}));
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}
