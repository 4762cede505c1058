-- What search engines and link previews read about a post; an empty field is derived when shown
-- (title, excerpt, public URL, featured image). A noindex post is left out of the sitemap.
ALTER TABLE posts ADD COLUMN meta_title TEXT;
ALTER TABLE posts ADD COLUMN meta_description TEXT;
ALTER TABLE posts ADD COLUMN canonical_url TEXT;
ALTER TABLE posts ADD COLUMN og_image TEXT;
ALTER TABLE posts ADD COLUMN noindex BOOLEAN NOT NULL DEFAULT FALSE;
