-- The floor for a post's page: the whole answer of GET /posts/{slug}?include=comments (post,
-- author, tags, previous and next, sidebar with its products and author, the first 50 approved
-- comments) built by PostgreSQL itself in one statement.
SELECT json_build_object(
  'id', p.id, 'slug', p.slug, 'title', p.title, 'excerpt', p.excerpt, 'body_html', p.body_html,
  'status', p.status, 'published_at', p.published_at, 'updated_at', p.updated_at, 'version', p.version,
  'comments_enabled', p.comments_enabled, 'comment_count', p.comment_count,
  'featured_image', json_build_object('url', p.featured_image_url, 'alt', p.featured_image_alt, 'credit', p.featured_image_credit),
  'author', (SELECT json_build_object('id', a.id, 'slug', a.slug, 'name', a.name, 'bio', a.bio_html,
                                      'avatar_url', a.avatar_url, 'website_url', a.website_url) FROM authors a WHERE a.id = p.author_id),
  'tags', (SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY pt.position), '[]')
           FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id),
  'previous', (SELECT json_build_object('id', q.id, 'slug', q.slug, 'title', q.title, 'published_at', q.published_at)
               FROM posts q WHERE q.status = 'published' AND q.published_at <= now()
                 AND (q.published_at, q.id) < (p.published_at, p.id) ORDER BY q.published_at DESC, q.id DESC LIMIT 1),
  'next', (SELECT json_build_object('id', q.id, 'slug', q.slug, 'title', q.title, 'published_at', q.published_at)
           FROM posts q WHERE q.status = 'published' AND q.published_at <= now()
             AND (q.published_at, q.id) > (p.published_at, p.id) ORDER BY q.published_at, q.id LIMIT 1),
  'sidebar', (SELECT json_build_object('slug', s.slug, 'title', s.title, 'widgets',
                (SELECT json_agg(json_build_object('kind', w.kind, 'html', w.html,
                   'product', (SELECT row_to_json(pr) FROM products pr WHERE pr.id = w.product_id),
                   'author', (SELECT json_build_object('id', wa.id, 'slug', wa.slug, 'name', wa.name, 'bio', wa.bio_html)
                              FROM authors wa WHERE wa.id = w.author_id)) ORDER BY w.position)
                 FROM sidebar_widgets w WHERE w.sidebar_id = s.id))
              FROM sidebars s WHERE s.id = p.sidebar_id),
  'comments', json_build_object('data', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'post_id', c.post_id,
                 'parent_id', c.parent_id, 'depth', c.depth, 'author_name', c.author_name, 'author_url', c.author_url,
                 'is_registered', c.author_id IS NOT NULL, 'author_id', c.author_id, 'body_html', c.body_html,
                 'created_at', c.created_at) ORDER BY c.created_at, c.id), '[]')
               FROM (SELECT * FROM comments c WHERE c.post_id = p.id AND c.status = 'approved'
                     ORDER BY c.created_at, c.id LIMIT 50) c), 'next_cursor', NULL)
)
FROM posts p WHERE p.slug = 'synthetic-post-1' AND p.status = 'published';
