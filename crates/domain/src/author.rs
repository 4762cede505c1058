use crate::{AuthorId, Slug, Timestamp};

/// What an author may do, least to most. The order is the permission order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Contributor,
    Author,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == value)
            .ok_or_else(|| "must be one of contributor, author, editor, admin".to_string())
    }
}

/// A person who writes posts or replies as staff. `email` and `role` are private:
/// they appear only in the caller's own record and in admin views, never in public ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub id: AuthorId,
    pub slug: Slug,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub bio_html: String,
    pub avatar_url: Option<String>,
    pub website_url: Option<String>,
    /// Bumped when the author's rights change; access tokens carry it and die with it.
    pub token_version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Contributor < Role::Author);
        assert!(Role::Author < Role::Editor);
        assert!(Role::Editor < Role::Admin);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
    }
}
