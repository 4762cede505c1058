use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use colophon_domain::{Author, CommentOrder, Post, PostLink, PostStatus, Tag};
use colophon_service::{Colophon, Neighbours, PostDetail, PostKey, SidebarView};

use super::custom_fields::{CustomFieldsNode, PostFields, SchemaFields};
use super::{AuthorNode, CommentNode, CommentOrderEnum, DateTime, PostStatusEnum, SidebarNode};
use crate::graphql::error::paging_error;
use crate::graphql::loaders::{CommentsKey, Loaders, load_error};

#[derive(SimpleObject)]
#[graphql(name = "FeaturedImage")]
pub struct FeaturedImageNode {
    url: Option<String>,
    alt: Option<String>,
    /// "Image via Snorgtees".
    credit: Option<String>,
    /// The media library's item, when the picture is one.
    media_id: Option<ID>,
    /// Pixels across (media items).
    width: Option<i32>,
    /// Pixels down (media items).
    height: Option<i32>,
}

impl From<colophon_domain::FeaturedImage> for FeaturedImageNode {
    fn from(i: colophon_domain::FeaturedImage) -> Self {
        Self {
            url: i.url,
            alt: i.alt,
            credit: i.credit,
            media_id: i.media_id.map(|m| ID(m.0.to_string())),
            width: i.width,
            height: i.height,
        }
    }
}

/// What search engines and link previews read, every default filled in.
#[derive(SimpleObject)]
#[graphql(name = "Seo")]
pub struct SeoNode {
    /// As set, else the title.
    meta_title: String,
    /// As set, else the excerpt (at most 160 characters).
    meta_description: String,
    /// As set, else the public URL.
    canonical_url: Option<String>,
    /// As set, else the featured image.
    og_image: Option<String>,
    /// Search engines are asked to stay out; left out of the sitemap.
    noindex: bool,
}

impl From<colophon_domain::EffectiveSeo> for SeoNode {
    fn from(seo: colophon_domain::EffectiveSeo) -> Self {
        Self {
            meta_title: seo.meta_title,
            meta_description: seo.meta_description,
            canonical_url: seo.canonical_url,
            og_image: seo.og_image,
            noindex: seo.noindex,
        }
    }
}

/// A label that groups posts; its posts are `posts(tag: slug)`, or its own `posts`.
pub struct TagNode(pub Tag);

#[Object(name = "Tag")]
impl TagNode {
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the tag's page says (plain text; empty when none was written).
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Published posts carrying it (batched: one statement for every tag of the query).
    async fn post_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let count =
            ctx.data_unchecked::<Arc<Loaders>>().tag_counts.load_one(self.0.clone()).await.map_err(load_error)?;
        Ok(count.unwrap_or(0))
    }

    /// Its published posts, newest first.
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<Connection<String, PostNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let query = colophon_service::PostListQuery {
            tag: Some(self.0.slug.as_str().to_string()),
            limit: Some(i64::from(first)),
            cursor: after,
            ..Default::default()
        };
        let page = colophon.list_posts(query).await.map_err(paging_error)?;
        let now = colophon.now();
        let mut connection = Connection::new(false, page.next_cursor.is_some());
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|post| Edge::new(colophon.post_cursor(&post, false, None), PostNode::new(post, now))),
        );
        Ok(connection)
    }
}

/// A neighbouring post, for previous / next links.
#[derive(SimpleObject)]
#[graphql(name = "PostLink")]
pub struct PostLinkNode {
    id: ID,
    slug: String,
    title: String,
    published_at: Option<DateTime>,
}

impl From<PostLink> for PostLinkNode {
    fn from(l: PostLink) -> Self {
        Self {
            id: ID(l.id.0.to_string()),
            slug: l.slug.into_string(),
            title: l.title,
            published_at: l.published_at.map(|t| DateTime(t.and_utc())),
        }
    }
}

pub struct PostNode {
    post: Post,
    status: PostStatus,
    /// Previous and next, when the whole page was loaded up front; otherwise they come through
    /// the batched loader (one statement for every post of a list).
    neighbours: Option<Neighbours>,
    /// The rest of the page, when the query asked for it up front (one trip to the database
    /// instead of one per field); otherwise the fields go through the batched loaders.
    page: Option<Page>,
}

struct Page {
    author: Author,
    tags: Vec<Tag>,
    sidebar: Option<SidebarView>,
}

impl PostNode {
    pub fn new(post: Post, now: colophon_domain::Timestamp) -> Self {
        let status = post.status_at(now);
        Self { post, status, neighbours: None, page: None }
    }

    /// A post whose whole page was loaded at once.
    pub fn from_page(detail: PostDetail) -> Self {
        let summary = detail.summary;
        let page = Page { author: summary.author, tags: summary.tags, sidebar: detail.sidebar };
        Self {
            post: summary.post,
            status: summary.status,
            neighbours: Some((detail.previous, detail.next)),
            page: Some(page),
        }
    }

    /// The fields of a post's page that [`Self::from_page`] loads in one go.
    pub const PAGE_FIELDS: [&'static str; 3] = ["previous", "next", "sidebar"];

    async fn neighbours(&self, ctx: &Context<'_>) -> Result<Neighbours> {
        if let Some(neighbours) = &self.neighbours {
            return Ok(neighbours.clone());
        }
        let Some(key) = PostKey::of(&self.post) else { return Ok((None, None)) };
        let loaded = ctx.data_unchecked::<Arc<Loaders>>().neighbours.load_one(key).await.map_err(load_error)?;
        Ok(loaded.unwrap_or_default())
    }
}

#[Object(name = "Post")]
impl PostNode {
    async fn id(&self) -> ID {
        ID(self.post.id.0.to_string())
    }

    async fn slug(&self) -> &str {
        self.post.slug.as_str()
    }

    async fn title(&self) -> &str {
        &self.post.title
    }

    /// The teaser shown before "More >" (plain text).
    async fn excerpt(&self) -> &str {
        &self.post.excerpt
    }

    /// The body, sanitized HTML.
    async fn body_html(&self) -> &str {
        &self.post.body_html
    }

    /// The Markdown source, for those who may edit the post (null otherwise).
    async fn body_markdown(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let caller = crate::graphql::context::caller(ctx).await?;
        Ok(ctx.data_unchecked::<Colophon>().markdown_for(caller, &self.post))
    }

    /// Bumped by every edit; pass it as `expectedVersion` to `updatePost` to edit safely.
    async fn version(&self) -> i64 {
        self.post.version
    }

    async fn status(&self) -> PostStatusEnum {
        self.status.into()
    }

    async fn published_at(&self) -> Option<DateTime> {
        self.post.published_at.map(|t| DateTime(t.and_utc()))
    }

    async fn updated_at(&self) -> DateTime {
        DateTime(self.post.updated_at.and_utc())
    }

    async fn featured_image(&self) -> Option<FeaturedImageNode> {
        self.post.featured_image.clone().map(Into::into)
    }

    async fn comments_enabled(&self) -> bool {
        self.post.comments_enabled
    }

    /// Where the frontend shows the post (COLOPHON_POST_URL; by default this API's address of
    /// it); null for a draft without a date when the address needs one.
    async fn url(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.data_unchecked::<Colophon>().site_urls().post(&self.post)
    }

    async fn seo(&self, ctx: &Context<'_>) -> SeoNode {
        let url = ctx.data_unchecked::<Colophon>().site_urls().post(&self.post);
        let image = self.post.featured_image.as_ref().and_then(|i| i.url.as_deref());
        SeoNode::from(self.post.seo.effective(&self.post.title, &self.post.excerpt, url.as_deref(), image))
    }

    /// Approved comments only.
    async fn comment_count(&self) -> i64 {
        self.post.comment_count
    }

    /// The site's own fields (GET /api/v1/fields), typed: public ones, and to staff all.
    async fn custom_fields(&self, ctx: &Context<'_>) -> Result<CustomFieldsNode<PostFields>> {
        let caller = crate::graphql::context::caller(ctx).await?;
        let colophon = ctx.data_unchecked::<Colophon>();
        let values =
            colophon.shown_custom_fields(caller, colophon_domain::FieldEntity::Posts, &self.post.custom_fields);
        Ok(CustomFieldsNode::new(values, ctx.data_unchecked::<SchemaFields>()))
    }

    async fn author(&self, ctx: &Context<'_>) -> Result<AuthorNode> {
        if let Some(page) = &self.page {
            return Ok(page.author.clone().into());
        }
        let author =
            ctx.data_unchecked::<Arc<Loaders>>().authors.load_one(self.post.author_id).await.map_err(load_error)?;
        author.map(AuthorNode::from).ok_or_else(|| "the post's author is missing".into())
    }

    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<TagNode>> {
        let tags = match &self.page {
            Some(page) => page.tags.clone(),
            None => ctx
                .data_unchecked::<Arc<Loaders>>()
                .tags
                .load_one(self.post.id)
                .await
                .map_err(load_error)?
                .unwrap_or_default(),
        };
        Ok(tags.into_iter().map(TagNode).collect())
    }

    /// Approved comments: oldest first, or in THREAD order (each top-level comment followed by
    /// its replies, depth first; `first` counts top-level comments).
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        #[graphql(default)] order: CommentOrderEnum,
    ) -> Result<Connection<String, CommentNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let order: CommentOrder = order.into();
        let key = CommentsKey { post: self.post.id, first: i64::from(first), after, order };
        let page = ctx
            .data_unchecked::<Arc<Loaders>>()
            .comments
            .load_one(key)
            .await
            .map_err(|e| paging_error(Arc::try_unwrap(e).unwrap_or_else(|shared| shared.shared_copy())))?
            .unwrap_or(colophon_service::CursorPage { items: Vec::new(), next_cursor: None });
        let mut connection = Connection::new(false, page.next_cursor.is_some());
        // In thread order a page ends after a whole thread: every edge carries its thread's cursor.
        let mut thread_cursor = String::new();
        for comment in page.items {
            let cursor = match order {
                CommentOrder::Oldest => colophon.comment_cursor(&comment),
                CommentOrder::Thread => {
                    if comment.depth == 0 {
                        thread_cursor = colophon.comment_thread_cursor(&comment);
                    }
                    thread_cursor.clone()
                }
            };
            connection.edges.push(Edge::new(cursor, CommentNode::from(comment)));
        }
        Ok(connection)
    }

    /// Other published posts sharing the most tags with this one, then the newest (1 to 10;
    /// batched: one statement for every post of the query).
    #[graphql(complexity = "(first.clamp(1, 10) as usize) * child_complexity")]
    async fn related(&self, ctx: &Context<'_>, #[graphql(default = 5)] first: i32) -> Result<Vec<PostNode>> {
        let key = crate::graphql::loaders::RelatedKey { post: self.post.id, first: i64::from(first) };
        let related = ctx.data_unchecked::<Arc<Loaders>>().related.load_one(key).await.map_err(load_error)?;
        let now = ctx.data_unchecked::<Colophon>().now();
        Ok(related.unwrap_or_default().into_iter().map(|post| PostNode::new(post, now)).collect())
    }

    /// The older published post.
    async fn previous(&self, ctx: &Context<'_>) -> Result<Option<PostLinkNode>> {
        Ok(self.neighbours(ctx).await?.0.map(Into::into))
    }

    /// The newer published post.
    async fn next(&self, ctx: &Context<'_>) -> Result<Option<PostLinkNode>> {
        Ok(self.neighbours(ctx).await?.1.map(Into::into))
    }

    async fn sidebar(&self, ctx: &Context<'_>) -> Result<Option<SidebarNode>> {
        if let Some(page) = &self.page {
            return Ok(page.sidebar.clone().map(SidebarNode::from));
        }
        let Some(id) = self.post.sidebar_id else { return Ok(None) };
        let sidebar = ctx.data_unchecked::<Arc<Loaders>>().sidebars.load_one(id).await.map_err(load_error)?;
        Ok(sidebar.map(SidebarNode::from))
    }
}

/// A post a search found, with the words of its body around the best match.
pub struct SearchResultNode {
    post: PostNode,
    score: f64,
    snippet: String,
}

impl SearchResultNode {
    pub fn new(result: colophon_service::SearchResult, now: colophon_domain::Timestamp) -> Self {
        Self { post: PostNode::new(result.summary.post, now), score: result.score, snippet: result.snippet_html }
    }
}

#[Object(name = "SearchResult")]
impl SearchResultNode {
    async fn post(&self) -> &PostNode {
        &self.post
    }

    /// How well the post matched, higher first (comparable within one search).
    async fn score(&self) -> f64 {
        self.score
    }

    /// Words of the body around the best match, HTML-escaped, the matched words in `<mark>`.
    async fn snippet(&self) -> &str {
        &self.snippet
    }
}
