//! A change to one field of a partial update: leave it, clear it, or set it.

use serde::{Deserialize, Deserializer};

/// What a partial update does to one nullable field: absent (`Keep`), `null` (`Clear`), or a
/// value (`Set`). In JSON, a field of this type needs `#[serde(default)]`, so that an absent
/// field reads as `Keep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// The field stays as it is.
    #[default]
    Keep,
    /// The field is emptied (set to null).
    Clear,
    /// The field takes this value.
    Set(T),
}

impl<T> Patch<T> {
    /// The field becomes `value`: set to it, or cleared when there is none.
    pub fn replacing(value: Option<T>) -> Self {
        value.map_or(Patch::Clear, Patch::Set)
    }

    /// Whether the field is left as it is.
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// Whether the field changes (is cleared or set).
    pub fn changes(&self) -> bool {
        !self.is_keep()
    }

    /// The new value when one is set.
    pub fn set(self) -> Option<T> {
        match self {
            Patch::Set(value) => Some(value),
            _ => None,
        }
    }

    /// The field's value after the change, from its value before.
    pub fn apply(self, before: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => before,
            Patch::Clear => None,
            Patch::Set(value) => Some(value),
        }
    }

    /// `None` to keep, `Some(None)` to clear, `Some(Some(v))` to set: what a SQL changeset
    /// of a nullable column takes.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Keep => None,
            Patch::Clear => Some(None),
            Patch::Set(value) => Some(Some(value)),
        }
    }

    /// A view of the patch by reference.
    pub fn as_ref(&self) -> Patch<&T> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(value),
        }
    }

    /// The same change with its value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(f(value)),
        }
    }

    /// The same change with its value mapped by a function that may refuse it.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Patch<U>, E> {
        Ok(match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(f(value)?),
        })
    }
}

impl Patch<String> {
    /// A view of the text by reference.
    pub fn as_deref(&self) -> Patch<&str> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(value.as_str()),
        }
    }
}

impl<T: Clone> Patch<&T> {
    /// A patch of owned values from one of references.
    pub fn cloned(self) -> Patch<T> {
        self.map(Clone::clone)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// A value given or not (a field that cannot be cleared): `None` keeps it.
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Keep, Patch::Set)
    }
}

/// `null` clears, a value sets; an absent field is `Keep` through `#[serde(default)]`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|value| value.map_or(Patch::Clear, Patch::Set))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        excerpt: Patch<String>,
    }

    #[test]
    fn absent_null_and_a_value_are_three_changes() {
        let read = |json: &str| serde_json::from_str::<Body>(json).unwrap().excerpt;
        assert_eq!(read("{}"), Patch::Keep);
        assert_eq!(read(r#"{"excerpt": null}"#), Patch::Clear);
        assert_eq!(read(r#"{"excerpt": "x"}"#), Patch::Set("x".to_string()));
    }

    #[test]
    fn a_patch_applies_to_the_value_before() {
        assert_eq!(Patch::Keep.apply(Some(1)), Some(1));
        assert_eq!(Patch::<i32>::Clear.apply(Some(1)), None);
        assert_eq!(Patch::Set(2).apply(None), Some(2));
        assert_eq!(Patch::Set(2).into_option(), Some(Some(2)));
        assert_eq!(Patch::<i32>::Keep.into_option(), None);
        assert_eq!(Patch::Set("3").try_map(str::parse::<i32>), Ok(Patch::Set(3)));
    }
}
