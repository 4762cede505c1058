//! Resources named in a path: by id, or by slug.

use colophon_domain::{AuthorId, PostId, Slug};
use colophon_store::{self as store, DbConnection};

use crate::{ServiceError, ServiceResult};

/// An id, or a slug. A segment of digits only is an id (so a slug made only of digits is reached
/// by its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A numeric id.
    Id(i64),
    /// A slug, not yet checked: one that cannot exist finds nothing.
    Slug(String),
}

impl Key {
    /// Reads a path segment: a whole number written as it prints (no `+`, no leading zeros, so
    /// that one item has one address) is an id, anything else a slug.
    pub fn parse(segment: &str) -> Self {
        match segment.parse::<i64>() {
            Ok(id) if id.to_string() == segment => Key::Id(id),
            _ => Key::Slug(segment.to_string()),
        }
    }
}

/// A slug as a client named it (a path segment, an argument), not yet checked: a value no slug
/// can be finds nothing (404), as a slug nothing has does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugKey(String);

impl SlugKey {
    /// The slug named by `value`, as given.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The slug, or 404 `what` when no slug can be spelt this way.
    pub(crate) fn found(&self, what: &'static str) -> ServiceResult<Slug> {
        Slug::parse(self.0.as_str()).map_err(|_| ServiceError::NotFound(what))
    }

    /// The value as given.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for SlugKey {
    fn from(value: String) -> Self {
        Self(value)
    }
}

pub(crate) fn post_id(conn: &mut DbConnection, key: &Key) -> ServiceResult<PostId> {
    match key {
        Key::Id(id) => Ok(PostId(*id)),
        Key::Slug(slug) => {
            let slug = Slug::parse(slug.as_str()).map_err(|_| ServiceError::NotFound("post"))?;
            Ok(store::find_post_by_slug(conn, &slug)?.ok_or(ServiceError::NotFound("post"))?.id)
        }
    }
}

pub(crate) fn page_id(conn: &mut DbConnection, key: &Key) -> ServiceResult<colophon_domain::PageId> {
    match key {
        Key::Id(id) => Ok(colophon_domain::PageId(*id)),
        Key::Slug(slug) => {
            let slug = Slug::parse(slug.as_str()).map_err(|_| ServiceError::NotFound("page"))?;
            Ok(store::find_page_by_slug(conn, &slug)?.ok_or(ServiceError::NotFound("page"))?.id)
        }
    }
}

pub(crate) fn author_id(conn: &mut DbConnection, key: &Key) -> ServiceResult<AuthorId> {
    match key {
        Key::Id(id) => Ok(AuthorId(*id)),
        Key::Slug(slug) => {
            let slug = Slug::parse(slug.as_str()).map_err(|_| ServiceError::NotFound("author"))?;
            Ok(store::find_author_by_slug(conn, &slug)?.ok_or(ServiceError::NotFound("author"))?.id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_ids_and_the_rest_slugs() {
        assert_eq!(Key::parse("42"), Key::Id(42));
        assert_eq!(Key::parse("-1"), Key::Id(-1));
        assert_eq!(Key::parse("+1"), Key::Slug("+1".into()));
        assert_eq!(Key::parse("the-rug"), Key::Slug("the-rug".into()));
        assert_eq!(Key::parse("007"), Key::Slug("007".into()), "one address per item");
    }
}
