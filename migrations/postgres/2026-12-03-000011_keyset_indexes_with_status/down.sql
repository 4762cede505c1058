DROP INDEX posts_published_keyset;
DROP INDEX posts_author_published_keyset;
CREATE INDEX posts_published_keyset ON posts (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX posts_author_published_keyset ON posts (author_id, published_at DESC, id DESC) WHERE status = 'published';
