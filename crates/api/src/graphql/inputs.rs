//! GraphQL input objects, mirroring the REST bodies, and their conversion to service input.

use async_graphql::{ID, InputObject, MaybeUndefined};
use colophon_domain::{AuthorId, MediaId, ProductId};
use colophon_service::{AuthorInput, FeaturedImageInput, PostInput, ProductInput, SeoInput, SidebarInput, WidgetInput};

use super::content_input::{create_input, patch, update_input};
use super::types::{RoleEnum, WidgetKindEnum};

#[derive(InputObject)]
#[graphql(name = "FeaturedImageInput")]
pub struct FeaturedImageInputObject {
    url: Option<String>,
    alt: Option<String>,
    credit: Option<String>,
    /// A media library item (not with `url`): its URL and size come with it, and its alt text
    /// and credit unless given here.
    media_id: Option<ID>,
}

impl From<FeaturedImageInputObject> for FeaturedImageInput {
    fn from(i: FeaturedImageInputObject) -> Self {
        Self { url: i.url, alt: i.alt, credit: i.credit, media_id: i.media_id.map(|id| MediaId(id_number(&id))) }
    }
}

/// A numeric id as given; anything else is an id no item has (0).
pub(crate) fn id_number(id: &ID) -> i64 {
    id.parse().unwrap_or(0)
}

/// Search-engine and link-preview fields: absent ones stay, `null` clears (the default shows again).
#[derive(InputObject, Default)]
pub struct SeoInputObject {
    meta_title: MaybeUndefined<String>,
    meta_description: MaybeUndefined<String>,
    canonical_url: MaybeUndefined<String>,
    og_image: MaybeUndefined<String>,
    noindex: Option<bool>,
}

impl From<SeoInputObject> for SeoInput {
    fn from(i: SeoInputObject) -> Self {
        Self {
            meta_title: patch(i.meta_title, |v| v),
            meta_description: patch(i.meta_description, |v| v),
            canonical_url: patch(i.canonical_url, |v| v),
            og_image: patch(i.og_image, |v| v),
            noindex: i.noindex,
        }
    }
}

create_input! {
    /// A new post: send `bodyMarkdown` or `bodyHtml`, not both.
    CreatePostInput {
        featured_image: Option<FeaturedImageInputObject>,
        tags: Option<Vec<String>>,
        comments_enabled: Option<bool>,
    } {
        /// An author's slug (editors only).
        author: Option<String>,
    }
}

impl From<CreatePostInput> for PostInput {
    fn from(mut i: CreatePostInput) -> Self {
        Self {
            content: i.content(),
            featured_image: i.featured_image.map(Into::into).into(),
            tags: i.tags,
            comments_enabled: i.comments_enabled,
            author: i.author,
        }
    }
}

update_input! {
    /// A partial update: absent fields stay; `null` clears excerpt (derive again), publishedAt,
    /// featuredImage and sidebar.
    UpdatePostInput {
        featured_image: MaybeUndefined<FeaturedImageInputObject>,
        tags: Option<Vec<String>>,
        comments_enabled: Option<bool>,
    } {
        author: Option<String>,
    }
}

impl From<UpdatePostInput> for PostInput {
    fn from(mut i: UpdatePostInput) -> Self {
        Self {
            content: i.content(),
            featured_image: patch(std::mem::take(&mut i.featured_image), Into::into),
            tags: i.tags,
            comments_enabled: i.comments_enabled,
            author: i.author,
        }
    }
}

#[derive(InputObject)]
pub struct CreateAuthorInput {
    email: String,
    name: String,
    slug: Option<String>,
    role: Option<RoleEnum>,
    password: Option<String>,
    bio: Option<String>,
    avatar_url: Option<String>,
    website_url: Option<String>,
}

impl From<CreateAuthorInput> for AuthorInput {
    fn from(i: CreateAuthorInput) -> Self {
        Self {
            email: Some(i.email),
            name: Some(i.name),
            slug: i.slug,
            role: i.role.map(Into::into),
            password: i.password,
            bio: i.bio,
            avatar_url: i.avatar_url.into(),
            website_url: i.website_url.into(),
            current_password: None,
        }
    }
}

#[derive(InputObject)]
pub struct UpdateAuthorInput {
    email: Option<String>,
    name: Option<String>,
    slug: Option<String>,
    role: Option<RoleEnum>,
    password: Option<String>,
    bio: Option<String>,
    avatar_url: MaybeUndefined<String>,
    website_url: MaybeUndefined<String>,
    /// Required to change your own password or e-mail.
    current_password: Option<String>,
}

impl From<UpdateAuthorInput> for AuthorInput {
    fn from(i: UpdateAuthorInput) -> Self {
        Self {
            email: i.email,
            name: i.name,
            slug: i.slug,
            role: i.role.map(Into::into),
            password: i.password,
            bio: i.bio,
            avatar_url: patch(i.avatar_url, |u| u),
            website_url: patch(i.website_url, |u| u),
            current_password: i.current_password,
        }
    }
}

#[derive(InputObject)]
pub struct CreateProductInput {
    title: String,
    url: Option<String>,
    image_url: Option<String>,
    /// A media library item as the picture (not with `imageUrl`).
    image_media_id: Option<ID>,
    contributor_label: Option<String>,
    contributors: Option<Vec<String>>,
    edition: Option<String>,
}

impl From<CreateProductInput> for ProductInput {
    fn from(i: CreateProductInput) -> Self {
        Self {
            title: Some(i.title),
            url: i.url.into(),
            image_url: i.image_url.into(),
            image_media_id: i.image_media_id.map(|id| MediaId(id_number(&id))).into(),
            contributor_label: i.contributor_label.into(),
            contributors: i.contributors,
            edition: i.edition.into(),
        }
    }
}

#[derive(InputObject)]
pub struct UpdateProductInput {
    title: Option<String>,
    url: MaybeUndefined<String>,
    image_url: MaybeUndefined<String>,
    /// A media library item as the picture (not with `imageUrl`); null clears the picture.
    image_media_id: MaybeUndefined<ID>,
    contributor_label: MaybeUndefined<String>,
    contributors: Option<Vec<String>>,
    edition: MaybeUndefined<String>,
}

impl From<UpdateProductInput> for ProductInput {
    fn from(i: UpdateProductInput) -> Self {
        Self {
            title: i.title,
            url: patch(i.url, |u| u),
            image_url: patch(i.image_url, |u| u),
            image_media_id: patch(i.image_media_id, |id| MediaId(id_number(&id))),
            contributor_label: patch(i.contributor_label, |l| l),
            contributors: i.contributors,
            edition: patch(i.edition, |e| e),
        }
    }
}

/// One widget: `PRODUCT` takes `productId`, `AUTHOR_BIO` takes `authorId`, `HTML` takes `html`.
#[derive(InputObject)]
#[graphql(name = "WidgetInput")]
pub struct WidgetInputObject {
    kind: WidgetKindEnum,
    product_id: Option<ID>,
    author_id: Option<ID>,
    html: Option<String>,
}

#[derive(InputObject)]
#[graphql(name = "SidebarInput")]
pub struct SidebarInputObject {
    /// Absent keeps the slug the mutation names.
    slug: Option<String>,
    title: String,
    widgets: Vec<WidgetInputObject>,
}

impl From<SidebarInputObject> for SidebarInput {
    fn from(i: SidebarInputObject) -> Self {
        // An id that is not an integer names nothing: -1 is refused as "no such product/author".
        let id = |id: Option<ID>| id.map(|id| id.parse::<i64>().unwrap_or(-1));
        let (product, author) = (|i| id(i).map(ProductId), |i| id(i).map(AuthorId));
        Self {
            slug: i.slug,
            title: Some(i.title),
            widgets: i
                .widgets
                .into_iter()
                .map(|w| WidgetInput {
                    kind: w.kind.into(),
                    product_id: product(w.product_id),
                    author_id: author(w.author_id),
                    html: w.html,
                })
                .collect(),
        }
    }
}

/// A new comment. Only the seed's tags survive in `body`.
#[derive(InputObject)]
pub struct AddCommentInput {
    /// 1–80 characters; ignored when signed in.
    author_name: Option<String>,
    /// Private: never shown.
    author_email: Option<String>,
    author_url: Option<String>,
    body: String,
    /// An approved comment of the same post.
    parent_id: Option<ID>,
    /// Leave empty: a field hidden from people.
    website: Option<String>,
    /// From `GET /api/v1/posts/{slug}/comment-token`, fetched when the form was shown.
    form_token: Option<String>,
}

impl AddCommentInput {
    pub fn into_service(self) -> async_graphql::Result<colophon_service::CommentInput> {
        let parent_id = self.parent_id.as_ref().map(|id| super::context::int_id(id, "parentId")).transpose()?;
        Ok(colophon_service::CommentInput {
            author_name: self.author_name,
            author_email: self.author_email,
            author_url: self.author_url,
            body: Some(self.body),
            parent_id: parent_id.map(colophon_domain::CommentId),
            honeypot: self.website,
            form_token: self.form_token,
        })
    }
}

/// Changes to a tag: absent fields stay.
#[derive(InputObject)]
pub struct UpdateTagInput {
    name: Option<String>,
    /// Plain text of at most 2,000 characters; empty clears it.
    description: Option<String>,
}

impl From<UpdateTagInput> for colophon_service::TagInput {
    fn from(i: UpdateTagInput) -> Self {
        Self { name: i.name, description: i.description }
    }
}

create_input! {
    /// A new page: send `bodyMarkdown` or `bodyHtml`, not both.
    CreatePageInput {} {}
}

impl From<CreatePageInput> for colophon_service::PageInput {
    fn from(mut i: CreatePageInput) -> Self {
        i.content()
    }
}

update_input! {
    /// A partial update of a page: absent fields stay; `null` clears excerpt, publishedAt, sidebar.
    UpdatePageInput {} {}
}

impl From<UpdatePageInput> for colophon_service::PageInput {
    fn from(mut i: UpdatePageInput) -> Self {
        i.content()
    }
}
