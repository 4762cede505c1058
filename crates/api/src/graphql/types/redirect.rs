use async_graphql::SimpleObject;
use colophon_service::RedirectView;

/// Where an imported item's old address leads: answer it with a 301 to `location`.
#[derive(SimpleObject)]
#[graphql(name = "Redirect")]
pub struct RedirectNode {
    /// The old address, normalized (no scheme or host, no trailing slash).
    pub path: String,
    /// The item's public address.
    pub location: String,
    /// `post` or `page`.
    pub kind: String,
    /// The item's slug.
    pub slug: String,
}

impl From<RedirectView> for RedirectNode {
    fn from(r: RedirectView) -> Self {
        Self { path: r.path, location: r.location, kind: r.kind.into(), slug: r.slug.into_string() }
    }
}
