//! The public post list under a filter or an order other than newest first: one statement for
//! the posts, keyset cursors that carry the sort keys (pages never skip or repeat while posts
//! are written), and cache keys for everything a filter or sort can depend on.

use colophon_domain::{
    Comparison, FilterValue, Page, PageLimit, Post, PostCondition, PostField, PostId, PostOrder, SortField, SortValue,
};
use colophon_store::{self as store, SortedPosition};

use crate::cache_keys::CacheKey;
use crate::cursor::{micros_to_timestamp, timestamp_to_micros};
use crate::{CursorCodec, ServiceError, ServiceResult};

/// A cursor of a sorted list holds a title at most (300 characters, up to 1,200 bytes) besides
/// numbers; anything longer is refused before it is decoded.
const MAX_SORTED_CURSOR_LEN: usize = 2048;

/// Reads a REST `filter=` (Ghost's NQL); an empty one filters nothing.
pub fn post_filter(text: Option<&str>) -> ServiceResult<Option<PostCondition>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => colophon_domain::parse_filter(text).map(Some).map_err(|m| ServiceError::bad_request("filter", m)),
    }
}

/// Reads a REST `sort=` (`-published_at,title`); an empty one is newest first.
pub fn post_order(text: Option<&str>) -> ServiceResult<Option<PostOrder>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => PostOrder::parse(text).map(Some).map_err(|m| ServiceError::bad_request("sort", m)),
    }
}

/// A filtered or sorted list, parsed.
#[derive(Clone)]
pub(crate) struct SortedQuery {
    pub condition: Option<PostCondition>,
    pub order: PostOrder,
    pub after: Option<SortedPosition>,
    pub limit: PageLimit,
}

impl SortedQuery {
    /// The condition of a list: the `author` and `tag` parameters and the filter, all holding.
    pub fn new(
        author: Option<colophon_domain::Slug>,
        tag: Option<colophon_domain::Slug>,
        filter: Option<PostCondition>,
        order: PostOrder,
        limit: PageLimit,
    ) -> Self {
        let equals = |field, slug| PostCondition::Compare { field, op: Comparison::Eq, value: FilterValue::Slug(slug) };
        let mut parts: Vec<PostCondition> = author.map(|a| equals(PostField::Author, a)).into_iter().collect();
        parts.extend(tag.map(|t| equals(PostField::Tag, t)));
        parts.extend(filter);
        let condition = match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(PostCondition::All(parts)),
        };
        Self { condition, order, after: None, limit }
    }

    /// One page of it, in one statement.
    pub fn page(
        &self,
        conn: &mut store::DbConnection,
        now: colophon_domain::Timestamp,
    ) -> ServiceResult<Page<Post, SortedPosition>> {
        let rows = store::list_matching(
            conn,
            self.condition.as_ref(),
            &self.order,
            self.after.as_ref(),
            self.limit.probe(),
            now,
        )?;
        let order = self.order.clone();
        Ok(Page::from_probe(rows, self.limit, move |post| SortedPosition {
            values: order.position_of(post),
            id: post.id,
        }))
    }

    /// One page of it as JSON written by the database, in one statement (its probe row too).
    pub fn json_page(
        &self,
        conn: &mut store::DbConnection,
        now: colophon_domain::Timestamp,
        shape: &store::ListShape,
    ) -> ServiceResult<Page<store::JsonPost, SortedPosition>> {
        let rows = store::list_matching_json(
            conn,
            self.condition.as_ref(),
            &self.order,
            self.after.as_ref(),
            self.limit.probe(),
            now,
            shape,
        )?;
        Ok(Page::from_probe(rows, self.limit, |row| row.position.clone()))
    }

    /// Everything the list's answer depends on beyond the posts it shows: which posts are
    /// visible and their fields (any change to a visible post), their comment counts when those
    /// are filtered or sorted on, the tags and authors named by slug.
    pub fn reads(&self) -> Vec<CacheKey> {
        let mut keys = vec![CacheKey::Posts, CacheKey::Published];
        let counted = self.order.keys().iter().any(|k| k.field == SortField::CommentCount)
            || self.condition.as_ref().is_some_and(|c| c.fields().contains(&PostField::CommentCount));
        if counted {
            keys.push(CacheKey::CommentCounts);
        }
        if let Some(condition) = &self.condition {
            named_slugs(condition, &mut keys);
        }
        keys
    }
}

fn named_slugs(condition: &PostCondition, keys: &mut Vec<CacheKey>) {
    let mut name = |field: PostField, value: &FilterValue| match (field, value) {
        (PostField::Tag, FilterValue::Slug(slug)) => {
            keys.push(CacheKey::Tag(slug.as_str().to_string()));
            keys.push(CacheKey::TagPosts(slug.as_str().to_string()));
        }
        // Which author a slug names changes with the author list.
        (PostField::Author, _) => keys.push(CacheKey::Authors),
        _ => {}
    };
    match condition {
        PostCondition::Compare { field, value, .. } => name(*field, value),
        PostCondition::In { field, values } => values.iter().for_each(|v| name(*field, v)),
        PostCondition::Not(inner) => named_slugs(inner, keys),
        PostCondition::All(parts) | PostCondition::Any(parts) => parts.iter().for_each(|p| named_slugs(p, keys)),
    }
}

/// The name a sorted list's cursors are signed for: a cursor of one order is refused by another.
fn list_name(order: &PostOrder) -> String {
    format!("posts:{}", order.text())
}

/// A cursor holding a position: per key a tag byte and the value, then the id.
pub(crate) fn encode(codec: &CursorCodec, order: &PostOrder, position: &SortedPosition) -> String {
    // Newest first keeps the plain list's cursors, so either list continues the other's.
    if let (true, [SortValue::Time(published_at)]) = (order.is_default(), position.values.as_slice()) {
        return codec.encode(super::list::LIST, &[timestamp_to_micros(*published_at), position.id.0]);
    }
    let mut bytes = Vec::new();
    for value in &position.values {
        match value {
            SortValue::Time(t) => {
                bytes.push(b't');
                bytes.extend_from_slice(&timestamp_to_micros(*t).to_le_bytes());
            }
            SortValue::Count(n) => {
                bytes.push(b'n');
                bytes.extend_from_slice(&n.to_le_bytes());
            }
            SortValue::Text(text) => {
                bytes.push(b's');
                let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
                bytes.extend_from_slice(&len.to_le_bytes());
                bytes.extend_from_slice(&text.as_bytes()[..usize::from(len)]);
            }
        }
    }
    bytes.extend_from_slice(&position.id.0.to_le_bytes());
    codec.encode_bytes(&list_name(order), bytes)
}

/// The position a cursor of `order` holds; anything else is a 400.
pub(crate) fn decode(codec: &CursorCodec, order: &PostOrder, cursor: &str) -> ServiceResult<SortedPosition> {
    if order.is_default() {
        let [micros, id] = codec.decode::<2>(super::list::LIST, cursor)?;
        return Ok(SortedPosition { values: vec![SortValue::Time(micros_to_timestamp(micros)?)], id: PostId(id) });
    }
    let bytes = codec.decode_bytes(&list_name(order), cursor, MAX_SORTED_CURSOR_LEN)?;
    let mut reader = Reader(&bytes);
    let mut values = Vec::with_capacity(order.keys().len());
    for _ in order.keys() {
        let value = match reader.take(1)?[0] {
            b't' => SortValue::Time(micros_to_timestamp(reader.int()?)?),
            b'n' => SortValue::Count(reader.int()?),
            b's' => {
                let len = u16::from_le_bytes(reader.take(2)?.try_into().map_err(|_| invalid())?);
                let text = std::str::from_utf8(reader.take(usize::from(len))?).map_err(|_| invalid())?;
                SortValue::Text(text.to_string())
            }
            _ => return Err(invalid()),
        };
        values.push(value);
    }
    let id = PostId(reader.int()?);
    if !reader.0.is_empty() {
        return Err(invalid());
    }
    Ok(SortedPosition { values, id })
}

fn invalid() -> ServiceError {
    ServiceError::bad_request("cursor", "is not a cursor this list issued")
}

/// Reads a cursor's bytes front to back.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> ServiceResult<&'a [u8]> {
        if self.0.len() < n {
            return Err(invalid());
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn int(&mut self) -> ServiceResult<i64> {
        Ok(i64::from_le_bytes(self.take(8)?.try_into().map_err(|_| invalid())?))
    }
}

/// The cursor that continues a sorted list after `post` (a Relay edge's cursor).
pub(crate) fn cursor_after(codec: &CursorCodec, order: &PostOrder, post: &Post) -> String {
    encode(codec, order, &SortedPosition { values: order.position_of(post), id: post.id })
}
