use std::collections::HashMap;

use colophon_domain::{PostId, PostStatus, Slug, Tag, TagId, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::columns::written;
use crate::rows::TagRow;
use crate::schema::{post_tags, posts, tags};
use crate::{DbConnection, StoreResult};

/// Finds or creates each tag by slug, keeping the given order.
pub fn ensure_tags(conn: &mut DbConnection, wanted: &[(Slug, String)]) -> StoreResult<Vec<Tag>> {
    let mut result = Vec::with_capacity(wanted.len());
    for (slug, name) in wanted {
        let find = tags::table.filter(tags::slug.eq(slug.as_str()));
        let row = match find.first::<TagRow>(conn).optional()? {
            Some(row) => row,
            None => {
                // Two writers may bring the same new tag at once: the second waits for the
                // first's commit, inserts nothing, and reads the first's row.
                crate::bulk::per_backend!(conn, |c| diesel::insert_into(tags::table)
                    .values((tags::slug.eq(slug.as_str()), tags::name.eq(name)))
                    .on_conflict(tags::slug)
                    .do_nothing()
                    .execute(c))?;
                find.first(conn)?
            }
        };
        result.push(row.into_domain()?);
    }
    Ok(result)
}

/// Replaces the tags of a post, in order.
pub fn set_post_tags(conn: &mut DbConnection, post: PostId, tags: &[Tag]) -> StoreResult<()> {
    diesel::delete(post_tags::table.filter(post_tags::post_id.eq(post.stored()))).execute(conn)?;
    for (position, tag) in tags.iter().enumerate() {
        diesel::insert_into(post_tags::table)
            .values((
                post_tags::post_id.eq(post.stored()),
                post_tags::tag_id.eq(tag.id.stored()),
                post_tags::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The tags of each post, in their order, in one query.
pub fn tags_for_posts(conn: &mut DbConnection, posts: &[PostId]) -> StoreResult<HashMap<PostId, Vec<Tag>>> {
    let mut by_post: HashMap<PostId, Vec<Tag>> = posts.iter().map(|id| (*id, Vec::new())).collect();
    if posts.is_empty() {
        return Ok(by_post);
    }
    let ids = written(posts);
    let rows: Vec<(PostId, TagRow)> = post_tags::table
        .inner_join(tags::table)
        .filter(post_tags::post_id.eq_any(ids))
        .order((post_tags::post_id, post_tags::position))
        .select((post_tags::post_id, tags::all_columns))
        .load(conn)?;
    for (post_id, row) in rows {
        by_post.entry(post_id).or_default().push(row.into_domain()?);
    }
    Ok(by_post)
}

pub fn find_tag(conn: &mut DbConnection, slug: &Slug) -> StoreResult<Option<Tag>> {
    let row: Option<TagRow> = tags::table.filter(tags::slug.eq(slug.as_str())).first(conn).optional()?;
    row.map(TagRow::into_domain).transpose()
}

/// A tag's slug, by id.
pub fn tag_slug(conn: &mut DbConnection, id: TagId) -> StoreResult<Option<Slug>> {
    let slug: Option<String> = tags::table.find(id.stored()).select(tags::slug).first(conn).optional()?;
    slug.map(crate::rows::slug).transpose()
}

/// The tags at least one post the public can read carries (a tag only drafts have is nobody's
/// business yet), in slug order, after `after`, at most `limit`.
pub fn list_tags(conn: &mut DbConnection, after: Option<&Slug>, limit: i64, now: Timestamp) -> StoreResult<Vec<Tag>> {
    let visible = post_tags::table
        .inner_join(posts::table)
        .filter(post_tags::tag_id.eq(tags::id))
        .filter(posts::status.eq(PostStatus::Published.stored()))
        .filter(posts::published_at.le(now));
    let mut query = tags::table.filter(diesel::dsl::exists(visible)).into_boxed();
    if let Some(after) = after {
        query = query.filter(tags::slug.gt(after.as_str().to_string()));
    }
    let rows: Vec<TagRow> = query.order(tags::slug.asc()).limit(limit).load(conn)?;
    crate::rows::convert(rows, TagRow::into_domain)
}

/// How many posts the public can read carry each of these tags (one statement).
pub fn visible_post_counts(
    conn: &mut DbConnection,
    tags: &[TagId],
    now: Timestamp,
) -> StoreResult<HashMap<TagId, i64>> {
    if tags.is_empty() {
        return Ok(HashMap::new());
    }
    let counts: Vec<(TagId, i64)> = post_tags::table
        .inner_join(posts::table)
        .filter(post_tags::tag_id.eq_any(written(tags)))
        .filter(posts::status.eq(PostStatus::Published.stored()))
        .filter(posts::published_at.le(now))
        .group_by(post_tags::tag_id)
        .select((post_tags::tag_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

/// Renames a tag or rewrites its description; `None` when there is no such tag.
pub fn update_tag(
    conn: &mut DbConnection,
    id: TagId,
    name: Option<&str>,
    description: Option<&str>,
) -> StoreResult<Option<Tag>> {
    #[derive(AsChangeset)]
    #[diesel(table_name = tags)]
    struct TagChanges<'a> {
        name: Option<&'a str>,
        description: Option<&'a str>,
    }
    let row: Option<TagRow> = diesel::update(tags::table.find(id.stored()))
        .set(TagChanges { name, description })
        .returning(tags::all_columns)
        .get_result(conn)
        .optional()?;
    row.map(TagRow::into_domain).transpose()
}
