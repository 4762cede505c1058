DROP TRIGGER posts_fts_update;
DROP TRIGGER posts_fts_delete;
DROP TRIGGER posts_fts_insert;
DROP TABLE posts_fts;
DROP TABLE search_config;
ALTER TABLE posts DROP COLUMN body_text;
