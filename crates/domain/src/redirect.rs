//! Old addresses of imported content (WordPress permalinks, Squarespace `.html` paths) that a
//! frontend answers with a redirect to the item's new address.

/// The longest path kept, in bytes.
pub const REDIRECT_PATH_MAX: usize = 2048;

/// An old address as a site-relative path with its query (`/2010/04/29/the-rug/`, `/?p=10`):
/// given a whole URL, its scheme and host are dropped; a trailing slash is not significant
/// (`/a/` and `/a` are the same path). Only built valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RedirectPath(String);

impl RedirectPath {
    /// Parses a path or an http(s) URL (refused: other schemes, `//host`, spaces, more than
    /// [`REDIRECT_PATH_MAX`] bytes).
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        // A path may carry a URL in its query (`/go?u=https://…`): only what does not start
        // with `/` is read as a whole URL.
        let path = match value.split_once("://") {
            _ if value.starts_with('/') => value,
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {
                rest.find('/').map_or("/", |slash| &rest[slash..])
            }
            _ => return Err("must be a path (/…) or an http(s) URL".into()),
        };
        let path = path.split('#').next().unwrap_or_default();
        if !path.starts_with('/') || path.starts_with("//") {
            return Err("must be a path that starts with one /".into());
        }
        if path.len() > REDIRECT_PATH_MAX {
            return Err(format!("must be at most {REDIRECT_PATH_MAX} bytes"));
        }
        if path.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("must not hold spaces or control characters".into());
        }
        let (route, query) = match path.split_once('?') {
            Some((route, query)) => (route, Some(query)),
            None => (path, None),
        };
        let route = if route.len() > 1 { route.trim_end_matches('/') } else { route };
        let route = if route.is_empty() { "/" } else { route };
        Ok(Self(match query {
            Some(query) if !query.is_empty() => format!("{route}?{query}"),
            _ => route.to_string(),
        }))
    }

    /// A stored path (it was parsed when written).
    pub fn stored(path: String) -> Self {
        Self(path)
    }

    /// The normalized path.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The root (`/`) names a whole site, never one item.
    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_become_the_same_path() {
        let path = |v: &str| RedirectPath::parse(v).map(|p| p.as_str().to_string());
        assert_eq!(path("https://Dude.example/2010/03/07/that-rug/").unwrap(), "/2010/03/07/that-rug");
        assert_eq!(path("/2010/03/07/that-rug").unwrap(), "/2010/03/07/that-rug");
        assert_eq!(path("https://dude.example/?p=10#comments").unwrap(), "/?p=10");
        assert_eq!(path("http://dude.example").unwrap(), "/");
        assert!(RedirectPath::parse("/").unwrap().is_root());
        assert_eq!(path("/go?u=https://x.example/").unwrap(), "/go?u=https://x.example/");
        for bad in ["rug", "//evil.example/x", "javascript:alert(1)", "/a b", ""] {
            assert!(RedirectPath::parse(bad).is_err(), "{bad}");
        }
        assert!(RedirectPath::parse(&format!("/{}", "a".repeat(3000))).is_err());
    }
}
