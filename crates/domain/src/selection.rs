//! What a client picked from an answer, by the API's own names: a GraphQL selection set, for
//! the read compiler to build as one statement. Only names a GraphQL document can spell get in,
//! so a key can be written into a statement's text as it is.

/// A response key or a field's name: `[_A-Za-z][_0-9A-Za-z]*`, at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldName(String);

impl FieldName {
    /// The longest name taken.
    pub const MAX_LEN: usize = 64;

    /// `None` for anything a GraphQL name cannot be.
    pub fn parse(name: &str) -> Option<Self> {
        let mut chars = name.chars();
        let first = chars.next()?;
        let fits = name.len() <= Self::MAX_LEN
            && (first == '_' || first.is_ascii_alphabetic())
            && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
        fits.then(|| Self(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One field picked: the key it answers under (its alias, else its name), the field, its
/// `first` argument when it has one, and what was picked inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    /// The key the answer shows it under.
    pub key: FieldName,
    /// The field.
    pub field: FieldName,
    /// Its `first` argument.
    pub first: Option<i64>,
    /// Its own selection (empty for a leaf).
    pub inside: Selection,
}

/// The fields picked from one object, in the order the answer shows them, each key once: picks
/// under one key (a field spelled again, or again in a fragment) are merged as GraphQL merges
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection(Vec<Picked>);

impl Selection {
    /// The largest selection the compiler takes, counting every nested field.
    pub const MAX_FIELDS: usize = 200;

    /// `None` when two picks under one key differ in field or arguments (which GraphQL's
    /// validation refuses anyway) or the whole tree holds more than [`Self::MAX_FIELDS`].
    pub fn new(picks: Vec<Picked>) -> Option<Self> {
        let mut merged: Vec<Picked> = Vec::with_capacity(picks.len());
        for pick in picks {
            match merged.iter_mut().find(|m| m.key == pick.key) {
                None => merged.push(pick),
                Some(same) if same.field == pick.field && same.first == pick.first => {
                    let mut inside = std::mem::take(&mut same.inside.0);
                    inside.extend(pick.inside.0);
                    same.inside = Self::new(inside)?;
                }
                Some(_) => return None,
            }
        }
        let selection = Self(merged);
        (selection.size() <= Self::MAX_FIELDS).then_some(selection)
    }

    /// The picks, in order.
    pub fn picks(&self) -> &[Picked] {
        &self.0
    }

    /// Nothing picked (a leaf).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every field of the tree.
    pub fn size(&self) -> usize {
        self.0.iter().map(|p| 1 + p.inside.size()).sum()
    }

    /// Whether `field` is picked at this level.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|p| p.field.as_str() == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(key: &str, field: &str) -> Picked {
        Picked {
            key: FieldName::parse(key).unwrap(),
            field: FieldName::parse(field).unwrap(),
            first: None,
            inside: Selection::default(),
        }
    }

    #[test]
    fn names_are_graphql_names_only() {
        for good in ["title", "_x", "a1", "bodyHtml", "__typename"] {
            assert!(FieldName::parse(good).is_some(), "{good}");
        }
        for bad in ["", "1a", "a-b", "a'b", "a b", "é", "a\"", &"x".repeat(65)] {
            assert!(FieldName::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn picks_under_one_key_merge_and_clashes_or_huge_trees_are_refused() {
        assert!(Selection::new(vec![pick("t", "title"), pick("t", "slug")]).is_none());
        let twice = Selection::new(vec![pick("title", "title"), pick("slug", "slug"), pick("title", "title")]).unwrap();
        assert_eq!(twice.picks().iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["title", "slug"]);
        let mut author = pick("author", "author");
        author.inside = Selection::new(vec![pick("name", "name")]).unwrap();
        let mut again = pick("author", "author");
        again.inside = Selection::new(vec![pick("bio", "bio"), pick("name", "name")]).unwrap();
        let merged = Selection::new(vec![author, again]).unwrap();
        let inside: Vec<&str> = merged.picks()[0].inside.picks().iter().map(|p| p.key.as_str()).collect();
        assert_eq!(inside, ["name", "bio"]);
        let mut first = pick("c", "comments");
        first.first = Some(5);
        assert!(Selection::new(vec![first, pick("c", "comments")]).is_none(), "other arguments clash");
        let many: Vec<Picked> = (0..=Selection::MAX_FIELDS).map(|n| pick(&format!("k{n}"), "title")).collect();
        assert!(Selection::new(many).is_none());
    }
}
