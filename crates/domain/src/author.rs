use crate::{AuthorId, Slug, Timestamp};

crate::words::words! {
    /// What an author may do, least to most. The order is the permission order.
    #[derive(PartialOrd, Ord)]
    pub enum Role {
        /// Writes drafts of their own, which an editor publishes.
        Contributor = "contributor",
        /// Writes and publishes posts of their own.
        Author = "author",
        /// Edits and publishes every post, and curates products, sidebars and comments.
        Editor = "editor",
        /// All an editor may do, and manages authors and site settings.
        Admin = "admin",
    }
}

/// A person who writes posts or replies as staff. `email` and `role` are private:
/// they appear only in the caller's own record and in admin views, never in public ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    /// The author's id; paths accept it in place of the slug.
    pub id: AuthorId,
    /// The path segment of the author's page (`/authors/{slug}`).
    pub slug: Slug,
    /// The name shown on the author's posts, comments and profile.
    pub name: String,
    /// The sign-in address, lowercased; `None` for an account without one (the demo authors).
    pub email: Option<String>,
    /// What the author may do.
    pub role: Role,
    /// The profile text, sanitized HTML; empty when none was given.
    pub bio_html: String,
    /// The picture shown beside the name, an absolute http(s) URL, if any.
    pub avatar_url: Option<String>,
    /// The author's own site, an absolute http(s) URL, if any.
    pub website_url: Option<String>,
    /// Bumped when the author's rights change; access tokens carry it and die with it.
    pub token_version: i64,
    /// When the account was created.
    pub created_at: Timestamp,
    /// When the account was last changed.
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
