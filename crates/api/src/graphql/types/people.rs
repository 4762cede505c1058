use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use colophon_domain::{Author, Comment};

use super::{CommentStatusEnum, DateTime, RoleEnum};
use crate::graphql::loaders::{Loaders, load_error};

/// A public author profile: no e-mail, role or password, ever.
pub struct AuthorNode(Author);

impl From<Author> for AuthorNode {
    fn from(a: Author) -> Self {
        Self(a)
    }
}

#[Object(name = "Author")]
impl AuthorNode {
    async fn id(&self) -> ID {
        ID(self.0.id.0.to_string())
    }

    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Biography (HTML).
    async fn bio(&self) -> &str {
        &self.0.bio_html
    }

    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }

    async fn website_url(&self) -> Option<&str> {
        self.0.website_url.as_deref()
    }

    /// Posts of this author the public can read.
    async fn post_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let count = ctx.data_unchecked::<Arc<Loaders>>().post_counts.load_one(self.0.id).await.map_err(load_error)?;
        Ok(count.unwrap_or(0))
    }
}

/// A reader's comment as the public sees it: no e-mail, address or user agent, ever.
pub struct CommentNode(Comment);

impl From<Comment> for CommentNode {
    fn from(c: Comment) -> Self {
        Self(c)
    }
}

#[Object(name = "Comment")]
impl CommentNode {
    async fn id(&self) -> ID {
        ID(self.0.id.0.to_string())
    }

    /// The comment this one replies to.
    async fn parent_id(&self) -> Option<ID> {
        self.0.parent_id.map(|id| ID(id.0.to_string()))
    }

    async fn author_name(&self) -> &str {
        &self.0.author_name
    }

    async fn author_url(&self) -> Option<&str> {
        self.0.author_url.as_deref()
    }

    /// False for an "Unregistered Commenter".
    async fn is_registered(&self) -> bool {
        self.0.is_registered()
    }

    /// The author, when the commenter was signed in.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<AuthorNode>> {
        let Some(id) = self.0.author_id else { return Ok(None) };
        let author = ctx.data_unchecked::<Arc<Loaders>>().authors.load_one(id).await.map_err(load_error)?;
        Ok(author.map(AuthorNode::from))
    }

    /// Sanitized HTML (the seed's allowlist).
    async fn body_html(&self) -> &str {
        &self.0.body_html
    }

    /// Nesting level: 0 for a top-level comment (in thread order, the level shown).
    async fn depth(&self) -> i32 {
        self.0.depth
    }

    /// Public lists hold approved comments only; a new comment may be pending.
    async fn status(&self) -> CommentStatusEnum {
        self.0.status.into()
    }

    /// The approved replies, oldest first (batched across the whole query).
    #[graphql(complexity = "5 * child_complexity")]
    async fn replies(&self, ctx: &Context<'_>) -> Result<Vec<CommentNode>> {
        let replies = ctx.data_unchecked::<Arc<Loaders>>().replies.load_one(self.0.id).await.map_err(load_error)?;
        Ok(replies.unwrap_or_default().into_iter().map(CommentNode).collect())
    }

    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at.and_utc())
    }
}

/// The signed-in author's own record: public profile plus e-mail and role.
#[derive(SimpleObject)]
#[graphql(name = "Me")]
pub struct MeNode {
    id: ID,
    slug: String,
    name: String,
    bio: String,
    avatar_url: Option<String>,
    website_url: Option<String>,
    email: Option<String>,
    role: RoleEnum,
    created_at: DateTime,
}

impl From<Author> for MeNode {
    fn from(a: Author) -> Self {
        Self {
            id: ID(a.id.0.to_string()),
            slug: a.slug.into_string(),
            name: a.name,
            bio: a.bio_html,
            avatar_url: a.avatar_url,
            website_url: a.website_url,
            email: a.email,
            role: a.role.into(),
            created_at: DateTime(a.created_at.and_utc()),
        }
    }
}
