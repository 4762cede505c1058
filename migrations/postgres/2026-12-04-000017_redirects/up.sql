-- Old addresses of imported posts and pages (a WordPress permalink, a Squarespace .html path),
-- which frontends answer with a redirect: `GET /api/v1/redirects?path=`. Normalized paths
-- (no scheme or host, no trailing slash); each names one post or one page, and goes with it.
CREATE TABLE redirects (
    path    TEXT PRIMARY KEY,
    post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    page_id BIGINT REFERENCES pages (id) ON DELETE CASCADE,
    CHECK ((post_id IS NULL) <> (page_id IS NULL))
);
CREATE INDEX redirects_by_post ON redirects (post_id);
CREATE INDEX redirects_by_page ON redirects (page_id);
