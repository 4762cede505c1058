//! Revisions, preview links and the media library in GraphQL: the same service calls as REST.
//! Uploads are REST's (`POST /api/v1/media`, multipart); GraphQL reads, describes and deletes.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use colophon_domain::{Hours, RevisionNumber, Version};
use colophon_domain::{MediaId, MediaType, PreviewLinkId};
use colophon_service::Paging;
use colophon_service::PreviewToken;
use colophon_service::{Colophon, CursorPage, Key, MediaInput, MediaQuery, RevisionRef, ServiceError};

use super::context::{caller, int_id};
use super::error::{GqlResult, paging_error};
use super::guard::RequestCost;
use super::types::{MediaItemNode, PostNode, PreviewLinkNode, RevisionDiffNode, RevisionNode};

#[derive(Default)]
pub struct EditorialQuery;

#[derive(Default)]
pub struct EditorialMutation;

fn service<'a>(ctx: &Context<'a>) -> &'a Colophon {
    ctx.data_unchecked::<Colophon>()
}

/// A page as a connection: each edge's cursor starts the page after it.
fn connection<T, N>(page: CursorPage<T>, cursor: impl Fn(&T) -> String, node: impl Fn(T) -> N) -> Connection<String, N>
where
    N: async_graphql::OutputType,
{
    let mut connection = Connection::new(false, page.next_cursor.is_some());
    connection.edges.extend(page.items.into_iter().map(|item| Edge::new(cursor(&item), node(item))));
    connection
}

#[Object]
impl EditorialQuery {
    /// A post's revisions, newest first (whoever may edit the post).
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn post_revisions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post's id or slug")] post: ID,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<Connection<String, RevisionNode>> {
        let colophon = service(ctx);
        let page = colophon
            .list_revisions(caller(ctx).await?, Key::parse(&post), Paging::new(Some(i64::from(first)), after))
            .await
            .map_err(paging_error)?;
        Ok(connection(page, |r| colophon.revision_cursor(r), RevisionNode::from))
    }

    /// One revision of a post (whoever may edit the post).
    async fn post_revision(&self, ctx: &Context<'_>, post: ID, number: i64) -> Result<RevisionNode> {
        Ok(service(ctx).get_revision(caller(ctx).await?, Key::parse(&post), RevisionNumber(number)).await.gql()?.into())
    }

    /// What changed from revision `from` to revision `to`, or to the current post when `to` is
    /// null (whoever may edit the post).
    async fn revision_diff(&self, ctx: &Context<'_>, post: ID, from: i64, to: Option<i64>) -> Result<RevisionDiffNode> {
        let to = to.map_or(RevisionRef::Current, RevisionRef::Number);
        let diff = service(ctx)
            .diff_revisions(caller(ctx).await?, Key::parse(&post), RevisionRef::Number(from), to)
            .await
            .gql()?;
        Ok(diff.into())
    }

    /// A post's preview links, newest first, without their tokens (whoever may edit the post).
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn preview_links(
        &self,
        ctx: &Context<'_>,
        post: ID,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<Connection<String, PreviewLinkNode>> {
        let colophon = service(ctx);
        let page = colophon
            .list_preview_links(caller(ctx).await?, Key::parse(&post), Paging::new(Some(i64::from(first)), after))
            .await
            .map_err(paging_error)?;
        Ok(connection(page, |v| colophon.preview_link_cursor(&v.link), PreviewLinkNode::from))
    }

    /// The post a preview token shows, whatever its status, without sign-in; null for a forged,
    /// expired or revoked token. An answer holding it is never cached.
    async fn preview(&self, ctx: &Context<'_>, token: String) -> Result<Option<PostNode>> {
        ctx.data_unchecked::<std::sync::Arc<RequestCost>>().keep_private();
        let colophon = service(ctx);
        match colophon.preview(PreviewToken(token)).await {
            Ok(detail) => Ok(Some(PostNode::new(detail.summary.post, colophon.now()))),
            Err(ServiceError::NotFound(_)) => Ok(None),
            Err(other) => Err(other).gql(),
        }
    }

    /// The media library, newest first (anyone signed in).
    #[graphql(complexity = "(first.max(1) as usize) * child_complexity")]
    async fn media_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        #[graphql(desc = "image/jpeg, image/png, image/webp, image/gif, image/avif or application/pdf")]
        media_type: Option<String>,
    ) -> Result<Connection<String, MediaItemNode>> {
        let media_type = media_type
            .map(|t| MediaType::parse(&t))
            .transpose()
            .map_err(|m| ServiceError::bad_request("mediaType", m))
            .gql()?;
        let query = MediaQuery { media_type, limit: Some(i64::from(first)), cursor: after };
        let colophon = service(ctx);
        let page = colophon.list_media(caller(ctx).await?, query).await.map_err(paging_error)?;
        Ok(connection(page, |v| colophon.media_cursor(&v.item), MediaItemNode::from))
    }

    /// One item of the library (anyone signed in).
    async fn media_item(&self, ctx: &Context<'_>, id: ID) -> Result<MediaItemNode> {
        let id = MediaId(int_id(&id, "id")?);
        Ok(service(ctx).get_media(caller(ctx).await?, id).await.gql()?.into())
    }
}

/// New texts for a media item: absent fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdateMediaInput {
    alt: MaybeUndefined<String>,
    caption: MaybeUndefined<String>,
    credit: MaybeUndefined<String>,
    filename: Option<String>,
}

impl From<UpdateMediaInput> for MediaInput {
    fn from(i: UpdateMediaInput) -> Self {
        let text = |v| super::content_input::patch(v, |text: String| text);
        Self { alt: text(i.alt), caption: text(i.caption), credit: text(i.credit), filename: i.filename }
    }
}

#[Object]
impl EditorialMutation {
    /// Brings a revision back as a new edit (everything but status and publication time). With
    /// `expectedVersion`, a post edited since fails with PRECONDITION_FAILED.
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        post: ID,
        number: i64,
        expected_version: Option<i64>,
    ) -> Result<PostNode> {
        let colophon = service(ctx);
        let detail = colophon
            .restore_revision(
                caller(ctx).await?,
                Key::parse(&post),
                RevisionNumber(number),
                expected_version.map(Version),
            )
            .await
            .gql()?;
        Ok(PostNode::new(detail.summary.post, colophon.now()))
    }

    /// Makes a preview link to a draft or scheduled post, lasting `expiresInHours` (24 by
    /// default, at most 720); the token is shown this once.
    async fn create_preview_link(
        &self,
        ctx: &Context<'_>,
        post: ID,
        expires_in_hours: Option<i64>,
    ) -> Result<PreviewLinkNode> {
        let view = service(ctx)
            .create_preview_link(caller(ctx).await?, Key::parse(&post), expires_in_hours.map(Hours))
            .await
            .gql()?;
        Ok(view.into())
    }

    /// Ends a preview link at once.
    async fn revoke_preview_link(&self, ctx: &Context<'_>, post: ID, id: ID) -> Result<bool> {
        let id = PreviewLinkId(int_id(&id, "id")?);
        service(ctx).revoke_preview_link(caller(ctx).await?, Key::parse(&post), id).await.gql()?;
        Ok(true)
    }

    /// Changes a media item's texts (its uploader and editors); a new alt text or credit reaches
    /// the posts and products showing it with the old one.
    async fn update_media(&self, ctx: &Context<'_>, id: ID, input: UpdateMediaInput) -> Result<MediaItemNode> {
        let id = MediaId(int_id(&id, "id")?);
        Ok(service(ctx).update_media(caller(ctx).await?, id, input.into()).await.gql()?.into())
    }

    /// Deletes a media item and its files; CONFLICT while a post or product shows it.
    async fn delete_media(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = MediaId(int_id(&id, "id")?);
        service(ctx).delete_media(caller(ctx).await?, id).await.gql()?;
        Ok(true)
    }
}
