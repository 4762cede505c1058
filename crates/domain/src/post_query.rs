//! What a reader may ask of the public post list besides a page: a condition on public fields
//! (REST `filter=` in Ghost's NQL, GraphQL `where:`) and an order (REST `sort=`, GraphQL
//! `orderBy:`). Both are parsed here, bounded, and only ever name public fields: an e-mail, an
//! address or a status is not a field a condition can name.

use std::fmt;

use crate::{Post, Slug, Timestamp};

/// The longest filter text read; anything longer is refused before it is parsed.
pub const FILTER_MAX_LEN: usize = 1000;
/// How deeply groups and negations may nest.
pub const FILTER_MAX_DEPTH: usize = 4;
/// How many comparisons one filter may hold.
pub const FILTER_MAX_CONDITIONS: usize = 16;
/// How many values one `[a,b,…]` list may hold.
pub const FILTER_MAX_VALUES: usize = 50;
/// How many keys an order may have (the post's id always breaks the last tie).
pub const SORT_MAX_KEYS: usize = 3;

/// A public field of a post that a condition may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostField {
    /// One of the post's tags, by slug.
    Tag,
    /// The post's author, by slug.
    Author,
    /// The post's own slug.
    Slug,
    /// The title, compared whole.
    Title,
    /// When the post went public.
    PublishedAt,
    /// When the post was last edited.
    UpdatedAt,
    /// Its approved comments.
    CommentCount,
}

/// What a field's values are, which decides the comparisons it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    Slug,
    Text,
    Time,
    Count,
}

impl PostField {
    /// Every filterable field, in the order error messages list them.
    pub const ALL: [PostField; 7] =
        [Self::Tag, Self::Author, Self::Slug, Self::Title, Self::PublishedAt, Self::UpdatedAt, Self::CommentCount];

    /// The field's name in filters and sorts.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Author => "author",
            Self::Slug => "slug",
            Self::Title => "title",
            Self::PublishedAt => "published_at",
            Self::UpdatedAt => "updated_at",
            Self::CommentCount => "comment_count",
        }
    }

    fn kind(self) -> FieldKind {
        match self {
            Self::Tag | Self::Author | Self::Slug => FieldKind::Slug,
            Self::Title => FieldKind::Text,
            Self::PublishedAt | Self::UpdatedAt => FieldKind::Time,
            Self::CommentCount => FieldKind::Count,
        }
    }

    /// The field of that name, or a message listing the fields there are.
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|f| f.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|f| f.name()).collect();
            format!("`{}` is not a field a filter can name (one of {})", shorten(name), names.join(", "))
        })
    }

    /// Parses a value written for this field: a slug, a title, a date (`2024-01-31`, with a time
    /// `2024-01-31 12:00:00` or RFC 3339, read as UTC) or a whole number.
    pub fn value(self, raw: &str) -> Result<FilterValue, String> {
        let name = self.name();
        match self.kind() {
            FieldKind::Slug => {
                Slug::parse(raw).map(FilterValue::Slug).map_err(|m| format!("{name}: `{}` {m}", shorten(raw)))
            }
            FieldKind::Text if raw.chars().count() > 300 => Err(format!("{name}: a title has at most 300 characters")),
            // No title holds one, and PostgreSQL refuses a NUL in any text.
            FieldKind::Text if raw.chars().any(char::is_control) => {
                Err(format!("{name}: a title has no control characters"))
            }
            FieldKind::Text => Ok(FilterValue::Text(raw.to_string())),
            FieldKind::Time => match parse_time(raw) {
                Some(moment) => FilterValue::time(moment).map_err(|m| format!("{name}: {m}")),
                None => Err(format!(
                    "{name}: `{}` is not a date (2024-01-31, 2024-01-31 12:00:00 or RFC 3339)",
                    shorten(raw)
                )),
            },
            FieldKind::Count => raw
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(FilterValue::Count)
                .ok_or_else(|| format!("{name}: `{}` is not a whole number", shorten(raw))),
        }
    }

    /// Whether `<`, `<=`, `>` and `>=` make sense for this field.
    pub fn is_ordered(self) -> bool {
        matches!(self.kind(), FieldKind::Time | FieldKind::Count)
    }
}

impl fmt::Display for PostField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value a condition compares with, of its field's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    /// A tag's, an author's or a post's slug.
    Slug(Slug),
    /// A title.
    Text(String),
    /// A moment, UTC.
    Time(Timestamp),
    /// A count.
    Count(i64),
}

/// How a field is compared with one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Equal (for tags: the post has that tag).
    Eq,
    /// Not equal (for tags: the post does not have that tag).
    Ne,
    /// Less than.
    Lt,
    /// At most.
    Le,
    /// More than.
    Gt,
    /// At least.
    Ge,
}

/// A condition on posts: comparisons joined by and, or and not.
#[derive(Debug, Clone, PartialEq)]
pub enum PostCondition {
    /// `field op value`.
    Compare {
        /// The field compared.
        field: PostField,
        /// How.
        op: Comparison,
        /// With what.
        value: FilterValue,
    },
    /// The field is one of the values (for tags: the post has one of the tags).
    In {
        /// The field compared.
        field: PostField,
        /// At least one value.
        values: Vec<FilterValue>,
    },
    /// Every condition holds.
    All(Vec<PostCondition>),
    /// At least one holds.
    Any(Vec<PostCondition>),
    /// The condition does not hold.
    Not(Box<PostCondition>),
}

impl FilterValue {
    /// A moment, refused outside years 1 to 9999 (what both databases order alike).
    pub fn time(moment: Timestamp) -> Result<Self, String> {
        use chrono::Datelike;
        if (1..=9999).contains(&moment.year()) {
            Ok(Self::Time(crate::truncate_to_micros(moment)))
        } else {
            Err(format!("{moment} is outside years 1 to 9999"))
        }
    }
}

impl PostCondition {
    /// A comparison, refused when the field does not take it (`tag:>x`).
    pub fn compare(field: PostField, op: Comparison, value: FilterValue) -> Result<Self, String> {
        if !matches!(op, Comparison::Eq | Comparison::Ne) && !field.is_ordered() {
            return Err(format!("{field}: only equality and lists compare with this field"));
        }
        Ok(Self::Compare { field, op, value })
    }

    /// A list of values, refused when it is empty or too long.
    pub fn one_of(field: PostField, values: Vec<FilterValue>) -> Result<Self, String> {
        if values.is_empty() {
            return Err(format!("{field}: a list needs at least one value"));
        }
        if values.len() > FILTER_MAX_VALUES {
            return Err(format!("{field}: a list holds at most {FILTER_MAX_VALUES} values"));
        }
        Ok(Self::In { field, values })
    }

    /// Checks the bounds every condition keeps, however it was written (NQL or GraphQL).
    pub fn check_bounds(&self) -> Result<(), String> {
        let (depth, comparisons) = self.measure(false);
        if depth > FILTER_MAX_DEPTH {
            return Err(format!("nests {depth} deep; at most {FILTER_MAX_DEPTH} levels of groups and negations"));
        }
        if comparisons > FILTER_MAX_CONDITIONS {
            return Err(format!("holds {comparisons} comparisons; at most {FILTER_MAX_CONDITIONS}"));
        }
        Ok(())
    }

    /// Nesting and comparisons, counted as NQL's parentheses and negations count: a negation is a
    /// level, and so is a group inside another (the outermost and/or is none).
    fn measure(&self, nested: bool) -> (usize, usize) {
        match self {
            Self::Compare { .. } | Self::In { .. } => (0, 1),
            Self::Not(inner) => {
                let (depth, count) = inner.measure(true);
                (depth + 1, count)
            }
            Self::All(parts) | Self::Any(parts) => {
                let (depth, count) =
                    parts.iter().map(|p| p.measure(true)).fold((0, 0), |(d, c), (pd, pc)| (d.max(pd), c + pc));
                (depth + usize::from(nested), count)
            }
        }
    }

    /// Every field the condition names.
    pub fn fields(&self) -> Vec<PostField> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields(&self, out: &mut Vec<PostField>) {
        match self {
            Self::Compare { field, .. } | Self::In { field, .. } => {
                if !out.contains(field) {
                    out.push(*field);
                }
            }
            Self::Not(inner) => inner.collect_fields(out),
            Self::All(parts) | Self::Any(parts) => parts.iter().for_each(|p| p.collect_fields(out)),
        }
    }
}

/// A field posts can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortField {
    /// When the post went public.
    PublishedAt,
    /// When it was last edited.
    UpdatedAt,
    /// Its title.
    Title,
    /// Its approved comments.
    CommentCount,
}

impl SortField {
    /// Every sort field.
    pub const ALL: [SortField; 4] = [Self::PublishedAt, Self::UpdatedAt, Self::Title, Self::CommentCount];

    /// The field's name in sorts.
    pub fn name(self) -> &'static str {
        match self {
            Self::PublishedAt => "published_at",
            Self::UpdatedAt => "updated_at",
            Self::Title => "title",
            Self::CommentCount => "comment_count",
        }
    }

    /// The field of that name, or a message listing the fields there are.
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|f| f.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|f| f.name()).collect();
            format!("`{}` is not a field posts can be sorted by (one of {})", shorten(name), names.join(", "))
        })
    }

    /// The post's value of this field, as a cursor carries it.
    pub fn value_of(self, post: &Post) -> SortValue {
        self.value_in(&SortColumns::of(post))
    }

    /// The value of this field among a post's sort columns, as a cursor carries it.
    pub fn value_in(self, columns: &SortColumns<'_>) -> SortValue {
        match self {
            // A listed post is published, so it has a date; the creation time never shows.
            Self::PublishedAt => SortValue::Time(columns.published_at.unwrap_or(columns.created_at)),
            Self::UpdatedAt => SortValue::Time(columns.updated_at),
            Self::Title => SortValue::Text(columns.title.to_string()),
            Self::CommentCount => SortValue::Count(columns.comment_count),
        }
    }
}

/// One key of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// The field.
    pub field: SortField,
    /// Largest first.
    pub descending: bool,
}

/// A position in a sorted list: the sort keys' values of the last post seen, and its id.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    /// A moment.
    Time(Timestamp),
    /// A text.
    Text(String),
    /// A count.
    Count(i64),
}

/// The order of a post list: one to three keys; the id breaks the last tie (in the last key's
/// direction) so that every post has one place and keyset pages never skip or repeat.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PostOrder {
    keys: Vec<SortKey>,
}

impl Default for PostOrder {
    /// Newest first.
    fn default() -> Self {
        Self { keys: vec![SortKey { field: SortField::PublishedAt, descending: true }] }
    }
}

impl PostOrder {
    /// An order from its keys: at least one, at most [`SORT_MAX_KEYS`], none twice.
    pub fn new(keys: Vec<SortKey>) -> Result<Self, String> {
        if keys.is_empty() {
            return Err("needs at least one field".into());
        }
        if keys.len() > SORT_MAX_KEYS {
            return Err(format!("takes at most {SORT_MAX_KEYS} fields"));
        }
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].iter().any(|k| k.field == key.field) {
                return Err(format!("names `{}` twice", key.field.name()));
            }
        }
        Ok(Self { keys })
    }

    /// Parses `-published_at,title`: fields separated by commas, `-` for largest first
    /// (Ghost's `published_at desc` is read too).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.len() > 200 {
            return Err("is longer than 200 characters".into());
        }
        let keys = text
            .split(',')
            .map(|part| {
                let part = part.trim();
                let (name, descending) = match part.split_once(char::is_whitespace) {
                    Some((name, direction)) if direction.trim().eq_ignore_ascii_case("desc") => (name, true),
                    Some((name, direction)) if direction.trim().eq_ignore_ascii_case("asc") => (name, false),
                    Some(_) => return Err(format!("`{}`: a direction is asc or desc", shorten(part))),
                    None => match part.strip_prefix('-') {
                        Some(name) => (name, true),
                        None => (part, false),
                    },
                };
                Ok(SortKey { field: SortField::parse(name.trim())?, descending })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Self::new(keys)
    }

    /// Whether the id breaks the last tie largest first: it follows the last key's direction,
    /// so that one index on the keys and the id serves the order.
    pub fn ties_descending(&self) -> bool {
        self.keys.last().is_some_and(|k| k.descending)
    }

    /// The keys, first to last.
    pub fn keys(&self) -> &[SortKey] {
        &self.keys
    }

    /// Whether this is the default order (newest first).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// How the order is written (`-published_at,title`): the name a cursor is signed for.
    pub fn text(&self) -> String {
        let keys: Vec<String> =
            self.keys.iter().map(|k| format!("{}{}", if k.descending { "-" } else { "" }, k.field.name())).collect();
        keys.join(",")
    }

    /// Where `post` stands in this order.
    pub fn position_of(&self, post: &Post) -> Vec<SortValue> {
        self.position_in(&SortColumns::of(post))
    }

    /// Where the post of these sort columns stands in this order.
    pub fn position_in(&self, columns: &SortColumns<'_>) -> Vec<SortValue> {
        self.keys.iter().map(|k| k.field.value_in(columns)).collect()
    }
}

/// The columns of a post that orders sort by, for reads that do not load the whole post.
#[derive(Debug, Clone, Copy)]
pub struct SortColumns<'a> {
    /// When it was published.
    pub published_at: Option<Timestamp>,
    /// When it was created (in place of a missing publication date).
    pub created_at: Timestamp,
    /// When it was last edited.
    pub updated_at: Timestamp,
    /// Its title.
    pub title: &'a str,
    /// Its approved comments.
    pub comment_count: i64,
}

impl<'a> SortColumns<'a> {
    /// The post's.
    pub fn of(post: &'a Post) -> Self {
        Self {
            published_at: post.published_at,
            created_at: post.created_at,
            updated_at: post.updated_at,
            title: &post.title,
            comment_count: post.comment_count,
        }
    }
}

/// Reads a date (midnight UTC), a date and time (UTC) or an RFC 3339 moment.
fn parse_time(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    if let Ok(moment) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(crate::truncate_to_micros(moment.naive_utc()));
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(moment) = chrono::NaiveDateTime::parse_from_str(raw, format) {
            return Some(crate::truncate_to_micros(moment));
        }
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// A client's text, cut short for a message.
fn shorten(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() <= SHOWN {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    }
}
