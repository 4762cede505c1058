-- The keyset indexes of published posts lead with the status instead of being partial on it.
-- Queries bind the status as a parameter, and SQLite's planner cannot match `status = ?` to an
-- index's `WHERE status = 'published'`, nor can PostgreSQL's generic plans: each list page and
-- each previous/next lookup sorted every published post (four writers' post writes fell from 297
-- to 57 a second as the first few thousand posts were written). With the status as the first
-- column both backends search the index at the post and read it in order.
DROP INDEX posts_published_keyset;
DROP INDEX posts_author_published_keyset;
CREATE INDEX posts_published_keyset ON posts (status, published_at DESC, id DESC);
CREATE INDEX posts_author_published_keyset ON posts (author_id, status, published_at DESC, id DESC);
