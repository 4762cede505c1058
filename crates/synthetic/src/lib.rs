//! `colophon seed --synthetic`: deterministic data of the benchmark's shape, inserted in
//! batches with explicit ids so that it scales to a million posts.
//!
//! Shape (for N posts): 50 authors with bios; N posts of about 3 KB of HTML with excerpts, three
//! tags and a featured image, every 25th a draft, published over two years; 36 approved comments
//! (plus about 20% pending) on each of the first 200 posts and 3–7 on the others, about 22% of
//! them replies; 20 products; one sidebar of 14 widgets on every post. Each paragraph ends with
//! a sentence of eight words drawn from a vocabulary of 20,000 made-up words by Zipf's law, so
//! that full-text search meets words of every frequency, as in real writing.

mod vocabulary;

use chrono::{Duration, NaiveDate};
use colophon_domain::{
    AuthorId, CommentId, CommentStatus, FeaturedImage, PostId, PostStatus, ProductId, Publication, Role, Seo,
    SidebarId, Slug, TagId, Timestamp, WidgetKind, html,
};
use colophon_store::{
    self as store, BulkPostRow, CommentRow, DbConnection, NewAuthorRow, NewContent, NewPost, NewWidgetRow, PostRow,
    PostTagRow, ProductRow, SidebarRow, StoreResult, TagRow,
};

#[derive(Debug, Clone)]
pub struct SyntheticOptions {
    pub posts: u64,
    pub seed: u64,
    /// Posts per transaction.
    pub batch: u64,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        Self { posts: 2_000, seed: 1, batch: 1_000 }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SyntheticReport {
    pub authors: u64,
    pub posts: u64,
    pub comments: u64,
    /// Slug of a published post with 36 approved comments (for benchmarks).
    pub sample_slug: String,
}

/// SplitMix64: tiny, fast, and the same sequence on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST: &[&str] =
    &["Ada", "Ben", "Cleo", "Dev", "Eva", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kai", "Lena", "Milo", "Nora", "Omar"];
const LAST: &[&str] =
    &["Rubel", "Lebowski", "Sobchak", "Kerabatsos", "Quintana", "Treehorn", "Knox", "Maude", "Brandt", "Stranger"];
const WORDS: &[&str] = &[
    "social",
    "networks",
    "personal",
    "professional",
    "streams",
    "trust",
    "publicness",
    "media",
    "journalism",
    "mobile",
    "colleagues",
    "transparency",
    "audience",
    "platform",
    "conversation",
    "identity",
    "attention",
    "signal",
    "community",
    "search",
    "algorithm",
    "feed",
    "brand",
    "reader",
    "editor",
    "story",
    "archive",
    "headline",
    "column",
    "essay",
];
const SENTENCES: &[&str] = &[
    "Social networking is rapidly blurring the edges between our professional and personal spheres.",
    "Many of us co-mingle colleagues, clients, friends and family within our social networks.",
    "While the long term effects are uncertain, this convergence is creating confusion among marketers.",
    "Thanks to the proliferation of mobile devices, we are constantly connected to our work.",
    "It is forcing all of us to make choices about how public we are willing to be.",
    "The societal norm, it seems, is tilting more toward what thinker Jeff Jarvis calls new publicness.",
    "If we open up and let our customers see a little of our activity streams, we will break down barriers.",
    "This is not black and white, of course; each individual will decide how public to be.",
    "The good news is that publicness is not an all or nothing equation.",
    "In an age where transparency begets trust, there is a lot to be gained on an individual level.",
    "Some employees are solely using internal tools to update their colleagues on their activities.",
    "Other more extroverted types, meanwhile, are tweeting their passions.",
];

fn sentence(rng: &mut Rng) -> &'static str {
    SENTENCES[rng.below(SENTENCES.len() as u64) as usize]
}

/// Eight words of the vocabulary, drawn by frequency, as a sentence.
fn rare_sentence(rng: &mut Rng, words: &vocabulary::Zipf) -> String {
    let mut sentence = (0..8).map(|_| words.sample(rng.next())).collect::<Vec<_>>().join(" ");
    if let Some(first) = sentence.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    sentence.push('.');
    sentence
}

/// About 3.5 KB of HTML: eight paragraphs of four sentences and one of the vocabulary's words.
fn body(rng: &mut Rng, words: &vocabulary::Zipf) -> (String, String) {
    let paragraphs: Vec<String> = (0..8)
        .map(|_| {
            let mut sentences: Vec<String> = (0..4).map(|_| sentence(rng).to_string()).collect();
            sentences.push(rare_sentence(rng, words));
            sentences.join(" ")
        })
        .collect();
    let excerpt = paragraphs[0].clone();
    let html = paragraphs.iter().map(|p| format!("<p>{}</p>", html::escape(p))).collect::<Vec<_>>().join("\n");
    (html, excerpt)
}

fn start() -> Timestamp {
    NaiveDate::from_ymd_opt(2024, 1, 1).and_then(|day| day.and_hms_opt(0, 0, 0)).unwrap_or_default()
}

const AUTHORS: i64 = 50;
const TAGS: i64 = 30;
const PRODUCTS: i64 = 20;
const BUSY_POSTS: u64 = 200;

/// Generates the data set into an empty database; `progress` hears about every batch. A server
/// sharing the database learns of it only by dropping its whole cache (the caller's job).
pub fn seed(
    conn: &mut DbConnection,
    options: &SyntheticOptions,
    mut progress: impl FnMut(&str),
) -> StoreResult<SyntheticReport> {
    let mut rng = Rng(options.seed);
    let words = vocabulary::Zipf::new();
    let mut report = SyntheticReport::default();
    {
        let base = store::max_ids(conn)?;
        let now = start();
        store::write_transaction(&store::WriteGate::open(), conn, |conn| fixtures(conn, &mut rng, base, now))?;
        progress(&format!("{AUTHORS} authors, {TAGS} tags, {PRODUCTS} products and a sidebar of 14 widgets"));
        report.authors = AUTHORS as u64;
        let span_secs = 2 * 365 * 24 * 3600_i64;
        let slug_base = Slug::parse("synthetic-post").map_err(store::StoreError::Corrupt)?;
        let mut next_comment = base.comments;
        let mut done = 0;
        while done < options.posts {
            let count = options.batch.min(options.posts - done);
            let (posts, tags, comments) = (done..done + count).fold(
                (Vec::new(), Vec::new(), Vec::new()),
                |(mut posts, mut tags, mut comments), i| {
                    let id = PostId(base.posts + 1 + i as i64);
                    let published = start() + Duration::seconds(span_secs * i as i64 / options.posts.max(1) as i64);
                    let draft = i % 25 == 24;
                    let (body_html, excerpt) = body(&mut rng, &words);
                    let body_text = Some(colophon_domain::search_text(&body_html));
                    let post_comments =
                        if draft { Vec::new() } else { comments_for(&mut rng, id, i, published, &mut next_comment) };
                    let approved =
                        post_comments.iter().filter(|c: &&CommentRow| c.status == CommentStatus::Approved).count();
                    let status = if draft { PostStatus::Draft } else { PostStatus::Published };
                    let content = NewContent {
                        slug: slug_base.with_suffix(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                        title: format!("Synthetic post {}: {} and {}", i + 1, rng.pick(WORDS), rng.pick(WORDS)),
                        excerpt,
                        body_html,
                        body_markdown: None,
                        publication: Publication { status, published_at: (!draft).then_some(published) },
                        author_id: AuthorId(base.authors + 1 + rng.below(AUTHORS as u64) as i64),
                        sidebar_id: Some(SidebarId(base.sidebars + 1)),
                        seo: Seo::default(),
                        custom_fields: Default::default(),
                        public_custom_fields: "{}".into(),
                    };
                    let picture = FeaturedImage {
                        url: Some(format!("https://images.example/{}.jpg", i + 1)),
                        alt: Some("A synthetic picture".into()),
                        credit: Some("Image via Snorgtees".into()),
                        ..FeaturedImage::default()
                    };
                    let new =
                        NewPost { featured_image: Some(picture), ..NewPost::new(content, String::new(), published) };
                    posts.push(BulkPostRow { body_text, post: PostRow::from_new(id, new, approved as i64) });
                    let first_tag = rng.below(TAGS as u64) as i64;
                    for position in 0..3 {
                        let tag_id = TagId(base.tags + 1 + (first_tag + position * 7) % TAGS);
                        tags.push(PostTagRow { post_id: id, tag_id, position: position as i32 });
                    }
                    comments.extend(post_comments);
                    (posts, tags, comments)
                },
            );
            report.comments += comments.len() as u64;
            store::write_transaction(&store::WriteGate::open(), conn, |conn| -> StoreResult<()> {
                store::bulk_insert_posts(conn, &posts)?;
                store::bulk_insert_post_tags(conn, &tags)?;
                store::bulk_insert_comments(conn, &comments)?;
                Ok(())
            })?;
            done += count;
            progress(&format!("{done}/{} posts, {} comments", options.posts, report.comments));
        }
        report.posts = options.posts;
        report.sample_slug = "synthetic-post-1".into();
        store::after_bulk_load(conn)?;
    }
    Ok(report)
}

/// Comments of post number `i`: 36 approved on the first 200 posts, 3–7 on others; about 20%
/// extra pending, about 22% replies to an earlier approved comment of the same post.
fn comments_for(rng: &mut Rng, post: PostId, i: u64, published: Timestamp, next_id: &mut i64) -> Vec<CommentRow> {
    let approved_wanted = if i < BUSY_POSTS { 36 } else { 3 + rng.below(5) };
    let mut out: Vec<CommentRow> = Vec::new();
    let mut approved = 0;
    let mut minute = 0;
    while approved < approved_wanted {
        *next_id += 1;
        minute += 1 + rng.below(90) as i64;
        let pending = rng.chance(20);
        let parent = if rng.chance(22) {
            let approved_so_far: Vec<&CommentRow> =
                out.iter().filter(|c| c.status == CommentStatus::Approved).collect();
            (!approved_so_far.is_empty()).then(|| approved_so_far[rng.below(approved_so_far.len() as u64) as usize])
        } else {
            None
        };
        let (parent_id, depth) = match parent {
            Some(p) if p.depth < 4 => (Some(p.id), p.depth + 1),
            _ => (None, 0),
        };
        let text = format!("{} {}", sentence(rng), sentence(rng));
        let reader = rng.below(5_000);
        let at = published + Duration::minutes(minute);
        out.push(CommentRow {
            id: CommentId(*next_id),
            post_id: post,
            parent_id,
            author_id: None,
            author_name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
            author_email: Some(format!("reader{reader}@example.com")),
            author_url: None,
            body_html: format!("<p>{}</p>", html::escape(&text)),
            body_source: text,
            status: if pending { CommentStatus::Pending } else { CommentStatus::Approved },
            depth,
            ip: Some(format!("10.{}.{}.{}", reader % 250, (reader / 250) % 250, 1 + reader % 7)),
            user_agent: Some("Synthetic/1.0".into()),
            created_at: at,
            updated_at: at,
        });
        if !pending {
            approved += 1;
        }
    }
    out
}

fn fixtures(conn: &mut DbConnection, rng: &mut Rng, base: store::MaxIds, now: Timestamp) -> StoreResult<()> {
    let authors: Vec<NewAuthorRow> = (1..=AUTHORS)
        .map(|n| {
            let name = format!("{} {} {n}", rng.pick(FIRST), rng.pick(LAST));
            NewAuthorRow {
                id: AuthorId(base.authors + n),
                slug: format!("synthetic-author-{n}"),
                name,
                email: Some(format!("author{n}@synthetic.example")),
                role: Role::Author,
                password_hash: None,
                token_version: 0,
                bio_html: format!("<p>{} {}</p>", sentence(rng), sentence(rng)),
                avatar_url: Some(format!("https://images.example/avatars/{n}.jpg")),
                website_url: None,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    store::bulk_insert_authors(conn, &authors)?;
    let tags: Vec<TagRow> = (1..=TAGS)
        .map(|n| {
            let word = WORDS[(n as usize - 1) % WORDS.len()];
            TagRow {
                id: TagId(base.tags + n),
                slug: format!("synthetic-{word}-{n}"),
                name: format!("{word} {n}"),
                description: String::new(),
            }
        })
        .collect();
    store::bulk_insert_tags(conn, &tags)?;
    let products: Vec<ProductRow> = (1..=PRODUCTS)
        .map(|n| ProductRow {
            id: ProductId(base.products + n),
            title: format!("The Big Lebowski, edition {n}"),
            url: Some(format!("https://shop.example/lebowski/{n}")),
            image_url: Some(format!("https://images.example/products/{n}.jpg")),
            contributor_label: Some("starring".into()),
            contributors: serde_json::to_string(&["Jeff Bridges", "John Goodman", "Julianne Moore"])
                .unwrap_or_default(),
            edition: Some(format!("Edition {n}")),
            created_at: now,
            updated_at: now,
            image_media_id: None,
            image_alt: None,
            image_credit: None,
            image_width: None,
            image_height: None,
        })
        .collect();
    store::bulk_insert_products(conn, &products)?;
    let sidebar = SidebarId(base.sidebars + 1);
    store::bulk_insert_sidebars(
        conn,
        &[SidebarRow {
            id: sidebar,
            slug: format!("synthetic-{sidebar}"),
            title: "Synthetic sidebar".into(),
            created_at: now,
            updated_at: now,
        }],
    )?;
    let mut widgets = vec![NewWidgetRow {
        sidebar_id: sidebar,
        position: 0,
        kind: WidgetKind::AuthorBio,
        product_id: None,
        author_id: Some(AuthorId(base.authors + 1)),
        html: None,
    }];
    for n in 1..=12 {
        widgets.push(NewWidgetRow {
            sidebar_id: sidebar,
            position: n,
            kind: WidgetKind::Product,
            product_id: Some(ProductId(base.products + i64::from(n))),
            author_id: None,
            html: None,
        });
    }
    widgets.push(NewWidgetRow {
        sidebar_id: sidebar,
        position: 13,
        kind: WidgetKind::Html,
        product_id: None,
        author_id: None,
        html: Some("<p>Powered by Colophon</p>".into()),
    });
    store::bulk_insert_widgets(conn, &widgets)?;
    Ok(())
}
