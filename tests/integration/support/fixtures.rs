//! Builders for the rows tests put in place behind the service: a post of an author, in a
//! status, at a time, with comments; an author of a role; an API key of an owner. Each field has
//! a plain default a test changes only when it matters.

use colophon_domain::{
    ApiKey, Author, AuthorId, Comment, CommentStatus, Post, PostId, PostStatus, Publication, Role, Seo, Slug, Timestamp,
};
use colophon_store::{DbConnection, NewApiKey, NewAuthor, NewComment, NewContent, NewPost};

use super::server::test_now;

/// A post to insert: `post("slug").by(author).published_at(t).build()`.
#[derive(Debug, Clone)]
pub struct PostFixture {
    slug: String,
    title: String,
    body_html: String,
    author: AuthorId,
    publication: Publication,
}

/// A draft of the demo's first author (id 1), titled after its slug.
pub fn post(slug: &str) -> PostFixture {
    PostFixture {
        slug: slug.to_string(),
        title: format!("Title of {slug}"),
        body_html: format!("<p>Body of {slug}</p>"),
        author: AuthorId(1),
        publication: Publication::DRAFT,
    }
}

impl PostFixture {
    pub fn title(mut self, title: &str) -> Self {
        self.title = title.to_string();
        self
    }

    pub fn body(mut self, html: &str) -> Self {
        self.body_html = html.to_string();
        self
    }

    pub fn by(mut self, author: impl Into<AuthorId>) -> Self {
        self.author = author.into();
        self
    }

    /// Stored as `status` at `at` (a published post with a future time is scheduled).
    pub fn status(mut self, status: PostStatus, at: Option<Timestamp>) -> Self {
        self.publication = Publication { status, published_at: at };
        self
    }

    /// Published an hour before the tests' clock.
    pub fn published(self) -> Self {
        self.status(PostStatus::Published, Some(test_now() - chrono::Duration::hours(1)))
    }

    /// Stores the post.
    pub fn insert(self, conn: &mut DbConnection) -> Post {
        colophon_store::insert_post(conn, &self.build()).expect("insert a fixture post")
    }

    /// Stores the post and one approved comment by each of `names`, oldest first.
    pub fn insert_with_comments(self, conn: &mut DbConnection, names: &[&str]) -> (Post, Vec<Comment>) {
        let post = self.insert(conn);
        let comments = names.iter().map(|name| comment(post.id, name).insert(conn)).collect();
        (post, comments)
    }

    pub fn build(self) -> NewPost {
        let content = NewContent {
            excerpt: format!("Excerpt of {}", self.slug),
            slug: Slug::parse(self.slug).expect("a fixture's slug"),
            title: self.title,
            body_html: self.body_html,
            body_markdown: None,
            publication: self.publication,
            author_id: self.author,
            sidebar_id: None,
            seo: Seo::default(),
            custom_fields: Default::default(),
            public_custom_fields: "{}".into(),
        };
        NewPost::new(content, String::new(), test_now())
    }
}

/// A comment to insert: `comment(post, "Ann").status(…).reply_to(id).insert(conn)`.
#[derive(Debug, Clone)]
pub struct CommentFixture(NewComment);

/// An approved top-level comment by `name` (with a private e-mail and address), written now.
pub fn comment(post: PostId, name: &str) -> CommentFixture {
    CommentFixture(NewComment {
        post_id: post,
        parent_id: None,
        author_id: None,
        author_name: name.into(),
        author_email: Some(format!("{}@private.example", name.to_lowercase())),
        author_url: None,
        body_source: format!("{name} says hi"),
        body_html: format!("<p>{name} says hi</p>"),
        status: CommentStatus::Approved,
        depth: 0,
        ip: Some("203.0.113.77".into()),
        user_agent: Some("SecretAgent/1.0".into()),
        created_at: test_now(),
    })
}

impl CommentFixture {
    pub fn status(mut self, status: CommentStatus) -> Self {
        self.0.status = status;
        self
    }

    /// A reply to `parent` (one level down).
    pub fn reply_to(mut self, parent: &Comment) -> Self {
        self.0.parent_id = Some(parent.id);
        self.0.depth = parent.depth + 1;
        self
    }

    pub fn build(self) -> NewComment {
        self.0
    }

    pub fn insert(self, conn: &mut DbConnection) -> Comment {
        colophon_store::insert_comment(conn, &self.0).expect("insert a fixture comment")
    }
}

/// An account to insert: `author("ann").role(Role::Editor).insert(conn)`.
#[derive(Debug, Clone)]
pub struct AuthorFixture(NewAuthor);

/// A contributor named after `slug`, without e-mail or password (it cannot sign in).
pub fn author(slug: &str) -> AuthorFixture {
    AuthorFixture(NewAuthor {
        slug: Slug::parse(slug).expect("a fixture's slug"),
        name: format!("Author {slug}"),
        email: None,
        role: Role::Contributor,
        password_hash: None,
        bio_html: String::new(),
        avatar_url: None,
        website_url: None,
        now: test_now(),
    })
}

impl AuthorFixture {
    pub fn role(mut self, role: Role) -> Self {
        self.0.role = role;
        self
    }

    pub fn insert(self, conn: &mut DbConnection) -> Author {
        colophon_store::insert_author(conn, &self.0).expect("insert a fixture author")
    }
}

/// An API key to insert: `key(owner).role(Role::Author).read_only().insert(conn)`. Its secret is
/// not kept: it is for tests that manage keys, not for ones that sign in with them.
#[derive(Debug, Clone)]
pub struct KeyFixture {
    owner: AuthorId,
    role: Role,
    read_only: bool,
    name: String,
}

/// A read-write key of `owner`, of the admin role (lower it with [`KeyFixture::role`]).
pub fn key(owner: AuthorId) -> KeyFixture {
    KeyFixture { owner, role: Role::Admin, read_only: false, name: "fixture".into() }
}

impl KeyFixture {
    pub fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    pub fn insert(self, conn: &mut DbConnection) -> ApiKey {
        let prefix = format!("fx{:08x}", rand::random::<u32>());
        let new = NewApiKey {
            name: &self.name,
            prefix: &prefix,
            secret_hash: "0",
            owner: self.owner,
            role: self.role,
            read_only: self.read_only,
            expires_at: None,
        };
        colophon_store::insert_api_key(conn, &new, test_now()).expect("insert a fixture key")
    }
}
