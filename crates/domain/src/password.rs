use std::fmt;

/// A password as typed: 8 to 1,024 characters (long passphrases welcome; the upper bound
/// keeps hashing cost bounded).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks the length only (8 to 1,024 characters); nothing is trimmed.
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

    /// The password itself, to hash or verify. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_have_bounds_and_hide_in_debug() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("x".repeat(1025)).is_err());
        let p = Password::parse("correct horse").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }
}
