DROP INDEX posts_search;
DROP TRIGGER posts_search_vector ON posts;
DROP FUNCTION posts_search_vector();
ALTER TABLE posts DROP COLUMN search_vector;
DROP TABLE search_config;
ALTER TABLE posts DROP COLUMN body_text;
