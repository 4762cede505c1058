use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result};
use colophon_domain::PostStatus;
use colophon_service::{Colophon, PostListQuery, ServiceError};
use colophon_service::{Key, Paging};

use super::compiled::{self, PostAnswer};
use super::context::caller;
use super::error::{GqlResult, paging_error};
use super::post_where::{PostOrderBy, PostWhere, post_condition, post_order};
use super::types::{
    ApiKeyNode, AuthorNode, DeliveryNode, MeNode, PostNode, PostStatusEnum, ProductNode, RedirectNode,
    SearchResultNode, SidebarNode, TagNode, WebhookNode,
};

/// Lists without paging arguments (`authors`, `products`) return at most this many items;
/// REST pages through all of them.
const UNPAGED_LIMIT: i64 = 100;

pub struct QueryRoot;

/// `Ok(None)` for a missing resource: a nullable field, not an error.
fn found<T>(result: Result<T, ServiceError>) -> Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(ServiceError::NotFound(_)) => Ok(None),
        Err(other) => Err(other).gql(),
    }
}

#[Object(name = "SiteQuery")]
impl QueryRoot {
    /// Published posts, newest first, or as `where` and `orderBy` ask (the public list only).
    /// Signed-in staff may pass `status` for the posts of that status, most recently edited first.
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments are the resolver's")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        #[graphql(desc = "An author's slug")] author: Option<String>,
        #[graphql(desc = "A tag's slug")] tag: Option<String>,
        #[graphql(desc = "Staff only: draft, scheduled or published")] status: Option<String>,
        #[graphql(name = "where", desc = "Only posts meeting this condition")] filter: Option<PostWhere>,
        #[graphql(desc = "The order; the id breaks the last tie")] order_by: Option<Vec<PostOrderBy>>,
    ) -> Result<Connection<String, PostNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let status = status
            .map(|s| PostStatus::parse(&s))
            .transpose()
            .map_err(|message| ServiceError::bad_request("status", message))
            .gql()?;
        let order = post_order(order_by).gql()?;
        let query = PostListQuery {
            author,
            tag,
            limit: Some(i64::from(first)),
            cursor: after,
            status,
            filter: post_condition(filter).gql()?,
            order: order.clone(),
        };
        let staff = query.status.is_some();
        let page = if staff {
            let page = colophon.list_post_summaries(caller(ctx).await?, query).await.map_err(paging_error)?;
            colophon_service::CursorPage {
                items: page.items.into_iter().map(|s| s.post).collect(),
                next_cursor: page.next_cursor,
            }
        } else {
            colophon.list_posts(query).await.map_err(paging_error)?
        };
        let now = colophon.now();
        let mut connection = Connection::new(false, page.next_cursor.is_some());
        connection.edges.extend(page.items.into_iter().map(|post| {
            let cursor = colophon.post_cursor(&post, staff, order.as_ref());
            Edge::new(cursor, PostNode::new(post, now))
        }));
        Ok(connection)
    }

    /// Full-text search: posts matching `query`, best match first (title over excerpt over
    /// body). Words must all match; `"a phrase"`, `-word` excludes, `prefix*` matches
    /// beginnings. Signed-in staff may pass `status` to search drafts or scheduled posts
    /// (contributors and authors: their own).
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments are the resolver's")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        #[graphql(desc = "An author's slug")] author: Option<String>,
        #[graphql(desc = "A tag's slug")] tag: Option<String>,
        #[graphql(desc = "Staff only: draft, scheduled or published")] status: Option<PostStatusEnum>,
    ) -> Result<Connection<String, SearchResultNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let search = colophon_service::PostSearch {
            query,
            author,
            tag,
            status: status.map(Into::into),
            limit: Some(i64::from(first)),
            cursor: after,
        };
        let page = colophon.search_posts(caller(ctx).await?, search).await.map_err(paging_error)?;
        let now = colophon.now();
        let mut connection = Connection::new(false, page.next_cursor.is_some());
        for result in page.items {
            connection.edges.push(Edge::new(result.cursor.clone(), SearchResultNode::new(result, now)));
        }
        Ok(connection)
    }

    /// Published pages in slug order; signed-in staff may pass `status` for their pages of
    /// that status (contributors and authors: their own).
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        #[graphql(desc = "Staff only: draft, scheduled or published")] status: Option<PostStatusEnum>,
    ) -> Result<Connection<String, super::types::PageNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let page = colophon
            .list_pages(caller(ctx).await?, status.map(Into::into), Paging::new(Some(i64::from(first)), after))
            .await
            .map_err(paging_error)?;
        let mut connection = Connection::new(false, page.next_cursor.is_some());
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|view| Edge::new(super::types::page_cursor(colophon, &view), super::types::PageNode(view))),
        );
        Ok(connection)
    }

    /// One page by slug; null when there is none or the caller may not see it.
    async fn page(&self, ctx: &Context<'_>, slug: String) -> Result<Option<super::types::PageNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        Ok(found(colophon.get_page(caller(ctx).await?, colophon_service::Key::Slug(slug)).await)?
            .map(super::types::PageNode))
    }

    /// The tags published posts carry, in slug order.
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<Connection<String, TagNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let page = colophon.list_tags(Paging::new(Some(i64::from(first)), after)).await.map_err(paging_error)?;
        let mut connection = Connection::new(false, page.next_cursor.is_some());
        connection.edges.extend(page.items.into_iter().map(|view| {
            let cursor = colophon.tag_cursor(&view.tag);
            Edge::new(cursor, TagNode(view.tag))
        }));
        Ok(connection)
    }

    /// Where an imported post's or page's old address (a path or a whole URL) leads; null when
    /// it leads nowhere the public may go.
    async fn redirect(&self, ctx: &Context<'_>, path: String) -> Result<Option<RedirectNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        Ok(found(colophon.redirect_for(colophon_service::redirect_path(&path).gql()?).await)?.map(RedirectNode::from))
    }

    /// One tag by slug; null when no published post carries it.
    async fn tag(&self, ctx: &Context<'_>, slug: String) -> Result<Option<TagNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        Ok(found(colophon.get_tag(slug.into()).await)?.map(|view| TagNode(view.tag)))
    }

    /// One post by slug (or a renamed post's old slug); null when there is none or the caller
    /// may not see it (drafts are for their author and editors).
    async fn post(&self, ctx: &Context<'_>, slug: String) -> Result<Option<PostAnswer>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        if let Some(selection) = compiled::selection(ctx) {
            if let Some(answer) = compiled::post(colophon, Key::parse(&slug), &selection).await? {
                return Ok(Some(answer));
            }
        }
        let caller = caller(ctx).await?;
        let look_ahead = ctx.look_ahead();
        if PostNode::PAGE_FIELDS.iter().any(|field| look_ahead.field(field).exists()) {
            let page = found(colophon.find_post_page(caller, Key::parse(&slug)).await)?;
            return Ok(page.map(|page| PostAnswer::Resolved(Box::new(PostNode::from_page(page)))));
        }
        let now = colophon.now();
        let post = found(colophon.find_post(caller, Key::parse(&slug)).await)?;
        Ok(post.map(|post| PostAnswer::Resolved(Box::new(PostNode::new(post, now)))))
    }

    /// The signed-in author's own record, private fields included; null when signed out.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<MeNode>> {
        let caller = caller(ctx).await?;
        if caller.as_actor().is_none() {
            return Ok(None);
        }
        Ok(Some(ctx.data_unchecked::<Colophon>().me(caller).await.gql()?.into()))
    }

    async fn author(&self, ctx: &Context<'_>, slug: String) -> Result<Option<AuthorNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        Ok(found(colophon.get_author(slug.into()).await)?.map(|profile| profile.author.into()))
    }

    /// The first 100 authors, oldest first.
    async fn authors(&self, ctx: &Context<'_>) -> Result<Vec<AuthorNode>> {
        let page = ctx.data_unchecked::<Colophon>().list_authors(Paging::first(UNPAGED_LIMIT)).await.gql()?;
        Ok(page.items.into_iter().map(|p| p.author.into()).collect())
    }

    /// The first 100 products, oldest first.
    async fn products(&self, ctx: &Context<'_>) -> Result<Vec<ProductNode>> {
        let page = ctx.data_unchecked::<Colophon>().list_products(Paging::first(UNPAGED_LIMIT)).await.gql()?;
        Ok(page.items.into_iter().map(Into::into).collect())
    }

    /// The first 100 API keys, oldest first, revoked ones too (admins, signed in in person).
    async fn api_keys(&self, ctx: &Context<'_>) -> Result<Vec<ApiKeyNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let page = colophon.api_keys(caller(ctx).await?, Paging::first(UNPAGED_LIMIT)).await.gql()?;
        Ok(page.items.into_iter().map(Into::into).collect())
    }

    /// Who changed what, newest first: the latest `first` entries (at most 100) matching the
    /// filters (admins). REST pages through all of them.
    #[graphql(complexity = "(first.clamp(1, 100) as usize) * child_complexity")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        author_id: Option<async_graphql::ID>,
        #[graphql(desc = "An action (post.update) or every action on a resource (post)")] action: Option<String>,
        #[graphql(desc = "One object, such as post:42")] target: Option<String>,
    ) -> Result<Vec<super::types::AuditEntryNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let author =
            author_id.map(|id| super::context::int_id(&id, "authorId").map(colophon_domain::AuthorId)).transpose()?;
        let query = colophon_service::AuditQuery {
            author,
            action,
            target,
            limit: Some(i64::from(first)),
            ..Default::default()
        };
        let page = colophon.audit_log(caller(ctx).await?, query).await.gql()?;
        Ok(page.items.into_iter().map(Into::into).collect())
    }

    /// Every webhook subscription, without secrets (admins).
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<WebhookNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        Ok(colophon.webhooks(caller(ctx).await?).await.gql()?.into_iter().map(Into::into).collect())
    }

    /// A subscription's latest deliveries (at most 100), newest first, with their attempts (admins).
    #[graphql(complexity = "(first.clamp(1, 100) as usize) * child_complexity")]
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        webhook_id: async_graphql::ID,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<DeliveryNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let id = colophon_domain::WebhookId(super::context::int_id(&webhook_id, "webhookId")?);
        let page = colophon.webhook_deliveries(caller(ctx).await?, id, Paging::first(i64::from(first))).await.gql()?;
        Ok(page.items.into_iter().map(Into::into).collect())
    }

    async fn sidebar(&self, ctx: &Context<'_>, slug: String) -> Result<Option<SidebarNode>> {
        Ok(found(ctx.data_unchecked::<Colophon>().get_sidebar(slug.into()).await)?.map(Into::into))
    }
}
