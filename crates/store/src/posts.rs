use colophon_domain::{AuthorId, FeaturedImage, MediaId, Patch, Post, PostId, PostStatus, SidebarId, Slug, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::content::{ContentChanges, NewContent, content_changeset, content_values, with_status};
use crate::rows::convert;
use crate::schema::{authors, post_tags, posts, slug_redirects, tags};
use crate::{DbConnection, StoreResult};

/// A post to insert.
#[derive(Debug, Clone)]
pub struct NewPost {
    /// What posts and pages share.
    pub content: NewContent,
    /// The body's words, for search (`colophon_domain::search_text`).
    pub body_text: String,
    pub featured_image: Option<FeaturedImage>,
    pub comments_enabled: bool,
    pub now: Timestamp,
}

impl NewPost {
    /// A post of `content` (its body's words `body_text`), made `now`, with every own field at
    /// its default: no picture, comments open. Callers set what differs with
    /// `NewPost { field, ..NewPost::new(content, body_text, now) }`, so a new field with a default
    /// changes none of them.
    pub fn new(content: NewContent, body_text: String, now: Timestamp) -> Self {
        Self { content, body_text, featured_image: None, comments_enabled: true, now }
    }
}

pub fn insert_post(conn: &mut DbConnection, new: &NewPost) -> StoreResult<Post> {
    let image = new.featured_image.clone().unwrap_or_default();
    let row: PostRow = diesel::insert_into(posts::table)
        .values((
            content_values!(posts, &new.content, new.now),
            (
                posts::body_text.eq(&new.body_text),
                posts::featured_image_url.eq(image.url),
                posts::featured_image_alt.eq(image.alt),
                posts::featured_image_credit.eq(image.credit),
                posts::featured_image_media_id.eq(image.media_id),
                posts::featured_image_width.eq(image.width),
                posts::featured_image_height.eq(image.height),
                posts::comments_enabled.eq(new.comments_enabled),
                posts::comment_count.eq(0_i64),
            ),
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

/// Changes to a post: its content's, and what only posts have; the default changes nothing.
#[derive(Debug, Clone, Default)]
pub struct PostChanges {
    /// What posts and pages share.
    pub content: ContentChanges,
    /// With a new body: its words, for search.
    pub body_text: Option<String>,
    pub author_id: Option<AuthorId>,
    pub featured_image: Patch<FeaturedImage>,
    pub comments_enabled: Option<bool>,
}

impl PostChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        let mut names = self.content.field_names();
        names.extend(crate::names_set(&[
            ("author", self.author_id.is_some()),
            ("featured_image", self.featured_image.changes()),
            ("comments_enabled", self.comments_enabled.is_some()),
        ]));
        names
    }
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
    // A cleared image clears each of its columns.
    let image = changes.featured_image.clone().into_option().map(Option::unwrap_or_default);
    let own = (
        changes.body_text.as_deref().map(|text| posts::body_text.eq(text)),
        changes.author_id.map(|author| posts::author_id.eq(author.stored())),
        image.as_ref().map(|i| posts::featured_image_url.eq(i.url.as_deref())),
        image.as_ref().map(|i| posts::featured_image_alt.eq(i.alt.as_deref())),
        image.as_ref().map(|i| posts::featured_image_credit.eq(i.credit.as_deref())),
        image.as_ref().map(|i| posts::featured_image_media_id.eq(i.media_id)),
        image.as_ref().map(|i| posts::featured_image_width.eq(i.width)),
        image.as_ref().map(|i| posts::featured_image_height.eq(i.height)),
        changes.comments_enabled.map(|enabled| posts::comments_enabled.eq(enabled)),
    );
    let row: Option<PostRow> = diesel::update(posts::table)
        .filter(posts::id.eq(id.stored()))
        .filter(posts::version.eq(expected_version))
        .set((content_changeset!(posts, &changes.content, now), own))
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
    query = with_status!(query, posts, filter.status, now);
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

/// [`PostRow`]'s columns: every post column but the indexed text, which only search reads.
pub(crate) fn post_columns() -> <PostRow as Selectable<crate::connection::MultiBackend>>::SelectExpression {
    <PostRow as Selectable<crate::connection::MultiBackend>>::construct_selection()
}

/// Read as a row, and written as one by bulk loads (explicit ids).
/// Also a line of the site archive (`ArchiveRecord::Post`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = crate::schema::posts)]
pub struct PostRow {
    #[diesel(serialize_as = crate::columns::Write<PostId>)]
    pub id: PostId,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub body_markdown: Option<String>,
    #[diesel(serialize_as = crate::columns::Write<PostStatus>)]
    pub status: PostStatus,
    pub published_at: Option<Timestamp>,
    #[diesel(serialize_as = crate::columns::Write<AuthorId>)]
    pub author_id: AuthorId,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_credit: Option<String>,
    pub comments_enabled: bool,
    pub comment_count: i64,
    #[diesel(serialize_as = crate::columns::WriteNullable<SidebarId>)]
    pub sidebar_id: Option<SidebarId>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub og_image: Option<String>,
    pub noindex: bool,
    // Archives written before the media library have none of these.
    #[serde(default)]
    #[diesel(serialize_as = crate::columns::WriteNullable<MediaId>)]
    pub featured_image_media_id: Option<MediaId>,
    #[serde(default)]
    pub featured_image_width: Option<i32>,
    #[serde(default)]
    pub featured_image_height: Option<i32>,
    // Archives written before custom fields have none.
    #[serde(default = "crate::content::no_custom_fields")]
    pub custom_fields: String,
    #[serde(default = "crate::content::no_custom_fields")]
    pub public_custom_fields: String,
}

impl PostRow {
    pub fn into_domain(self) -> StoreResult<Post> {
        let image = FeaturedImage {
            url: self.featured_image_url,
            alt: self.featured_image_alt,
            credit: self.featured_image_credit,
            media_id: self.featured_image_media_id,
            width: self.featured_image_width,
            height: self.featured_image_height,
        };
        Ok(Post {
            id: self.id,
            featured_image: (!image.is_empty()).then_some(image),
            comments_enabled: self.comments_enabled,
            comment_count: self.comment_count,
            content: crate::content::content_of_row!(self),
        })
    }
}

impl PostRow {
    /// The row a bulk load writes for `new` under `id`, with its approved comments counted.
    pub fn from_new(id: PostId, new: NewPost, comment_count: i64) -> Self {
        let NewPost { content, featured_image, comments_enabled, now, body_text: _ } = new;
        let image = featured_image.unwrap_or_default();
        let seo = content.seo;
        Self {
            id,
            slug: content.slug.into_string(),
            title: content.title,
            excerpt: content.excerpt,
            body_html: content.body_html,
            body_markdown: content.body_markdown,
            status: content.publication.status,
            published_at: content.publication.published_at,
            author_id: content.author_id,
            featured_image_url: image.url,
            featured_image_alt: image.alt,
            featured_image_credit: image.credit,
            comments_enabled,
            comment_count,
            sidebar_id: content.sidebar_id,
            version: 1,
            created_at: now,
            updated_at: now,
            meta_title: seo.meta_title,
            meta_description: seo.meta_description,
            canonical_url: seo.canonical_url,
            og_image: seo.og_image,
            noindex: seo.noindex,
            featured_image_media_id: image.media_id,
            featured_image_width: image.width,
            featured_image_height: image.height,
            custom_fields: content.custom_fields.to_stored(),
            public_custom_fields: content.public_custom_fields,
        }
    }
}
