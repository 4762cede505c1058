//! Row structs in table column order, and their conversion into domain entities.

use colophon_domain::*;
use diesel::prelude::*;

use crate::schema::authors;

use crate::{StoreError, StoreResult};

pub(crate) fn slug(value: String) -> StoreResult<Slug> {
    Slug::parse(value.clone()).map_err(|e| StoreError::Corrupt(format!("slug {value:?}: {e}")))
}

/// [`AuthorRow`]'s columns as a plain expression, for `RETURNING`: `as_returning()` is typed for
/// one backend, which the two-backend connection cannot forward.
pub(crate) fn author_columns() -> <AuthorRow as Selectable<crate::connection::MultiBackend>>::SelectExpression {
    <AuthorRow as Selectable<crate::connection::MultiBackend>>::construct_selection()
}

/// Every author column but the password hash, which only the credential query reads.
#[derive(Queryable, Selectable)]
#[diesel(table_name = authors)]
pub(crate) struct AuthorRow {
    pub id: AuthorId,
    pub slug: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub token_version: i64,
    pub bio_html: String,
    pub avatar_url: Option<String>,
    pub website_url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl AuthorRow {
    pub fn into_domain(self) -> StoreResult<Author> {
        Ok(Author {
            id: self.id,
            slug: slug(self.slug)?,
            name: self.name,
            email: self.email,
            role: self.role,
            bio_html: self.bio_html,
            avatar_url: self.avatar_url,
            website_url: self.website_url,
            token_version: self.token_version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Read as a row, and written as one by bulk loads (explicit ids).
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = crate::schema::comments)]
pub struct CommentRow {
    #[diesel(serialize_as = crate::columns::Write<CommentId>)]
    pub id: CommentId,
    #[diesel(serialize_as = crate::columns::Write<PostId>)]
    pub post_id: PostId,
    #[diesel(serialize_as = crate::columns::WriteNullable<CommentId>)]
    pub parent_id: Option<CommentId>,
    #[diesel(serialize_as = crate::columns::WriteNullable<AuthorId>)]
    pub author_id: Option<AuthorId>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub author_url: Option<String>,
    pub body_source: String,
    pub body_html: String,
    #[diesel(serialize_as = crate::columns::Write<CommentStatus>)]
    pub status: CommentStatus,
    pub depth: i32,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl CommentRow {
    pub fn into_domain(self) -> StoreResult<Comment> {
        Ok(Comment {
            id: self.id,
            post_id: self.post_id,
            parent_id: self.parent_id,
            author_id: self.author_id,
            author_name: self.author_name,
            author_email: self.author_email,
            author_url: self.author_url,
            body_source: self.body_source,
            body_html: self.body_html,
            status: self.status,
            depth: self.depth,
            ip: self.ip,
            user_agent: self.user_agent,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Read as a row, and written as one by bulk loads (explicit ids).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = crate::schema::products)]
pub struct ProductRow {
    #[diesel(serialize_as = crate::columns::Write<ProductId>)]
    pub id: ProductId,
    pub title: String,
    pub url: Option<String>,
    pub image_url: Option<String>,
    pub contributor_label: Option<String>,
    pub contributors: String,
    pub edition: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    // Archives written before the media library have none of these.
    #[serde(default)]
    #[diesel(serialize_as = crate::columns::WriteNullable<MediaId>)]
    pub image_media_id: Option<MediaId>,
    #[serde(default)]
    pub image_alt: Option<String>,
    #[serde(default)]
    pub image_credit: Option<String>,
    #[serde(default)]
    pub image_width: Option<i32>,
    #[serde(default)]
    pub image_height: Option<i32>,
}

impl ProductRow {
    pub fn into_domain(self) -> StoreResult<Product> {
        let contributors = serde_json::from_str(&self.contributors)
            .map_err(|e| StoreError::Corrupt(format!("product {} contributors: {e}", self.id)))?;
        Ok(Product {
            id: self.id,
            title: self.title,
            url: self.url,
            image: {
                let image = FeaturedImage {
                    url: self.image_url,
                    alt: self.image_alt,
                    credit: self.image_credit,
                    media_id: self.image_media_id,
                    width: self.image_width,
                    height: self.image_height,
                };
                (!image.is_empty()).then_some(image)
            },
            contributor_label: self.contributor_label,
            contributors,
            edition: self.edition,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Read as a row, and written as one by bulk loads (explicit ids).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = crate::schema::sidebars)]
pub struct SidebarRow {
    #[diesel(serialize_as = crate::columns::Write<SidebarId>)]
    pub id: SidebarId,
    pub slug: String,
    pub title: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Queryable)]
pub(crate) struct WidgetRow {
    pub id: i64,
    pub sidebar_id: SidebarId,
    pub _position: i32,
    pub kind: WidgetKind,
    pub product_id: Option<ProductId>,
    pub author_id: Option<AuthorId>,
    pub html: Option<String>,
}

impl WidgetRow {
    pub fn into_domain(self) -> StoreResult<Widget> {
        let corrupt = || StoreError::Corrupt(format!("widget {} of kind {} lacks its target", self.id, self.kind));
        match self.kind {
            WidgetKind::Product => self.product_id.map(Widget::Product).ok_or_else(corrupt),
            WidgetKind::AuthorBio => self.author_id.map(Widget::AuthorBio).ok_or_else(corrupt),
            WidgetKind::Html => self.html.clone().map(Widget::Html).ok_or_else(corrupt),
        }
    }
}

/// Read as a row, and written as one by bulk loads (explicit ids).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = crate::schema::tags)]
pub struct TagRow {
    #[diesel(serialize_as = crate::columns::Write<TagId>)]
    pub id: TagId,
    pub slug: String,
    pub name: String,
    pub description: String,
}

impl TagRow {
    pub fn into_domain(self) -> StoreResult<Tag> {
        Ok(Tag { id: self.id, slug: slug(self.slug)?, name: self.name, description: self.description })
    }
}

/// Converts every row, failing on the first corrupt one.
pub(crate) fn convert<R, T>(rows: Vec<R>, f: impl Fn(R) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    rows.into_iter().map(f).collect()
}
