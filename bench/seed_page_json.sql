-- The floor for GraphQL's seed page (bench/seed_page.graphql): the same selection, in the same
-- keys, as the whole response built by PostgreSQL itself in one statement.
SELECT json_build_object('data', json_build_object('post', json_build_object(
  'title', p.title, 'publishedAt', p.published_at, 'excerpt', p.excerpt, 'bodyHtml', p.body_html,
  'commentCount', p.comment_count,
  'featuredImage', json_build_object('url', p.featured_image_url, 'alt', p.featured_image_alt,
                                     'credit', p.featured_image_credit),
  'author', (SELECT json_build_object('name', a.name, 'bio', a.bio_html) FROM authors a WHERE a.id = p.author_id),
  'tags', (SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY pt.position), '[]')
           FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id),
  'previous', (SELECT json_build_object('slug', q.slug, 'title', q.title)
               FROM posts q WHERE q.status = 'published' AND q.published_at <= now()
                 AND (q.published_at, q.id) < (p.published_at, p.id) ORDER BY q.published_at DESC, q.id DESC LIMIT 1),
  'next', (SELECT json_build_object('slug', q.slug, 'title', q.title)
           FROM posts q WHERE q.status = 'published' AND q.published_at <= now()
             AND (q.published_at, q.id) > (p.published_at, p.id) ORDER BY q.published_at, q.id LIMIT 1),
  'comments', json_build_object('edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                 'id', c.id::text, 'parentId', c.parent_id::text, 'authorName', c.author_name,
                 'authorUrl', c.author_url, 'isRegistered', c.author_id IS NOT NULL, 'bodyHtml', c.body_html,
                 'createdAt', c.created_at)) ORDER BY c.created_at, c.id), '[]')
               FROM (SELECT * FROM comments c WHERE c.post_id = p.id AND c.status = 'approved'
                     ORDER BY c.created_at, c.id LIMIT 50) c)),
  'sidebar', (SELECT json_build_object('title', s.title, 'widgets',
                (SELECT json_agg(json_build_object('kind', upper(w.kind), 'html', w.html,
                   'author', (SELECT json_build_object('name', wa.name, 'bio', wa.bio_html)
                              FROM authors wa WHERE wa.id = w.author_id),
                   'product', (SELECT json_build_object('title', pr.title, 'edition', pr.edition,
                                 'contributorLabel', pr.contributor_label, 'contributors', pr.contributors::json)
                               FROM products pr WHERE pr.id = w.product_id)) ORDER BY w.position)
                 FROM sidebar_widgets w WHERE w.sidebar_id = s.id))
              FROM sidebars s WHERE s.id = p.sidebar_id)
)))
FROM posts p WHERE p.slug = 'synthetic-post-1' AND p.status = 'published';
