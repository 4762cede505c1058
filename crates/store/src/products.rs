use colophon_domain::{FeaturedImage, MediaId, Patch, Product, ProductId, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::columns::written;
use crate::rows::{ProductRow, convert};
use crate::schema::products;
use crate::{DbConnection, StoreResult};

#[derive(Debug, Clone)]
pub struct NewProduct {
    pub title: String,
    pub url: Option<String>,
    /// The picture: a URL, or a media item's URL, alt text, credit and size.
    pub image: Option<FeaturedImage>,
    pub contributor_label: Option<String>,
    pub contributors: Vec<String>,
    pub edition: Option<String>,
    pub now: Timestamp,
}

/// The contributors as stored: a JSON array of strings.
#[allow(clippy::expect_used, reason = "a list of strings always serializes")]
fn contributors_json(contributors: &[String]) -> String {
    serde_json::to_string(contributors).expect("a list of strings serializes")
}

pub fn insert_product(conn: &mut DbConnection, new: &NewProduct) -> StoreResult<Product> {
    let contributors = contributors_json(&new.contributors);
    let image = new.image.clone().unwrap_or_default();
    let row: ProductRow = diesel::insert_into(products::table)
        .values((
            products::title.eq(&new.title),
            products::url.eq(&new.url),
            products::image_url.eq(image.url),
            products::image_alt.eq(image.alt),
            products::image_credit.eq(image.credit),
            products::image_media_id.eq(image.media_id),
            products::image_width.eq(image.width),
            products::image_height.eq(image.height),
            products::contributor_label.eq(&new.contributor_label),
            products::contributors.eq(contributors),
            products::edition.eq(&new.edition),
            products::created_at.eq(new.now),
            products::updated_at.eq(new.now),
        ))
        .returning(products::all_columns)
        .get_result(conn)?;
    row.into_domain()
}

pub fn find_product(conn: &mut DbConnection, id: ProductId) -> StoreResult<Option<Product>> {
    let row: Option<ProductRow> = products::table.find(id.stored()).first(conn).optional()?;
    row.map(ProductRow::into_domain).transpose()
}

pub fn products_by_ids(conn: &mut DbConnection, ids: &[ProductId]) -> StoreResult<Vec<Product>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = written(ids);
    let rows: Vec<ProductRow> = products::table.filter(products::id.eq_any(ids)).load(conn)?;
    convert(rows, ProductRow::into_domain)
}

/// Products ordered by id, after the given id.
pub fn list_products(conn: &mut DbConnection, after: Option<ProductId>, limit: i64) -> StoreResult<Vec<Product>> {
    let rows: Vec<ProductRow> = products::table
        .filter(products::id.gt(after.unwrap_or(ProductId(0)).stored()))
        .order(products::id.asc())
        .limit(limit)
        .load(conn)?;
    convert(rows, ProductRow::into_domain)
}

/// Changes to a product; the default changes nothing.
#[derive(Debug, Clone, Default)]
pub struct ProductChanges {
    pub title: Option<String>,
    pub url: Patch<String>,
    pub image: Patch<FeaturedImage>,
    pub contributor_label: Patch<String>,
    pub contributors: Option<Vec<String>>,
    pub edition: Patch<String>,
}

impl ProductChanges {
    /// The names of the fields these changes set, for the audit log.
    pub fn field_names(&self) -> Vec<&'static str> {
        crate::names_set(&[
            ("title", self.title.is_some()),
            ("url", self.url.changes()),
            ("image", self.image.changes()),
            ("contributor_label", self.contributor_label.changes()),
            ("contributors", self.contributors.is_some()),
            ("edition", self.edition.changes()),
        ])
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = products)]
struct ProductChangeset<'a> {
    title: Option<&'a str>,
    url: Option<Option<&'a str>>,
    image_url: Option<Option<&'a str>>,
    image_alt: Option<Option<&'a str>>,
    image_credit: Option<Option<&'a str>>,
    image_media_id: Option<Option<MediaId>>,
    image_width: Option<Option<i32>>,
    image_height: Option<Option<i32>>,
    contributor_label: Option<Option<&'a str>>,
    contributors: Option<String>,
    edition: Option<Option<&'a str>>,
    updated_at: Timestamp,
}

pub fn update_product(
    conn: &mut DbConnection,
    id: ProductId,
    changes: &ProductChanges,
    now: Timestamp,
) -> StoreResult<Option<Product>> {
    // A cleared image clears each of its columns.
    let image = changes.image.clone().into_option().map(Option::unwrap_or_default);
    let changeset = ProductChangeset {
        title: changes.title.as_deref(),
        url: changes.url.as_deref().into_option(),
        image_url: image.as_ref().map(|i| i.url.as_deref()),
        image_alt: image.as_ref().map(|i| i.alt.as_deref()),
        image_credit: image.as_ref().map(|i| i.credit.as_deref()),
        image_media_id: image.as_ref().map(|i| i.media_id),
        image_width: image.as_ref().map(|i| i.width),
        image_height: image.as_ref().map(|i| i.height),
        contributor_label: changes.contributor_label.as_deref().into_option(),
        contributors: changes.contributors.as_deref().map(contributors_json),
        edition: changes.edition.as_deref().into_option(),
        updated_at: now,
    };
    let row: Option<ProductRow> = diesel::update(products::table.find(id.stored()))
        .set(changeset)
        .returning(products::all_columns)
        .get_result(conn)
        .optional()?;
    row.map(ProductRow::into_domain).transpose()
}

pub fn delete_product(conn: &mut DbConnection, id: ProductId) -> StoreResult<bool> {
    Ok(diesel::delete(products::table.find(id.stored())).execute(conn)? == 1)
}
