use colophon_domain::{BoundedText, EventKind, FeaturedImage, HttpUrl, Product, ProductId, ValidationErrors};
use colophon_store::{self as store, NewProduct, ProductChanges};

use crate::cache_keys::CacheKey;
use crate::media::with_media;
use crate::webhooks::data;
use crate::{Caller, Colophon, ServiceError, ServiceResult};

type Title = BoundedText<300>;
type Label = BoundedText<50>;
type Name = BoundedText<120>;
const MAX_CONTRIBUTORS: usize = 50;

/// A product's fields as sent: absent = unchanged (or default), `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    /// The card's heading, at most 300 characters; required on create.
    pub title: Option<String>,
    /// Where the card links to, an absolute http(s) URL.
    pub url: Option<Option<String>>,
    /// The picture on the card, an absolute http(s) URL.
    pub image_url: Option<Option<String>>,
    /// The picture on the card as a media library item (its URL, alt text, credit and size
    /// come with it). Not with `image_url`; `Some(None)` clears the picture.
    pub image_media_id: Option<Option<colophon_domain::MediaId>>,
    /// The word before the names ("starring"), at most 50 characters.
    pub contributor_label: Option<Option<String>>,
    /// The names, in order: at most 50, each at most 120 characters. Replaces the whole list.
    pub contributors: Option<Vec<String>>,
    /// Which edition or format, at most 300 characters.
    pub edition: Option<Option<String>>,
}

fn parse(input: ProductInput) -> Result<ProductChanges, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut changes = ProductChanges {
        title: input.title.and_then(|t| errors.check("title", Title::parse(t))).map(Title::into_string),
        ..ProductChanges::default()
    };
    let mut url = |field: &str, value: Option<Option<String>>| match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(u)) => errors.check(field, HttpUrl::parse(u)).map(|u| Some(u.into_string())),
    };
    changes.url = url("url", input.url);
    changes.image = match (url("image_url", input.image_url), input.image_media_id) {
        (Some(_), Some(_)) => {
            errors.push("image_media_id", "send image_url or image_media_id, not both");
            None
        }
        (Some(url), None) => Some(url.map(|url| FeaturedImage { url: Some(url), ..FeaturedImage::default() })),
        (None, Some(id)) => Some(id.map(|id| FeaturedImage { media_id: Some(id), ..FeaturedImage::default() })),
        (None, None) => None,
    };
    changes.contributor_label = match input.contributor_label {
        None => None,
        Some(None) => Some(None),
        Some(Some(l)) => errors.check("contributor_label", Label::parse(l)).map(|l| Some(l.into_string())),
    };
    changes.edition = match input.edition {
        None => None,
        Some(None) => Some(None),
        Some(Some(e)) => errors.check("edition", Title::parse(e)).map(|e| Some(e.into_string())),
    };
    if let Some(names) = input.contributors {
        if names.len() > MAX_CONTRIBUTORS {
            errors.push("contributors", format!("at most {MAX_CONTRIBUTORS} names"));
        } else {
            let parsed: Vec<String> = names
                .into_iter()
                .enumerate()
                .filter_map(|(i, n)| errors.check(&format!("contributors[{i}]"), Name::parse(n)))
                .map(Name::into_string)
                .collect();
            changes.contributors = Some(parsed);
        }
    }
    errors.into_result().map(|()| changes)
}

impl Colophon {
    /// Adds a product (editors and admins).
    pub async fn create_product(&self, caller: Caller, input: ProductInput) -> ServiceResult<Product> {
        let actor = curator(caller.writing()?)?;
        let changes = parse(input).map_err(ServiceError::Invalid)?;
        let title = changes.title.clone().ok_or_else(|| ServiceError::invalid("title", "is required"))?;
        let media = self.media_base_url();
        self.db_write(move |conn, now, changed| {
            changed.add(CacheKey::Products);
            changed.by(actor);
            let image = changes.image.flatten().map(|i| with_media(conn, i, "image", &media)).transpose()?;
            let new = NewProduct {
                title,
                url: changes.url.flatten(),
                image,
                contributor_label: changes.contributor_label.flatten(),
                contributors: changes.contributors.unwrap_or_default(),
                edition: changes.edition.flatten(),
                now,
            };
            let product = store::insert_product(conn, &new)?;
            changed.emit(EventKind::ProductCreated, format!("product:{}", product.id), data::product(&product));
            changed.audit("product.create", format!("product:{}", product.id), &[]);
            Ok(product)
        })
        .await
    }

    /// Changes the fields sent (editors and admins).
    pub async fn update_product(&self, caller: Caller, id: ProductId, input: ProductInput) -> ServiceResult<Product> {
        let actor = curator(caller.writing()?)?;
        let mut changes = parse(input).map_err(ServiceError::Invalid)?;
        let media = self.media_base_url();
        self.db_write(move |conn, now, changed| {
            changed.add(CacheKey::Product(id));
            changed.by(actor);
            changed.audit("product.update", format!("product:{id}"), &changes.field_names());
            if let Some(Some(image)) = changes.image.clone() {
                changes.image = Some(Some(with_media(conn, image, "image", &media)?));
            }
            let product = store::update_product(conn, id, &changes, now)?.ok_or(ServiceError::NotFound("product"))?;
            changed.emit(EventKind::ProductUpdated, format!("product:{id}"), data::product(&product));
            Ok(product)
        })
        .await
    }

    /// Deletes a product; the sidebar widgets that showed it go with it.
    pub async fn delete_product(&self, caller: Caller, id: ProductId) -> ServiceResult<()> {
        let actor = curator(caller.writing()?)?;
        self.db_write(move |conn, _, changed| {
            // The sidebars that showed it show it no more: they name the product's key.
            changed.extend([CacheKey::Product(id), CacheKey::Products]);
            changed.by(actor);
            match store::delete_product(conn, id)? {
                true => {
                    changed.emit(EventKind::ProductDeleted, format!("product:{id}"), serde_json::json!({ "id": id.0 }));
                    changed.audit("product.delete", format!("product:{id}"), &[]);
                    Ok(())
                }
                false => Err(ServiceError::NotFound("product")),
            }
        })
        .await
    }
}

/// Products, sidebars and comment moderation are for editors and admins.
pub(crate) fn curator(caller: Caller) -> ServiceResult<colophon_domain::Actor> {
    let actor = caller.actor()?;
    if actor.can_curate() { Ok(actor) } else { Err(ServiceError::Forbidden("editors and admins only")) }
}
