use std::collections::HashMap;

use colophon_domain::{
    Actor, AuthorId, FieldEntity, Page, PageLimit, Post, PostCondition, PostId, PostOrder, PostStatus, Role, Slug,
    Timestamp,
};
use colophon_store::{self as store, DbConnection, EditKey, PostFilter, PostKey, StaffFilter};

use super::sorted::SortedQuery;
use crate::cache_keys::CacheKey;
use crate::cursor::{micros_to_timestamp, timestamp_to_micros};
use crate::{Caller, Colophon, CursorPage, PostSummary, ServiceError, ServiceResult};

pub(super) const LIST: &str = "posts";
const STAFF_LIST: &str = "staff-posts";

/// The public list of posts: filters and paging as the caller gave them, not yet parsed.
#[derive(Debug, Clone, Default)]
pub struct PostListQuery {
    /// An author's slug.
    pub author: Option<String>,
    /// A tag's slug.
    pub tag: Option<String>,
    /// Posts per page, 1 to 100 (20 when absent).
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before; absent or empty for the first page.
    pub cursor: Option<String>,
    /// Staff only: posts of this status (`draft`, `scheduled`, `published`), most recently
    /// edited first. Contributors and authors see their own drafts and scheduled posts only.
    pub status: Option<PostStatus>,
    /// Public list only: a condition on public fields (REST `filter=`, GraphQL `where:`).
    pub filter: Option<PostCondition>,
    /// Public list only: the order (newest first when absent).
    pub order: Option<PostOrder>,
}

/// A parsed query.
#[derive(Clone)]
struct ParsedQuery {
    filter: PostFilter,
    limit: PageLimit,
    after: Option<PostKey>,
}

impl Colophon {
    /// Published posts, newest first (one query). GraphQL resolves authors and tags through
    /// its DataLoaders.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_posts(&self, query: PostListQuery) -> ServiceResult<CursorPage<Post>> {
        if let Some(sorted) = self.sorted_query(&query)? {
            return self.sorted_posts(sorted, |_, posts, _| Ok(posts)).await;
        }
        let parsed = self.parse_post_query(query)?;
        let codec = self.cursors().clone();
        let filter = parsed.filter.clone();
        let (page, author) = self
            .db(move |conn, now| {
                let page = published_page(conn, &parsed, now)?;
                let author = filtered_author(conn, &parsed.filter, page.items.first().map(|p| p.author_id))?;
                Ok((CursorPage { next_cursor: page.next.map(|k| encode(&codec, k)), items: page.items }, author))
            })
            .await?;
        self.saw(&page);
        self.saw_membership(&filter, author);
        Ok(page)
    }

    /// Which posts a list holds changes with publications; a filtered list names its author or
    /// tag (a filter by an author slug nobody has yet names the author list, which changes when
    /// someone takes the slug).
    pub(super) fn saw_membership(&self, filter: &PostFilter, author: Option<AuthorId>) {
        match (&filter.author, author) {
            (None, _) => {}
            (Some(_), Some(author)) => self.saw_key(CacheKey::AuthorPosts(author)),
            (Some(_), None) => self.saw_key(CacheKey::Authors),
        }
        if let Some(tag) = &filter.tag {
            self.saw_key(CacheKey::TagPosts(tag.as_str().to_string()));
        }
        if filter.author.is_none() && filter.tag.is_none() {
            self.saw_key(CacheKey::Posts);
        }
    }

    /// Published posts, newest first, each with its author and tags: three queries for any
    /// page size. With `status`, the staff list of that status.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_post_summaries(
        &self,
        caller: Caller,
        query: PostListQuery,
    ) -> ServiceResult<CursorPage<PostSummary>> {
        // Refused with a status before the caller is asked for: the 400 says why.
        let sorted = self.sorted_query(&query)?;
        let staff = caller.is_staff();
        if let Some(status) = query.status {
            return self.list_for_staff(caller.actor()?, status, query).await;
        }
        if let Some(sorted) = sorted {
            let urls = self.site_urls().clone();
            return self.sorted_posts(sorted, move |conn, posts, now| summarize(conn, posts, now, &urls, staff)).await;
        }
        let parsed = self.parse_post_query(query)?;
        let codec = self.cursors().clone();
        let filter = parsed.filter.clone();
        let urls = self.site_urls().clone();
        let (page, author) = self
            .db(move |conn, now| {
                let page = published_page(conn, &parsed, now)?;
                let author = filtered_author(conn, &parsed.filter, page.items.first().map(|p| p.author_id))?;
                let next_cursor = page.next.map(|k| encode(&codec, k));
                Ok((CursorPage { items: summarize(conn, page.items, now, &urls, staff)?, next_cursor }, author))
            })
            .await?;
        self.saw(&page);
        self.saw_membership(&filter, author);
        Ok(page)
    }

    /// The cursor that continues a post list after `post` (a Relay edge's cursor): the public
    /// list's (newest published first), or with `staff`, the staff list's (most recently edited
    /// first), which every post has, drafts included.
    pub fn post_cursor(&self, post: &Post, staff: bool, order: Option<&PostOrder>) -> String {
        if let Some(order) = order.filter(|o| !o.is_default()) {
            return super::sorted::cursor_after(self.cursors(), order, post);
        }
        if staff {
            return self.cursors().encode(STAFF_LIST, &[timestamp_to_micros(post.updated_at), post.id.0]);
        }
        match PostKey::of(post) {
            Some(key) => encode(self.cursors(), key),
            // Only published posts are in the public list, and every one has a date.
            None => self.cursors().encode(STAFF_LIST, &[timestamp_to_micros(post.updated_at), post.id.0]),
        }
    }

    fn parse_post_query(&self, query: PostListQuery) -> ServiceResult<ParsedQuery> {
        let limit = PageLimit::parse(query.limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let after = match query.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => {
                let [micros, id] = self.cursors().decode::<2>(LIST, cursor)?;
                Some(PostKey { published_at: micros_to_timestamp(micros)?, id: PostId(id) })
            }
        };
        let filter = PostFilter { author: slug_param("author", &query.author)?, tag: slug_param("tag", &query.tag)? };
        Ok(ParsedQuery { filter, limit, after })
    }

    /// The query as a filtered or sorted one, when it has a filter or an order other than
    /// newest first (the plain list keeps statements of fixed shapes).
    fn sorted_query(&self, query: &PostListQuery) -> ServiceResult<Option<SortedQuery>> {
        if query.status.is_some() && (query.filter.is_some() || query.order.is_some()) {
            return Err(ServiceError::bad_request(
                "filter",
                "filters and sorts apply to the public list, not with status",
            ));
        }
        if query.filter.is_none() && query.order.as_ref().is_none_or(PostOrder::is_default) {
            return Ok(None);
        }
        self.listing(query).map(Some)
    }

    /// The public list's query, parsed, whatever its filter and order.
    pub(super) fn listing(&self, query: &PostListQuery) -> ServiceResult<SortedQuery> {
        let limit = PageLimit::parse(query.limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let mut sorted = SortedQuery::new(
            slug_param("author", &query.author)?,
            slug_param("tag", &query.tag)?,
            query.filter.clone(),
            query.order.clone().unwrap_or_default(),
            limit,
        );
        if let Some(cursor) = query.cursor.as_deref().filter(|c| !c.is_empty()) {
            sorted.after = Some(super::sorted::decode(self.cursors(), &sorted.order, cursor)?);
        }
        Ok(sorted)
    }

    /// A page of a filtered or sorted list, its posts made into `T` on the same connection.
    async fn sorted_posts<T>(
        &self,
        sorted: SortedQuery,
        shape: impl Fn(&mut DbConnection, Vec<Post>, Timestamp) -> ServiceResult<Vec<T>> + Clone + Send + 'static,
    ) -> ServiceResult<CursorPage<T>>
    where
        T: crate::cache_keys::Shows + Send + 'static,
    {
        let codec = self.cursors().clone();
        let reads = sorted.reads();
        let page = self
            .db(move |conn, now| {
                let page = sorted.page(conn, now)?;
                let next_cursor = page.next.map(|position| super::sorted::encode(&codec, &sorted.order, &position));
                Ok(CursorPage { items: shape(conn, page.items, now)?, next_cursor })
            })
            .await?;
        self.saw(&page);
        for key in reads {
            self.saw_key(key);
        }
        Ok(page)
    }
}

impl Colophon {
    async fn list_for_staff(
        &self,
        actor: Actor,
        status: PostStatus,
        query: PostListQuery,
    ) -> ServiceResult<CursorPage<PostSummary>> {
        let limit = PageLimit::parse(query.limit).map_err(|m| ServiceError::bad_request("limit", m))?;
        let after = match query.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => {
                let [micros, id] = self.cursors().decode::<2>(STAFF_LIST, cursor)?;
                Some(EditKey { updated_at: micros_to_timestamp(micros)?, id: PostId(id) })
            }
        };
        let author = slug_param("author", &query.author)?;
        let codec = self.cursors().clone();
        let urls = self.site_urls().clone();
        self.db(move |conn, now| {
            let own_only = status != PostStatus::Published && actor.role < Role::Editor;
            let author_id = match (&author, own_only) {
                (_, true) => Some(actor.id),
                (Some(slug), false) => match store::find_author_by_slug(conn, slug)? {
                    Some(author) => Some(author.id),
                    None => return Ok(CursorPage { items: Vec::new(), next_cursor: None }),
                },
                (None, false) => None,
            };
            let rows = store::list_for_staff(conn, &StaffFilter { status, author_id }, after, limit.probe(), now)?;
            let page = Page::from_probe(rows, limit, |p| EditKey { updated_at: p.updated_at, id: p.id });
            let next_cursor = page.next.map(|k| codec.encode(STAFF_LIST, &[timestamp_to_micros(k.updated_at), k.id.0]));
            Ok(CursorPage { items: summarize(conn, page.items, now, &urls, true)?, next_cursor })
        })
        .await
    }
}

/// An `author` or `tag` parameter: absent or empty filters nothing; a slug that cannot exist is
/// a malformed filter (400), one that does not exist an empty page.
pub(super) fn slug_param(name: &str, value: &Option<String>) -> ServiceResult<Option<Slug>> {
    value
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(Slug::parse)
        .transpose()
        .map_err(|m| ServiceError::bad_request(name, m))
}

/// The author an author-filtered list is about: read off its first post, or looked up when it
/// has none.
pub(super) fn filtered_author(
    conn: &mut DbConnection,
    filter: &PostFilter,
    first: Option<AuthorId>,
) -> ServiceResult<Option<AuthorId>> {
    match (&filter.author, first) {
        (None, _) => Ok(None),
        (Some(_), Some(id)) => Ok(Some(id)),
        (Some(slug), None) => Ok(store::find_author_by_slug(conn, slug)?.map(|a| a.id)),
    }
}

fn encode(codec: &crate::CursorCodec, key: PostKey) -> String {
    codec.encode(LIST, &[timestamp_to_micros(key.published_at), key.id.0])
}

fn published_page(conn: &mut DbConnection, query: &ParsedQuery, now: Timestamp) -> ServiceResult<Page<Post, PostKey>> {
    let rows = store::list_published(conn, &query.filter, query.after, query.limit.probe(), now)?;
    let page = Page::from_probe(rows, query.limit, PostKey::of);
    Ok(Page { items: page.items, next: page.next.flatten() })
}

/// Adds authors and tags to posts: two queries whatever the number of posts (a third for the
/// field definitions when a post has custom field values; `staff` see those not public).
pub(crate) fn summarize(
    conn: &mut DbConnection,
    posts: Vec<Post>,
    now: Timestamp,
    urls: &crate::SiteUrls,
    staff: bool,
) -> ServiceResult<Vec<PostSummary>> {
    let mut author_ids: Vec<_> = posts.iter().map(|p| p.author_id).collect();
    author_ids.sort_unstable();
    author_ids.dedup();
    let authors: HashMap<_, _> = store::authors_by_ids(conn, &author_ids)?.into_iter().map(|a| (a.id, a)).collect();
    let post_ids: Vec<_> = posts.iter().map(|p| p.id).collect();
    let mut tags = store::tags_for_posts(conn, &post_ids)?;
    let values: Vec<_> = posts.iter().map(|p| &p.custom_fields).collect();
    let shown = crate::fields::shown_values(conn, FieldEntity::Posts, &values, staff)?;
    posts
        .into_iter()
        .zip(shown)
        .map(|(post, custom_fields)| {
            let author = authors
                .get(&post.author_id)
                .cloned()
                .ok_or_else(|| ServiceError::internal(format!("post {} has no author", post.id)))?;
            Ok(PostSummary {
                status: post.status_at(now),
                tags: tags.remove(&post.id).unwrap_or_default(),
                author,
                url: urls.post(&post),
                post,
                custom_fields,
            })
        })
        .collect()
}

impl Colophon {
    /// The tags of each post, in order, in one query (GraphQL's batched loader).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tags_of_posts(&self, posts: Vec<PostId>) -> ServiceResult<HashMap<PostId, Vec<colophon_domain::Tag>>> {
        let ids = posts.clone();
        let tags = self.db(move |conn, _| Ok(store::tags_for_posts(conn, &posts)?)).await?;
        for id in ids {
            self.saw_key(CacheKey::Post(id));
        }
        for post_tags in tags.values() {
            self.saw(post_tags);
        }
        Ok(tags)
    }
}
