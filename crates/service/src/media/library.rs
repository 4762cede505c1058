//! The library's use cases: upload, list, read, describe, delete.

use colophon_domain::{
    Actor, BoundedText, FeaturedImage, MediaId, MediaItem, MediaType, Page, Patch, Product, ValidationErrors,
};
use colophon_store::{self as store, DbConnection, MediaChanges, NewMedia};
use sha2::{Digest, Sha256};

use super::pictures::prepare;
use super::variants::every_variant_name;
use crate::content::patched;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, CursorPage, MediaView, ServiceError, ServiceResult};

const LIST: &str = "media";
type AltText = BoundedText<300>;
type Caption = BoundedText<1000>;
type FileName = BoundedText<255>;

/// A file as uploaded, with the texts sent beside it.
#[derive(Debug, Clone, Default)]
pub struct MediaUpload {
    /// The file's bytes; its type is sniffed from them.
    pub bytes: Vec<u8>,
    /// The name the client gave the file (kept for people; never a path).
    pub filename: Option<String>,
    /// Alt text, at most 300 characters.
    pub alt: Option<String>,
    /// A caption, at most 1,000 characters.
    pub caption: Option<String>,
    /// A credit line ("Image via Snorgtees"), at most 300 characters.
    pub credit: Option<String>,
}

/// New texts for an item: absent fields stay, cleared ones are emptied.
#[derive(Debug, Clone, Default)]
pub struct MediaInput {
    /// Alt text, at most 300 characters.
    pub alt: Patch<String>,
    /// A caption, at most 1,000 characters.
    pub caption: Patch<String>,
    /// A credit line, at most 300 characters.
    pub credit: Patch<String>,
    /// The file's name for people, at most 255 characters.
    pub filename: Option<String>,
}

/// Which items to list.
#[derive(Debug, Clone, Default)]
pub struct MediaQuery {
    /// Only items of this type.
    pub media_type: Option<MediaType>,
    /// Page size, 1 to 100.
    pub limit: Option<i64>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

fn parse_texts(input: MediaInput) -> Result<MediaChanges, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let alt = patched(input.alt, "alt", |v| AltText::parse(v).map(AltText::into_string), &mut errors);
    let caption = patched(input.caption, "caption", |v| Caption::parse(v).map(Caption::into_string), &mut errors);
    let credit = patched(input.credit, "credit", |v| AltText::parse(v).map(AltText::into_string), &mut errors);
    let filename = input.filename.and_then(|f| errors.check("filename", file_name(&f)));
    errors.into_result().map(|()| MediaChanges { alt, caption, credit, filename })
}

/// A file name for people: its last path segment, without control characters.
fn file_name(given: &str) -> Result<String, String> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    FileName::parse(clean.trim()).map(FileName::into_string)
}

/// Who may change or delete an item: whoever uploaded it, and editors.
fn may_manage(actor: Actor, item: &MediaItem) -> ServiceResult<()> {
    if item.uploaded_by == Some(actor.id) || actor.can_curate() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only the uploader and editors may change a media item"))
    }
}

impl Colophon {
    /// Stores an upload (anyone who may write posts): 415 for a type the library does not
    /// take, 413 past the size limit, 422 for a file that is not what it claims. The same bytes
    /// (after stripping) are stored once: uploading them again returns the item they already
    /// are, and `false`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn upload_media(&self, caller: Caller, upload: MediaUpload) -> ServiceResult<(MediaView, bool)> {
        let writer = caller.writer()?;
        let actor = *writer;
        let max = self.media().settings.max_bytes;
        if upload.bytes.len() > max {
            return Err(ServiceError::TooLarge(format!("files may have at most {max} bytes")));
        }
        let texts = parse_texts(MediaInput {
            alt: Patch::replacing(upload.alt),
            caption: Patch::replacing(upload.caption),
            credit: Patch::replacing(upload.credit),
            filename: upload.filename,
        })
        .map_err(ServiceError::Invalid)?;
        let (storage, pictures) = (self.media().storage()?, self.media().pictures()?);
        let bytes = upload.bytes;
        // Stripping may decode (a turned photograph) and the check does: the upload lane's
        // turn (never one variants wait for), held by the work itself.
        let turn = self.media().upload_turn().await?;
        let prepared = self
            .compute(move || {
                let _turn = turn;
                prepare(&*pictures, bytes)
            })
            .await??;
        let sha256 = format!("{:x}", Sha256::digest(&prepared.bytes));
        let hash = sha256.clone();
        if let Some(item) = self.db(move |conn, _| Ok(store::find_media_by_hash(conn, &hash)?)).await? {
            return Ok((self.media_view(item), false));
        }
        let name = format!("{sha256}.{}", prepared.media_type.extension());
        let (media_type, size) = (prepared.media_type, prepared.size);
        let byte_size = i64::try_from(prepared.bytes.len()).unwrap_or(i64::MAX);
        let storage_again = storage.clone();
        // The file first: a row never names a file that is not there (a crash in between leaves
        // a file no row names, which the same upload takes up again).
        let bytes = std::sync::Arc::new(prepared.bytes);
        let (file, put) = (name.clone(), (storage.clone(), bytes.clone()));
        self.compute(move || put.0.put(&file, &put.1, media_type.as_str())).await??;
        let dimension = |d: u32| i32::try_from(d).ok();
        let new = NewMedia {
            sha256,
            media_type,
            byte_size,
            width: size.and_then(|(w, _)| dimension(w)),
            height: size.and_then(|(_, h)| dimension(h)),
            filename: texts.filename.unwrap_or_else(|| format!("upload.{}", media_type.extension())),
            alt: texts.alt.set(),
            caption: texts.caption.set(),
            credit: texts.credit.set(),
            uploaded_by: Some(actor.id),
        };
        let (item, created) = self
            .write(writer, move |conn, now, _| {
                // Two uploads of the same bytes at once: the second finds the first.
                if let Some(item) = store::find_media_by_hash(conn, &new.sha256)? {
                    return Ok(Written::unchanged((item, false)));
                }
                let item = store::insert_media(conn, &new, now)?;
                let target = Target::Media(item.id);
                Ok(Written::new((item, true), Action::MediaUpload, target))
            })
            .await?;
        if created {
            // A deletion of the same bytes that committed just before this upload looked may
            // have removed the file since it was written: put it back (see `delete_media`).
            self.compute(move || match storage_again.size(&name)? {
                Some(_) => Ok(()),
                None => storage_again.put(&name, &bytes, media_type.as_str()),
            })
            .await??;
            self.make_variants_ahead(item.sha256.clone(), item.media_type);
        }
        Ok((self.media_view(item), created))
    }

    /// The library, newest first (anyone signed in).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_media(&self, caller: Caller, query: MediaQuery) -> ServiceResult<CursorPage<MediaView>> {
        caller.actor()?;
        let (limit, before) = self.id_page_args(LIST, query.limit, query.cursor)?;
        let codec = self.cursors().clone();
        let page = self
            .db(move |conn, _| {
                let rows = store::list_media(conn, query.media_type, before.map(MediaId), limit.probe())?;
                Ok(Page::from_probe(rows, limit, |m| m.id.0))
            })
            .await?;
        Ok(CursorPage {
            next_cursor: page.next.map(|id| codec.encode(LIST, &[id])),
            items: page.items.into_iter().map(|item| self.media_view(item)).collect(),
        })
    }

    /// The cursor of the page after `item` (for a GraphQL edge).
    pub fn media_cursor(&self, item: &MediaItem) -> String {
        self.cursors().encode(LIST, &[item.id.0])
    }

    /// One item (anyone signed in).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn get_media(&self, caller: Caller, id: MediaId) -> ServiceResult<MediaView> {
        caller.actor()?;
        let item =
            self.db(move |conn, _| store::find_media(conn, id)?.ok_or(ServiceError::NotFound("media item"))).await?;
        Ok(self.media_view(item))
    }

    /// Changes an item's texts (its uploader and editors). A new alt text or credit reaches the
    /// posts and products that show the item with its old one and that the caller may change; a
    /// text written for one of them stays.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_media(&self, caller: Caller, id: MediaId, input: MediaInput) -> ServiceResult<MediaView> {
        let writer = caller.writer()?;
        let actor = *writer;
        let changes = parse_texts(input).map_err(ServiceError::Invalid)?;
        let keep = self.revisions_kept();
        let item = self
            .write(writer, move |conn, now, changed| {
                let before = store::find_media(conn, id)?.ok_or(ServiceError::NotFound("media item"))?;
                may_manage(actor, &before)?;
                let after =
                    store::update_media(conn, id, &changes, now)?.ok_or(ServiceError::NotFound("media item"))?;
                carry_texts(conn, actor, keep, &before, &after, now, changed)?;
                Ok(Written::new(after, Action::MediaUpdate, Target::Media(id)).fields(&changes.field_names()))
            })
            .await?;
        Ok(self.media_view(item))
    }

    /// Deletes an item and its files (its uploader and editors); 409 while a post or a product
    /// shows it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_media(&self, caller: Caller, id: MediaId) -> ServiceResult<()> {
        let writer = caller.writer()?;
        let actor = *writer;
        let storage = self.media().storage()?;
        let item = self
            .write(writer, move |conn, _, _| {
                let item = store::find_media(conn, id)?.ok_or(ServiceError::NotFound("media item"))?;
                may_manage(actor, &item)?;
                let (posts, products) = store::media_users(conn, id)?;
                if !posts.is_empty() || !products.is_empty() {
                    let named: Vec<String> = posts
                        .iter()
                        .map(|p| format!("post {p}"))
                        .chain(products.iter().map(|p| format!("product {p}")))
                        .collect();
                    return Err(ServiceError::Conflict(format!("the item is in use by {}", named.join(", "))));
                }
                store::delete_media(conn, id)?;
                Ok(Written::new(item, Action::MediaDelete, Target::Media(id)))
            })
            .await?;
        // After the commit: a file whose row is gone is only wasted space, never a broken link.
        // The same bytes may be uploaded again meanwhile (a new row for the hash): the original
        // is read before it is removed, and put back if such a row has appeared; an upload that
        // finds its file gone after its row committed puts it back too.
        let pool = self.clone();
        let sha256 = item.sha256.clone();
        let removed = self
            .compute(move || -> ServiceResult<()> {
                for name in every_variant_name(&item.sha256, item.media_type) {
                    storage.delete(&name)?;
                }
                let original = item.file_name();
                let kept = storage.get(&original, None)?;
                storage.delete(&original)?;
                let again = pool.db_blocking_read(|conn| Ok(store::find_media_by_hash(conn, &sha256)?))?;
                if let (Some(again), Some(kept)) = (again, kept) {
                    tracing::info!(media = %again.id, "the same bytes were uploaded while their old item was deleted");
                    storage.put(&original, &kept.bytes, item.media_type.as_str())?;
                }
                Ok(())
            })
            .await?;
        if let Err(error) = removed {
            tracing::warn!(error = %crate::chain(&error), media = %id, "a deleted media item's files stay");
        }
        Ok(())
    }

    pub(crate) fn media_view(&self, item: MediaItem) -> MediaView {
        let url = format!("{}/{}", self.media().settings.base_url, item.file_name());
        MediaView { item, url }
    }

    /// The base URL media files are served under, for the pictures posts and products show.
    pub(crate) fn media_base_url(&self) -> String {
        self.media().settings.base_url.clone()
    }

    /// Follows a move of the media base URL (a new port or public address, a restore on another
    /// host): the pictures posts and products show from the library are stored with their URL,
    /// so those under the base recorded at the last start move to the configured one. Call at
    /// start-up; returns how many moved.
    pub fn follow_media_base_url(&self) -> ServiceResult<usize> {
        const RECORDED: &str = "media_base_url";
        let base = self.media().settings.base_url.clone();
        let moved = self.write_blocking(move |conn, now| {
            let recorded = store::get_setting(conn, RECORDED)?;
            let moved = match &recorded {
                Some(old) if *old != base => store::rebase_media_urls(conn, old, &base)?,
                _ => 0,
            };
            if recorded.as_deref() != Some(base.as_str()) {
                store::set_setting(conn, RECORDED, &base, now)?;
            }
            Ok(moved)
        })?;
        if moved > 0 {
            self.invalidate_cache();
            tracing::info!(moved, "pictures follow the media base URL to its new address");
        }
        Ok(moved)
    }

    /// The largest upload, in bytes (the HTTP faces stop reading past it).
    pub fn media_max_bytes(&self) -> usize {
        self.media().settings.max_bytes
    }
}

/// Gives the posts and products showing `before`'s alt text or credit `after`'s, those the actor
/// may change: an uploader who may not edit a post (or products) leaves it as it is.
fn carry_texts(
    conn: &mut DbConnection,
    actor: Actor,
    keep: u32,
    before: &MediaItem,
    after: &MediaItem,
    now: colophon_domain::Timestamp,
    changed: &mut crate::write::Changed,
) -> ServiceResult<()> {
    if before.alt == after.alt && before.credit == after.credit {
        return Ok(());
    }
    let carried = |image: &FeaturedImage| FeaturedImage {
        alt: if image.alt == before.alt { after.alt.clone() } else { image.alt.clone() },
        credit: if image.credit == before.credit { after.credit.clone() } else { image.credit.clone() },
        ..image.clone()
    };
    let (post_ids, product_ids) = store::media_users(conn, before.id)?;
    for post in store::posts_by_ids(conn, &post_ids)?.into_iter().filter(|p| actor.can_edit(p)) {
        let Some(image) = post.featured_image.as_ref().filter(|i| carried(i) != **i).map(carried) else { continue };
        crate::posts::set_featured_image(conn, &post, image, (actor, keep), now, changed)?;
    }
    let products = if actor.can_curate() { store::products_by_ids(conn, &product_ids)? } else { Vec::new() };
    for product in products {
        let Some(image) = product.image.as_ref().filter(|i| carried(i) != **i).map(carried) else { continue };
        set_product_image(conn, &product, image, now, changed)?;
    }
    Ok(())
}

fn set_product_image(
    conn: &mut DbConnection,
    product: &Product,
    image: FeaturedImage,
    now: colophon_domain::Timestamp,
    changed: &mut crate::write::Changed,
) -> ServiceResult<()> {
    let changes = store::ProductChanges { image: Patch::Set(image), ..Default::default() };
    if let Some(updated) = store::update_product(conn, product.id, &changes, now)? {
        let target = Target::Product(product.id);
        changed.extend(target.stale_keys(Action::ProductUpdate));
        changed.emit(colophon_domain::EventKind::ProductUpdated, &target, crate::webhooks::data::product(&updated));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths_and_control_characters() {
        assert_eq!(file_name("C:\\photos\\rug.jpg").unwrap(), "rug.jpg");
        assert_eq!(file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(file_name("a\u{0}b\nc.png").unwrap(), "abc.png");
        assert!(file_name(&"x".repeat(300)).is_err());
    }
}
