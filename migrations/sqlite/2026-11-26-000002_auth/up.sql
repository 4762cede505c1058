-- Sign-in sessions and slug history.

-- Opaque refresh tokens, stored only as SHA-256 hashes. A family is one sign-in: each refresh
-- rotates to a new token of the same family, and presenting a used one revokes the family.
CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id   BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    family      TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_by_author ON refresh_tokens (author_id);

-- Old slugs of published posts keep resolving (301 to the current slug).
CREATE TABLE slug_redirects (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    old_slug   TEXT NOT NULL UNIQUE,
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX slug_redirects_by_post ON slug_redirects (post_id);

-- Staff lists: every post of a status, newest edit first.
CREATE INDEX posts_by_status_updated ON posts (status, updated_at DESC, id DESC);
