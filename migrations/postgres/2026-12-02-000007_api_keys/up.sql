-- API keys for integrations: `colophon_<prefix>_<secret>`, of which only the SHA-256 of the
-- secret is kept (the secret is 256 random bits, so a fast hash is enough). A key acts for its
-- owner, with at most the owner's role, and goes with the owner.
CREATE TABLE api_keys (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL UNIQUE,
    secret_hash  TEXT NOT NULL,
    author_id    BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'admin')),
    read_only    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_keys_by_author ON api_keys (author_id);
