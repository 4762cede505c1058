//! Who may do what: the permission rules, as pure functions the service calls once.

use crate::{ApiKeyId, AuthorId, Content, PostStatus, Role};

/// A signed-in author acting on the API, in person or through one of their API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in author (a key's owner).
    pub id: AuthorId,
    /// The role acted with, as the database held it when the request was authenticated (for a
    /// key, the lower of the key's and the owner's).
    pub role: Role,
    /// The API key the request came with, if it did not come with a sign-in token.
    pub key: Option<ApiKeyId>,
    /// A read-only key: reads what its role may, writes nothing.
    pub read_only: bool,
}

impl Actor {
    /// An author acting in person (with a sign-in token).
    pub fn person(id: AuthorId, role: Role) -> Self {
        Self { id, role, key: None, read_only: false }
    }

    /// Whether the actor's role is `role` or a more powerful one.
    pub fn is_at_least(&self, role: Role) -> bool {
        self.role >= role
    }

    /// Drafts and scheduled content (posts, pages) is visible to its author and to editors.
    pub fn can_read_unpublished(&self, content: &Content) -> bool {
        content.author_id == self.id || self.is_at_least(Role::Editor)
    }

    /// Whether the actor may read `content` at `now`: anyone what is public, and what
    /// [`Actor::can_read_unpublished`] allows.
    pub fn can_read(actor: Option<Self>, content: &Content, now: crate::Timestamp) -> bool {
        content.is_visible_at(now) || actor.is_some_and(|a| a.can_read_unpublished(content))
    }

    /// Editors edit every post and page; authors their own; contributors only their own drafts.
    pub fn can_edit(&self, content: &Content) -> bool {
        self.can_edit_by(content.author_id, content.status)
    }

    /// [`Actor::can_edit`] for content known by its author and stored status alone.
    pub fn can_edit_by(&self, author: AuthorId, status: PostStatus) -> bool {
        match self.role {
            Role::Admin | Role::Editor => true,
            Role::Author => author == self.id,
            Role::Contributor => author == self.id && status == PostStatus::Draft,
        }
    }

    /// Publishing (or scheduling, or unpublishing): editors for every post, authors for their own.
    pub fn can_publish(&self, post_author: AuthorId) -> bool {
        match self.role {
            Role::Admin | Role::Editor => true,
            Role::Author => post_author == self.id,
            Role::Contributor => false,
        }
    }

    /// Writing a post under another author's name is an editor's call.
    pub fn can_write_as(&self, author: AuthorId) -> bool {
        author == self.id || self.is_at_least(Role::Editor)
    }

    /// Deleting a post or a page: whoever may edit it.
    pub fn can_delete(&self, content: &Content) -> bool {
        self.can_edit(content)
    }

    /// Products, sidebars and comment moderation.
    pub fn can_curate(&self) -> bool {
        self.is_at_least(Role::Editor)
    }

    /// Creating, deleting and re-roling authors.
    pub fn can_manage_authors(&self) -> bool {
        self.is_at_least(Role::Admin)
    }

    /// Profile fields and password: oneself, or an admin.
    pub fn can_edit_profile(&self, author: AuthorId) -> bool {
        author == self.id || self.can_manage_authors()
    }
}
