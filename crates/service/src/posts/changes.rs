//! What a change to a post changes for readers: the cache keys a post write invalidates.

use colophon_domain::{EventKind, FieldEntity, Post, PostStatus, Timestamp};
use colophon_store::{self as store, DbConnection};

use crate::ServiceResult;
use crate::cache_keys::CacheKey;
use crate::webhooks::data;
use crate::write::Changed;
use crate::write::Target;

/// A post as readers could see it before or after a write: enough to tell what changed.
pub(crate) struct Seen {
    post: Post,
    visible: bool,
    tags: Vec<String>,
    neighbours: Vec<colophon_domain::PostId>,
    /// The public custom field values, for the events.
    custom_fields: serde_json::Map<String, serde_json::Value>,
}

/// Reads what readers see of `post` now (its tags and neighbours), inside the write transaction.
pub(crate) fn seen(conn: &mut DbConnection, post: &Post, now: Timestamp) -> ServiceResult<Seen> {
    let visible = post.is_visible_at(now);
    // A scheduled post's tags too: its announcement, written now, names them.
    let tags = if visible || post.status == PostStatus::Published {
        let tags = store::tags_for_posts(conn, &[post.id])?.remove(&post.id).unwrap_or_default();
        tags.into_iter().map(|t| t.slug.into_string()).collect()
    } else {
        Vec::new()
    };
    let neighbours = if visible {
        let (previous, next) = store::neighbours(conn, post, now)?;
        [previous, next].into_iter().flatten().map(|l| l.id).collect()
    } else {
        Vec::new()
    };
    let custom_fields = match visible || post.status == PostStatus::Published {
        true => crate::fields::shown_values(conn, FieldEntity::Posts, &[&post.custom_fields], false)?
            .pop()
            .unwrap_or_default(),
        false => serde_json::Map::new(),
    };
    Ok(Seen { post: post.clone(), visible, tags, neighbours, custom_fields })
}

/// The keys a change from `before` to `after` (`None`: deleted) invalidates. A post no reader can
/// see, before or after, changes nothing they see, except that a scheduled post moves the time at
/// which the lists change by themselves.
pub(crate) fn post_changed(before: Option<&Seen>, after: Option<&Seen>, changed: &mut Changed) {
    let scheduled = |seen: Option<&Seen>| seen.is_some_and(|s| !s.visible && s.post.status == PostStatus::Published);
    if scheduled(before) || scheduled(after) {
        changed.add(CacheKey::Posts);
    }
    post_events(before, after, scheduled(before), scheduled(after), changed);
    let visible: Vec<&Seen> = [before, after].into_iter().flatten().filter(|s| s.visible).collect();
    if visible.is_empty() {
        return;
    }
    let id = visible[0].post.id;
    changed.extend(CacheKey::post_content(&visible[0].post));
    // A visible post's words or place moved: what any search finds may have.
    changed.add(CacheKey::Published);
    let moved = match (before, after) {
        (Some(b), Some(a)) => b.visible != a.visible || (a.visible && b.post.published_at != a.post.published_at),
        _ => true,
    };
    if after.is_none() {
        changed.add(CacheKey::Comments(id));
    }
    let authors = |s: &&Seen| s.post.author_id;
    if moved || visible.iter().map(authors).collect::<std::collections::BTreeSet<_>>().len() > 1 {
        changed.extend(visible.iter().map(|s| CacheKey::AuthorPosts(s.post.author_id)));
    }
    let tags = |s: &Seen| s.tags.iter().cloned().collect::<std::collections::BTreeSet<_>>();
    let retagged = match (before, after) {
        (Some(b), Some(a)) => tags(b) != tags(a),
        _ => true,
    };
    if moved || retagged {
        changed.extend(visible.iter().flat_map(|s| s.tags.iter().cloned().map(CacheKey::TagPosts)));
        // A tag may have gained its first visible post, or lost its last.
        changed.add(CacheKey::Tags);
    }
    let renamed = matches!((before, after), (Some(b), Some(a)) if b.post.slug != a.post.slug);
    if renamed {
        // Lookups by slug that found nothing (a GraphQL `null`) name the list key.
        changed.add(CacheKey::Posts);
    }
    if moved {
        changed.add(CacheKey::Posts);
        changed.extend(visible.iter().flat_map(|s| s.neighbours.iter().map(|n| CacheKey::Around(*n))));
    }
}

/// The webhook events of a post write. Events describe what the public sees: a visible post
/// published, updated, unpublished or deleted; a scheduled post announces its publication for
/// the moment it goes live (withdrawn and announced again when it is edited, withdrawn when it
/// is unscheduled or deleted).
fn post_events(
    before: Option<&Seen>,
    after: Option<&Seen>,
    was_scheduled: bool,
    is_scheduled: bool,
    changed: &mut Changed,
) {
    let Some(post) = after.or(before).map(|s| &s.post) else { return };
    let key = Target::Post(post.id);
    if was_scheduled {
        changed.withdraw(EventKind::PostPublished, &key);
    }
    let shown = |s: &Seen| data::post(&s.post, &s.tags, &s.custom_fields);
    match (before.filter(|b| b.visible), after) {
        (None, Some(a)) if a.visible => changed.emit(EventKind::PostPublished, &key, shown(a)),
        (Some(_), Some(a)) if a.visible => changed.emit(EventKind::PostUpdated, &key, shown(a)),
        (Some(_), Some(a)) => changed.emit(EventKind::PostUnpublished, &key, data::post_gone(&a.post)),
        (Some(b), None) => changed.emit(EventKind::PostDeleted, &key, data::post_gone(&b.post)),
        _ => {}
    }
    if let (true, Some(a)) = (is_scheduled, after) {
        if let Some(at) = a.post.published_at {
            changed.emit_at(EventKind::PostPublished, &key, shown(a), at);
        }
    }
}
