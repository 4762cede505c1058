//! GraphQL input objects, mirroring the REST bodies, and their conversion to service input.

use async_graphql::{ID, InputObject, MaybeUndefined};
use colophon_domain::{AuthorId, MediaId, ProductId};
use colophon_service::{AuthorInput, FeaturedImageInput, PostInput, ProductInput, SeoInput, SidebarInput, WidgetInput};

use super::content_input::{create_input, patch, update_input};
use super::context::int_id;
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

impl TryFrom<FeaturedImageInputObject> for FeaturedImageInput {
    type Error = async_graphql::Error;

    fn try_from(i: FeaturedImageInputObject) -> Result<Self, Self::Error> {
        let media_id = i.media_id.map(|id| int_id(&id, "featuredImage.mediaId").map(MediaId)).transpose()?;
        Ok(Self { url: i.url, alt: i.alt, credit: i.credit, media_id })
    }
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
    CreatePostInput for super::types::custom_fields::PostFields {
        featured_image: Option<FeaturedImageInputObject>,
        tags: Option<Vec<String>>,
        comments_enabled: Option<bool>,
    } {
        /// An author's slug (editors only).
        author: Option<String>,
    }
}

impl TryFrom<CreatePostInput> for PostInput {
    type Error = async_graphql::Error;

    fn try_from(mut i: CreatePostInput) -> Result<Self, Self::Error> {
        Ok(Self {
            content: i.content(),
            featured_image: i.featured_image.map(TryInto::try_into).transpose()?.into(),
            tags: i.tags,
            comments_enabled: i.comments_enabled,
            author: i.author,
        })
    }
}

update_input! {
    /// A partial update: absent fields stay; `null` clears excerpt (derive again), publishedAt,
    /// featuredImage and sidebar.
    UpdatePostInput for super::types::custom_fields::PostFields {
        featured_image: MaybeUndefined<FeaturedImageInputObject>,
        tags: Option<Vec<String>>,
        comments_enabled: Option<bool>,
    } {
        author: Option<String>,
    }
}

impl TryFrom<UpdatePostInput> for PostInput {
    type Error = async_graphql::Error;

    fn try_from(mut i: UpdatePostInput) -> Result<Self, Self::Error> {
        Ok(Self {
            content: i.content(),
            featured_image: patch(std::mem::take(&mut i.featured_image), |v| v).try_map(TryInto::try_into)?,
            tags: i.tags,
            comments_enabled: i.comments_enabled,
            author: i.author,
        })
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

impl TryFrom<CreateProductInput> for ProductInput {
    type Error = async_graphql::Error;

    fn try_from(i: CreateProductInput) -> Result<Self, Self::Error> {
        let image_media_id = i.image_media_id.map(|id| int_id(&id, "imageMediaId").map(MediaId)).transpose()?;
        Ok(Self {
            title: Some(i.title),
            url: i.url.into(),
            image_url: i.image_url.into(),
            image_media_id: image_media_id.into(),
            contributor_label: i.contributor_label.into(),
            contributors: i.contributors,
            edition: i.edition.into(),
        })
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

impl TryFrom<UpdateProductInput> for ProductInput {
    type Error = async_graphql::Error;

    fn try_from(i: UpdateProductInput) -> Result<Self, Self::Error> {
        Ok(Self {
            title: i.title,
            url: patch(i.url, |u| u),
            image_url: patch(i.image_url, |u| u),
            image_media_id: patch(i.image_media_id, |id| id).try_map(|id| int_id(&id, "imageMediaId").map(MediaId))?,
            contributor_label: patch(i.contributor_label, |l| l),
            contributors: i.contributors,
            edition: patch(i.edition, |e| e),
        })
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

impl TryFrom<SidebarInputObject> for SidebarInput {
    type Error = async_graphql::Error;

    fn try_from(i: SidebarInputObject) -> Result<Self, Self::Error> {
        let id = |id: Option<ID>, field: &str| id.map(|id| int_id(&id, field)).transpose();
        let widgets = i
            .widgets
            .into_iter()
            .map(|w| {
                Ok(WidgetInput {
                    kind: w.kind.into(),
                    product_id: id(w.product_id, "widgets.productId")?.map(ProductId),
                    author_id: id(w.author_id, "widgets.authorId")?.map(AuthorId),
                    html: w.html,
                })
            })
            .collect::<Result<_, Self::Error>>()?;
        Ok(Self { slug: i.slug, title: Some(i.title), widgets })
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
    CreatePageInput for super::types::custom_fields::PageFields {} {}
}

impl From<CreatePageInput> for colophon_service::PageInput {
    fn from(mut i: CreatePageInput) -> Self {
        i.content()
    }
}

update_input! {
    /// A partial update of a page: absent fields stay; `null` clears excerpt, publishedAt, sidebar.
    UpdatePageInput for super::types::custom_fields::PageFields {} {}
}

impl From<UpdatePageInput> for colophon_service::PageInput {
    fn from(mut i: UpdatePageInput) -> Self {
        i.content()
    }
}
