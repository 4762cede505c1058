-- Content model: authors, sidebars, posts, tags, comments, products.
-- Timestamps are UTC text ("YYYY-MM-DD HH:MM:SS.ffffff"), written by the application.

CREATE TABLE authors (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    email         TEXT UNIQUE,               -- stored lowercased: unique case-insensitively
    role          TEXT NOT NULL DEFAULT 'contributor'
                  CHECK (role IN ('contributor', 'author', 'editor', 'admin')),
    password_hash TEXT,                      -- argon2id PHC string; NULL = cannot sign in
    token_version BIGINT NOT NULL DEFAULT 0,
    bio_html      TEXT NOT NULL DEFAULT '',
    avatar_url    TEXT,
    website_url   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE products (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    title             TEXT NOT NULL,
    url               TEXT,
    image_url         TEXT,
    contributor_label TEXT,
    contributors      TEXT NOT NULL DEFAULT '[]',   -- JSON array of names
    edition           TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE sidebars (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sidebar_widgets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sidebar_id BIGINT NOT NULL REFERENCES sidebars (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('product', 'author_bio', 'html')),
    product_id BIGINT REFERENCES products (id) ON DELETE CASCADE,
    author_id  BIGINT REFERENCES authors (id) ON DELETE CASCADE,
    html       TEXT,
    UNIQUE (sidebar_id, position)
);

CREATE TABLE posts (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                  TEXT NOT NULL UNIQUE,
    title                 TEXT NOT NULL,
    excerpt               TEXT NOT NULL DEFAULT '',
    body_html             TEXT NOT NULL DEFAULT '',
    body_markdown         TEXT,
    status                TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    published_at          TEXT,
    author_id             BIGINT NOT NULL REFERENCES authors (id),
    featured_image_url    TEXT,
    featured_image_alt    TEXT,
    featured_image_credit TEXT,
    comments_enabled      BOOLEAN NOT NULL DEFAULT TRUE,
    comment_count         BIGINT NOT NULL DEFAULT 0,
    sidebar_id            BIGINT REFERENCES sidebars (id) ON DELETE SET NULL,
    version               BIGINT NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CHECK (status = 'draft' OR published_at IS NOT NULL)
);
-- Keyset pages of published posts, newest first, overall and per author.
CREATE INDEX posts_published_keyset ON posts (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX posts_author_published_keyset ON posts (author_id, published_at DESC, id DESC) WHERE status = 'published';

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE post_tags (
    post_id  BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id   BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_by_tag ON post_tags (tag_id, post_id);

CREATE TABLE comments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id      BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id    BIGINT REFERENCES comments (id) ON DELETE SET NULL,
    author_id    BIGINT REFERENCES authors (id) ON DELETE SET NULL,
    author_name  TEXT NOT NULL,
    author_email TEXT,
    author_url   TEXT,
    body_source  TEXT NOT NULL,
    body_html    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    depth        INTEGER NOT NULL DEFAULT 0,
    ip           TEXT,
    user_agent   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
-- A post's approved comments oldest first; the moderation queue by status; replies of a comment.
CREATE INDEX comments_by_post_status ON comments (post_id, status, created_at, id);
CREATE INDEX comments_by_status ON comments (status, created_at, id);
CREATE INDEX comments_by_parent ON comments (parent_id);
