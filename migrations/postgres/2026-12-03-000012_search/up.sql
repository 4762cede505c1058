-- Full-text search over published posts. The text of a body without its markup is written by
-- Colophon with the body (NULL until then: rows from before this migration get it at the next
-- start); the weighted vector is kept by the database itself, by trigger, from the title (A),
-- the excerpt (B) and that text (C), in the language `search_config` names (set from
-- COLOPHON_SEARCH_LANGUAGE at start-up, which re-indexes when it changes).
ALTER TABLE posts ADD COLUMN body_text TEXT;

CREATE TABLE search_config (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    language TEXT NOT NULL
);
INSERT INTO search_config (id, language) VALUES (1, 'english');

ALTER TABLE posts ADD COLUMN search_vector tsvector;

CREATE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    config regconfig;
BEGIN
    SELECT language::regconfig INTO config FROM search_config WHERE id = 1;
    NEW.search_vector :=
        setweight(to_tsvector(config, coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector(config, coalesce(NEW.excerpt, '')), 'B') ||
        setweight(to_tsvector(config, coalesce(NEW.body_text, '')), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER posts_search_vector BEFORE INSERT OR UPDATE OF title, excerpt, body_text ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_vector();

CREATE INDEX posts_search ON posts USING GIN (search_vector);
