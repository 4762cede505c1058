use crate::{AuthorId, Slug, Timestamp};

crate::words::words! {
    /// What an author may do, least to most. The order is the permission order.
    #[derive(PartialOrd, Ord)]
    pub enum Role {
        Contributor = "contributor",
        Author = "author",
        Editor = "editor",
        Admin = "admin",
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
        for &role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
    }
}
