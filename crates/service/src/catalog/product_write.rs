use colophon_domain::{BoundedText, EventKind, FeaturedImage, HttpUrl, Patch, Product, ProductId, ValidationErrors};
use colophon_store::{self as store, NewProduct, ProductChanges};

use crate::content::patched;
use crate::media::with_media;
use crate::webhooks::data;
use crate::write::{Action, Target, Writer, Written};
use crate::{Caller, Colophon, ServiceError, ServiceResult};

type Title = BoundedText<300>;
type Label = BoundedText<50>;
type Name = BoundedText<120>;
const MAX_CONTRIBUTORS: usize = 50;

/// A product's fields as sent: absent = unchanged (or default); a cleared field is emptied.
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    /// The card's heading, at most 300 characters; required on create.
    pub title: Option<String>,
    /// Where the card links to, an absolute http(s) URL.
    pub url: Patch<String>,
    /// The picture on the card, an absolute http(s) URL.
    pub image_url: Patch<String>,
    /// The picture on the card as a media library item (its URL, alt text, credit and size
    /// come with it). Not with `image_url`; cleared, the picture goes.
    pub image_media_id: Patch<colophon_domain::MediaId>,
    /// The word before the names ("starring"), at most 50 characters.
    pub contributor_label: Patch<String>,
    /// The names, in order: at most 50, each at most 120 characters. Replaces the whole list.
    pub contributors: Option<Vec<String>>,
    /// Which edition or format, at most 300 characters.
    pub edition: Patch<String>,
}

fn parse(input: ProductInput) -> Result<ProductChanges, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut changes = ProductChanges {
        title: input.title.and_then(|t| errors.check("title", Title::parse(t))).map(Title::into_string),
        ..ProductChanges::default()
    };
    let url = |value: String| HttpUrl::parse(value).map(HttpUrl::into_string);
    changes.url = patched(input.url, "url", url, &mut errors);
    let image_url = patched(input.image_url, "image_url", url, &mut errors);
    changes.image = match (image_url, input.image_media_id) {
        (Patch::Keep, Patch::Keep) => Patch::Keep,
        (url, Patch::Keep) => url.map(|url| FeaturedImage { url: Some(url), ..FeaturedImage::default() }),
        (Patch::Keep, id) => id.map(|id| FeaturedImage { media_id: Some(id), ..FeaturedImage::default() }),
        _ => {
            errors.push("image_media_id", "send image_url or image_media_id, not both");
            Patch::Keep
        }
    };
    changes.contributor_label =
        patched(input.contributor_label, "contributor_label", |l| Label::parse(l).map(Label::into_string), &mut errors);
    changes.edition = patched(input.edition, "edition", |e| Title::parse(e).map(Title::into_string), &mut errors);
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
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_product(&self, caller: Caller, input: ProductInput) -> ServiceResult<Product> {
        let writer = curating_writer(caller)?;
        let changes = parse(input).map_err(ServiceError::Invalid)?;
        let title = changes.title.clone().ok_or_else(|| ServiceError::invalid("title", "is required"))?;
        let media = self.media_base_url();
        self.write(writer, move |conn, now, changed| {
            let image = changes.image.set().map(|i| with_media(conn, i, "image", &media)).transpose()?;
            let new = NewProduct {
                title,
                url: changes.url.set(),
                image,
                contributor_label: changes.contributor_label.set(),
                contributors: changes.contributors.unwrap_or_default(),
                edition: changes.edition.set(),
                now,
            };
            let product = store::insert_product(conn, &new)?;
            let target = Target::Product(product.id);
            changed.emit(EventKind::ProductCreated, &target, data::product(&product));
            Ok(Written::new(product, Action::ProductCreate, target))
        })
        .await
    }

    /// Changes the fields sent (editors and admins).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_product(&self, caller: Caller, id: ProductId, input: ProductInput) -> ServiceResult<Product> {
        let writer = curating_writer(caller)?;
        let mut changes = parse(input).map_err(ServiceError::Invalid)?;
        let media = self.media_base_url();
        self.write(writer, move |conn, now, changed| {
            changes.image = changes.image.clone().try_map(|image| with_media(conn, image, "image", &media))?;
            let product = store::update_product(conn, id, &changes, now)?.ok_or(ServiceError::NotFound("product"))?;
            let target = Target::Product(id);
            changed.emit(EventKind::ProductUpdated, &target, data::product(&product));
            Ok(Written::new(product, Action::ProductUpdate, target).fields(&changes.field_names()))
        })
        .await
    }

    /// Deletes a product; the sidebar widgets that showed it go with it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_product(&self, caller: Caller, id: ProductId) -> ServiceResult<()> {
        let writer = curating_writer(caller)?;
        self.write(writer, move |conn, _, changed| {
            // The sidebars that showed it show it no more: they name the product's key (derived
            // from the target).
            if !store::delete_product(conn, id)? {
                return Err(ServiceError::NotFound("product"));
            }
            let target = Target::Product(id);
            changed.emit(EventKind::ProductDeleted, &target, serde_json::json!({ "id": id.0 }));
            Ok(Written::new((), Action::ProductDelete, target))
        })
        .await
    }
}

/// The caller, when an editor or an admin (products, sidebars, tags, moderation).
pub(crate) fn curator(caller: Caller) -> ServiceResult<colophon_domain::Actor> {
    let actor = caller.actor()?;
    if actor.can_curate() { Ok(actor) } else { Err(ServiceError::Forbidden("editors and admins only")) }
}

/// The caller as a writer, when an editor or an admin.
pub(crate) fn curating_writer(caller: Caller) -> ServiceResult<Writer> {
    let writer = caller.writer()?;
    curator(Caller::Actor(*writer))?;
    Ok(writer)
}
