use std::fmt;

/// An e-mail address, trimmed and lowercased so that uniqueness is case-insensitive.
/// Deliberately permissive (one `@`, a dot in the domain, no spaces): the only real check
/// of an address is a message that arrives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The longest address accepted, in bytes (the limit of SMTP).
    pub const MAX_LEN: usize = 254;

    /// Trims and lowercases, then checks the shape; the error shows what an address looks like.
    pub fn parse(value: impl AsRef<str>) -> Result<Self, String> {
        let value = value.as_ref().trim().to_lowercase();
        let invalid = || "must be an e-mail address like name@example.com".to_string();
        if value.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty()
            || !domain_ok
            || value.chars().any(|c| c.is_whitespace() || c.is_control())
            || crate::markup::forbidden_char(&value).is_some()
        {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    /// The address, trimmed and lowercased.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address, trimmed and lowercased, to store.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(Email::parse("  Steve@Example.COM ").unwrap().as_str(), "steve@example.com");
        for bad in ["", "steve", "@example.com", "steve@", "steve@example", "a b@example.com", "a@b@c.com", "a@.com"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
