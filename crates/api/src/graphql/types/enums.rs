//! The domain's enums as GraphQL enums: each mirrors its domain type (`remote`), so resolvers
//! convert with `into()` and the service never sees a string.

use async_graphql::Enum;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "PostStatus", remote = "colophon_domain::PostStatus")]
pub enum PostStatusEnum {
    Draft,
    Scheduled,
    Published,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
#[graphql(name = "CommentOrder", remote = "colophon_domain::CommentOrder")]
pub enum CommentOrderEnum {
    #[default]
    Oldest,
    Thread,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "CommentStatus", remote = "colophon_domain::CommentStatus")]
pub enum CommentStatusEnum {
    Pending,
    Approved,
    Spam,
    Trash,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "Role", remote = "colophon_domain::Role")]
pub enum RoleEnum {
    Contributor,
    Author,
    Editor,
    Admin,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "WidgetKind", remote = "colophon_domain::WidgetKind")]
pub enum WidgetKindEnum {
    Product,
    AuthorBio,
    Html,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "EventKind", remote = "colophon_domain::EventKind")]
pub enum EventKindEnum {
    PostPublished,
    PostUpdated,
    PostUnpublished,
    PostDeleted,
    CommentCreated,
    CommentApproved,
    CommentUnapproved,
    CommentDeleted,
    AuthorCreated,
    AuthorUpdated,
    AuthorDeleted,
    ProductCreated,
    ProductUpdated,
    ProductDeleted,
    SidebarCreated,
    SidebarUpdated,
    SidebarDeleted,
    PagePublished,
    PageUpdated,
    PageUnpublished,
    PageDeleted,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "DeliveryState", remote = "colophon_domain::DeliveryState")]
pub enum DeliveryStateEnum {
    Pending,
    Delivered,
    Failed,
}
