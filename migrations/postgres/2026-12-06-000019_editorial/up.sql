-- Editorial (issue 14): revisions of posts, preview links for drafts, and the media library.

-- The state of a post before each change of its content, numbered per post; the newest N are
-- kept. `content` is JSON (domain::PostContent), `fields` the changed fields' names.
CREATE TABLE post_revisions (
    id            BIGSERIAL PRIMARY KEY,
    post_id       BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    number        BIGINT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    editor_id     BIGINT REFERENCES authors (id) ON DELETE SET NULL,
    editor_key_id BIGINT REFERENCES api_keys (id) ON DELETE SET NULL,
    fields        TEXT NOT NULL,
    content       TEXT NOT NULL,
    UNIQUE (post_id, number)
);

-- A signed link to a draft: the token carries the id and a secret whose SHA-256 is kept here.
CREATE TABLE preview_links (
    id            BIGSERIAL PRIMARY KEY,
    post_id       BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_by    BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    token_version BIGINT NOT NULL,
    secret_hash   TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);
CREATE INDEX preview_links_by_post ON preview_links (post_id, id);

-- Uploaded files, stored once by the SHA-256 of their bytes (metadata stripped first).
CREATE TABLE media (
    id          BIGSERIAL PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    media_type  TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'application/pdf')),
    byte_size   BIGINT NOT NULL,
    width       INTEGER,
    height      INTEGER,
    filename    TEXT NOT NULL,
    alt         TEXT,
    caption     TEXT,
    credit      TEXT,
    uploaded_by BIGINT REFERENCES authors (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX media_by_type ON media (media_type, id);

-- A featured image or a product's picture may be a media item: its URL and size are copied in
-- when it is chosen (they never change: the file is named by its hash), so reads join nothing.
ALTER TABLE posts ADD COLUMN featured_image_media_id BIGINT REFERENCES media (id);
ALTER TABLE posts ADD COLUMN featured_image_width INTEGER;
ALTER TABLE posts ADD COLUMN featured_image_height INTEGER;
CREATE INDEX posts_by_featured_media ON posts (featured_image_media_id) WHERE featured_image_media_id IS NOT NULL;
ALTER TABLE products ADD COLUMN image_media_id BIGINT REFERENCES media (id);
ALTER TABLE products ADD COLUMN image_alt TEXT;
ALTER TABLE products ADD COLUMN image_credit TEXT;
ALTER TABLE products ADD COLUMN image_width INTEGER;
ALTER TABLE products ADD COLUMN image_height INTEGER;
CREATE INDEX products_by_image_media ON products (image_media_id) WHERE image_media_id IS NOT NULL;
