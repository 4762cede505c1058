//! Picture variants never starve uploads: the listed ones are made ahead after an upload, those
//! made on demand wait in a bounded queue of their own (503 with `Retry-After` past it) and are
//! limited per client address (429), and uploads decode in a lane variants never take.

use std::time::{Duration, Instant};

use crate::media::{Storage, media_tests, path_of, photo, png, spawn_with, upload};
use crate::support::{Backend, TestApp};

media_tests!(
    listed_variants_are_made_ahead_of_any_request,
    variants_made_on_demand_are_limited_per_address,
    the_variant_queue_is_bounded_and_uploads_never_wait_for_it,
);

/// How many variants the process has made, `ahead` or `on_demand`.
fn made(app: &TestApp, how: &str) -> u64 {
    let metrics = app.colophon.metrics().render();
    let line = format!("colophon_media_variants_total{{how=\"{how}\"}} ");
    metrics.lines().find_map(|l| l.strip_prefix(&line)).map_or(0, |n| n.trim().parse().unwrap())
}

fn listed_variants_are_made_ahead_of_any_request(backend: Backend, storage: Storage) {
    // One variant a minute made on demand: every listed one must be there already.
    let Some(app) = spawn_with(backend, storage, |media| media.variants_per_minute = 1) else { return };
    let (_, token) = app.user("writer", "author");
    let item = upload(&app, &token, "wide.jpg", &photo(1000, 500), &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while made(&app, "ahead") < 12 {
        assert!(Instant::now() < deadline, "the listed variants were not made ahead");
        std::thread::sleep(Duration::from_millis(50));
    }
    let path = path_of(item["url"].as_str().unwrap());
    for width in colophon_domain::VARIANT_WIDTHS {
        for format in ["", "&format=webp"] {
            let variant = app.get(&format!("{path}?w={width}{format}"));
            assert_eq!(variant.status, 200, "w={width}{format}: {}", variant.body);
            let picture = image::load_from_memory(&variant.bytes).unwrap();
            assert_eq!(picture.width(), width.min(1000));
        }
    }
    assert_eq!(made(&app, "on_demand"), 0, "every variant was read, none made for the request");
}

fn variants_made_on_demand_are_limited_per_address(backend: Backend, storage: Storage) {
    let Some(app) = spawn_with(backend, storage, |media| {
        media.variants_ahead = false;
        media.variants_per_minute = 3;
    }) else {
        return;
    };
    let (_, token) = app.user("writer", "author");
    let item = upload(&app, &token, "wide.jpg", &photo(700, 350), &[]);
    let path = path_of(item["url"].as_str().unwrap());
    for width in [320, 640, 960] {
        assert_eq!(app.get(&format!("{path}?w={width}")).status, 200);
    }
    let refused = app.get(&format!("{path}?w=1280"));
    let retry: u64 = refused.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    refused.problem(429);
    assert_eq!(app.get(&format!("{path}?w=320")).status, 200, "a variant made already is read, not counted");
    assert_eq!(app.get(&path).status, 200, "the original is never limited");
    assert_eq!(made(&app, "on_demand"), 3);
}

fn the_variant_queue_is_bounded_and_uploads_never_wait_for_it(backend: Backend, storage: Storage) {
    let Some(app) = spawn_with(backend, storage, |media| {
        media.variants_ahead = false;
        media.variants_per_minute = 1000;
    }) else {
        return;
    };
    let (_, writer) = app.user("writer", "contributor");
    let admin = app.admin_token();
    let pictures: Vec<String> = (0..2)
        .map(|n| path_of(upload(&app, &writer, "big.jpg", &photo(1200 + n, 800), &[])["url"].as_str().unwrap()))
        .collect();
    let variants: Vec<String> = pictures
        .iter()
        .flat_map(|path| {
            colophon_domain::VARIANT_WIDTHS
                .iter()
                .flat_map(move |w| [format!("{path}?w={w}"), format!("{path}?w={w}&format=webp")])
        })
        .take(20)
        .collect();
    let (answers, uploaded) = std::thread::scope(|scope| {
        let requests: Vec<_> = variants
            .iter()
            .map(|variant| {
                let app = &app;
                scope.spawn(move || {
                    let answer = app.get(variant);
                    (answer.status, answer.header("retry-after").map(str::to_string), Instant::now())
                })
            })
            .collect();
        // While the variants are made (or refused), an admin uploads a small picture.
        std::thread::sleep(Duration::from_millis(200));
        let small = app.upload(Some(&admin), "small.png", &png(35, 35), &[]);
        assert_eq!(small.status, 201, "{}", small.body);
        let uploaded = Instant::now();
        (requests.into_iter().map(|r| r.join().unwrap()).collect::<Vec<_>>(), uploaded)
    });
    let made_ones: Vec<_> = answers.iter().filter(|(status, _, _)| *status == 200).collect();
    let busy: Vec<_> = answers.iter().filter(|(status, _, _)| *status == 503).collect();
    assert_eq!(made_ones.len() + busy.len(), answers.len(), "made or refused, nothing else: {answers:?}");
    assert!(!busy.is_empty(), "past the queue's bound a request is refused at once");
    assert!(busy.iter().all(|(_, retry, _)| retry.is_some()), "with Retry-After");
    let last_made = made_ones.iter().map(|(_, _, at)| *at).max().unwrap();
    assert!(uploaded < last_made, "the upload finished while variants were still being made");
}
