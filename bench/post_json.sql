-- The floor for scenario (b): the whole response of "post + its approved comments" built by
-- PostgreSQL itself in one statement (post, author, tags, sidebar with products, comments).
SELECT json_build_object(
  'id', p.id, 'slug', p.slug, 'title', p.title, 'excerpt', p.excerpt, 'body_html', p.body_html,
  'published_at', p.published_at, 'comment_count', p.comment_count,
  'featured_image', json_build_object('url', p.featured_image_url, 'alt', p.featured_image_alt, 'credit', p.featured_image_credit),
  'author', (SELECT json_build_object('id', a.id, 'slug', a.slug, 'name', a.name, 'bio', a.bio_html) FROM authors a WHERE a.id = p.author_id),
  'tags', (SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY pt.position), '[]')
           FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id),
  'sidebar', (SELECT json_build_object('slug', s.slug, 'title', s.title, 'widgets',
                (SELECT json_agg(json_build_object('kind', w.kind, 'html', w.html,
                   'product', (SELECT row_to_json(pr) FROM products pr WHERE pr.id = w.product_id)) ORDER BY w.position)
                 FROM sidebar_widgets w WHERE w.sidebar_id = s.id))
              FROM sidebars s WHERE s.id = p.sidebar_id),
  'comments', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'parent_id', c.parent_id, 'author_name', c.author_name,
                 'author_url', c.author_url, 'body_html', c.body_html, 'created_at', c.created_at) ORDER BY c.created_at, c.id), '[]')
               FROM comments c WHERE c.post_id = p.id AND c.status = 'approved')
)
FROM posts p WHERE p.slug = 'synthetic-post-1' AND p.status = 'published';
