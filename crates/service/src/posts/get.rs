use std::collections::HashMap;

use colophon_domain::{Actor, FieldEntity, Post, PostId, Slug, Timestamp};
use colophon_store::{self as store, DbConnection};

use crate::Key;
use crate::cache_keys::CacheKey;
use crate::catalog::{assemble, widget_authors};
use crate::{Caller, Colophon, PageIncludes, PostDetail, PostSummary, ServiceError, ServiceResult};

/// A post found by slug, or the slug it moved to (an old slug of a renamed published post).
#[derive(Debug, Clone)]
pub enum Lookup<T> {
    /// The post (or its page).
    Found(T),
    /// The post's current slug, to redirect to.
    Moved(Slug),
}

impl Colophon {
    /// One post as its page shows it: author, tags, previous/next and sidebar. A post the
    /// caller may not read (a draft, to the public) is 404, exactly like one that does not exist.
    ///
    /// With `comments`, the first page of its approved comments comes in the same trip to the
    /// database (a frontend's whole page in one request).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_post(
        &self,
        caller: Caller,
        key: Key,
        includes: PageIncludes,
    ) -> ServiceResult<Lookup<PostDetail>> {
        let service = self.clone();
        let urls = self.site_urls().clone();
        let related_limit = includes.related.map(|n| super::related_limit(Some(n))).transpose()?;
        let lookup = self
            .db(move |conn, now| match resolve(conn, &key, caller.as_actor(), now)? {
                Lookup::Found(post) => {
                    let mut detail = detail(conn, post, caller.as_actor(), now, &urls)?;
                    let id = detail.summary.post.id;
                    if let Some(included) = includes.comments {
                        detail.comments =
                            Some(service.comments_page(conn, id, included.limit, None, included.order)?);
                    }
                    if let Some(limit) = related_limit {
                        detail.related = Some(super::related(conn, &[id], limit, now)?.remove(&id).unwrap_or_default());
                    }
                    Ok(Lookup::Found(detail))
                }
                Lookup::Moved(slug) => Ok(Lookup::Moved(slug)),
            })
            .await?;
        if let Lookup::Found(detail) = &lookup {
            self.saw(detail);
        }
        Ok(lookup)
    }

    /// One readable post alone (one query), following a renamed post's old slug; GraphQL
    /// loads the rest only when asked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn find_post(&self, caller: Caller, key: Key) -> ServiceResult<Post> {
        let post = self.db(move |conn, now| follow(conn, &key, caller.as_actor(), now)).await;
        self.saw_found(post, CacheKey::Posts)
    }

    /// [`Self::get_post`] for GraphQL, which has no redirects to answer: an old slug resolves
    /// to the post it moved to. One trip to the database for the whole page.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn find_post_page(&self, caller: Caller, key: Key) -> ServiceResult<PostDetail> {
        let urls = self.site_urls().clone();
        let page = self
            .db(move |conn, now| {
                let post = follow(conn, &key, caller.as_actor(), now)?;
                detail(conn, post, caller.as_actor(), now, &urls)
            })
            .await;
        self.saw_found(page, CacheKey::Posts)
    }

    /// The published posts just older and just newer than each of `posts` (keyed by their
    /// place in the published order), in one statement whatever their number.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn neighbours_of_posts(
        &self,
        posts: Vec<store::PostKey>,
    ) -> ServiceResult<HashMap<PostId, store::Neighbours>> {
        let by_post = self.db(move |conn, now| Ok(store::neighbours_of_posts(conn, &posts, now)?)).await?;
        for (id, (previous, next)) in &by_post {
            self.saw_key(CacheKey::Around(*id));
            self.saw(previous);
            self.saw(next);
        }
        Ok(by_post)
    }
}

fn readable(post: &Post, actor: Option<Actor>, now: Timestamp) -> bool {
    Actor::can_read(actor, post, now)
}

/// The readable post a path segment names: an id (as PATCH and DELETE take; a slug of digits
/// alone is refused, so the two cannot collide), a slug, or an old slug it moved from.
fn resolve(conn: &mut DbConnection, key: &Key, actor: Option<Actor>, now: Timestamp) -> ServiceResult<Lookup<Post>> {
    let slug = match key {
        Key::Id(id) => {
            let post = store::find_post(conn, PostId(*id))?.filter(|post| readable(post, actor, now));
            return post.map(Lookup::Found).ok_or(ServiceError::NotFound("post"));
        }
        Key::Slug(slug) => Slug::parse(slug.as_str()).map_err(|_| ServiceError::NotFound("post"))?,
    };
    if let Some(post) = store::find_post_by_slug(conn, &slug)? {
        return if readable(&post, actor, now) { Ok(Lookup::Found(post)) } else { Err(ServiceError::NotFound("post")) };
    }
    match store::find_slug_redirect(conn, &slug)? {
        Some(post) if readable(&post, actor, now) => Ok(Lookup::Moved(post.content.slug)),
        _ => Err(ServiceError::NotFound("post")),
    }
}

/// The readable post at `slug`, or at the slug it moved to.
fn follow(conn: &mut DbConnection, key: &Key, actor: Option<Actor>, now: Timestamp) -> ServiceResult<Post> {
    match resolve(conn, key, actor, now)? {
        Lookup::Found(post) => Ok(post),
        Lookup::Moved(slug) => match resolve(conn, &Key::Slug(slug.into_string()), actor, now)? {
            Lookup::Found(post) => Ok(post),
            Lookup::Moved(_) => Err(ServiceError::NotFound("post")),
        },
    }
}

/// Everything the page of `post` shows, in four statements after the post itself: both
/// neighbours, the sidebar with its products, every author shown, the tags.
pub(crate) fn detail(
    conn: &mut DbConnection,
    post: Post,
    actor: Option<Actor>,
    now: Timestamp,
    urls: &crate::SiteUrls,
) -> ServiceResult<PostDetail> {
    let editable = actor.is_some_and(|a| a.can_edit(&post));
    let (previous, next) = store::neighbours(conn, &post, now)?;
    let sidebar = match post.sidebar_id {
        Some(id) => store::sidebar_with_products(conn, id)?,
        None => None,
    };
    let mut author_ids = vec![post.author_id];
    if let Some((sidebar, _)) = &sidebar {
        author_ids.extend(widget_authors(sidebar));
    }
    let authors: HashMap<_, _> = store::authors_by_ids(conn, &author_ids)?.into_iter().map(|a| (a.id, a)).collect();
    let tags = store::tags_for_posts(conn, &[post.id])?.remove(&post.id).unwrap_or_default();
    let author = authors
        .get(&post.author_id)
        .cloned()
        .ok_or_else(|| ServiceError::internal(format!("post {} has no author", post.id)))?;
    let sidebar = sidebar.map(|(sidebar, products)| {
        let products: HashMap<_, _> = products.into_iter().map(|p| (p.id, p)).collect();
        assemble(sidebar, &products, &authors)
    });
    let shown = crate::fields::shown_values(conn, FieldEntity::Posts, &[&post.custom_fields], actor.is_some())?;
    let custom_fields = shown.into_iter().next().unwrap_or_default();
    let summary = PostSummary { status: post.status_at(now), author, tags, url: urls.post(&post), post, custom_fields };
    Ok(PostDetail { summary, previous, next, sidebar, editable, comments: None, related: None })
}

impl Colophon {
    /// The Markdown source of a post, for a caller who may edit it.
    pub fn markdown_for(&self, caller: Caller, post: &Post) -> Option<String> {
        caller.as_actor().filter(|actor| actor.can_edit(post)).and_then(|_| post.body_markdown.clone())
    }
}
