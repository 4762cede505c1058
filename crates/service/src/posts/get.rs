use colophon_domain::{Post, PostLink, Slug, Timestamp};
use colophon_store::{self as store, DbConnection};

use super::list::summarize;
use crate::catalog::resolve_sidebars;
use crate::{Colophon, PostDetail, ServiceError, ServiceResult};

impl Colophon {
    /// One post as its page shows it: author, tags, previous/next and sidebar.
    /// A post the public cannot read yet is 404, exactly like one that does not exist.
    pub async fn get_post(&self, slug: String) -> ServiceResult<PostDetail> {
        self.db(move |conn, now| {
            let post = visible_post(conn, &slug, now)?;
            let (previous, next) = store::neighbours(conn, &post, now)?;
            let sidebar = match post.sidebar_id {
                Some(id) => {
                    let sidebars = store::sidebars_by_ids(conn, &[id])?;
                    resolve_sidebars(conn, sidebars)?.pop()
                }
                None => None,
            };
            let summary = summarize(conn, vec![post], now)?.pop().ok_or(ServiceError::NotFound("post"))?;
            Ok(PostDetail { summary, previous, next, sidebar })
        })
        .await
    }

    /// One readable post alone (one query); GraphQL loads the rest only when asked.
    pub async fn find_post(&self, slug: String) -> ServiceResult<Post> {
        self.db(move |conn, now| visible_post(conn, &slug, now)).await
    }

    /// The readable posts just older and just newer than `post`.
    pub async fn post_neighbours(&self, post: Post) -> ServiceResult<(Option<PostLink>, Option<PostLink>)> {
        self.db(move |conn, now| Ok(store::neighbours(conn, &post, now)?)).await
    }
}

fn visible_post(conn: &mut DbConnection, slug: &str, now: Timestamp) -> ServiceResult<Post> {
    let slug = Slug::parse(slug).map_err(|_| ServiceError::NotFound("post"))?;
    match store::find_post_by_slug(conn, &slug)? {
        Some(post) if post.is_visible_at(now) => Ok(post),
        _ => Err(ServiceError::NotFound("post")),
    }
}
