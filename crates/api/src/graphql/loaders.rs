//! Per-request DataLoaders: every `Post.author`, `Post.tags`, `Author.postCount`,
//! `Post.sidebar` and `Comment.replies` of one query is fetched in one batch, whatever the page size.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use colophon_domain::{Author, AuthorId, Comment, CommentId, PostId, SidebarId, Tag};
use colophon_service::{Colophon, ServiceError, SidebarView};

type LoadError = Arc<ServiceError>;

pub struct AuthorLoader(Colophon);
pub struct TagLoader(Colophon);
pub struct PostCountLoader(Colophon);
pub struct SidebarLoader(Colophon);
pub struct ReplyLoader(Colophon);

impl Loader<CommentId> for ReplyLoader {
    type Value = Vec<Comment>;
    type Error = LoadError;

    async fn load(&self, keys: &[CommentId]) -> Result<HashMap<CommentId, Vec<Comment>>, LoadError> {
        self.0.approved_replies(keys.to_vec()).await.map_err(Arc::new)
    }
}

impl Loader<AuthorId> for AuthorLoader {
    type Value = Author;
    type Error = LoadError;

    async fn load(&self, keys: &[AuthorId]) -> Result<HashMap<AuthorId, Author>, LoadError> {
        let authors = self.0.authors_by_ids(keys.to_vec()).await.map_err(Arc::new)?;
        Ok(authors.into_iter().map(|a| (a.id, a)).collect())
    }
}

impl Loader<PostId> for TagLoader {
    type Value = Vec<Tag>;
    type Error = LoadError;

    async fn load(&self, keys: &[PostId]) -> Result<HashMap<PostId, Vec<Tag>>, LoadError> {
        self.0.tags_of_posts(keys.to_vec()).await.map_err(Arc::new)
    }
}

impl Loader<AuthorId> for PostCountLoader {
    type Value = i64;
    type Error = LoadError;

    async fn load(&self, keys: &[AuthorId]) -> Result<HashMap<AuthorId, i64>, LoadError> {
        self.0.published_post_counts(keys.to_vec()).await.map_err(Arc::new)
    }
}

impl Loader<SidebarId> for SidebarLoader {
    type Value = SidebarView;
    type Error = LoadError;

    async fn load(&self, keys: &[SidebarId]) -> Result<HashMap<SidebarId, SidebarView>, LoadError> {
        let sidebars = self.0.sidebars_by_ids(keys.to_vec()).await.map_err(Arc::new)?;
        Ok(sidebars.into_iter().map(|s| (s.id, s)).collect())
    }
}

/// The loaders of one request; their caches live exactly as long as the request.
pub struct Loaders {
    pub authors: DataLoader<AuthorLoader>,
    pub tags: DataLoader<TagLoader>,
    pub post_counts: DataLoader<PostCountLoader>,
    pub sidebars: DataLoader<SidebarLoader>,
    pub replies: DataLoader<ReplyLoader>,
}

impl Loaders {
    pub fn new(colophon: &Colophon) -> Arc<Self> {
        Arc::new(Self {
            authors: DataLoader::new(AuthorLoader(colophon.clone()), tokio::spawn),
            tags: DataLoader::new(TagLoader(colophon.clone()), tokio::spawn),
            post_counts: DataLoader::new(PostCountLoader(colophon.clone()), tokio::spawn),
            sidebars: DataLoader::new(SidebarLoader(colophon.clone()), tokio::spawn),
            replies: DataLoader::new(ReplyLoader(colophon.clone()), tokio::spawn),
        })
    }
}

/// Turns a loader's shared error back into a GraphQL error.
pub fn load_error(error: LoadError) -> async_graphql::Error {
    let owned = match Arc::try_unwrap(error) {
        Ok(e) => e,
        Err(shared) => match &*shared {
            ServiceError::Unavailable(cause) => ServiceError::Unavailable(cause.clone()),
            other => ServiceError::Internal(other.to_string()),
        },
    };
    super::error::gql_error(owned)
}
