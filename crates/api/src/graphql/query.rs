use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result};
use colophon_service::{Colophon, PostListQuery, ServiceError};

use super::error::{paging_error, GqlResult};
use super::types::{AuthorNode, PostNode, ProductNode, SidebarNode};

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

#[Object]
impl QueryRoot {
    /// Published posts, newest first.
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        #[graphql(desc = "An author's slug")] author: Option<String>,
        #[graphql(desc = "A tag's slug")] tag: Option<String>,
    ) -> Result<Connection<String, PostNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let query = PostListQuery { author, tag, limit: Some(i64::from(first)), cursor: after };
        let page = colophon.list_posts(query).await.map_err(paging_error)?;
        let now = colophon.now();
        let mut connection = Connection::new(false, page.next_cursor.is_some());
        connection.edges.extend(page.items.into_iter().map(|post| {
            let cursor = colophon.post_cursor(&post).unwrap_or_default();
            Edge::new(cursor, PostNode::new(post, now))
        }));
        Ok(connection)
    }

    /// One published post by slug; null when there is none (or it is not published).
    async fn post(&self, ctx: &Context<'_>, slug: String) -> Result<Option<PostNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        let now = colophon.now();
        Ok(found(colophon.find_post(slug).await)?.map(|post| PostNode::new(post, now)))
    }

    async fn author(&self, ctx: &Context<'_>, slug: String) -> Result<Option<AuthorNode>> {
        let colophon = ctx.data_unchecked::<Colophon>();
        Ok(found(colophon.get_author(slug).await)?.map(|profile| profile.author.into()))
    }

    /// The first 100 authors, oldest first.
    async fn authors(&self, ctx: &Context<'_>) -> Result<Vec<AuthorNode>> {
        let page = ctx.data_unchecked::<Colophon>().list_authors(Some(UNPAGED_LIMIT), None).await.gql()?;
        Ok(page.items.into_iter().map(|p| p.author.into()).collect())
    }

    /// The first 100 products, oldest first.
    async fn products(&self, ctx: &Context<'_>) -> Result<Vec<ProductNode>> {
        let page = ctx.data_unchecked::<Colophon>().list_products(Some(UNPAGED_LIMIT), None).await.gql()?;
        Ok(page.items.into_iter().map(Into::into).collect())
    }

    async fn sidebar(&self, ctx: &Context<'_>, slug: String) -> Result<Option<SidebarNode>> {
        Ok(found(ctx.data_unchecked::<Colophon>().get_sidebar(slug).await)?.map(Into::into))
    }
}
