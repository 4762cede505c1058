//! The demo content: the seed page (`seed.json`), loaded on first start of an empty database.

use chrono::{DateTime, Utc};
use colophon_domain::{CommentStatus, FeaturedImage, PostStatus, Publication, Role, Slug, Widget};
use colophon_store::{self as store, NewAuthor, NewComment, NewContent, NewPost, NewProduct, NewSidebar};
use serde::Deserialize;

use crate::{Colophon, ServiceError, ServiceResult};

const SEED: &str = include_str!("seed.json");

#[derive(Deserialize)]
struct Seed {
    authors: Vec<SeedAuthor>,
    products: Vec<SeedProduct>,
    sidebar: SeedSidebar,
    posts: Vec<SeedPost>,
}

#[derive(Deserialize)]
struct SeedAuthor {
    slug: String,
    name: String,
    bio_html: String,
}

#[derive(Deserialize)]
struct SeedProduct {
    title: String,
    edition: Option<String>,
    contributor_label: Option<String>,
    contributors: Vec<String>,
}

#[derive(Deserialize)]
struct SeedSidebar {
    slug: String,
    title: String,
    widgets: Vec<SeedWidget>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SeedWidget {
    AuthorBio { author: String },
    Product { product: usize },
    Html { html: String },
}

#[derive(Deserialize)]
struct SeedPost {
    slug: String,
    title: String,
    author: String,
    published_at: DateTime<Utc>,
    excerpt: String,
    body_html: String,
    #[serde(default)]
    featured_image: Option<SeedImage>,
    tags: Vec<String>,
    sidebar: bool,
    comments: Vec<SeedComment>,
}

#[derive(Deserialize)]
struct SeedImage {
    url: Option<String>,
    alt: Option<String>,
    credit: Option<String>,
}

#[derive(Deserialize)]
struct SeedComment {
    author_name: String,
    created_at: DateTime<Utc>,
    body: String,
    reply_to: Option<usize>,
}

fn slug(value: &str) -> ServiceResult<Slug> {
    Slug::parse(value).map_err(|e| ServiceError::internal(format!("demo slug {value:?}: {e}")))
}

/// The quickstart's admin account: its password exists only in this value, to be shown once.
#[derive(Clone)]
pub struct DemoAdmin {
    /// The admin's sign-in address, [`DEMO_ADMIN_EMAIL`].
    pub email: String,
    /// The generated password, in clear: show it once, then let it go.
    pub password: String,
}

impl std::fmt::Debug for DemoAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoAdmin").field("email", &self.email).field("password", &"[redacted]").finish()
    }
}

/// The demo admin's sign-in address (`.test` domains receive no mail).
pub const DEMO_ADMIN_EMAIL: &str = "admin@colophon.test";

/// 20 random letters and digits (about 119 bits).
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
}

impl Colophon {
    /// Whether the database holds any author or post.
    pub fn holds_content(&self) -> ServiceResult<bool> {
        self.db_blocking(|conn, _| Ok(store::count_authors(conn)? > 0 || store::count_posts(conn)? > 0))
    }

    /// Whether the database holds the demo content (its admin account): an import into it sits
    /// beside the demo's author and posts.
    pub fn holds_demo_content(&self) -> ServiceResult<bool> {
        self.db_blocking(|conn, _| Ok(store::find_credentials(conn, DEMO_ADMIN_EMAIL)?.is_some()))
    }

    /// Loads the demo content, and an admin account with a freshly generated password, when
    /// the database holds neither authors nor posts, in one transaction. Returns the admin's
    /// credentials when it did: the caller shows them once; only the hash is stored.
    pub fn load_demo_if_empty(&self) -> ServiceResult<Option<DemoAdmin>> {
        let seed: Seed = serde_json::from_str(SEED).map_err(|e| ServiceError::internal_while("demo seed", e))?;
        let admin = DemoAdmin { email: DEMO_ADMIN_EMAIL.into(), password: generate_password() };
        let admin_hash = crate::auth::hash_password(
            &colophon_domain::Password::parse(admin.password.clone()).map_err(ServiceError::internal)?,
        )?;
        self.write_blocking(|conn, now| {
            if store::count_authors(conn)? > 0 || store::count_posts(conn)? > 0 {
                return Ok(None);
            }
            let mut authors = Vec::new();
            for a in &seed.authors {
                let new = NewAuthor {
                    slug: slug(&a.slug)?,
                    name: a.name.clone(),
                    email: None,
                    role: Role::Author,
                    password_hash: None,
                    bio_html: a.bio_html.clone(),
                    avatar_url: None,
                    website_url: None,
                    now,
                };
                authors.push(store::insert_author(conn, &new)?);
            }
            let author_id = |slug: &str| {
                authors
                    .iter()
                    .find(|a| a.slug.as_str() == slug)
                    .map(|a| a.id)
                    .ok_or_else(|| ServiceError::internal(format!("demo author {slug} missing")))
            };
            let mut products = Vec::new();
            for p in &seed.products {
                let new = NewProduct {
                    title: p.title.clone(),
                    url: None,
                    image: None,
                    contributor_label: p.contributor_label.clone(),
                    contributors: p.contributors.clone(),
                    edition: p.edition.clone(),
                    now,
                };
                products.push(store::insert_product(conn, &new)?);
            }
            let mut widgets = Vec::new();
            for w in &seed.sidebar.widgets {
                widgets.push(match w {
                    SeedWidget::AuthorBio { author } => Widget::AuthorBio(author_id(author)?),
                    SeedWidget::Product { product } => Widget::Product(
                        products.get(*product).ok_or_else(|| ServiceError::internal("demo product missing"))?.id,
                    ),
                    SeedWidget::Html { html } => Widget::Html(html.clone()),
                });
            }
            let sidebar = store::insert_sidebar(
                conn,
                &NewSidebar { slug: slug(&seed.sidebar.slug)?, title: seed.sidebar.title.clone(), widgets, now },
            )?;
            for p in &seed.posts {
                let published_at = p.published_at.naive_utc();
                let post = store::insert_post(
                    conn,
                    &NewPost {
                        featured_image: p.featured_image.as_ref().map(|i| FeaturedImage {
                            url: i.url.clone(),
                            alt: i.alt.clone(),
                            credit: i.credit.clone(),
                            ..FeaturedImage::default()
                        }),
                        ..NewPost::new(
                            NewContent {
                                slug: slug(&p.slug)?,
                                title: p.title.clone(),
                                excerpt: p.excerpt.clone(),
                                body_html: p.body_html.clone(),
                                body_markdown: None,
                                publication: Publication {
                                    status: PostStatus::Published,
                                    published_at: Some(published_at),
                                },
                                author_id: author_id(&p.author)?,
                                sidebar_id: p.sidebar.then_some(sidebar.id),
                                seo: colophon_domain::Seo::default(),
                                custom_fields: Default::default(),
                                public_custom_fields: "{}".into(),
                            },
                            colophon_domain::search_text(&p.body_html),
                            published_at,
                        )
                    },
                )?;
                let wanted: Vec<(Slug, String)> = p
                    .tags
                    .iter()
                    .map(|name| {
                        Ok((
                            Slug::derive(name)
                                .ok_or_else(|| ServiceError::internal(format!("demo tag {name:?} has no slug")))?,
                            name.clone(),
                        ))
                    })
                    .collect::<ServiceResult<_>>()?;
                let tags = store::ensure_tags(conn, &wanted)?;
                store::set_post_tags(conn, post.id, &tags)?;
                let mut inserted: Vec<colophon_domain::Comment> = Vec::new();
                for c in &p.comments {
                    let parent = c.reply_to.and_then(|i| inserted.get(i));
                    let comment = store::insert_comment(
                        conn,
                        &NewComment {
                            post_id: post.id,
                            parent_id: parent.map(|p| p.id),
                            author_id: None,
                            author_name: c.author_name.clone(),
                            author_email: None,
                            author_url: None,
                            body_source: c.body.clone(),
                            body_html: colophon_domain::CommentBody::parse(&c.body)
                                .map_err(ServiceError::internal)?
                                .render(),
                            status: CommentStatus::Approved,
                            depth: parent.map_or(0, |p| p.depth + 1),
                            ip: None,
                            user_agent: None,
                            created_at: c.created_at.naive_utc(),
                        },
                    )?;
                    inserted.push(comment);
                }
            }
            store::insert_author(
                conn,
                &NewAuthor {
                    slug: slug("admin")?,
                    name: "Admin".into(),
                    email: Some(admin.email.clone()),
                    role: Role::Admin,
                    password_hash: Some(admin_hash.clone()),
                    bio_html: String::new(),
                    avatar_url: None,
                    website_url: None,
                    now,
                },
            )?;
            Ok(Some(admin.clone()))
        })
    }
}
