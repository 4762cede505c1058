use std::fmt;

/// Text that is trimmed, not empty, and at most `MAX` characters (not bytes) long.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BoundedText<const MAX: usize>(String);

impl<const MAX: usize> BoundedText<MAX> {
    /// Trims, then refuses text that is empty, longer than `MAX` characters, or holds a forbidden
    /// character.
    pub fn parse(value: impl AsRef<str>) -> Result<Self, String> {
        let trimmed = value.as_ref().trim();
        if trimmed.is_empty() {
            return Err("must not be empty".into());
        }
        if trimmed.chars().count() > MAX {
            return Err(format!("must be at most {MAX} characters"));
        }
        if let Some(c) = crate::markup::forbidden_char(trimmed) {
            return Err(crate::markup::forbidden_char_error(c));
        }
        Ok(Self(trimmed.to_string()))
    }

    /// The trimmed text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The trimmed text, to store.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<const MAX: usize> fmt::Display for BoundedText<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(BoundedText::<5>::parse("  abc ").unwrap().as_str(), "abc");
        assert!(BoundedText::<5>::parse("   ").is_err());
        assert!(BoundedText::<5>::parse("ééééé").is_ok());
        assert!(BoundedText::<5>::parse("abcdef").is_err());
        assert!(BoundedText::<5>::parse("a\u{0}b").is_err());
        assert!(BoundedText::<5>::parse("a\u{FFFF}b").is_err(), "XML cannot carry noncharacters");
    }
}
