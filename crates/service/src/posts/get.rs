use colophon_domain::{Actor, Post, PostLink, Slug, Timestamp};
use colophon_store::{self as store, DbConnection};

use super::list::summarize;
use crate::catalog::resolve_sidebars;
use crate::{Caller, Colophon, PostDetail, ServiceError, ServiceResult};

/// A post found by slug, or the slug it moved to (an old slug of a renamed published post).
#[derive(Debug, Clone)]
pub enum Lookup<T> {
    Found(T),
    Moved(Slug),
}

impl Colophon {
    /// One post as its page shows it: author, tags, previous/next and sidebar. A post the
    /// caller may not read (a draft, to the public) is 404, exactly like one that does not exist.
    pub async fn get_post(&self, caller: Caller, slug: String) -> ServiceResult<Lookup<PostDetail>> {
        self.db(move |conn, now| match resolve(conn, &slug, caller.as_actor(), now)? {
            Lookup::Found(post) => Ok(Lookup::Found(detail(conn, post, caller.as_actor(), now)?)),
            Lookup::Moved(slug) => Ok(Lookup::Moved(slug)),
        })
        .await
    }

    /// One readable post alone (one query), following a renamed post's old slug; GraphQL
    /// loads the rest only when asked.
    pub async fn find_post(&self, caller: Caller, slug: String) -> ServiceResult<Post> {
        self.db(move |conn, now| match resolve(conn, &slug, caller.as_actor(), now)? {
            Lookup::Found(post) => Ok(post),
            Lookup::Moved(slug) => match resolve(conn, slug.as_str(), caller.as_actor(), now)? {
                Lookup::Found(post) => Ok(post),
                Lookup::Moved(_) => Err(ServiceError::NotFound("post")),
            },
        })
        .await
    }

    /// The readable posts just older and just newer than `post`.
    pub async fn post_neighbours(&self, post: Post) -> ServiceResult<(Option<PostLink>, Option<PostLink>)> {
        self.db(move |conn, now| Ok(store::neighbours(conn, &post, now)?)).await
    }
}

fn readable(post: &Post, actor: Option<Actor>, now: Timestamp) -> bool {
    post.is_visible_at(now) || actor.is_some_and(|a| a.can_read_unpublished(post))
}

fn resolve(conn: &mut DbConnection, slug: &str, actor: Option<Actor>, now: Timestamp) -> ServiceResult<Lookup<Post>> {
    let slug = Slug::parse(slug).map_err(|_| ServiceError::NotFound("post"))?;
    if let Some(post) = store::find_post_by_slug(conn, &slug)? {
        return if readable(&post, actor, now) { Ok(Lookup::Found(post)) } else { Err(ServiceError::NotFound("post")) };
    }
    match store::find_slug_redirect(conn, &slug)? {
        Some(post) if readable(&post, actor, now) => Ok(Lookup::Moved(post.slug)),
        _ => Err(ServiceError::NotFound("post")),
    }
}

/// Everything the page of `post` shows.
pub(crate) fn detail(
    conn: &mut DbConnection,
    post: Post,
    actor: Option<Actor>,
    now: Timestamp,
) -> ServiceResult<PostDetail> {
    let editable = actor.is_some_and(|a| a.can_edit(&post));
    let (previous, next) = store::neighbours(conn, &post, now)?;
    let sidebar = match post.sidebar_id {
        Some(id) => {
            let sidebars = store::sidebars_by_ids(conn, &[id])?;
            resolve_sidebars(conn, sidebars)?.pop()
        }
        None => None,
    };
    let summary = summarize(conn, vec![post], now)?.pop().ok_or(ServiceError::NotFound("post"))?;
    Ok(PostDetail { summary, previous, next, sidebar, editable })
}

impl Colophon {
    /// The Markdown source of a post, for a caller who may edit it.
    pub fn markdown_for(&self, caller: Caller, post: &Post) -> Option<String> {
        caller.as_actor().filter(|actor| actor.can_edit(post)).and_then(|_| post.body_markdown.clone())
    }
}
