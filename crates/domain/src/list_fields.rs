//! The fields of a post as lists show it, by the names a client selects them with (REST
//! `fields=`): the read compiler builds only the ones asked for.

/// A field of a post in a list, in the order the whole answer has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryField {
    /// `id`.
    Id,
    /// `slug`.
    Slug,
    /// `title`.
    Title,
    /// `excerpt`.
    Excerpt,
    /// `status`.
    Status,
    /// `published_at`.
    PublishedAt,
    /// `updated_at`.
    UpdatedAt,
    /// `author`, an object.
    Author,
    /// `featured_image`, an object or null.
    FeaturedImage,
    /// `tags`, in the post's order.
    Tags,
    /// `comments_enabled`.
    CommentsEnabled,
    /// `comment_count` (approved comments).
    CommentCount,
    /// `url`, the frontend's address of the post.
    Url,
    /// `custom_fields`, the site's own fields (those the caller may see).
    CustomFields,
}

impl SummaryField {
    /// Every field, in the answer's order.
    pub const ALL: [Self; 14] = [
        Self::Id,
        Self::Slug,
        Self::Title,
        Self::Excerpt,
        Self::Status,
        Self::PublishedAt,
        Self::UpdatedAt,
        Self::Author,
        Self::FeaturedImage,
        Self::Tags,
        Self::CommentsEnabled,
        Self::CommentCount,
        Self::Url,
        Self::CustomFields,
    ];

    /// The field's name in an answer.
    pub fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Slug => "slug",
            Self::Title => "title",
            Self::Excerpt => "excerpt",
            Self::Status => "status",
            Self::PublishedAt => "published_at",
            Self::UpdatedAt => "updated_at",
            Self::Author => "author",
            Self::FeaturedImage => "featured_image",
            Self::Tags => "tags",
            Self::CommentsEnabled => "comments_enabled",
            Self::CommentCount => "comment_count",
            Self::Url => "url",
            Self::CustomFields => "custom_fields",
        }
    }

    /// The field of this name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for field in SummaryField::ALL {
            assert_eq!(SummaryField::parse(field.name()), Some(field));
        }
        assert_eq!(SummaryField::parse("email"), None);
    }
}
