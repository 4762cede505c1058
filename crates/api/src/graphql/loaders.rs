//! Per-request DataLoaders: every `Post.author`, `Post.tags`, `Author.postCount`,
//! `Post.sidebar`, `Post.comments`, `Post.previous`/`next` and `Comment.replies` of one query is
//! fetched in one batch, whatever the page size.

use colophon_service::Paging;
use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use colophon_domain::{Author, AuthorId, Comment, CommentId, CommentOrder, PostId, SidebarId, Tag};
use colophon_service::{Colophon, CursorPage, Neighbours, PostKey, ServiceError, SidebarView};

type LoadError = Arc<ServiceError>;

pub struct AuthorLoader(Colophon);
pub struct TagLoader(Colophon);
pub struct PostCountLoader(Colophon);
pub struct SidebarLoader(Colophon);
pub struct ReplyLoader(Colophon);
pub struct CommentsLoader(Colophon);
pub struct NeighbourLoader(Colophon);
pub struct TagCountLoader(Colophon);
pub struct RelatedLoader(Colophon);

/// One post's related posts, as many as its `related` field asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelatedKey {
    pub post: PostId,
    pub first: i64,
}

impl Loader<RelatedKey> for RelatedLoader {
    type Value = Vec<colophon_domain::Post>;
    type Error = LoadError;

    /// Posts asking for the same number share one statement.
    async fn load(&self, keys: &[RelatedKey]) -> Result<HashMap<RelatedKey, Vec<colophon_domain::Post>>, LoadError> {
        let mut groups: HashMap<i64, Vec<PostId>> = HashMap::new();
        for key in keys {
            groups.entry(key.first).or_default().push(key.post);
        }
        let mut related = HashMap::with_capacity(keys.len());
        for (first, posts) in groups {
            for (post, found) in self.0.related_of_posts(posts, Some(first)).await.map_err(Arc::new)? {
                related.insert(RelatedKey { post, first }, found);
            }
        }
        Ok(related)
    }
}

impl Loader<Tag> for TagCountLoader {
    type Value = i64;
    type Error = LoadError;

    async fn load(&self, keys: &[Tag]) -> Result<HashMap<Tag, i64>, LoadError> {
        self.0.tag_post_counts(keys.to_vec()).await.map_err(Arc::new)
    }
}

/// One post's page of comments, as its `comments` field asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommentsKey {
    pub post: PostId,
    pub first: i64,
    pub after: Option<String>,
    pub order: CommentOrder,
}

impl Loader<CommentsKey> for CommentsLoader {
    type Value = CursorPage<Comment>;
    type Error = LoadError;

    /// Posts asking for the same page (size, cursor, order) share one statement.
    async fn load(&self, keys: &[CommentsKey]) -> Result<HashMap<CommentsKey, CursorPage<Comment>>, LoadError> {
        let mut groups: HashMap<(i64, Option<String>, CommentOrder), Vec<PostId>> = HashMap::new();
        for key in keys {
            groups.entry((key.first, key.after.clone(), key.order)).or_default().push(key.post);
        }
        let mut pages = HashMap::with_capacity(keys.len());
        for ((first, after, order), posts) in groups {
            let by_post = self
                .0
                .comments_of_posts(posts, Paging::new(Some(first), after.clone()), order)
                .await
                .map_err(Arc::new)?;
            for (post, page) in by_post {
                pages.insert(CommentsKey { post, first, after: after.clone(), order }, page);
            }
        }
        Ok(pages)
    }
}

impl Loader<PostKey> for NeighbourLoader {
    type Value = Neighbours;
    type Error = LoadError;

    async fn load(&self, keys: &[PostKey]) -> Result<HashMap<PostKey, Neighbours>, LoadError> {
        let by_post = self.0.neighbours_of_posts(keys.to_vec()).await.map_err(Arc::new)?;
        Ok(keys.iter().filter_map(|key| by_post.get(&key.id).map(|n| (*key, n.clone()))).collect())
    }
}

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
    pub comments: DataLoader<CommentsLoader>,
    pub neighbours: DataLoader<NeighbourLoader>,
    pub tag_counts: DataLoader<TagCountLoader>,
    pub related: DataLoader<RelatedLoader>,
}

/// Spawns a loader's batch inside the span of the request that built the loaders, so that what
/// the batch logs carries the request's id.
fn in_request_span()
-> impl Fn(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) -> tokio::task::JoinHandle<()> + Send + Sync
{
    let span = tracing::Span::current();
    move |batch| tokio::spawn(tracing::Instrument::instrument(batch, span.clone()))
}

impl Loaders {
    pub fn new(colophon: &Colophon) -> Arc<Self> {
        Arc::new(Self {
            authors: DataLoader::new(AuthorLoader(colophon.clone()), in_request_span()),
            tags: DataLoader::new(TagLoader(colophon.clone()), in_request_span()),
            post_counts: DataLoader::new(PostCountLoader(colophon.clone()), in_request_span()),
            sidebars: DataLoader::new(SidebarLoader(colophon.clone()), in_request_span()),
            replies: DataLoader::new(ReplyLoader(colophon.clone()), in_request_span()),
            comments: DataLoader::new(CommentsLoader(colophon.clone()), in_request_span()),
            neighbours: DataLoader::new(NeighbourLoader(colophon.clone()), in_request_span()),
            tag_counts: DataLoader::new(TagCountLoader(colophon.clone()), in_request_span()),
            related: DataLoader::new(RelatedLoader(colophon.clone()), in_request_span()),
        })
    }
}

/// Turns a loader's shared error back into a GraphQL error.
pub fn load_error(error: LoadError) -> async_graphql::Error {
    super::error::gql_error(Arc::try_unwrap(error).unwrap_or_else(|shared| shared.shared_copy()))
}
