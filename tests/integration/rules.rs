//! Rules that need no HTTP, checked at the service: the use cases called directly, as the REST
//! handlers and GraphQL resolvers call them, over the rows the fixtures put in place. (Each
//! route's answer per caller is the role matrix's business; these are the rules behind it.)

use colophon_domain::{Actor, CommentStatus, PostStatus, Role, Version};
use colophon_service::{Caller, Colophon, ContentInput, Key, Paging, PostInput, ServiceError, SlugKey};

use crate::support::{Backend, DEMO_POST, TestApp, fixtures};

backend_tests!(
    publishing_follows_the_role,
    a_read_only_key_writes_nothing,
    an_edit_on_an_old_version_is_refused_and_changes_nothing,
    names_no_slug_can_be_find_nothing,
    replies_hang_under_their_comment
);

/// Runs a use case to its end.
fn run<T>(work: impl std::future::Future<Output = T>) -> T {
    actix_web::rt::System::new().block_on(work)
}

/// A signed-in person of `role` (an account made by the fixtures).
fn person(app: &TestApp, slug: &str, role: Role) -> Caller {
    let author = fixtures::author(slug).role(role).insert(&mut app.conn());
    Caller::Actor(Actor { id: author.id, role, key: None, read_only: false })
}

fn titled(title: &str, status: Option<PostStatus>) -> PostInput {
    PostInput {
        content: ContentInput { title: Some(title.into()), status, ..Default::default() },
        ..Default::default()
    }
}

fn publishing_follows_the_role(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let colophon = &app.colophon;
    let contributor = person(&app, "carla", Role::Contributor);
    let author = person(&app, "arthur", Role::Author);
    let refused = run(colophon.create_post(contributor, titled("Mine", Some(PostStatus::Published))));
    assert!(matches!(refused, Err(ServiceError::Forbidden(_))), "{refused:?}");
    let draft = run(colophon.create_post(contributor, titled("Mine", None))).unwrap();
    assert_eq!(draft.summary.status, PostStatus::Draft);
    let live = run(colophon.create_post(author, titled("Theirs", Some(PostStatus::Published)))).unwrap();
    assert_eq!(live.summary.status, PostStatus::Published);
    // Another person's draft is not even there for an author.
    let key = Key::Id(draft.summary.post.id.0);
    let hidden = run(colophon.update_post(author, key, titled("Taken", None), None));
    assert!(matches!(hidden, Err(ServiceError::NotFound(_))), "{hidden:?}");
}

fn a_read_only_key_writes_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let colophon: &Colophon = &app.colophon;
    let editor = fixtures::author("eddie").role(Role::Editor).insert(&mut app.conn());
    let key = fixtures::key(editor.id).role(Role::Editor).read_only().insert(&mut app.conn());
    let caller = Caller::Actor(Actor { id: editor.id, role: Role::Editor, key: Some(key.id), read_only: true });
    let refusals = [
        run(colophon.create_post(caller, titled("Read only", None))).map(drop),
        run(colophon.delete_post(caller, Key::parse(DEMO_POST), None)),
        run(colophon.update_tag(caller, SlugKey::new("apple"), Default::default())).map(drop),
    ];
    for refused in refusals {
        assert!(matches!(refused, Err(ServiceError::Forbidden(_))), "{refused:?}");
    }
    // Reading is what such a key is for.
    assert!(run(colophon.list_tags(Paging::first(5))).is_ok());
}

fn an_edit_on_an_old_version_is_refused_and_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let colophon = &app.colophon;
    let author = person(&app, "vera", Role::Author);
    let post = run(colophon.create_post(author, titled("First", None))).unwrap().summary.post;
    let key = Key::Id(post.id.0);
    let edited = run(colophon.update_post(author, key.clone(), titled("Second", None), Some(Version(post.version))));
    let edited = edited.unwrap().summary.post;
    assert_eq!(edited.version, post.version + 1);
    let stale = run(colophon.update_post(author, key.clone(), titled("Third", None), Some(Version(post.version))));
    assert!(matches!(stale, Err(ServiceError::PreconditionFailed)), "{stale:?}");
    let stale = run(colophon.delete_post(author, key, Some(Version(post.version))));
    assert!(matches!(stale, Err(ServiceError::PreconditionFailed)), "{stale:?}");
    let kept = colophon_store::find_post(&mut app.conn(), post.id).unwrap().unwrap();
    assert_eq!((kept.title.as_str(), kept.version), ("Second", edited.version));
}

fn names_no_slug_can_be_find_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let colophon = &app.colophon;
    for name in ["Not A Slug", "../etc", "", "UPPER"] {
        let tag = run(colophon.get_tag(SlugKey::new(name)));
        assert!(matches!(tag, Err(ServiceError::NotFound("tag"))), "{name:?}: {tag:?}");
        let author = run(colophon.get_author(SlugKey::new(name)));
        assert!(matches!(author, Err(ServiceError::NotFound("author"))), "{name:?}");
    }
    // Digits name an id, written as it prints: `007` is a slug no post can have.
    let post = run(colophon.find_post(Caller::Anonymous, Key::parse("007")));
    assert!(matches!(post, Err(ServiceError::NotFound("post"))), "{post:?}");
}

fn replies_hang_under_their_comment(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let mut conn = app.conn();
    let (post, comments) = fixtures::post("threaded").published().insert_with_comments(&mut conn, &["Ann", "Bob"]);
    let reply = fixtures::comment(post.id, "Cy").reply_to(&comments[0]).insert(&mut conn);
    fixtures::comment(post.id, "Spam").status(CommentStatus::Spam).insert(&mut conn);
    drop(conn);
    let page = run(app.colophon.list_comments(SlugKey::new("threaded"), Paging::default(), Default::default()));
    let page = page.unwrap();
    let names: Vec<&str> = page.items.iter().map(|c| c.author_name.as_str()).collect();
    assert_eq!(names, ["Ann", "Bob", "Cy"], "approved ones only");
    let cy = page.items.iter().find(|c| c.id == reply.id).unwrap();
    assert_eq!((cy.parent_id, cy.depth), (Some(comments[0].id), 1));
}
