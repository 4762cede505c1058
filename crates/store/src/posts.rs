use colophon_domain::{AuthorId, FeaturedImage, Post, PostId, PostLink, PostStatus, SidebarId, Slug, Timestamp};
use diesel::prelude::*;

use crate::rows::{convert, slug, PostRow};
use crate::schema::{authors, post_tags, posts, tags};
use crate::{DbConnection, StoreResult};

/// A post to insert. `status` must be `Draft` or `Published` (scheduled is derived).
#[derive(Debug, Clone)]
pub struct NewPost {
    pub slug: Slug,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    pub author_id: AuthorId,
    pub featured_image: Option<FeaturedImage>,
    pub comments_enabled: bool,
    pub sidebar_id: Option<SidebarId>,
    pub now: Timestamp,
}

pub fn insert_post(conn: &mut DbConnection, new: &NewPost) -> StoreResult<Post> {
    let image = new.featured_image.clone().unwrap_or_default();
    let row: PostRow = diesel::insert_into(posts::table)
        .values((
            posts::slug.eq(new.slug.as_str()),
            posts::title.eq(&new.title),
            posts::excerpt.eq(&new.excerpt),
            posts::body_html.eq(&new.body_html),
            posts::body_markdown.eq(&new.body_markdown),
            posts::status.eq(stored_status(new.status)),
            posts::published_at.eq(new.published_at),
            posts::author_id.eq(new.author_id.0),
            posts::featured_image_url.eq(image.url),
            posts::featured_image_alt.eq(image.alt),
            posts::featured_image_credit.eq(image.credit),
            posts::comments_enabled.eq(new.comments_enabled),
            posts::comment_count.eq(0_i64),
            posts::sidebar_id.eq(new.sidebar_id.map(|id| id.0)),
            posts::version.eq(1_i64),
            posts::created_at.eq(new.now),
            posts::updated_at.eq(new.now),
        ))
        .returning(posts::all_columns)
        .get_result(conn)?;
    row.into_domain()
}

/// Only two statuses are stored; "scheduled" is a published post whose time has not come.
pub(crate) fn stored_status(status: PostStatus) -> &'static str {
    match status {
        PostStatus::Draft => "draft",
        PostStatus::Scheduled | PostStatus::Published => "published",
    }
}

pub fn find_post_by_slug(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<Post>> {
    let row: Option<PostRow> = posts::table.filter(posts::slug.eq(slug.as_str())).first(conn).optional()?;
    row.map(PostRow::into_domain).transpose()
}

pub fn find_post(conn: &mut DbConnection, id: PostId) -> StoreResult<Option<Post>> {
    let row: Option<PostRow> = posts::table.find(id.0).first(conn).optional()?;
    row.map(PostRow::into_domain).transpose()
}

/// Which published posts a list shows.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    pub author: Option<Slug>,
    pub tag: Option<Slug>,
}

/// The position of a post in the newest-first order: the keyset cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostKey {
    pub published_at: Timestamp,
    pub id: PostId,
}

impl PostKey {
    pub fn of(post: &Post) -> Option<Self> {
        post.published_at.map(|published_at| Self { published_at, id: post.id })
    }
}

/// Published posts visible at `now`, newest first, strictly after `after`: an index range scan
/// on `(published_at DESC, id DESC)`, so page 10,000 costs what page 1 costs.
pub fn list_published(
    conn: &mut DbConnection,
    filter: &PostFilter,
    after: Option<PostKey>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<Post>> {
    let mut query = posts::table.filter(posts::status.eq("published")).filter(posts::published_at.le(now)).into_boxed();
    if let Some(author) = &filter.author {
        let author_id = authors::table.filter(authors::slug.eq(author.as_str().to_string())).select(authors::id);
        query = query.filter(posts::author_id.eq_any(author_id));
    }
    if let Some(tag) = &filter.tag {
        let tagged = post_tags::table
            .inner_join(tags::table)
            .filter(tags::slug.eq(tag.as_str().to_string()))
            .select(post_tags::post_id);
        query = query.filter(posts::id.eq_any(tagged));
    }
    if let Some(key) = after {
        query = query.filter(
            posts::published_at
                .lt(key.published_at)
                .or(posts::published_at.eq(key.published_at).and(posts::id.lt(key.id.0))),
        );
    }
    let rows: Vec<PostRow> = query.order((posts::published_at.desc(), posts::id.desc())).limit(limit).load(conn)?;
    convert(rows, PostRow::into_domain)
}

/// The published posts just before (older) and just after (newer) `post` at `now`.
pub fn neighbours(
    conn: &mut DbConnection,
    post: &Post,
    now: Timestamp,
) -> StoreResult<(Option<PostLink>, Option<PostLink>)> {
    let Some(key) = PostKey::of(post) else { return Ok((None, None)) };
    let columns = (posts::id, posts::slug, posts::title, posts::published_at);
    let previous: Option<(i64, String, String, Option<Timestamp>)> = posts::table
        .filter(posts::status.eq("published"))
        .filter(posts::published_at.le(now))
        .filter(
            posts::published_at
                .lt(key.published_at)
                .or(posts::published_at.eq(key.published_at).and(posts::id.lt(key.id.0))),
        )
        .order((posts::published_at.desc(), posts::id.desc()))
        .select(columns)
        .first(conn)
        .optional()?;
    let next: Option<(i64, String, String, Option<Timestamp>)> = posts::table
        .filter(posts::status.eq("published"))
        .filter(posts::published_at.le(now))
        .filter(
            posts::published_at
                .gt(key.published_at)
                .or(posts::published_at.eq(key.published_at).and(posts::id.gt(key.id.0))),
        )
        .order((posts::published_at.asc(), posts::id.asc()))
        .select(columns)
        .first(conn)
        .optional()?;
    let link = |(id, s, title, published_at): (i64, String, String, Option<Timestamp>)| -> StoreResult<PostLink> {
        Ok(PostLink { id: PostId(id), slug: slug(s)?, title, published_at })
    };
    Ok((previous.map(link).transpose()?, next.map(link).transpose()?))
}

pub fn count_posts(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(posts::table.count().get_result(conn)?)
}
