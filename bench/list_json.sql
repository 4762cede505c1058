-- The floor for the list of 20: the whole answer (posts with author, featured image, tags and
-- comment count) built by PostgreSQL itself in one statement.
SELECT json_build_object('data', (SELECT json_agg(x ORDER BY x.published_at DESC, x.id DESC) FROM (
  SELECT p.id, p.slug, p.title, p.excerpt, p.status, p.published_at, p.updated_at,
    json_build_object('id', a.id, 'slug', a.slug, 'name', a.name, 'bio', a.bio_html,
                      'avatar_url', a.avatar_url, 'website_url', a.website_url) AS author,
    json_build_object('url', p.featured_image_url, 'alt', p.featured_image_alt, 'credit', p.featured_image_credit) AS featured_image,
    (SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY pt.position), '[]')
       FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id) AS tags,
    p.comments_enabled, p.comment_count
  FROM posts p JOIN authors a ON a.id = p.author_id
  WHERE p.status = 'published' AND p.published_at <= now()
  ORDER BY p.published_at DESC, p.id DESC LIMIT 20) x), 'next_cursor', NULL);
