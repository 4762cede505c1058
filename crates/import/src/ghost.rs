//! `colophon import ghost FILE.json`: a Ghost export (`db[0].data`: posts, users, tags,
//! posts_tags, posts_authors, posts_meta), Ghost 1 to 5. Posts and pages keep their status, dates,
//! slugs, excerpts, tags, primary author, featured image (with its alt text and caption) and SEO
//! fields; the body is the export's `html`, or its Lexical or Mobiledoc document rendered when the
//! HTML is absent. Recorded like every import: a second run changes nothing.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDateTime};
use colophon_domain::{
    AuthorId, BoundedText, Excerpt, FeaturedImage, HttpUrl, PostHtml, PostStatus, Seo, Slug, Timestamp,
};
use colophon_service::{
    Colophon, ImportProblem, ImportReport, ImportedAuthor, ImportedFrom, PlannedEntry, ServiceError, ServiceResult,
    per_item,
};
use serde::Deserialize;
use serde_json::Value;

use crate::ghost_render::{lexical_to_html, mobiledoc_to_html};

/// Exports are read whole (they are one JSON document); larger files are refused.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// How to run a Ghost import.
#[derive(Debug, Clone, Default)]
pub struct GhostImportOptions {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// The old site's address: Ghost 4+ writes `__GHOST_URL__` for it in image and link URLs.
    /// Without it such links become site-relative paths, and such featured images are left out.
    pub site_url: Option<String>,
}

#[derive(Deserialize)]
struct Export {
    db: Vec<Database>,
}

#[derive(Deserialize)]
struct Database {
    data: Data,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Data {
    posts: Vec<Post>,
    posts_meta: Vec<PostMeta>,
    users: Vec<User>,
    tags: Vec<Tag>,
    posts_tags: Vec<Link>,
    posts_authors: Vec<Link>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Post {
    id: Value,
    title: Option<String>,
    slug: Option<String>,
    html: Option<String>,
    lexical: Option<String>,
    mobiledoc: Option<String>,
    feature_image: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    /// Ghost 1–2: pages were posts with `page: true`.
    page: Value,
    status: Option<String>,
    visibility: Option<String>,
    published_at: Value,
    created_at: Value,
    custom_excerpt: Option<String>,
    author_id: Value,
    // Ghost 1–3 kept these on the post; later exports in posts_meta.
    meta_title: Option<String>,
    meta_description: Option<String>,
    og_image: Option<String>,
    canonical_url: Option<String>,
    feature_image_alt: Option<String>,
    feature_image_caption: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PostMeta {
    post_id: Value,
    meta_title: Option<String>,
    meta_description: Option<String>,
    og_image: Option<String>,
    feature_image_alt: Option<String>,
    feature_image_caption: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct User {
    id: Value,
    name: Option<String>,
    slug: Option<String>,
    email: Option<String>,
    bio: Option<String>,
    website: Option<String>,
    profile_image: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tag {
    id: Value,
    name: Option<String>,
    slug: Option<String>,
    visibility: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Link {
    post_id: Value,
    tag_id: Value,
    author_id: Value,
    sort_order: Option<i64>,
}

/// A tag as posts get it: slug and name.
type TagName = (Slug, String);

/// Ids are strings since Ghost 1, numbers before.
fn id(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().map_or("", str::trim)
}

/// ISO 8601 (Ghost 1+), `YYYY-MM-DD HH:MM:SS`, or milliseconds since the epoch (Ghost 0.x).
fn date(value: &Value) -> Option<Timestamp> {
    match value {
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .map(|d| d.naive_utc())
            .ok()
            .or_else(|| NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S").ok()),
        Value::Number(n) => n.as_i64().and_then(DateTime::from_timestamp_millis).map(|d| d.naive_utc()),
        _ => None,
    }
}

/// Imports a Ghost export. See [`crate::import_wxr`] for what every import shares.
pub fn import_ghost(
    colophon: &Colophon,
    path: &Path,
    options: GhostImportOptions,
    progress: &mut dyn FnMut(&ImportReport),
) -> ServiceResult<ImportReport> {
    let unreadable = |e: std::io::Error| ServiceError::invalid("file", format!("cannot be read: {e}"));
    if std::fs::metadata(path).map_err(unreadable)?.len() > MAX_FILE_BYTES {
        return Err(ServiceError::invalid("file", format!("is larger than {} MiB", MAX_FILE_BYTES >> 20)));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let export: Export = serde_json::from_slice(&bytes)
        .map_err(|e| ServiceError::invalid("file", format!("is not a Ghost export: {e}")))?;
    drop(bytes);
    let data = export.db.into_iter().next().map(|db| db.data).unwrap_or_default();
    let site = options.site_url.as_deref().map(|u| u.trim_end_matches('/').to_string());
    let mut run = GhostRun {
        colophon,
        dry_run: options.dry_run,
        // Ghost ids (ObjectIds since Ghost 1) name items whatever --site-url says, so runs
        // with and without it find each other's records.
        source: "ghost".to_string(),
        site,
        authors: HashMap::new(),
        first_author: None,
        report: ImportReport::default(),
    };
    for user in &data.users {
        run.user(user)?;
        progress(&run.report);
    }
    let tags: HashMap<String, (Slug, String)> = data
        .tags
        .iter()
        .filter(|t| text(&t.visibility) != "internal" && !text(&t.name).starts_with('#'))
        .filter_map(|t| {
            let name = text(&t.name);
            let slug = Slug::parse(text(&t.slug)).ok().or_else(|| Slug::derive(name))?;
            Some((id(&t.id), (slug, name.chars().take(100).collect())))
        })
        .collect();
    let mut post_tags: HashMap<String, Vec<(i64, TagName)>> = HashMap::new();
    for link in &data.posts_tags {
        if let Some(tag) = tags.get(&id(&link.tag_id)) {
            post_tags.entry(id(&link.post_id)).or_default().push((link.sort_order.unwrap_or(0), tag.clone()));
        }
    }
    let mut primary: HashMap<String, (i64, String)> = HashMap::new();
    for link in &data.posts_authors {
        let entry = primary.entry(id(&link.post_id)).or_insert((i64::MAX, String::new()));
        if link.sort_order.unwrap_or(0) < entry.0 {
            *entry = (link.sort_order.unwrap_or(0), id(&link.author_id));
        }
    }
    let meta: HashMap<String, &PostMeta> = data.posts_meta.iter().map(|m| (id(&m.post_id), m)).collect();
    for post in &data.posts {
        let key = id(&post.id);
        let mut wanted_tags = post_tags.remove(&key).unwrap_or_default();
        wanted_tags.sort_by_key(|(order, _)| *order);
        let author = primary.get(&key).map(|(_, a)| a.clone()).unwrap_or_else(|| id(&post.author_id));
        run.post(post, meta.get(&key).copied(), wanted_tags.into_iter().map(|(_, t)| t).collect(), &author)?;
        progress(&run.report);
    }
    Ok(run.report)
}

struct GhostRun<'a> {
    colophon: &'a Colophon,
    dry_run: bool,
    source: String,
    site: Option<String>,
    /// Ghost user ids → authors.
    authors: HashMap<String, AuthorId>,
    /// The first user of the export: the author of posts that name none.
    first_author: Option<AuthorId>,
    report: ImportReport,
}

impl GhostRun<'_> {
    fn problem(&mut self, item: String, reason: impl Into<String>) {
        self.report.problems.push(ImportProblem { item, reason: reason.into() });
    }

    /// An item imported with a change.
    fn note(&mut self, item: String, note: impl Into<String>) {
        self.report.notes.push(ImportProblem { item, reason: note.into() });
    }

    /// `__GHOST_URL__` made the old site's address again (or a site-relative path).
    fn absolute(&self, value: &str) -> String {
        value.replace("__GHOST_URL__", self.site.as_deref().unwrap_or(""))
    }

    fn user(&mut self, user: &User) -> ServiceResult<()> {
        if self.dry_run {
            self.report.authors += 1;
            return Ok(());
        }
        let bio = text(&user.bio);
        let key = id(&user.id);
        let author = ImportedAuthor {
            name: text(&user.name).to_string(),
            email: text(&user.email).to_string(),
            slug: text(&user.slug).to_string(),
            // Ghost bios are plain text.
            bio_html: if bio.is_empty() {
                String::new()
            } else {
                format!("<p>{}</p>", colophon_domain::html::escape(bio))
            },
            website_url: text(&user.website).to_string(),
            avatar_url: self.absolute(text(&user.profile_image)),
        };
        let label = format!("user {key} “{}”", author.name);
        match per_item(self.colophon.import_author(ImportedFrom::new(&self.source, &key), author))? {
            Ok((author_id, created)) => {
                if created {
                    self.report.authors += 1;
                } else {
                    self.report.unchanged += 1;
                }
                self.authors.insert(id(&user.id), author_id);
                self.first_author.get_or_insert(author_id);
            }
            Err(reason) => self.problem(label, reason),
        }
        Ok(())
    }

    fn plan(
        &self,
        post: &Post,
        meta: Option<&PostMeta>,
        tags: Vec<(Slug, String)>,
    ) -> Result<(PlannedEntry, Vec<String>), String> {
        let mut notes = Vec::new();
        let public = matches!(text(&post.visibility), "" | "public");
        let status = match text(&post.status) {
            "published" | "scheduled" if public => PostStatus::Published,
            "published" | "scheduled" => {
                notes.push(format!("visible to {} only in Ghost: imported as a draft", text(&post.visibility)));
                PostStatus::Draft
            }
            "draft" => PostStatus::Draft,
            "sent" => {
                notes.push("sent by e-mail only: imported as a draft".into());
                PostStatus::Draft
            }
            other => return Err(format!("unknown status {other:?}")),
        };
        let published_at = match status {
            PostStatus::Published => Some(
                date(&post.published_at)
                    .or_else(|| date(&post.created_at))
                    .ok_or("it is published but carries no date")?,
            ),
            _ => None,
        };
        let title = BoundedText::<300>::parse(text(&post.title)).map_err(|e| format!("title: {e}"))?.into_string();
        let slug = Slug::parse(text(&post.slug))
            .ok()
            .or_else(|| Slug::derive(&title))
            .ok_or("neither its slug nor its title gives a slug")?;
        let html = match (text(&post.html), text(&post.lexical), text(&post.mobiledoc)) {
            (html, _, _) if !html.is_empty() => html.to_string(),
            (_, lexical, _) if !lexical.is_empty() => lexical_to_html(lexical)?,
            (_, _, mobiledoc) if !mobiledoc.is_empty() => mobiledoc_to_html(mobiledoc)?,
            _ => String::new(),
        };
        let body = PostHtml::from_html(&self.absolute(&html)).map_err(|e| format!("body: {e}"))?;
        let excerpt = match text(&post.custom_excerpt) {
            "" => Excerpt::derive(&body),
            given => Excerpt::parse(given).map_err(|e| format!("excerpt: {e}"))?,
        };
        let pick = |own: &Option<String>, of_meta: Option<&Option<String>>| {
            Some(text(of_meta.unwrap_or(&None)))
                .filter(|v| !v.is_empty())
                .or(Some(text(own)).filter(|v| !v.is_empty()))
                .map(str::to_string)
        };
        let url = |value: Option<String>| {
            value.and_then(|v| HttpUrl::parse(self.absolute(&v)).ok()).map(HttpUrl::into_string)
        };
        let seo = Seo {
            meta_title: pick(&post.meta_title, meta.map(|m| &m.meta_title)).filter(|t| t.chars().count() <= 300),
            meta_description: pick(&post.meta_description, meta.map(|m| &m.meta_description))
                .filter(|d| d.chars().count() <= 500),
            canonical_url: url(pick(&post.canonical_url, None)),
            og_image: url(pick(&post.og_image, meta.map(|m| &m.og_image))),
            noindex: false,
        };
        Ok((
            PlannedEntry {
                slug,
                title: if title.is_empty() { "(untitled)".into() } else { title },
                excerpt: excerpt.into_string(),
                body,
                status,
                published_at,
                comments_enabled: true,
                tags,
                seo,
                // Ghost's permalinks are the slug, which is kept.
                old_path: None,
                meta: Default::default(),
            },
            notes,
        ))
    }

    fn featured_image(&mut self, post: &Post, meta: Option<&PostMeta>, label: &str) -> Option<FeaturedImage> {
        let raw = text(&post.feature_image);
        if raw.is_empty() {
            return None;
        }
        if raw.contains("__GHOST_URL__") && self.site.is_none() {
            self.note(label.to_string(), "its featured image is on the old site: pass --site-url to keep it");
            return None;
        }
        let Ok(url) = HttpUrl::parse(self.absolute(raw)) else {
            self.note(label.to_string(), format!("its featured image {raw:?} is not an http(s) URL: left out"));
            return None;
        };
        let field = |own: &Option<String>, of_meta: Option<&Option<String>>| {
            let value = Some(text(of_meta.unwrap_or(&None))).filter(|v| !v.is_empty()).unwrap_or(text(own));
            Some(colophon_domain::plain_text(value)).filter(|v| !v.is_empty() && v.chars().count() <= 300)
        };
        Some(FeaturedImage {
            url: Some(url.into_string()),
            alt: field(&post.feature_image_alt, meta.map(|m| &m.feature_image_alt)),
            credit: field(&post.feature_image_caption, meta.map(|m| &m.feature_image_caption)),
            ..FeaturedImage::default()
        })
    }

    fn post(
        &mut self,
        post: &Post,
        meta: Option<&PostMeta>,
        tags: Vec<(Slug, String)>,
        author: &str,
    ) -> ServiceResult<()> {
        let is_page = text(&post.kind) == "page" || post.page == Value::Bool(true) || post.page == 1;
        let label = format!("{} {} “{}”", if is_page { "page" } else { "post" }, id(&post.id), text(&post.title));
        let (entry, notes) = match self.plan(post, meta, tags) {
            Ok(planned) => planned,
            Err(reason) => {
                self.problem(label, reason);
                return Ok(());
            }
        };
        for note in notes {
            self.note(label.clone(), note);
        }
        let image = self.featured_image(post, meta, &label);
        if self.dry_run {
            if is_page {
                self.report.pages += 1;
            } else {
                self.report.posts += 1;
            }
            return Ok(());
        }
        let Some(author_id) = self.authors.get(author).copied().or(self.first_author) else {
            self.problem(label, "the export names no author for it");
            return Ok(());
        };
        let external = id(&post.id);
        if is_page {
            match per_item(self.colophon.import_page(ImportedFrom::new(&self.source, &external), entry, author_id))? {
                Ok(Some(_)) => self.report.pages += 1,
                Ok(None) => self.report.unchanged += 1,
                Err(reason) => self.problem(label, reason),
            }
            return Ok(());
        }
        let from = ImportedFrom::new(&self.source, &external);
        match per_item(self.colophon.import_post(from, entry, author_id, image, Vec::new()))? {
            Ok(post) if post.created => self.report.posts += 1,
            Ok(_) => self.report.unchanged += 1,
            Err(reason) => self.problem(label, reason),
        }
        Ok(())
    }
}
