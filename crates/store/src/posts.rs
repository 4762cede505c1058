use colophon_domain::{AuthorId, FeaturedImage, MediaId, Post, PostId, PostStatus, Seo, SidebarId, Slug, Timestamp};
use diesel::prelude::*;

use crate::columns::{PostStatusColumn, Stored};
use crate::id_columns::AuthorIdColumn;
use crate::rows::{PostRow, convert, post_columns};
use crate::schema::{authors, post_tags, posts, slug_redirects, tags};
use crate::{DbConnection, StoreResult};
use diesel::internal::derives::as_expression::Bound;

/// A post to insert. `status` must be `Draft` or `Published` (scheduled is derived).
#[derive(Debug, Clone)]
pub struct NewPost {
    pub slug: Slug,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    /// The body's words, for search (`colophon_domain::search_text`).
    pub body_text: String,
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    pub author_id: AuthorId,
    pub featured_image: Option<FeaturedImage>,
    pub comments_enabled: bool,
    pub sidebar_id: Option<SidebarId>,
    pub seo: Seo,
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
            posts::body_text.eq(&new.body_text),
            posts::status.eq(new.status.stored()),
            posts::published_at.eq(new.published_at),
            posts::author_id.eq(new.author_id.stored()),
            posts::featured_image_url.eq(image.url),
            posts::featured_image_alt.eq(image.alt),
            posts::featured_image_credit.eq(image.credit),
            posts::featured_image_media_id.eq(image.media_id),
            posts::featured_image_width.eq(image.width),
            posts::featured_image_height.eq(image.height),
            posts::comments_enabled.eq(new.comments_enabled),
            posts::comment_count.eq(0_i64),
            posts::sidebar_id.eq(new.sidebar_id),
            posts::meta_title.eq(&new.seo.meta_title),
            posts::meta_description.eq(&new.seo.meta_description),
            posts::canonical_url.eq(&new.seo.canonical_url),
            posts::og_image.eq(&new.seo.og_image),
            posts::noindex.eq(new.seo.noindex),
            posts::version.eq(1_i64),
            posts::created_at.eq(new.now),
            posts::updated_at.eq(new.now),
        ))
        .returning(post_columns())
        .get_result(conn)?;
    row.into_domain()
}

pub fn find_post_by_slug(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<Post>> {
    let row: Option<PostRow> =
        posts::table.filter(posts::slug.eq(slug.as_str())).select(post_columns()).first(conn).optional()?;
    row.map(PostRow::into_domain).transpose()
}

pub fn find_post(conn: &mut DbConnection, id: PostId) -> StoreResult<Option<Post>> {
    let row: Option<PostRow> = posts::table.find(id.stored()).select(post_columns()).first(conn).optional()?;
    row.map(PostRow::into_domain).transpose()
}

/// The posts with these ids, in no particular order (missing ones left out).
pub fn posts_by_ids(conn: &mut DbConnection, ids: &[PostId]) -> StoreResult<Vec<Post>> {
    let rows: Vec<PostRow> =
        posts::table.filter(posts::id.eq_any(crate::columns::written(ids))).select(post_columns()).load(conn)?;
    convert(rows, PostRow::into_domain)
}

/// Which published posts a list shows.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    pub author: Option<Slug>,
    pub tag: Option<Slug>,
}

/// The position of a post in the newest-first order: the keyset cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    if filter.author.is_none() && filter.tag.is_none() {
        return list_all_published(conn, after, limit, now);
    }
    let mut query = posts::table
        .filter(posts::status.eq(PostStatus::Published.stored()))
        .filter(posts::published_at.le(now))
        .into_boxed();
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
        query = query.filter(posts::published_at.le(key.published_at)).filter(
            posts::published_at
                .lt(key.published_at)
                .or(posts::published_at.eq(key.published_at).and(posts::id.lt(key.id.stored()))),
        );
    }
    let rows: Vec<PostRow> =
        query.order((posts::published_at.desc(), posts::id.desc())).limit(limit).select(post_columns()).load(conn)?;
    convert(rows, PostRow::into_domain)
}

/// The unfiltered list in fixed shapes, so that PostgreSQL keeps their prepared statements.
fn list_all_published(
    conn: &mut DbConnection,
    after: Option<PostKey>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<Post>> {
    let visible =
        posts::table.filter(posts::status.eq(PostStatus::Published.stored())).filter(posts::published_at.le(now));
    let order = (posts::published_at.desc(), posts::id.desc());
    let rows: Vec<PostRow> = match after {
        Some(key) => visible
            .filter(posts::published_at.le(key.published_at))
            .filter(
                posts::published_at
                    .lt(key.published_at)
                    .or(posts::published_at.eq(key.published_at).and(posts::id.lt(key.id.stored()))),
            )
            .order(order)
            .limit(limit)
            .select(post_columns())
            .load(conn)?,
        None => visible.order(order).limit(limit).select(post_columns()).load(conn)?,
    };
    convert(rows, PostRow::into_domain)
}

pub fn count_posts(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(posts::table.count().get_result(conn)?)
}

/// Changes to a post; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct PostChanges {
    pub slug: Option<Slug>,
    pub title: Option<String>,
    pub excerpt: Option<String>,
    pub body_html: Option<String>,
    pub body_markdown: Option<Option<String>>,
    /// With `body_html`: its words, for search.
    pub body_text: Option<String>,
    pub status: Option<PostStatus>,
    pub published_at: Option<Option<Timestamp>>,
    pub author_id: Option<AuthorId>,
    pub featured_image: Option<Option<FeaturedImage>>,
    pub comments_enabled: Option<bool>,
    pub sidebar_id: Option<Option<SidebarId>>,
    pub meta_title: Option<Option<String>>,
    pub meta_description: Option<Option<String>>,
    pub canonical_url: Option<Option<String>>,
    pub og_image: Option<Option<String>>,
    pub noindex: Option<bool>,
}

impl PostChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        crate::names_set(&[
            ("slug", self.slug.is_some()),
            ("title", self.title.is_some()),
            ("excerpt", self.excerpt.is_some()),
            ("body", self.body_html.is_some() || self.body_markdown.is_some()),
            ("status", self.status.is_some()),
            ("published_at", self.published_at.is_some()),
            ("author", self.author_id.is_some()),
            ("featured_image", self.featured_image.is_some()),
            ("comments_enabled", self.comments_enabled.is_some()),
            ("sidebar", self.sidebar_id.is_some()),
            ("seo.meta_title", self.meta_title.is_some()),
            ("seo.meta_description", self.meta_description.is_some()),
            ("seo.canonical_url", self.canonical_url.is_some()),
            ("seo.og_image", self.og_image.is_some()),
            ("seo.noindex", self.noindex.is_some()),
        ])
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = posts)]
struct PostChangeset<'a> {
    slug: Option<&'a str>,
    title: Option<&'a str>,
    excerpt: Option<&'a str>,
    body_html: Option<&'a str>,
    body_markdown: Option<Option<&'a str>>,
    body_text: Option<&'a str>,
    status: Option<Bound<PostStatusColumn, PostStatus>>,
    published_at: Option<Option<Timestamp>>,
    author_id: Option<Bound<AuthorIdColumn, AuthorId>>,
    featured_image_url: Option<Option<&'a str>>,
    featured_image_alt: Option<Option<&'a str>>,
    featured_image_credit: Option<Option<&'a str>>,
    featured_image_media_id: Option<Option<MediaId>>,
    featured_image_width: Option<Option<i32>>,
    featured_image_height: Option<Option<i32>>,
    comments_enabled: Option<bool>,
    sidebar_id: Option<Option<SidebarId>>,
    meta_title: Option<Option<&'a str>>,
    meta_description: Option<Option<&'a str>>,
    canonical_url: Option<Option<&'a str>>,
    og_image: Option<Option<&'a str>>,
    noindex: Option<bool>,
    updated_at: Timestamp,
}

/// Applies the changes and bumps the version, in one statement guarded by `expected_version`:
/// `Ok(None)` means the post changed since (or is gone), and nothing was written.
pub fn update_post(
    conn: &mut DbConnection,
    id: PostId,
    expected_version: i64,
    changes: &PostChanges,
    now: Timestamp,
) -> StoreResult<Option<Post>> {
    let image = changes.featured_image.as_ref().map(|i| i.clone().unwrap_or_default());
    let changeset = PostChangeset {
        slug: changes.slug.as_ref().map(Slug::as_str),
        title: changes.title.as_deref(),
        excerpt: changes.excerpt.as_deref(),
        body_html: changes.body_html.as_deref(),
        body_markdown: changes.body_markdown.as_ref().map(Option::as_deref),
        body_text: changes.body_text.as_deref(),
        status: changes.status.map(Stored::stored),
        published_at: changes.published_at,
        author_id: changes.author_id.map(Stored::stored),
        featured_image_url: image.as_ref().map(|i| i.url.as_deref()),
        featured_image_alt: image.as_ref().map(|i| i.alt.as_deref()),
        featured_image_credit: image.as_ref().map(|i| i.credit.as_deref()),
        featured_image_media_id: image.as_ref().map(|i| i.media_id),
        featured_image_width: image.as_ref().map(|i| i.width),
        featured_image_height: image.as_ref().map(|i| i.height),
        comments_enabled: changes.comments_enabled,
        sidebar_id: changes.sidebar_id,
        meta_title: changes.meta_title.as_ref().map(Option::as_deref),
        meta_description: changes.meta_description.as_ref().map(Option::as_deref),
        canonical_url: changes.canonical_url.as_ref().map(Option::as_deref),
        og_image: changes.og_image.as_ref().map(Option::as_deref),
        noindex: changes.noindex,
        updated_at: now,
    };
    let row: Option<PostRow> = diesel::update(posts::table)
        .filter(posts::id.eq(id.stored()))
        .filter(posts::version.eq(expected_version))
        .set((changeset, posts::version.eq(posts::version + 1)))
        .returning(post_columns())
        .get_result(conn)
        .optional()?;
    row.map(PostRow::into_domain).transpose()
}

pub fn delete_post(conn: &mut DbConnection, id: PostId) -> StoreResult<bool> {
    Ok(diesel::delete(posts::table.find(id.stored())).execute(conn)? == 1)
}

pub fn post_slug_taken(conn: &mut DbConnection, slug: &Slug) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(posts::table.filter(posts::slug.eq(slug.as_str())))).get_result(conn)?)
}

/// Who holds a slug: a post as its current slug, or a renamed post as an old one (reserved, so
/// that links to it keep redirecting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugHolder {
    Post(PostId),
    OldSlugOf(PostId),
}

pub fn slug_holder(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<SlugHolder>> {
    let current: Option<PostId> =
        posts::table.filter(posts::slug.eq(slug.as_str())).select(posts::id).first(conn).optional()?;
    if let Some(id) = current {
        return Ok(Some(SlugHolder::Post(id)));
    }
    let old: Option<PostId> = slug_redirects::table
        .filter(slug_redirects::old_slug.eq(slug.as_str()))
        .select(slug_redirects::post_id)
        .first(conn)
        .optional()?;
    Ok(old.map(SlugHolder::OldSlugOf))
}

/// Keeps `old` resolving to the post after a slug change.
pub fn insert_slug_redirect(conn: &mut DbConnection, old: &Slug, post: PostId, now: Timestamp) -> StoreResult<()> {
    diesel::delete(slug_redirects::table.filter(slug_redirects::old_slug.eq(old.as_str()))).execute(conn)?;
    diesel::insert_into(slug_redirects::table)
        .values((
            slug_redirects::old_slug.eq(old.as_str()),
            slug_redirects::post_id.eq(post.stored()),
            slug_redirects::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A slug that now names a live post stops redirecting.
pub fn delete_slug_redirect(conn: &mut DbConnection, slug: &Slug) -> StoreResult<()> {
    diesel::delete(slug_redirects::table.filter(slug_redirects::old_slug.eq(slug.as_str()))).execute(conn)?;
    Ok(())
}

/// The post an old slug now points to.
pub fn find_slug_redirect(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<Post>> {
    let row: Option<PostRow> = slug_redirects::table
        .inner_join(posts::table)
        .filter(slug_redirects::old_slug.eq(slug.as_str()))
        .select(post_columns())
        .first(conn)
        .optional()?;
    row.map(PostRow::into_domain).transpose()
}

/// Which posts a staff list shows: one status, optionally one author's only.
#[derive(Debug, Clone)]
pub struct StaffFilter {
    pub status: PostStatus,
    pub author_id: Option<AuthorId>,
}

/// The position in a staff list, newest edit first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditKey {
    pub updated_at: Timestamp,
    pub id: PostId,
}

/// Posts of one status for staff, most recently edited first.
pub fn list_for_staff(
    conn: &mut DbConnection,
    filter: &StaffFilter,
    after: Option<EditKey>,
    limit: i64,
    now: Timestamp,
) -> StoreResult<Vec<Post>> {
    let mut query = posts::table.into_boxed();
    query = match filter.status {
        PostStatus::Draft => query.filter(posts::status.eq(PostStatus::Draft.stored())),
        PostStatus::Scheduled => {
            query.filter(posts::status.eq(PostStatus::Published.stored())).filter(posts::published_at.gt(now))
        }
        PostStatus::Published => {
            query.filter(posts::status.eq(PostStatus::Published.stored())).filter(posts::published_at.le(now))
        }
    };
    if let Some(author) = filter.author_id {
        query = query.filter(posts::author_id.eq(author.stored()));
    }
    if let Some(key) = after {
        query = query.filter(posts::updated_at.le(key.updated_at)).filter(
            posts::updated_at
                .lt(key.updated_at)
                .or(posts::updated_at.eq(key.updated_at).and(posts::id.lt(key.id.stored()))),
        );
    }
    let rows: Vec<PostRow> =
        query.order((posts::updated_at.desc(), posts::id.desc())).limit(limit).select(post_columns()).load(conn)?;
    convert(rows, PostRow::into_domain)
}

/// What a sitemap lists of a post: its address's parts and when it last changed.
#[derive(Debug, Clone)]
pub struct IndexablePost {
    pub id: PostId,
    pub slug: Slug,
    pub published_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

/// Published posts search engines may index (not `noindex`), visible at `now`.
pub fn count_indexable_posts(conn: &mut DbConnection, now: Timestamp) -> StoreResult<i64> {
    Ok(posts::table
        .filter(posts::status.eq(PostStatus::Published.stored()))
        .filter(posts::published_at.le(now))
        .filter(posts::noindex.eq(false))
        .count()
        .get_result(conn)?)
}

/// [`count_indexable_posts`]'s posts in id order, `limit` of them from `offset`.
pub fn indexable_posts(
    conn: &mut DbConnection,
    now: Timestamp,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<IndexablePost>> {
    let rows: Vec<(PostId, String, Option<Timestamp>, Timestamp)> = posts::table
        .filter(posts::status.eq(PostStatus::Published.stored()))
        .filter(posts::published_at.le(now))
        .filter(posts::noindex.eq(false))
        .order(posts::id.asc())
        .offset(offset)
        .limit(limit)
        .select((posts::id, posts::slug, posts::published_at, posts::updated_at))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, slug, published_at, updated_at)| {
            Ok(IndexablePost { id, slug: crate::rows::slug(slug)?, published_at, updated_at })
        })
        .collect()
}
