//! Tags: the list with counts and descriptions, one tag's page, and editors' changes to a tag's
//! name and description (tags themselves come and go with the posts that name them).

use colophon_domain::{BoundedText, PageLimit, Tag, ValidationErrors};
use colophon_store as store;

use crate::Paging;
use crate::SlugKey;
use crate::cache_keys::CacheKey;
use crate::catalog::curating_writer;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, CursorPage, ServiceError, ServiceResult};

const TAGS: &str = "tags";
type TagName = BoundedText<50>;
type TagDescription = BoundedText<2000>;

/// A tag with the number of posts the public can read under it.
#[derive(Debug, Clone)]
pub struct TagView {
    /// The tag.
    pub tag: Tag,
    /// Published posts carrying it.
    pub post_count: i64,
}

/// Changes to a tag as sent; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct TagInput {
    /// The name shown, at most 50 characters (the slug stays: links keep working).
    pub name: Option<String>,
    /// What its page says, plain text of at most 2,000 characters; empty clears it.
    pub description: Option<String>,
}

impl Colophon {
    /// Tags in slug order, with their counts: two statements a page.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_tags(&self, paging: Paging) -> ServiceResult<CursorPage<TagView>> {
        let Paging { limit, cursor } = paging;
        let limit = PageLimit::parse(limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let after = match cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => {
                let [id] = self.cursors().decode::<1>(TAGS, cursor)?;
                Some(colophon_domain::TagId(id))
            }
        };
        let codec = self.cursors().clone();
        let page = self
            .db(move |conn, now| {
                let after_slug = match after {
                    Some(id) => store::tag_slug(conn, id)?,
                    None => None,
                };
                let mut tags = store::list_tags(conn, after_slug.as_ref(), limit.probe(), now)?;
                let more = tags.len() as i64 > i64::from(limit.get());
                tags.truncate(limit.get() as usize);
                let next_cursor = tags.last().filter(|_| more).map(|t| codec.encode(TAGS, &[t.id.0]));
                Ok(CursorPage { items: with_counts(conn, tags, now)?, next_cursor })
            })
            .await?;
        self.saw(&page);
        self.saw_key(CacheKey::Tags);
        Ok(page)
    }

    /// The cursor that continues the tag list after `tag` (a Relay edge's cursor).
    pub fn tag_cursor(&self, tag: &Tag) -> String {
        self.cursors().encode(TAGS, &[tag.id.0])
    }

    /// One tag by slug, with its count; 404 for a tag no published post carries.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_tag(&self, slug: SlugKey) -> ServiceResult<TagView> {
        let slug = slug.found("tag")?;
        let key = CacheKey::TagPosts(slug.as_str().to_string());
        let found = self
            .db(move |conn, now| {
                let tag = store::find_tag(conn, &slug)?.ok_or(ServiceError::NotFound("tag"))?;
                let view = with_counts(conn, vec![tag], now)?.remove(0);
                if view.post_count == 0 { Err(ServiceError::NotFound("tag")) } else { Ok(view) }
            })
            .await;
        self.saw_found(found, key)
    }

    /// The published-post counts of many tags in one statement (GraphQL's batched loader).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tag_post_counts(&self, tags: Vec<Tag>) -> ServiceResult<std::collections::HashMap<Tag, i64>> {
        for tag in &tags {
            self.saw_key(CacheKey::TagPosts(tag.slug.as_str().to_string()));
        }
        self.db(move |conn, now| {
            let ids: Vec<_> = tags.iter().map(|t| t.id).collect();
            let counts = store::visible_post_counts(conn, &ids, now)?;
            Ok(tags.into_iter().map(|t| (counts.get(&t.id).copied().unwrap_or(0), t)).map(|(n, t)| (t, n)).collect())
        })
        .await
    }

    /// Renames a tag or rewrites its description (editors and admins).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_tag(&self, caller: Caller, slug: SlugKey, input: TagInput) -> ServiceResult<TagView> {
        let writer = curating_writer(caller)?;
        let slug = slug.found("tag")?;
        let mut errors = ValidationErrors::default();
        let name = input.name.and_then(|n| errors.check("name", TagName::parse(n))).map(TagName::into_string);
        let description = input.description.and_then(|d| {
            if d.trim().is_empty() {
                Some(String::new())
            } else {
                errors.check("description", TagDescription::parse(d)).map(TagDescription::into_string)
            }
        });
        errors.into_result().map_err(ServiceError::Invalid)?;
        if name.is_none() && description.is_none() {
            return Err(ServiceError::invalid("name", "send a name or a description to change"));
        }
        self.write(writer, move |conn, now, _| {
            let tag = store::find_tag(conn, &slug)?.ok_or(ServiceError::NotFound("tag"))?;
            let fields: Vec<&str> = [("name", name.is_some()), ("description", description.is_some())]
                .iter()
                .filter(|f| f.1)
                .map(|f| f.0)
                .collect();
            let target = Target::Tag(tag.slug.clone());
            let tag = store::update_tag(conn, tag.id, name.as_deref(), description.as_deref())?
                .ok_or(ServiceError::NotFound("tag"))?;
            Ok(Written::new(with_counts(conn, vec![tag], now)?.remove(0), Action::TagUpdate, target).fields(&fields))
        })
        .await
    }
}

fn with_counts(
    conn: &mut store::DbConnection,
    tags: Vec<Tag>,
    now: colophon_domain::Timestamp,
) -> ServiceResult<Vec<TagView>> {
    let ids: Vec<_> = tags.iter().map(|t| t.id).collect();
    let counts = store::visible_post_counts(conn, &ids, now)?;
    Ok(tags.into_iter().map(|tag| TagView { post_count: counts.get(&tag.id).copied().unwrap_or(0), tag }).collect())
}
