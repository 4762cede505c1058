//! Numbers that name something other than a row: a version of an item, a revision of a post.

/// A version of a post or page, as `If-Match` names it: 1 when made, bumped by every edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub i64);

/// A revision's number within its post: 1 for the oldest, counting up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevisionNumber(pub i64);

/// A lifetime asked for, in whole hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hours(pub i64);
