//! `GET /redirects?path=`: where an imported item's old address leads, for frontends to answer
//! with a 301.

use actix_web::{HttpRequest, HttpResponse};
use colophon_service::RedirectView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::etag::json_with_etag;
use crate::problem::ApiError;
use crate::rest::responses;

/// Where an old address leads.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedirectBody {
    /// The old address, normalized (no scheme or host, no trailing slash).
    #[schema(example = "/blog/2010/4/29/the-case-for-converging-your-personalprofessional-networks.html")]
    pub path: String,
    /// The item's public address (`COLOPHON_POST_URL` or `COLOPHON_PAGE_URL`): answer with a 301 there.
    pub location: String,
    /// `post` or `page`.
    #[schema(example = "post")]
    pub kind: String,
    #[schema(example = "the-case-for-converging-your-personal-professional-networks")]
    pub slug: String,
}

impl From<RedirectView> for RedirectBody {
    fn from(r: RedirectView) -> Self {
        Self { path: r.path, location: r.location, kind: r.kind.into(), slug: r.slug.into_string() }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RedirectParams {
    /// The old address: a path (`/2010/03/07/that-rug/`) or a whole URL, at most 2,048 bytes.
    #[param(min_length = 1, max_length = 2048)]
    pub path: String,
}

/// Where an old address of an imported post or page leads (WordPress permalinks, Squarespace
/// paths, recorded by `colophon import wxr`); 404 when it leads nowhere the public may go.
#[utoipa::path(
    get, operation_id = "find_redirect", path = "/api/v1/redirects", tag = "redirects", params(RedirectParams),
    responses(
        (status = 200, description = "Where it leads", body = RedirectBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        responses::PublicItem,
    )
)]
pub async fn find(
    req: HttpRequest,
    colophon: crate::cache::Service,
    params: crate::json::Query<RedirectParams>,
) -> Result<HttpResponse, ApiError> {
    let found = colophon.redirect_for(colophon_service::redirect_path(&params.into_inner().path)?).await?;
    json_with_etag(&req, &RedirectBody::from(found))
}
