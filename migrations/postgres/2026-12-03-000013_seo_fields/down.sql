ALTER TABLE posts DROP COLUMN noindex;
ALTER TABLE posts DROP COLUMN og_image;
ALTER TABLE posts DROP COLUMN canonical_url;
ALTER TABLE posts DROP COLUMN meta_description;
ALTER TABLE posts DROP COLUMN meta_title;
