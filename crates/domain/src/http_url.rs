/// An absolute `http` or `https` URL, at most 2,048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpUrl(String);

impl HttpUrl {
    /// Trims, then accepts an `http://` or `https://` URL with a host and without spaces, quotes,
    /// angle brackets or control characters.
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

    /// The URL as given (trimmed; its case kept).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL as given (trimmed; its case kept), to store.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
