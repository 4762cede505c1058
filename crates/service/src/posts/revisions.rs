//! Revisions of posts: every change of a post's content keeps the content before it, which
//! editors may list, read, compare and restore.

use colophon_domain::{Actor, FieldEntity, Page, Patch, Post, PostContent, PostId, Revision, Timestamp};
use colophon_domain::{RevisionNumber, Version};
use colophon_store::{self as store, DbConnection};

use super::write::{EditKind, editable_post_by_key};
use crate::Paging;
use crate::content::{ContentInput, SeoInput};
use crate::keys::Key;
use crate::{Caller, Colophon, CursorPage, FeaturedImageInput, PostDetail, PostInput, ServiceError};
use crate::{ServiceResult, views::RevisionDiff};

const LIST: &str = "revisions";
/// How long a line diff may search for the shortest edit before it settles for a longer one.
const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_millis(200);

/// One side of a comparison: a revision, or the post as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionRef {
    /// The revision of this number.
    Number(i64),
    /// The post's current content.
    Current,
}

impl Colophon {
    /// A post's revisions, newest first (whoever may edit the post).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_revisions(
        &self,
        caller: Caller,
        key: Key,
        paging: Paging,
    ) -> ServiceResult<CursorPage<Revision>> {
        let Paging { limit, cursor } = paging;
        let actor = caller.actor()?;
        let (limit, before) = self.id_page_args(LIST, limit, cursor)?;
        let codec = self.cursors().clone();
        self.db(move |conn, now| {
            let post = editable_post_by_key(conn, actor, &key, now)?;
            let rows = store::list_revisions(conn, post.id, before, limit.probe())?;
            let page = Page::from_probe(rows, limit, |r| r.number);
            Ok(CursorPage { items: page.items, next_cursor: page.next.map(|n| codec.encode(LIST, &[n])) })
        })
        .await
    }

    /// The cursor of the page after `revision` (for a GraphQL edge).
    pub fn revision_cursor(&self, revision: &Revision) -> String {
        self.cursors().encode(LIST, &[revision.number])
    }

    /// One revision of a post.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_revision(&self, caller: Caller, key: Key, number: RevisionNumber) -> ServiceResult<Revision> {
        let actor = caller.actor()?;
        self.db(move |conn, now| {
            let post = editable_post_by_key(conn, actor, &key, now)?;
            store::find_revision(conn, post.id, number.0)?.ok_or(ServiceError::NotFound("revision"))
        })
        .await
    }

    /// What changed from `from` to `to`: the fields, each field's two values, and a line diff of
    /// the body (its Markdown when both sides have some, else its HTML).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn diff_revisions(
        &self,
        caller: Caller,
        key: Key,
        from: RevisionRef,
        to: RevisionRef,
    ) -> ServiceResult<RevisionDiff> {
        let actor = caller.actor()?;
        let (old, new) = self
            .db(move |conn, now| {
                let post = editable_post_by_key(conn, actor, &key, now)?;
                let mut side = |side| match side {
                    RevisionRef::Number(n) => {
                        Ok(store::find_revision(conn, post.id, n)?.ok_or(ServiceError::NotFound("revision"))?.content)
                    }
                    RevisionRef::Current => content_of(conn, &post, now),
                };
                Ok((side(from)?, side(to)?))
            })
            .await?;
        self.compute(move || diff(from, to, &old, &new)).await
    }

    /// Brings a revision's content back as a new edit: the post's title, slug, excerpt, body,
    /// featured image, tags, sidebar and SEO fields become the revision's; its status and
    /// publication time stay as they are (publishing is its own decision). A featured image whose
    /// media item was deleted since is left out. The edit goes
    /// through the same checks as any (`expected_version`: 412 on a stale version), records a
    /// revision of its own, and sends the same events.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn restore_revision(
        &self,
        caller: Caller,
        key: Key,
        number: RevisionNumber,
        expected_version: Option<Version>,
    ) -> ServiceResult<PostDetail> {
        let writer = caller.writer()?;
        let actor = *writer;
        let (id, content, values) = self
            .db(move |conn, now| {
                let post = editable_post_by_key(conn, actor, &key, now)?;
                let mut content =
                    store::find_revision(conn, post.id, number.0)?.ok_or(ServiceError::NotFound("revision"))?.content;
                // A media item deleted since cannot be shown again: the post comes back without
                // that picture rather than not at all.
                if let Some(media) = content.featured_image.as_ref().and_then(|i| i.media_id) {
                    if store::find_media(conn, media)?.is_none() {
                        content.featured_image = None;
                    }
                }
                // The defined fields come back as they were (checked as any edit's); the values
                // of fields deleted since stay hidden as they are.
                let definitions = store::field_definitions(conn, Some(FieldEntity::Posts))?;
                let values: serde_json::Map<String, serde_json::Value> = definitions
                    .iter()
                    .map(|d| {
                        let name = d.name.as_str();
                        (name.to_string(), content.custom_fields.get(name).cloned().unwrap_or_default())
                    })
                    .collect();
                Ok((post.id, content, values))
            })
            .await?;
        let input = restoring(content, values);
        self.edit_post(writer, Key::Id(id.0), input, expected_version, EditKind::Restore(number.0)).await
    }
}

/// A post's content as a revision keeps it: with its tags' names and its sidebar's slug.
pub(crate) fn content_of(conn: &mut DbConnection, post: &Post, now: Timestamp) -> ServiceResult<PostContent> {
    let tags = store::tags_for_posts(conn, &[post.id])?.remove(&post.id).unwrap_or_default();
    let sidebar = match post.sidebar_id {
        Some(id) => store::sidebars_by_ids(conn, &[id])?.into_iter().next().map(|s| s.slug.into_string()),
        None => None,
    };
    Ok(PostContent {
        title: post.title.clone(),
        slug: post.slug.as_str().to_string(),
        excerpt: post.excerpt.clone(),
        body_html: post.body_html.clone(),
        body_markdown: post.body_markdown.clone(),
        featured_image: post.featured_image.clone(),
        tags: tags.into_iter().map(|t| t.name).collect(),
        sidebar,
        seo: post.seo.clone(),
        status: post.status_at(now),
        published_at: post.published_at,
        custom_fields: post.custom_fields.clone(),
    })
}

/// Keeps `before` as a revision of `post` when `after` differs from it (by `actor`, or the
/// operator when `None`), dropping all but the newest `keep`.
pub(crate) fn record_revision(
    conn: &mut DbConnection,
    post: PostId,
    before: &PostContent,
    after: &PostContent,
    actor: Option<Actor>,
    keep: u32,
    now: Timestamp,
) -> ServiceResult<Option<i64>> {
    let fields = before.changed_fields(after);
    if fields.is_empty() {
        return Ok(None);
    }
    let new = store::NewRevision {
        post_id: post,
        editor: actor.map(|a| a.id),
        editor_key: actor.and_then(|a| a.key),
        fields: &fields,
        content: before,
    };
    Ok(Some(store::insert_revision(conn, &new, keep, now)?))
}

/// The edit that brings `content` back (everything but status and publication time).
fn restoring(content: PostContent, custom_fields: serde_json::Map<String, serde_json::Value>) -> PostInput {
    let (body_markdown, body_html) = match content.body_markdown {
        Some(markdown) => (Some(markdown), None),
        None => (None, Some(content.body_html)),
    };
    PostInput {
        content: ContentInput {
            title: Some(content.title),
            slug: Some(content.slug),
            body_markdown,
            body_html,
            excerpt: Patch::replacing(Some(content.excerpt).filter(|e| !e.is_empty())),
            sidebar: Patch::replacing(content.sidebar),
            seo: SeoInput {
                meta_title: Patch::replacing(content.seo.meta_title),
                meta_description: Patch::replacing(content.seo.meta_description),
                canonical_url: Patch::replacing(content.seo.canonical_url),
                og_image: Patch::replacing(content.seo.og_image),
                noindex: Some(content.seo.noindex),
            },
            custom_fields: Some(custom_fields).filter(|values| !values.is_empty()),
            ..ContentInput::default()
        },
        featured_image: Patch::replacing(content.featured_image.map(|i| FeaturedImageInput {
            url: if i.media_id.is_some() { None } else { i.url },
            alt: i.alt,
            credit: i.credit,
            media_id: i.media_id,
        })),
        tags: Some(content.tags),
        ..PostInput::default()
    }
}

fn diff(from: RevisionRef, to: RevisionRef, old: &PostContent, new: &PostContent) -> RevisionDiff {
    let fields: Vec<String> = old.changed_fields(new).into_iter().map(str::to_string).collect();
    let values = |c: &PostContent| serde_json::to_value(c).unwrap_or_default();
    let (old_values, new_values) = (values(old), values(new));
    let changes = fields
        .iter()
        .filter(|f| f.as_str() != "body")
        .map(|field| {
            let pick = |v: &serde_json::Value| match field.as_str() {
                "meta_title" | "meta_description" | "canonical_url" | "og_image" | "noindex" => {
                    v["seo"][field.as_str()].clone()
                }
                name => v[name].clone(),
            };
            (field.clone(), pick(&old_values), pick(&new_values))
        })
        .collect();
    let (old_source, new_source) = match (&old.body_markdown, &new.body_markdown) {
        (Some(a), Some(b)) => (a.as_str(), b.as_str()),
        _ => (old.body_html.as_str(), new.body_html.as_str()),
    };
    let body = (old_source != new_source).then(|| {
        let name = |side| match side {
            RevisionRef::Number(n) => format!("revision {n}"),
            RevisionRef::Current => "current".to_string(),
        };
        similar::TextDiff::configure()
            .timeout(DIFF_DEADLINE)
            .diff_lines(old_source, new_source)
            .unified_diff()
            .context_radius(3)
            .header(&name(from), &name(to))
            .to_string()
    });
    RevisionDiff {
        from: match from {
            RevisionRef::Number(n) => Some(n),
            RevisionRef::Current => None,
        },
        to: match to {
            RevisionRef::Number(n) => Some(n),
            RevisionRef::Current => None,
        },
        fields,
        changes,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use colophon_domain::{PostStatus, Seo};

    fn content(body: &str) -> PostContent {
        PostContent {
            title: "Old".into(),
            slug: "old".into(),
            excerpt: String::new(),
            body_html: String::new(),
            body_markdown: Some(body.into()),
            featured_image: None,
            tags: vec![],
            sidebar: None,
            seo: Seo::default(),
            status: PostStatus::Draft,
            published_at: None,
            custom_fields: Default::default(),
        }
    }

    #[test]
    fn a_diff_names_fields_values_and_body_lines() {
        let old = content("one\ntwo\nthree\n");
        let mut new = content("one\n2\nthree\n");
        new.title = "New".into();
        new.seo.noindex = true;
        let d = diff(RevisionRef::Number(3), RevisionRef::Current, &old, &new);
        assert_eq!(d.fields, vec!["title", "body", "noindex"]);
        assert_eq!(d.changes[0], ("title".into(), "Old".into(), "New".into()));
        assert_eq!(d.changes[1], ("noindex".into(), false.into(), true.into()));
        let body = d.body.unwrap();
        assert!(body.starts_with("--- revision 3\n+++ current\n"), "{body}");
        assert!(body.contains("-two\n+2\n"), "{body}");
    }

    #[test]
    fn the_same_body_has_no_diff() {
        let d = diff(RevisionRef::Number(1), RevisionRef::Number(2), &content("a"), &content("a"));
        assert!(d.fields.is_empty() && d.body.is_none() && d.changes.is_empty());
    }
}
