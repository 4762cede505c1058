use std::fmt;

/// An e-mail address, trimmed and lowercased so that uniqueness is case-insensitive.
/// Deliberately permissive (one `@`, a dot in the domain, no spaces): the only real check
/// of an address is a message that arrives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

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

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed: 8 to 1,024 characters (long passphrases welcome; the upper bound
/// keeps hashing cost bounded).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(value: impl Into<String>) -> Result<Self, String> {
        let value = value.into();
        let chars = value.chars().count();
        if chars < 8 {
            return Err("must be at least 8 characters".into());
        }
        if chars > 1024 {
            return Err("must be at most 1024 characters".into());
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// An absolute `http` or `https` URL, at most 2,048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpUrl(String);

impl HttpUrl {
    pub fn parse(value: impl AsRef<str>) -> Result<Self, String> {
        let value = value.as_ref().trim();
        if value.len() > 2048 {
            return Err("must be at most 2048 characters".into());
        }
        let lower = value.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or_else(|| "must be an http:// or https:// URL".to_string())?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty()
            || value.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
            || crate::markup::forbidden_char(value).is_some()
        {
            return Err("must be an http:// or https:// URL with a host".into());
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
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

    #[test]
    fn passwords_have_bounds_and_hide_in_debug() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("x".repeat(1025)).is_err());
        let p = Password::parse("correct horse").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn urls_must_be_http() {
        assert!(HttpUrl::parse("https://example.com/a?b#c").is_ok());
        assert!(HttpUrl::parse("HTTP://EXAMPLE.COM").is_ok());
        for bad in
            ["javascript:alert(1)", "ftp://x.org", "https://", "//example.com", "https://a b.com", "data:text/html,x"]
        {
            assert!(HttpUrl::parse(bad).is_err(), "{bad:?}");
        }
    }
}
