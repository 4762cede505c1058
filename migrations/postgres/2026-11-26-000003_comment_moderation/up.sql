-- Site settings (comment moderation mode) and the spam blocklist, both edited by admins.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- kind 'word': a word or phrase in the name, URL or body; 'address': a client IP address;
-- 'email': a commenter's e-mail address. Values are stored lowercased.
CREATE TABLE blocklist (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('word', 'address', 'email')),
    value      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, value)
);

-- Duplicate detection (same post, address and text within minutes) and the "previously
-- approved" rule (an e-mail with an approved comment).
CREATE INDEX comments_by_post_ip ON comments (post_id, ip, created_at);
CREATE INDEX comments_by_email_status ON comments (author_email, status);
