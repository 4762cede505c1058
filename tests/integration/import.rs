//! `colophon import wxr` and `import ghost`: WordPress, Squarespace and Ghost exports brought in
//! whole (authors, posts, pages, tags, featured images, comments with their threads and statuses),
//! once however often the file is imported, with every problem reported and nothing else lost.

use std::path::{Path, PathBuf};

use colophon_import::{GhostImportOptions, WxrImportOptions};
use colophon_service::ImportReport;
use serde_json::Value;

use crate::first_run::colophon;
use crate::support::{Backend, TestApp, TestDb};

backend_tests!(
    a_wordpress_export_comes_in_whole_and_once,
    a_squarespace_export_rebuilds_the_seed_post,
    broken_files_are_refused_whole_with_their_position,
    threads_deeper_than_allowed_fold_under_the_deepest_allowed_ancestor,
    a_ghost_export_comes_in_with_its_html_lexical_and_mobiledoc
);

fn fixture(name: &str) -> PathBuf {
    fixture_of("wxr", name)
}

fn fixture_of(kind: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/data").join(kind).join(name)
}

fn import(app: &TestApp, path: &Path) -> ImportReport {
    colophon_import::import_wxr(&app.colophon, path, WxrImportOptions::default(), &mut |_| {}).expect("the import runs")
}

fn written_copy(name: &str, xml: &str) -> (tempfile_dir::Dir, PathBuf) {
    let dir = tempfile_dir::Dir::new();
    let path = dir.path().join(name);
    std::fs::write(&path, xml).unwrap();
    (dir, path)
}

/// A directory removed when dropped (the suite has no tempfile crate).
mod tempfile_dir {
    pub struct Dir(std::path::PathBuf);

    impl Dir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!("colophon-import-{}", rand_suffix()));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn rand_suffix() -> String {
        use std::time::{SystemTime, UNIX_EPOCH};
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
        format!("{}-{nanos}", std::process::id())
    }
}

fn thread(app: &TestApp, slug: &str) -> Vec<Value> {
    let page = app.get(&format!("/api/v1/posts/{slug}/comments?order=thread&limit=100"));
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()["data"].as_array().unwrap().clone()
}

fn a_wordpress_export_comes_in_whole_and_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let file = fixture("wordpress.xml");
    let report = import(&app, &file);
    assert_eq!(
        (report.authors, report.posts, report.pages, report.comments, report.attachments),
        (2, 3, 1, 6, 1),
        "{report:#?}"
    );
    assert_eq!(report.ignored, 4, "a pingback, an auto-draft, a menu item and a trashed post: {report:#?}");
    assert_eq!(report.problems, [], "{report:#?}");
    assert!(report.complete());
    assert_eq!(report.stopped, None);

    // The post as any author's HTML would be: sanitized, with paragraphs WordPress would show.
    let post = app.get("/api/v1/posts/that-rug").json();
    assert_eq!(post["title"], "That Rug Really Tied the Room Together");
    assert_eq!(post["published_at"], "2010-03-07T18:30:00Z", "the GMT date");
    assert_eq!(post["author"]["name"], "Jeffrey Lebowski");
    let body = post["body_html"].as_str().unwrap();
    assert!(body.starts_with("<p>Some nihilists peed on my rug.</p>"), "{body}");
    assert!(body.contains("together &amp; now it is <strong>gone</strong>"), "{body}");
    assert!(!body.contains("<script") && !body.contains("onerror"), "{body}");
    let tags: Vec<&str> = post["tags"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(tags, ["bowling", "rugs"], "categories and tags, once each");
    // The attachment came after the post: its featured image was filled in at the end.
    assert_eq!(post["featured_image"]["url"], "https://dude.example/wp-content/uploads/2010/03/rug.jpg");
    assert_eq!(post["featured_image"]["alt"], "A Persian rug");
    assert_eq!(post["featured_image"]["credit"], "Image via Snorgtees");
    assert_eq!(post["comment_count"], 3, "approved comments only");

    // The thread, though the reply came before its parent in the file.
    let comments = thread(&app, "that-rug");
    let shape: Vec<(&str, i64)> =
        comments.iter().map(|c| (c["author_name"].as_str().unwrap(), c["depth"].as_i64().unwrap())).collect();
    assert_eq!(shape, [("Donny Kerabatsos", 0), ("Walter Sobchak", 1), ("Jeffrey Lebowski", 2)]);
    assert_eq!(comments[1]["parent_id"], comments[0]["id"]);
    assert_eq!(comments[2]["parent_id"], comments[1]["id"]);
    assert_eq!(comments[2]["is_registered"], true, "wp:comment_user_id names the author");
    assert_eq!(comments[0]["is_registered"], false);
    assert!(comments[2]["body_html"].as_str().unwrap().contains("Shut the f\u{2014} up, Donny."));
    assert!(!app.get("/api/v1/posts/that-rug/comments").body.contains("donny@example.com"), "e-mail stays private");
    // Held, spam and trash keep their status for the moderators, with the private fields.
    for (status, name) in [("pending", "Maude"), ("spam", "Cheap Rugs"), ("trash", "The Stranger")] {
        let queue = app.send("GET", &format!("/api/v1/comments?status={status}"), Some(&admin), None, &[]).json();
        let found = queue["data"].as_array().unwrap().iter().find(|c| c["author_name"] == name).cloned();
        let found = found.unwrap_or_else(|| panic!("{name} among the {status} comments: {queue}"));
        if name == "Maude" {
            assert_eq!(found["author_email"], "maude@example.com");
            assert_eq!(found["ip"], "192.0.2.4");
            assert_eq!(found["created_at"], "2010-03-09T09:00:00Z");
        }
    }

    // The page, the draft (no date until it is published) and the scheduled post.
    assert_eq!(app.get("/api/v1/pages/about").json()["title"], "About the Dude");
    assert_eq!(app.get("/api/v1/posts/unfinished-nihilists").status, 404, "drafts are not public");
    let draft = app.send("GET", "/api/v1/posts/unfinished-nihilists", Some(&admin), None, &[]).json();
    assert_eq!((draft["status"].as_str(), draft["author"]["name"].as_str()), (Some("draft"), Some("Walter Sobchak")));
    let scheduled = app.send("GET", "/api/v1/posts/league-night", Some(&admin), None, &[]).json();
    assert_eq!(scheduled["status"], "scheduled");
    assert_eq!(app.get("/api/v1/posts/league-night").status, 404);

    // Old permalinks lead to the new addresses, for the frontend's 301.
    let redirect = app.get("/api/v1/redirects?path=/2010/03/07/that-rug/").json();
    assert_eq!((redirect["kind"].as_str(), redirect["slug"].as_str()), (Some("post"), Some("that-rug")));
    assert_eq!(redirect["location"], post["url"]);
    assert_eq!(redirect["path"], "/2010/03/07/that-rug");
    let whole = app.get("/api/v1/redirects?path=https%3A%2F%2Fdude.example%2F2010%2F03%2F07%2Fthat-rug");
    assert_eq!(whole.json()["slug"], "that-rug", "a whole URL names the same path");
    assert_eq!(app.get("/api/v1/redirects?path=/about").json()["kind"], "page");
    assert_eq!(app.get("/api/v1/redirects?path=/nowhere").status, 404);
    app.get("/api/v1/redirects?path=javascript:alert(1)").problem(400);
    let gql = app.graphql("{ redirect(path: \"/2010/03/07/that-rug\") { location slug } }", serde_json::json!({}));
    assert_eq!(gql["data"]["redirect"]["slug"], "that-rug", "{gql}");

    // Again: nothing changes.
    let again = import(&app, &file);
    assert_eq!((again.authors, again.posts, again.pages, again.comments), (0, 0, 0, 0), "{again:#?}");
    assert_eq!(again.unchanged, 2 + 3 + 1 + 6, "{again:#?}");
    assert_eq!(thread(&app, "that-rug").len(), 3);
    assert_eq!(app.get("/api/v1/posts/that-rug").json()["comment_count"], 3);
    assert_eq!(app.get("/api/v1/posts/that-rug-2").status, 404, "no second copy");

    // A later export of the same site, with a new reply: only the reply comes in.
    let later = std::fs::read_to_string(&file).unwrap().replacen(
        "\t</item>",
        "<wp:comment><wp:comment_id>107</wp:comment_id><wp:comment_author>Bunny</wp:comment_author>\
         <wp:comment_date_gmt>2010-03-11 09:00:00</wp:comment_date_gmt>\
         <wp:comment_content>Uli doesn't care about anything.</wp:comment_content>\
         <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>100</wp:comment_parent></wp:comment>\n\t</item>",
        1,
    );
    let (_dir, later_file) = written_copy("later.xml", &later);
    let added = import(&app, &later_file);
    assert_eq!((added.posts, added.comments, added.unchanged), (0, 1, 12), "{added:#?}");
    assert_eq!(app.get("/api/v1/posts/that-rug").json()["comment_count"], 4);
    let bunny = thread(&app, "that-rug").into_iter().find(|c| c["author_name"] == "Bunny").unwrap();
    assert_eq!(bunny["depth"], 1);
}

fn a_squarespace_export_rebuilds_the_seed_post(backend: Backend) {
    let Some(db) = TestDb::create(backend) else { return };
    let app = TestApp::start_with_pool(db, false, Default::default(), |_, _| {}).unwrap();
    let file = fixture("squarespace.xml");
    let dry = colophon_import::import_wxr(
        &app.colophon,
        &file,
        WxrImportOptions { dry_run: true, ..Default::default() },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((dry.posts, dry.comments, dry.attachments, dry.problems.len()), (1, 5, 1, 0), "{dry:#?}");
    assert_eq!(app.get("/api/v1/posts").json()["data"].as_array().unwrap().len(), 0, "a dry run writes nothing");

    let mut calls = 0;
    let report =
        colophon_import::import_wxr(&app.colophon, &file, WxrImportOptions::default(), &mut |_| calls += 1).unwrap();
    assert_eq!((report.authors, report.posts, report.comments), (1, 1, 5), "{report:#?}");
    assert!(calls >= 2, "progress is reported item by item");
    let slug = "the-case-for-converging-your-personal-professional-networks";
    let post = app.get(&format!("/api/v1/posts/{slug}")).json();
    assert_eq!(post["title"], "The Case for Converging Your Personal/Professional Networks");
    assert_eq!(post["author"]["name"], "Steve Rubel", "named by dc:creator alone");
    assert_eq!(post["featured_image"]["credit"], "Image via Snorgtees");
    assert!(post["body_html"].as_str().unwrap().contains("Do you \"cross the streams?\""));
    let tags: Vec<&str> = post["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tags, ["Social Networking", "Personal Branding"]);
    let comments = thread(&app, slug);
    assert_eq!(comments.len(), 3, "the held and the spam comment are not shown");
    assert_eq!(post["comment_count"], 3);
    assert_eq!((comments[2]["author_name"].as_str(), comments[2]["depth"].as_i64()), (Some("Steve Rubel"), Some(1)));
    assert!(comments[0]["body_html"].as_str().unwrap().starts_with("<p>Hi Steve,</p>"), "blank lines are paragraphs");
}

fn broken_files_are_refused_whole_with_their_position(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let whole = std::fs::read_to_string(fixture("wordpress.xml")).unwrap();
    // Broken inside the page item, after a post: nothing of the file comes in, and the position
    // names the break.
    let cut = &whole[..whole.find("<title>About the Dude").unwrap()];
    let broken = format!("{cut}<title>About</wrong>");
    let (_dir, path) = written_copy("broken.xml", &broken);
    let report = import(&app, &path);
    assert!(!report.imported_anything(), "{report:#?}");
    let line = broken.lines().count();
    let stopped = report.stopped.expect("the run stopped");
    assert!(stopped.starts_with(&format!("line {line}, column ")), "{stopped}");
    assert!(stopped.contains("wrong"), "{stopped}");
    app.get("/api/v1/posts/that-rug").problem(404);
    // Cut short (an interrupted download): refused whole as well.
    let (_dir_short, short) = written_copy("short.xml", cut);
    let report = import(&app, &short);
    assert!(report.stopped.as_deref().unwrap().contains("ends inside"), "{report:#?}");
    assert!(!report.imported_anything());
    app.get("/api/v1/posts/that-rug").problem(404);
    // Entities declared in a DTD (a billion laughs, or `&lol9;` in every title): refused.
    let laughs = whole.replacen(
        "<rss",
        "<!DOCTYPE rss [<!ENTITY lol \"lol\"><!ENTITY lol9 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n<rss",
        1,
    );
    let (_dir_dtd, dtd) = written_copy("entities.xml", &laughs.replacen("That Rug", "That Rug &lol9;", 1));
    let report = import(&app, &dtd);
    assert!(report.stopped.as_deref().unwrap().contains("entities"), "{report:#?}");
    assert!(!report.imported_anything());
    app.get("/api/v1/posts/that-rug").problem(404);
    assert_eq!(app.get("/api/v1/posts").json()["data"].as_array().unwrap().len(), 3, "the demo's alone");

    // Not WXR at all, and an item whose body is too deep to sanitize: reported, the rest in.
    let (_dir2, html) = written_copy("page.html", "<html><body>not an export</body></html>");
    let refused = import(&app, &html);
    assert!(refused.stopped.as_deref().unwrap().contains("not a WXR file"));
    assert!(!refused.imported_anything());
    let deep = format!("{}x{}", "<div>".repeat(600), "</div>".repeat(600));
    let xml = format!(
        "<rss><channel><link>https://deep.example</link>\
         <item><title>Deep</title><wp:post_id>1</wp:post_id><wp:status>publish</wp:status>\
         <wp:post_date_gmt>2011-01-01 00:00:00</wp:post_date_gmt><content:encoded><![CDATA[{deep}]]></content:encoded></item>\
         <item><title>Shallow</title><wp:post_id>2</wp:post_id><wp:status>publish</wp:status>\
         <wp:post_date_gmt>2011-01-02 00:00:00</wp:post_date_gmt><content:encoded>fine</content:encoded>\
         <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>   </wp:comment_content>\
         <wp:comment_approved>1</wp:comment_approved></wp:comment></item></channel></rss>"
    );
    let (_dir3, deep_file) = written_copy("deep.xml", &xml);
    let report = import(&app, &deep_file);
    assert_eq!(report.posts, 1, "{report:#?}");
    assert_eq!(report.problems.len(), 2, "{report:#?}");
    assert!(report.problems[0].item.contains("Deep") && report.problems[0].reason.starts_with("body:"));
    assert!(report.problems[1].item.starts_with("comment 1 on post 2"));
    assert_eq!(app.get("/api/v1/posts/shallow").status, 200);
    let missing = colophon_import::import_wxr(
        &app.colophon,
        Path::new("/nonexistent.xml"),
        WxrImportOptions::default(),
        &mut |_| {},
    );
    assert!(missing.is_err());
}

fn threads_deeper_than_allowed_fold_under_the_deepest_allowed_ancestor(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |config, _| config.comments.max_depth = 1) else { return };
    import(&app, &fixture("wordpress.xml"));
    let comments = thread(&app, "that-rug");
    let shape: Vec<(&str, i64)> =
        comments.iter().map(|c| (c["author_name"].as_str().unwrap(), c["depth"].as_i64().unwrap())).collect();
    assert_eq!(shape, [("Donny Kerabatsos", 0), ("Walter Sobchak", 1), ("Jeffrey Lebowski", 1)]);
    assert_eq!(comments[2]["parent_id"], comments[0]["id"], "the reply to Walter hangs under Donny");
}

/// The command line: a summary on standard output, problems listed, and a failing exit status
/// whenever something was left out (a file refused whole, an item skipped).
#[test]
fn the_import_command_summarizes_and_fails_when_anything_is_left_out() {
    let db = TestDb::create(Backend::Sqlite).unwrap();
    let run = |file: &Path, extra: &[&str]| {
        let mut command = colophon(&db.dir);
        command.args(["import", "wxr"]).arg(file).args(extra);
        command.output().unwrap()
    };
    let dry = run(&fixture("wordpress.xml"), &["--dry-run"]);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let stdout = String::from_utf8(dry.stdout).unwrap();
    assert!(stdout.starts_with("would import: 2 authors, 3 posts, 1 page, 6 comments"), "{stdout}");
    let done = run(&fixture("wordpress.xml"), &[]);
    let stdout = String::from_utf8(done.stdout).unwrap();
    assert!(
        done.status.success() && stdout.starts_with("imported: 2 authors, 3 posts, 1 page, 6 comments"),
        "{stdout}"
    );
    assert!(stdout.contains("4 ignored, 0 skipped"), "a trashed post is ignored, not a failure: {stdout}");
    let again = run(&fixture("wordpress.xml"), &[]);
    assert!(again.status.success(), "unchanged is not a failure");
    assert!(String::from_utf8(again.stdout).unwrap().contains("12 already imported"));
    let nothing = run(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md").as_path(), &[]);
    assert!(!nothing.status.success());
    assert!(String::from_utf8(nothing.stderr).unwrap().contains("refused whole"));
    let whole = std::fs::read_to_string(fixture("wordpress.xml")).unwrap();
    let (_short_dir, short) = written_copy("short.xml", &whole[..whole.find("<title>About the Dude").unwrap()]);
    let cut = run(&short, &[]);
    assert!(!cut.status.success(), "a file cut short is a failure");
    let stdout = String::from_utf8(cut.stdout).unwrap();
    assert!(stdout.starts_with("refused:") && !stdout.contains("imported:"), "{stdout}");
    // A refused file, or a dry run, on a site without a database makes none.
    let fresh = TestDb::create(Backend::Sqlite).unwrap();
    for (file, extra) in [(short.as_path(), &[][..]), (fixture("wordpress.xml").as_path(), &["--dry-run"][..])] {
        let mut command = colophon(&fresh.dir);
        command.args(["import", "wxr"]).arg(file).args(extra);
        command.output().unwrap();
        assert!(!fresh.dir.join("colophon.db").exists(), "{} {extra:?} made a database", file.display());
    }
    let skipping = whole.replacen("<wp:status>publish</wp:status>", "<wp:status>sideways</wp:status>", 1);
    let (_skip_dir, skip) = written_copy("skip.xml", &skipping);
    let skipped = run(&skip, &[]);
    assert!(!skipped.status.success(), "an item left out is a failure");
    let stderr = String::from_utf8(skipped.stderr).unwrap();
    assert!(stderr.contains("1 item of") && stderr.contains("was skipped"), "{stderr}");
}

fn a_ghost_export_comes_in_with_its_html_lexical_and_mobiledoc(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let admin = app.admin_token();
    let file = fixture_of("ghost", "ghost.json");
    let dry = colophon_import::import_ghost(
        &app.colophon,
        &file,
        GhostImportOptions { dry_run: true, site_url: None },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((dry.authors, dry.posts, dry.pages), (2, 6, 1), "{dry:#?}");
    assert!(dry.notes.iter().any(|p| p.reason.contains("--site-url")), "imported, with a note: {dry:#?}");
    assert_eq!(app.get("/api/v1/posts/in-html").status, 404, "a dry run writes nothing");

    let options = GhostImportOptions { dry_run: false, site_url: Some("https://old.example/".into()) };
    let report = colophon_import::import_ghost(&app.colophon, &file, options.clone(), &mut |_| {}).unwrap();
    assert_eq!((report.authors, report.posts, report.pages), (2, 6, 1), "{report:#?}");
    let notes: Vec<&str> = report.notes.iter().map(|p| p.reason.as_str()).collect();
    assert_eq!(notes, ["visible to paid only in Ghost: imported as a draft"], "imported, with a change");
    let reasons: Vec<&str> = report.problems.iter().map(|p| p.reason.as_str()).collect();
    assert_eq!(reasons, ["unknown status \"exploded\""], "skipped");

    let html = app.get("/api/v1/posts/in-html").json();
    assert_eq!(html["author"]["name"], "Jeffrey Lebowski", "the primary author (sort order 0)");
    assert_eq!(html["published_at"], "2023-11-01T10:00:00Z");
    assert_eq!(html["excerpt"], "A short excerpt.");
    let body = html["body_html"].as_str().unwrap();
    assert!(body.contains("The Dude abides &amp;") && !body.contains("onerror"), "{body}");
    let tags: Vec<&str> = html["tags"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(tags, ["bowling", "rugs"], "in Ghost's order, internal tags left out");
    assert_eq!(html["featured_image"]["url"], "https://old.example/content/images/rug.jpg");
    assert_eq!(html["featured_image"]["alt"], "A Persian rug");
    assert_eq!(html["featured_image"]["credit"], "Image via Snorgtees");
    assert_eq!(html["seo"]["meta_title"], "HTML, the meta title");
    assert_eq!(html["seo"]["meta_description"], "What search engines read.");
    assert_eq!(html["seo"]["og_image"], "https://cdn.example/og.png");

    let lexical = app.get("/api/v1/posts/in-lexical").json()["body_html"].as_str().unwrap().to_string();
    assert!(lexical.contains("<strong><em>bold and italic</em></strong>"), "{lexical}");
    assert!(lexical.contains("href=\"https://old.example/about/\""), "{lexical}");
    assert!(lexical.contains("<h2>A heading</h2>") && lexical.contains("An HTML card"), "{lexical}");
    assert!(!lexical.contains("<script"), "{lexical}");
    let mobiledoc = app.get("/api/v1/posts/in-mobiledoc").json();
    let body = mobiledoc["body_html"].as_str().unwrap();
    assert!(body.contains("Written in Mobiledoc, <em>emphasised</em>"), "{body}");
    assert!(body.contains("<strong>Markdown</strong>"), "{body}");
    assert_eq!(mobiledoc["author"]["name"], "Maude Lebowski", "Ghost 1's author_id");

    assert_eq!(app.get("/api/v1/pages/about").json()["title"], "About");
    assert_eq!(app.get("/api/v1/posts/half-written").status, 404);
    assert_eq!(app.get("/api/v1/posts/for-members").status, 404, "paid content stays private");
    let scheduled = app.send("GET", "/api/v1/posts/coming-up", Some(&admin), None, &[]).json();
    assert_eq!(scheduled["status"], "scheduled");
    let dude = app.get("/api/v1/authors/the-dude").json();
    assert_eq!(dude["bio"], "<p>Just takes it easy, man. &lt;b&gt;Not HTML&lt;/b&gt;</p>", "{dude}");
    assert_eq!(dude["website_url"], "https://dude.example");

    let again = colophon_import::import_ghost(&app.colophon, &file, options, &mut |_| {}).unwrap();
    assert_eq!((again.authors, again.posts, again.pages, again.unchanged), (0, 0, 0, 9), "{again:#?}");
    let (_dir, broken) = written_copy("broken.json", "{\"db\": [");
    let refused = colophon_import::import_ghost(&app.colophon, &broken, GhostImportOptions::default(), &mut |_| {});
    assert!(refused.unwrap_err().to_string().contains("not a Ghost export"));
}

/// Importing into a database that holds the demo says what will happen and how to import into
/// an empty one instead; an empty database hears nothing of it.
#[test]
fn importing_beside_the_demo_is_pointed_out() {
    let db = TestDb::create(Backend::Sqlite).unwrap();
    let import = || {
        let mut command = colophon(&db.dir);
        command.args(["import", "wxr", "--dry-run"]).arg(fixture("wordpress.xml"));
        String::from_utf8(command.output().unwrap().stderr).unwrap()
    };
    assert!(!import().contains("demo"), "an empty database is no demo");
    let port = crate::first_run::free_port();
    let mut child = colophon(&db.dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::first_run::wait_ready(port, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    let stderr = import();
    assert!(stderr.contains("holds the demo content") && stderr.contains("--no-demo"), "{stderr}");
}
