use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use colophon_domain::{CommentOrder, EffectiveSeo, FeaturedImage, PostLink, PostStatus, Slug, Tag};
use colophon_service::{
    IncludedComments, Key, Lookup, PageIncludes, PostDetail, PostListQuery, PostSearch, PostSummary, SearchResult,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::authors::AuthorRef;
use super::catalog::SidebarBody;
use super::comments::{CommentBody, CommentPage};
use super::fields;
use super::paged;
use crate::caller::Caller;
use crate::etag::{json_text_with_etag, json_with_etag, post_text_with_etag, post_with_etag};
use crate::problem::ApiError;
use crate::rest::responses;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostListParams {
    /// Full-text search: posts matching these words, best match first (title over excerpt over
    /// body), each with a `snippet` and a `score`. Words must all match; `"a phrase"`,
    /// `-word` (or `-"a phrase"`) excludes, `prefix*` (two letters or more) matches beginnings.
    /// Combines with `author`, `tag` and, for staff, `status`.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only posts of the author with this slug.
    #[param(max_length = 100)]
    pub author: Option<String>,
    /// Only posts with the tag of this slug.
    #[param(max_length = 100)]
    pub tag: Option<String>,
    /// Page size, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (opaque and signed: any other value is 400).
    #[param(max_length = 2048, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Signed-in staff: list posts of this status, most recently edited first. Contributors
    /// and authors see their own drafts only.
    pub status: Option<PostStatus>,
    /// Only these fields of each post, comma-separated (`id,slug,title,excerpt`).
    #[param(max_length = 512, pattern = "^[a-z_]+(,[a-z_]+)*$")]
    pub fields: Option<String>,
    /// Only posts meeting this condition, in Ghost's filter language (NQL): `field:value`,
    /// `field:>value` (also `>=`, `<`, `<=`), `field:-value` or `-field:value` (not),
    /// `field:[a,b]` (one of), `+` (and; a space too), `,` (or), parentheses. Fields: `tag`,
    /// `author`, `slug` (slugs), `title` (whole), `published_at`, `updated_at` (`'2024-01-31'`
    /// or a time, UTC), `comment_count`. Example: `tag:[news,bowling]+published_at:>'2024-01-01'`.
    /// Public list only; combines with `author` and `tag`.
    #[param(max_length = 1000)]
    pub filter: Option<String>,
    /// The order: fields separated by commas, `-` for largest first; the post's id breaks
    /// ties. Fields: `published_at`, `updated_at`, `title`, `comment_count`. Default
    /// `-published_at`. Example: `-comment_count,title`. Public list only. (Ghost's `order=` is
    /// read as `sort=`.)
    #[param(max_length = 200)]
    #[serde(alias = "order")]
    pub sort: Option<String>,
}

impl PostParams {
    /// What `include=comments,related` asks for besides the post.
    fn includes(&self) -> PageIncludes {
        let asked = |what: &str| self.include.as_deref().is_some_and(|i| i.split(',').any(|part| part == what));
        PageIncludes {
            comments: asked("comments").then(|| IncludedComments {
                limit: self.comments_limit,
                order: self.comments_order.unwrap_or_default(),
            }),
            related: asked("related").then_some(self.related_limit.unwrap_or(colophon_service::RELATED_DEFAULT)),
        }
    }
}

/// What one post's answer brings, and which of its fields.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostParams {
    /// `comments`: the first page of its approved comments, in the same answer (`comments`,
    /// as `GET /posts/{slug}/comments` gives it: the whole page in one request); `related`: other
    /// published posts sharing the most tags, then the newest (`related`). Both: `comments,related`.
    #[param(pattern = "^((comments|related)(,(comments|related))?)?$")]
    pub include: Option<String>,
    /// With `include=related`: how many (1 to 10).
    #[param(minimum = 1, maximum = 10, default = 5)]
    pub related_limit: Option<i64>,
    /// With `include=comments`: how many (1 to 100; in thread order, how many threads).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub comments_limit: Option<i64>,
    /// With `include=comments`: `oldest` (default) or `thread`.
    pub comments_order: Option<CommentOrder>,
    /// Only these fields, comma-separated (`title,body_html,comments`).
    #[param(max_length = 512, pattern = "^[a-z_]+(,[a-z_]+)*$")]
    pub fields: Option<String>,
}

/// The fields a post in a list has (`snippet` and `score` in search results).
const SUMMARY_FIELDS: [&str; 16] = [
    "url",
    "snippet",
    "score",
    "id",
    "slug",
    "title",
    "excerpt",
    "status",
    "published_at",
    "updated_at",
    "author",
    "featured_image",
    "tags",
    "comments_enabled",
    "comment_count",
    "custom_fields",
];
/// The fields one post has.
const POST_FIELDS: [&str; 23] = [
    "related",
    "url",
    "seo",
    "id",
    "slug",
    "title",
    "excerpt",
    "status",
    "published_at",
    "updated_at",
    "author",
    "featured_image",
    "tags",
    "comments_enabled",
    "comment_count",
    "custom_fields",
    "version",
    "body_markdown",
    "body_html",
    "previous",
    "next",
    "sidebar",
    "comments",
];

/// A picture with its credit: a URL, or an item of the media library (then its size too).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeaturedImageBody {
    pub url: Option<String>,
    pub alt: Option<String>,
    #[schema(example = "Image via Snorgtees")]
    pub credit: Option<String>,
    /// The media library's item, when the picture is one.
    pub media_id: Option<i64>,
    /// Pixels across (media items).
    pub width: Option<i32>,
    /// Pixels down (media items).
    pub height: Option<i32>,
}

impl From<FeaturedImage> for FeaturedImageBody {
    fn from(i: FeaturedImage) -> Self {
        Self {
            url: i.url,
            alt: i.alt,
            credit: i.credit,
            media_id: i.media_id.map(|m| m.0),
            width: i.width,
            height: i.height,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagBody {
    pub slug: String,
    pub name: String,
}

impl From<Tag> for TagBody {
    fn from(t: Tag) -> Self {
        Self { slug: t.slug.into_string(), name: t.name }
    }
}

/// A post as lists show it: everything but the body, the neighbours and the sidebar.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostSummaryBody {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// The teaser shown before "More >" (plain text).
    pub excerpt: String,
    pub status: PostStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub author: AuthorRef,
    pub featured_image: Option<FeaturedImageBody>,
    pub tags: Vec<TagBody>,
    pub comments_enabled: bool,
    /// Approved comments only.
    pub comment_count: i64,
    /// Where the frontend shows the post (`COLOPHON_POST_URL`; by default this API's address of
    /// it); null for a draft without a date when the address needs one.
    pub url: Option<String>,
    /// The site's own fields (`GET /api/v1/fields`), by name: public ones, and to signed-in staff
    /// all of them.
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    /// Search results only: words of the body around the best match, HTML-escaped, the matched
    /// words in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "… so <mark>the rug</mark> really tied the room together …")]
    pub snippet: Option<String>,
    /// Search results only: how well the post matched, higher first (comparable within one search).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl From<SearchResult> for PostSummaryBody {
    fn from(r: SearchResult) -> Self {
        Self { snippet: Some(r.snippet_html), score: Some(r.score), ..r.summary.into() }
    }
}

impl From<PostSummary> for PostSummaryBody {
    fn from(s: PostSummary) -> Self {
        let p = s.post;
        Self {
            id: p.id.0,
            slug: p.content.slug.into_string(),
            title: p.content.title,
            excerpt: p.content.excerpt,
            status: s.status,
            published_at: p.content.published_at.map(|t| t.and_utc()),
            updated_at: p.content.updated_at.and_utc(),
            author: AuthorRef::from(&s.author),
            featured_image: p.featured_image.map(Into::into),
            tags: s.tags.into_iter().map(Into::into).collect(),
            comments_enabled: p.comments_enabled,
            comment_count: p.comment_count,
            url: s.url,
            custom_fields: s.custom_fields,
            snippet: None,
            score: None,
        }
    }
}

/// A neighbouring post, for previous / next links.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostLinkBody {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<PostLink> for PostLinkBody {
    fn from(l: PostLink) -> Self {
        Self {
            id: l.id.0,
            slug: l.slug.into_string(),
            title: l.title,
            published_at: l.published_at.map(|t| t.and_utc()),
        }
    }
}

/// One post with everything its page shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostBody {
    #[serde(flatten)]
    pub summary: PostSummaryBody,
    /// Bumped by every edit; send it back in `If-Match` (as the `ETag`) to edit safely.
    pub version: i64,
    /// The Markdown source, for those who may edit the post (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// The body, sanitized HTML.
    pub body_html: String,
    /// The older published post.
    pub previous: Option<PostLinkBody>,
    /// The newer published post.
    pub next: Option<PostLinkBody>,
    pub sidebar: Option<SidebarBody>,
    pub seo: SeoBody,
    /// The first page of its approved comments, with `include=comments` (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<CommentPage>,
    /// Other published posts sharing the most tags, then the newest, with `include=related`
    /// (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Vec<RelatedPostBody>>,
}

/// A related post, as a "read next" link shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedPostBody {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub published_at: Option<DateTime<Utc>>,
    pub url: Option<String>,
    pub featured_image: Option<FeaturedImageBody>,
}

/// What search engines and link previews read, every default filled in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeoBody {
    /// The `<title>`: as set, else the title.
    pub meta_title: String,
    /// The `<meta name="description">`: as set, else the excerpt (at most 160 characters).
    pub meta_description: String,
    /// `<link rel="canonical">`: as set, else the public URL.
    pub canonical_url: Option<String>,
    /// `og:image`: as set, else the featured image.
    pub og_image: Option<String>,
    /// Search engines are asked to stay out; left out of the sitemap.
    pub noindex: bool,
}

impl From<EffectiveSeo> for SeoBody {
    fn from(s: EffectiveSeo) -> Self {
        Self {
            meta_title: s.meta_title,
            meta_description: s.meta_description,
            canonical_url: s.canonical_url,
            og_image: s.og_image,
            noindex: s.noindex,
        }
    }
}

impl PostBody {
    fn new(d: PostDetail, urls: &colophon_service::SiteUrls) -> Self {
        let related = d.related.clone().map(|posts| {
            posts
                .into_iter()
                .map(|p| RelatedPostBody {
                    id: p.id.0,
                    url: urls.post(&p),
                    slug: p.content.slug.into_string(),
                    title: p.content.title,
                    excerpt: p.content.excerpt,
                    published_at: p.content.published_at.map(|t| t.and_utc()),
                    featured_image: p.featured_image.map(Into::into),
                })
                .collect()
        });
        Self { related, ..d.into() }
    }
}

impl From<PostDetail> for PostBody {
    fn from(d: PostDetail) -> Self {
        let seo = effective_seo(&d.summary).into();
        let body_html = d.summary.post.body_html.clone();
        let version = d.summary.post.version;
        let body_markdown = if d.editable { d.summary.post.body_markdown.clone() } else { None };
        Self {
            summary: d.summary.into(),
            version,
            body_markdown,
            body_html,
            previous: d.previous.map(Into::into),
            next: d.next.map(Into::into),
            sidebar: d.sidebar.map(Into::into),
            seo,
            comments: d.comments.map(|page| CommentPage::from_page(page, CommentBody::from)),
            related: None,
        }
    }
}

/// A post's SEO fields with their defaults.
pub fn effective_seo(s: &PostSummary) -> EffectiveSeo {
    let image = s.post.featured_image.as_ref().and_then(|i| i.url.as_deref());
    s.post.seo.effective(&s.post.title, &s.post.excerpt, s.url.as_deref(), image)
}

paged!(PostPage, PostSummaryBody);

/// Published posts, newest first, with author, tags and comment count; with `q`, the posts
/// matching a full-text search, best match first.
#[utoipa::path(
    get, operation_id = "list_posts", path = "/api/v1/posts", tag = "posts", params(PostListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of posts", body = PostPage, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::CallerRead,
    )
)]
pub async fn list(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    params: crate::json::Query<PostListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let page = match p.q.filter(|q| !q.trim().is_empty()) {
        Some(_) if [&p.filter, &p.sort].iter().any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty())) => {
            return Err(colophon_service::ServiceError::bad_request(
                "q",
                "a search is ordered by relevance and takes no filter or sort",
            )
            .into());
        }
        Some(query) => {
            let search =
                PostSearch { query, author: p.author, tag: p.tag, status: p.status, limit: p.limit, cursor: p.cursor };
            PostPage::from_page(colophon.search_posts(caller, search).await?, PostSummaryBody::from)
        }
        None => {
            let query = PostListQuery {
                filter: colophon_service::post_filter(p.filter.as_deref())?,
                order: colophon_service::post_order(p.sort.as_deref())?,
                author: p.author,
                tag: p.tag,
                limit: p.limit,
                cursor: p.cursor,
                status: p.status,
            };
            // The public list's JSON is written by the database (the read compiler); a staff
            // list of a status is assembled.
            if query.status.is_none() {
                let fields = fields::summary_fields(p.fields.as_deref(), &SUMMARY_FIELDS)?;
                return Ok(json_text_with_etag(&req, colophon.list_posts_json(caller, query, fields).await?));
            }
            PostPage::from_page(colophon.list_post_summaries(caller, query).await?, PostSummaryBody::from)
        }
    };
    let page = to_json(&page)?;
    json_with_etag(&req, &fields::select(page, p.fields.as_deref(), &SUMMARY_FIELDS)?)
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| colophon_service::ServiceError::internal_while("serialize", e).into())
}

/// One post by slug or id (as PATCH and DELETE take it), with author, tags, featured image,
/// comment count, previous and next posts, and its sidebar. The public sees published posts;
/// staff also their drafts. An old slug of a renamed post answers 301 with the new location.
#[utoipa::path(
    get, operation_id = "get_post", path = "/api/v1/posts/{post}", tag = "posts",
    security((), ("bearer" = [])),
    params(("post" = String, Path, description = "The post's slug, or its id"), PostParams),
    responses(
        (status = 200, description = "The post", body = PostBody, headers(("ETag" = String))),
        (status = 301, description = "The post's slug changed", headers(("Location" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::CallerRead,
    )
)]
pub async fn get(
    Caller(caller): Caller,
    req: HttpRequest,
    colophon: crate::cache::Service,
    slug: web::Path<String>,
    params: crate::json::Query<PostParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    // A published post's whole page comes from one statement; the rest (drafts, renamed posts,
    // `fields`, threads, related posts) from the assembled path.
    if p.fields.is_none() {
        if let Some(page) = colophon.post_page_json(caller, Key::parse(&slug), p.includes()).await? {
            return Ok(post_text_with_etag(&req, page.json, page.version));
        }
    }
    match colophon.get_post(caller, Key::parse(&slug), p.includes()).await? {
        Lookup::Found(post) => {
            let version = post.summary.post.version;
            let body = PostBody::new(post, colophon.site_urls());
            let body = fields::select(to_json(&body)?, p.fields.as_deref(), &POST_FIELDS)?;
            post_with_etag(&req, &body, version)
        }
        Lookup::Moved(slug) => Ok(moved(&req, &slug)),
    }
}

/// The same question, at a renamed post's new address.
fn moved(req: &HttpRequest, slug: &Slug) -> HttpResponse {
    let query = if req.query_string().is_empty() { String::new() } else { format!("?{}", req.query_string()) };
    HttpResponse::MovedPermanently().insert_header((header::LOCATION, format!("/api/v1/posts/{slug}{query}"))).finish()
}
