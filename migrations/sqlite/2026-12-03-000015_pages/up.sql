-- Standalone pages (About, Contact): their own slugs, SEO fields and sidebar, never in post
-- lists, feeds or previous/next. Written through the same roles as posts.
CREATE TABLE pages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    slug             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    excerpt          TEXT NOT NULL DEFAULT '',
    body_html        TEXT NOT NULL DEFAULT '',
    body_markdown    TEXT,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    published_at     TEXT,
    author_id        BIGINT NOT NULL REFERENCES authors (id),
    sidebar_id       BIGINT REFERENCES sidebars (id) ON DELETE SET NULL,
    meta_title       TEXT,
    meta_description TEXT,
    canonical_url    TEXT,
    og_image         TEXT,
    noindex          BOOLEAN NOT NULL DEFAULT FALSE,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (status = 'draft' OR published_at IS NOT NULL)
);
-- The public list in slug order; the staff list of one status, most recently edited first.
CREATE INDEX pages_by_status_slug ON pages (status, slug);
CREATE INDEX pages_by_status_updated ON pages (status, updated_at DESC, id DESC);
CREATE INDEX pages_by_author ON pages (author_id);
