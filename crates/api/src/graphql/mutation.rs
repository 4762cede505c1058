use async_graphql::{Context, ID, Object, Result, SimpleObject};
use colophon_domain::{ApiKeyId, CommentId, DeliveryId, ProductId, WebhookId};
use colophon_domain::{FieldEntity, Version};
use colophon_service::{Colophon, ContentInput, Key, Session};
use colophon_service::{RefreshToken, SignIn};

use super::context::{RequestAuth, caller, int_id};
use super::error::GqlResult;
use super::inputs::*;
use super::types::custom_fields::{SchemaFields, custom_values};
use super::types::{
    CommentNode, CommentStatusEnum, CreateApiKeyInput, CreatedWebhookNode, IssuedApiKeyNode, MeNode, PostNode,
    ProductNode, SidebarNode, WebhookInputObject, WebhookNode,
};

pub struct MutationRoot;

/// A signed-in session: send `accessToken` as `Authorization: Bearer …`.
#[derive(SimpleObject)]
pub struct AuthPayload {
    access_token: String,
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: i64,
    /// Exchange it once with `refreshToken` for a new pair.
    refresh_token: String,
}

impl From<Session> for AuthPayload {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
            refresh_token: s.refresh_token,
        }
    }
}

/// `content` with its custom fields in the service's spelling (see `custom_values`).
fn spelled(ctx: &Context<'_>, entity: FieldEntity, mut content: ContentInput) -> ContentInput {
    let fields = ctx.data_unchecked::<SchemaFields>();
    content.custom_fields = content.custom_fields.map(|sent| custom_values(entity, fields, sent));
    content
}

fn service<'a>(ctx: &Context<'a>) -> &'a Colophon {
    ctx.data_unchecked::<Colophon>()
}

#[Object(name = "SiteMutation")]
impl MutationRoot {
    /// Signs in; unknown e-mail and wrong password give the same error.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> Result<AuthPayload> {
        let client = ctx.data_unchecked::<std::sync::Arc<RequestAuth>>().client.clone();
        Ok(service(ctx).login(SignIn { email, password, client }).await.gql()?.into())
    }

    /// Rotates a refresh token; reusing an old one revokes its whole sign-in.
    async fn refresh_token(&self, ctx: &Context<'_>, refresh_token: String) -> Result<AuthPayload> {
        Ok(service(ctx).refresh(RefreshToken(refresh_token)).await.gql()?.into())
    }

    /// Ends the sign-in the refresh token belongs to.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        service(ctx).logout(caller(ctx).await?, RefreshToken(refresh_token)).await.gql()?;
        Ok(true)
    }

    /// Ends every sign-in of the caller, everywhere: every refresh token is revoked and every
    /// access token stops working.
    async fn logout_everywhere(&self, ctx: &Context<'_>) -> Result<bool> {
        service(ctx).logout_everywhere(caller(ctx).await?).await.gql()?;
        Ok(true)
    }

    async fn create_post(&self, ctx: &Context<'_>, input: CreatePostInput) -> Result<PostNode> {
        let colophon = service(ctx);
        let mut input: colophon_service::PostInput = input.try_into()?;
        input.content = spelled(ctx, FieldEntity::Posts, input.content);
        let detail = colophon.create_post(caller(ctx).await?, input).await.gql()?;
        Ok(PostNode::new(detail.summary.post, colophon.now()))
    }

    /// With `expectedVersion`, an edit based on an older version fails with
    /// PRECONDITION_FAILED and nothing is written.
    async fn update_post(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdatePostInput,
        expected_version: Option<i64>,
    ) -> Result<PostNode> {
        let colophon = service(ctx);
        let mut input: colophon_service::PostInput = input.try_into()?;
        input.content = spelled(ctx, FieldEntity::Posts, input.content);
        let detail = colophon
            .update_post(caller(ctx).await?, Key::parse(&id), input, expected_version.map(Version))
            .await
            .gql()?;
        Ok(PostNode::new(detail.summary.post, colophon.now()))
    }

    async fn delete_post(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i64>) -> Result<bool> {
        service(ctx).delete_post(caller(ctx).await?, Key::parse(&id), expected_version.map(Version)).await.gql()?;
        Ok(true)
    }

    /// Creates a page (contributors: drafts only; authors publish their own).
    async fn create_page(&self, ctx: &Context<'_>, input: CreatePageInput) -> Result<super::types::PageNode> {
        let input = spelled(ctx, FieldEntity::Pages, input.into());
        Ok(super::types::PageNode(service(ctx).create_page(caller(ctx).await?, input).await.gql()?))
    }

    /// With `expectedVersion`, an edit based on an older version fails with PRECONDITION_FAILED.
    async fn update_page(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdatePageInput,
        expected_version: Option<i64>,
    ) -> Result<super::types::PageNode> {
        let input = spelled(ctx, FieldEntity::Pages, input.into());
        let view = service(ctx)
            .update_page(caller(ctx).await?, Key::parse(&id), input, expected_version.map(Version))
            .await
            .gql()?;
        Ok(super::types::PageNode(view))
    }

    async fn delete_page(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i64>) -> Result<bool> {
        service(ctx).delete_page(caller(ctx).await?, Key::parse(&id), expected_version.map(Version)).await.gql()?;
        Ok(true)
    }

    /// Submits a comment; signed in, it is registered and approved at once. The returned
    /// status says whether it awaits moderation.
    async fn add_comment(&self, ctx: &Context<'_>, post_slug: String, input: AddCommentInput) -> Result<CommentNode> {
        let auth = ctx.data_unchecked::<std::sync::Arc<RequestAuth>>();
        let client = colophon_service::ClientInfo { address: auth.client.clone(), user_agent: auth.user_agent.clone() };
        let input = input.into_service()?;
        Ok(service(ctx).submit_comment(caller(ctx).await?, post_slug.into(), input, client).await.gql()?.into())
    }

    /// Sets the status of many comments at once, all or none (editors).
    async fn moderate_comments(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
        status: CommentStatusEnum,
    ) -> Result<Vec<CommentNode>> {
        let ids = ids.iter().map(|id| int_id(id, "ids").map(CommentId)).collect::<Result<Vec<_>>>()?;
        let comments = service(ctx).moderate_comments(caller(ctx).await?, ids, status.into()).await.gql()?;
        Ok(comments.into_iter().map(Into::into).collect())
    }

    async fn moderate_comment(&self, ctx: &Context<'_>, id: ID, status: CommentStatusEnum) -> Result<CommentNode> {
        let comment = service(ctx)
            .moderate_comment(caller(ctx).await?, CommentId(int_id(&id, "id")?), status.into())
            .await
            .gql()?;
        Ok(comment.into())
    }

    async fn delete_comment(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        service(ctx).delete_comment(caller(ctx).await?, CommentId(int_id(&id, "id")?)).await.gql()?;
        Ok(true)
    }

    async fn create_author(&self, ctx: &Context<'_>, input: CreateAuthorInput) -> Result<MeNode> {
        Ok(service(ctx).create_author(caller(ctx).await?, input.into()).await.gql()?.into())
    }

    async fn update_author(&self, ctx: &Context<'_>, id: ID, input: UpdateAuthorInput) -> Result<MeNode> {
        Ok(service(ctx).update_author(caller(ctx).await?, Key::parse(&id), input.into()).await.gql()?.into())
    }

    async fn delete_author(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        service(ctx).delete_author(caller(ctx).await?, Key::parse(&id)).await.gql()?;
        Ok(true)
    }

    async fn create_product(&self, ctx: &Context<'_>, input: CreateProductInput) -> Result<ProductNode> {
        Ok(service(ctx).create_product(caller(ctx).await?, input.try_into()?).await.gql()?.into())
    }

    /// Renames a tag or rewrites its description (editors); its slug stays.
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        slug: String,
        input: UpdateTagInput,
    ) -> Result<super::types::TagNode> {
        let view = service(ctx).update_tag(caller(ctx).await?, slug.into(), input.into()).await.gql()?;
        Ok(super::types::TagNode(view.tag))
    }

    async fn update_product(&self, ctx: &Context<'_>, id: ID, input: UpdateProductInput) -> Result<ProductNode> {
        Ok(service(ctx)
            .update_product(caller(ctx).await?, ProductId(int_id(&id, "id")?), input.try_into()?)
            .await
            .gql()?
            .into())
    }

    async fn delete_product(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        service(ctx).delete_product(caller(ctx).await?, ProductId(int_id(&id, "id")?)).await.gql()?;
        Ok(true)
    }

    /// Replaces the sidebar at `slug`, or creates it.
    async fn put_sidebar(&self, ctx: &Context<'_>, slug: String, input: SidebarInputObject) -> Result<SidebarNode> {
        Ok(service(ctx).put_sidebar(caller(ctx).await?, slug.into(), input.try_into()?).await.gql()?.0.into())
    }

    async fn delete_sidebar(&self, ctx: &Context<'_>, slug: String) -> Result<bool> {
        service(ctx).delete_sidebar(caller(ctx).await?, slug.into()).await.gql()?;
        Ok(true)
    }

    /// Creates an API key; `key` in the answer is shown this once (admins, signed in in person).
    async fn create_api_key(&self, ctx: &Context<'_>, input: CreateApiKeyInput) -> Result<IssuedApiKeyNode> {
        let input = input.into_service()?;
        Ok(service(ctx).create_api_key(caller(ctx).await?, input).await.gql()?.into())
    }

    /// Revokes an API key at once (admins).
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        service(ctx).revoke_api_key(caller(ctx).await?, ApiKeyId(int_id(&id, "id")?)).await.gql()?;
        Ok(true)
    }

    /// Subscribes a URL to events (all of them when `events` is empty); `secret` is shown this
    /// once (admins).
    async fn create_webhook(&self, ctx: &Context<'_>, input: WebhookInputObject) -> Result<CreatedWebhookNode> {
        Ok(service(ctx).create_webhook(caller(ctx).await?, input.into()).await.gql()?.into())
    }

    async fn update_webhook(&self, ctx: &Context<'_>, id: ID, input: WebhookInputObject) -> Result<WebhookNode> {
        let id = WebhookId(int_id(&id, "id")?);
        Ok(service(ctx).update_webhook(caller(ctx).await?, id, input.into()).await.gql()?.into())
    }

    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        service(ctx).delete_webhook(caller(ctx).await?, WebhookId(int_id(&id, "id")?)).await.gql()?;
        Ok(true)
    }

    /// Sends a delivery again now, with the same `webhook-id`.
    async fn redeliver_webhook(&self, ctx: &Context<'_>, webhook_id: ID, delivery_id: ID) -> Result<bool> {
        let (webhook, delivery) =
            (WebhookId(int_id(&webhook_id, "webhookId")?), DeliveryId(int_id(&delivery_id, "deliveryId")?));
        service(ctx).redeliver(caller(ctx).await?, webhook, delivery).await.gql()?;
        Ok(true)
    }

    /// Gives an API key a new secret, same settings; the old one stops working (admins).
    async fn rotate_api_key(&self, ctx: &Context<'_>, id: ID) -> Result<IssuedApiKeyNode> {
        Ok(service(ctx).rotate_api_key(caller(ctx).await?, ApiKeyId(int_id(&id, "id")?)).await.gql()?.into())
    }
}
