use std::fmt;

/// A URL path segment naming a post, author, tag or sidebar: lowercase ASCII letters,
/// digits and single hyphens between them, at most 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// The longest slug, in characters (ASCII, so bytes too).
    pub const MAX_LEN: usize = 100;

    /// Checks a slug as given: nothing is lowercased or replaced.
    pub fn parse(value: impl Into<String>) -> Result<Self, String> {
        let value = value.into();
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !value.chars().all(allowed) {
            return Err("may contain only lowercase letters a-z, digits and hyphens".into());
        }
        if value.starts_with('-') || value.ends_with('-') || value.contains("--") {
            return Err("hyphens may only stand singly between letters or digits".into());
        }
        Ok(Self(value))
    }

    /// Derives a slug from a title: ASCII letters and digits kept and lowercased, every other
    /// run of characters becomes one hyphen ("Personal/Professional" → "personal-professional").
    /// `None` when the title has no ASCII letter or digit at all.
    pub fn derive(title: &str) -> Option<Self> {
        let mut slug = String::with_capacity(title.len());
        for c in title.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if c == '\'' || c == '\u{2019}' {
                // "Collector's" reads better as "collectors" than "collector-s".
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut slug = slug.trim_end_matches('-').to_string();
        if slug.len() > Self::MAX_LEN {
            slug.truncate(Self::MAX_LEN);
            slug = slug.trim_end_matches('-').to_string();
        }
        Self::parse(slug).ok()
    }

    /// The same slug with a numeric suffix, for a derived slug that is already taken.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(Self::MAX_LEN - suffix.len());
        let base = base.trim_end_matches('-');
        Self(format!("{base}{suffix}"))
    }

    /// Whether the slug is made of digits only: in a path that takes an id or a slug
    /// (`/posts/{post}`, `/authors/{author}`) it would read as an id.
    pub fn looks_like_an_id(&self) -> bool {
        self.0.bytes().all(|b| b.is_ascii_digit())
    }

    /// A slug for resources addressed by id or slug: one of digits only gets `prefix` in front
    /// (a post titled "2024" gets `post-2024`).
    pub fn addressable(self, prefix: &str) -> Self {
        if self.looks_like_an_id() { Self::parse(format!("{prefix}-{}", self.0)).unwrap_or(self) } else { self }
    }

    /// The slug's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug's text, to store.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_slugs_only() {
        assert!(Slug::parse("the-case-for-2010").is_ok());
        for bad in ["", "-a", "a-", "a--b", "Abc", "a b", "a/b", "café", &"a".repeat(101)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn derives_from_titles() {
        let slug = Slug::derive("The Case for Converging Your Personal/Professional Networks").unwrap();
        assert_eq!(slug.as_str(), "the-case-for-converging-your-personal-professional-networks");
        assert_eq!(Slug::derive("  Hello,   World!  ").unwrap().as_str(), "hello-world");
        assert_eq!(Slug::derive("Collector's Edition").unwrap().as_str(), "collectors-edition");
        assert_eq!(Slug::derive("!!!"), None);
        assert!(Slug::derive(&"word ".repeat(40)).unwrap().as_str().len() <= 100);
    }

    #[test]
    fn suffix_keeps_length() {
        let long = Slug::parse("a".repeat(100)).unwrap();
        let suffixed = long.with_suffix(12);
        assert!(suffixed.as_str().ends_with("-12"));
        assert!(Slug::parse(suffixed.as_str()).is_ok());
    }
}
