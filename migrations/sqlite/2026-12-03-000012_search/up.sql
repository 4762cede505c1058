-- Full-text search over published posts: FTS5 over the title, the excerpt and the text of the
-- body without its markup (written by Colophon with the body; NULL until then: rows from before
-- this migration get it at the next start), an external-content table kept in step with `posts`
-- by triggers. English stems with Porter; COLOPHON_SEARCH_LANGUAGE set to another language makes
-- Colophon rebuild it at start-up without stemming (FTS5 has no other stemmer).
ALTER TABLE posts ADD COLUMN body_text TEXT;

CREATE TABLE search_config (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    language TEXT NOT NULL
);
INSERT INTO search_config (id, language) VALUES (1, 'english');

CREATE VIRTUAL TABLE posts_fts USING fts5(
    title, excerpt, body_text,
    content = 'posts', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, title, excerpt, body_text) VALUES (new.id, new.title, new.excerpt, new.body_text);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, excerpt, body_text)
        VALUES ('delete', old.id, old.title, old.excerpt, old.body_text);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, excerpt, body_text ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, excerpt, body_text)
        VALUES ('delete', old.id, old.title, old.excerpt, old.body_text);
    INSERT INTO posts_fts (rowid, title, excerpt, body_text) VALUES (new.id, new.title, new.excerpt, new.body_text);
END;

INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
