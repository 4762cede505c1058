//! An archive carries the media library's files: a restored site serves every picture its posts
//! show, from the target's own storage (local files or S3), and a file whose bytes do not match
//! its name is refused with nothing written.

use serde_json::json;

use crate::media::{Storage, media_tests, path_of, photo, s3_storage, spawn_with, upload};
use crate::support::{Backend, TestApp, TestDb};

media_tests!(an_archive_carries_the_media_files);

fn an_archive_carries_the_media_files(backend: Backend, storage: Storage) {
    let Some(source) = spawn_with(backend, storage, |_| {}) else { return };
    let admin = source.admin_token();
    let item = upload(&source, &admin, "rug.jpg", &photo(300, 200), &[("alt", "The rug")]);
    let post = json!({ "title": "Rug", "status": "published", "featured_image": { "media_id": item["id"] } });
    let made = source.send("POST", "/api/v1/posts", Some(&admin), Some(&post), &[]);
    assert_eq!(made.status, 201, "{}", made.body);
    let mut archive = Vec::new();
    source.colophon.export_archive(&mut archive, colophon_service::ArchiveOptions::default()).unwrap();
    let archive = String::from_utf8(archive).unwrap();
    assert!(archive.lines().last().unwrap().starts_with(r#"{"kind":"media_file""#), "the files come last");
    let dir = std::env::temp_dir().join(format!("colophon-media-archive-{}-{:?}", std::process::id(), storage));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("site.jsonl");
    std::fs::write(&file, &archive).unwrap();

    let target_for = |storage: Storage| {
        let s3 = (storage == Storage::S3).then(s3_storage);
        TestApp::start_with_pool(TestDb::create(backend).unwrap(), false, Default::default(), move |config, _| {
            if let Some(s3) = s3 {
                config.media.storage = Some(s3);
            }
        })
        .unwrap()
    };
    let target = target_for(storage);
    let restored = target.colophon.import_archive(&file).expect("restore");
    assert_eq!(restored.attachments, 1, "one file: {restored:#?}");
    let shown = target.get("/api/v1/posts/rug").json();
    let picture = path_of(shown["featured_image"]["url"].as_str().unwrap());
    let served = target.get(&picture);
    assert_eq!(served.status, 200, "the restored site serves the picture");
    assert_eq!(served.bytes, source.get(&path_of(item["url"].as_str().unwrap())).bytes);

    // A file whose bytes are not what its name says is refused, and nothing is written.
    let tampered: String = archive
        .lines()
        .map(|line| {
            if line.starts_with(r#"{"kind":"media_file""#) {
                let mut record: serde_json::Value = serde_json::from_str(line).unwrap();
                record["row"]["data"] = json!("aGVsbG8=");
                record.to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&file, tampered).unwrap();
    let empty = target_for(storage);
    let refused = empty.colophon.import_archive(&file).unwrap_err().to_string();
    assert!(refused.contains("does not hold the bytes its name says"), "{refused}");
    assert_eq!(empty.get("/api/v1/posts").json()["data"], json!([]), "all or nothing");
    let _ = std::fs::remove_dir_all(&dir);
}
