use std::collections::HashMap;

use colophon_domain::{PostId, Slug, Tag};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::columns::written;
use crate::rows::TagRow;
use crate::schema::{post_tags, tags};
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
