//! Old addresses of imported posts and pages: a frontend asks where one leads and answers its
//! visitor with a 301 there (Colophon serves no pages of its own to redirect).

use colophon_domain::{RedirectPath, Slug};
use colophon_store::{self as store, RedirectTarget};

use crate::{CacheKey, Colophon, ServiceError, ServiceResult};

/// Where an old address leads: the item's public address (`COLOPHON_POST_URL` or
/// `COLOPHON_PAGE_URL`) and its slug.
#[derive(Debug, Clone)]
pub struct RedirectView {
    /// The old address, normalized.
    pub path: String,
    /// The new one.
    pub location: String,
    /// `post` or `page`.
    pub kind: &'static str,
    /// The item's slug.
    pub slug: Slug,
}

/// An old address as a client asked for it (`?path=`), read as a redirect's path: 400 when it
/// is none (too long, or not a path or URL).
pub fn redirect_path(value: &str) -> ServiceResult<RedirectPath> {
    RedirectPath::parse(value).map_err(|e| ServiceError::bad_request("path", e))
}

impl Colophon {
    /// The published post or page an old address (a path, or a whole URL) leads to; 404 when it
    /// leads nowhere, or to something the public cannot see.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn redirect_for(&self, path: RedirectPath) -> ServiceResult<RedirectView> {
        let urls = self.site_urls().clone();
        let found = self
            .db(move |conn, now| {
                let missing = ServiceError::NotFound("redirect");
                let (location, kind, slug, key) = match store::find_redirect(conn, &path)? {
                    Some(RedirectTarget::Post(id)) => {
                        let post = store::find_post(conn, id)?.filter(|p| p.is_visible_at(now)).ok_or(missing)?;
                        (urls.post(&post), "post", post.content.slug, CacheKey::Post(id))
                    }
                    Some(RedirectTarget::Page(id)) => {
                        let page = store::find_page(conn, id)?.filter(|p| p.is_visible_at(now)).ok_or(missing)?;
                        let url = urls.pages.render(page.slug.as_str(), page.id.0, page.published_at);
                        (url, "page", page.content.slug, CacheKey::Page(id))
                    }
                    None => return Err(missing),
                };
                let location = location.ok_or(ServiceError::NotFound("redirect"))?;
                Ok((RedirectView { path: path.as_str().to_string(), location, kind, slug }, key))
            })
            .await;
        match found {
            Ok((view, key)) => {
                self.saw_key(key);
                Ok(view)
            }
            Err(error) => {
                // Old addresses appear only by imports, which tell caches that everything changed.
                self.saw_key(CacheKey::Posts);
                Err(error)
            }
        }
    }
}
