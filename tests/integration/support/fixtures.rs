//! Builders for the rows tests put in place behind the service: a post of an author, in a
//! status, at a time; each field has a plain default a test changes only when it matters.

use colophon_domain::{AuthorId, PostStatus, Publication, Seo, Slug, Timestamp};
use colophon_store::{NewContent, NewPost};

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

    pub fn build(self) -> NewPost {
        NewPost {
            content: NewContent {
                excerpt: format!("Excerpt of {}", self.slug),
                slug: Slug::parse(self.slug).expect("a fixture's slug"),
                title: self.title,
                body_html: self.body_html,
                body_markdown: None,
                publication: self.publication,
                author_id: self.author,
                sidebar_id: None,
                seo: Seo::default(),
            },
            body_text: String::new(),
            featured_image: None,
            comments_enabled: true,
            now: test_now(),
        }
    }
}
