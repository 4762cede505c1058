//! The media library: uploads sniffed, measured and stripped of metadata (by [`Pictures`]),
//! stored once by the hash of their bytes in a [`BlobStore`], described by a row each, shown by posts and products,
//! and served with resized variants made on demand.

mod library;
mod pictures;
mod serve;
mod storage;
mod variants;

use std::sync::Arc;

use colophon_domain::FeaturedImage;
use colophon_store::{self as store, DbConnection};

pub use library::{MediaInput, MediaQuery, MediaUpload};
pub use pictures::{Pictures, Stripped};
pub use serve::{ByteRange, FileRequest, MediaFile, MediaRead};
pub use storage::{Blob, BlobStore, StorageError};

use crate::{ServiceError, ServiceResult};

/// The largest upload unless configured otherwise: 20 MB.
pub const MEDIA_MAX_BYTES: usize = 20 * 1024 * 1024;

/// Pictures are decoded in two lanes of one turn each (each decoding holds the whole picture:
/// 36 MB for a 12-megapixel photograph, up to 400 MB at the pixel limit): uploads have a lane of
/// their own, so that no request for variants can make an upload wait; variants (made ahead
/// after an upload, or on demand) share the other.
const LANE_TURNS: usize = 1;

/// Requests that may wait for (or hold) the variant lane to make a variant on demand; past
/// this, a request is answered 503 with `Retry-After` instead of joining the queue.
pub const VARIANT_QUEUE: usize = 8;

/// Uploads whose listed variants may wait to be made ahead; past this, an upload's variants
/// are left to be made on demand.
const MADE_AHEAD_QUEUE: usize = 32;

/// Variants one client address may have made on demand per minute (reading a variant that
/// exists is not counted).
pub const VARIANTS_PER_ADDRESS_PER_MINUTE: u32 = 30;

/// Where media files are kept and served.
#[derive(Clone)]
pub struct MediaSettings {
    /// The file store; `None` turns the library off (uploads and files answer 503).
    pub storage: Option<Arc<dyn BlobStore>>,
    /// The picture codecs; `None` turns the library off like a missing store.
    pub pictures: Option<Arc<dyn Pictures>>,
    /// The absolute URL files are served under (`https://cms.example/media`), without a final `/`.
    pub base_url: String,
    /// The largest upload, in bytes (413 beyond).
    pub max_bytes: usize,
    /// Make the listed variants of every upload in the background (on by default).
    pub variants_ahead: bool,
    /// Variants one client address may have made on demand per minute.
    pub variants_per_minute: u32,
}

impl std::fmt::Debug for MediaSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSettings")
            .field("storage", &self.storage.as_ref().map(|s| s.describe()))
            .field("pictures", &self.pictures)
            .field("base_url", &self.base_url)
            .field("max_bytes", &self.max_bytes)
            .field("variants_ahead", &self.variants_ahead)
            .field("variants_per_minute", &self.variants_per_minute)
            .finish()
    }
}

impl MediaSettings {
    /// No storage (the library answers 503) under `public_url`'s `/media`.
    pub fn without_storage(public_url: &str) -> Self {
        Self {
            storage: None,
            pictures: None,
            base_url: format!("{}/media", public_url.trim_end_matches('/')),
            max_bytes: MEDIA_MAX_BYTES,
            variants_ahead: true,
            variants_per_minute: VARIANTS_PER_ADDRESS_PER_MINUTE,
        }
    }
}

/// The library's state in a running service: its settings and its decoding lanes.
#[derive(Debug)]
pub(crate) struct Media {
    pub settings: MediaSettings,
    upload_lane: Arc<tokio::sync::Semaphore>,
    variant_lane: Arc<tokio::sync::Semaphore>,
    /// On-demand variant requests waiting for, or holding, the variant lane.
    on_demand: Arc<std::sync::atomic::AtomicUsize>,
    /// Uploads whose variants wait to be made ahead, or are being made.
    made_ahead: Arc<std::sync::atomic::AtomicUsize>,
}

/// A place in a bounded queue, given back when dropped.
pub(crate) struct QueuePlace(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for QueuePlace {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

fn take_place(queue: &Arc<std::sync::atomic::AtomicUsize>, bound: usize) -> Option<QueuePlace> {
    let taken = queue.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    let place = QueuePlace(queue.clone());
    (taken < bound).then_some(place)
}

impl Media {
    pub fn new(settings: MediaSettings) -> Self {
        Self {
            settings,
            upload_lane: Arc::new(tokio::sync::Semaphore::new(LANE_TURNS)),
            variant_lane: Arc::new(tokio::sync::Semaphore::new(LANE_TURNS)),
            on_demand: Arc::default(),
            made_ahead: Arc::default(),
        }
    }

    /// The upload lane's turn, to be moved into the blocking work that decodes: it ends when
    /// that work does, not when a request that stopped waiting for it goes away.
    pub async fn upload_turn(&self) -> ServiceResult<tokio::sync::OwnedSemaphorePermit> {
        self.upload_lane.clone().acquire_owned().await.map_err(|e| ServiceError::internal_while("decode turns", e))
    }

    /// The variant lane's turn (for a request that holds a place in its queue, or for the
    /// variants made ahead), held like the upload lane's.
    pub async fn variant_turn(&self) -> ServiceResult<tokio::sync::OwnedSemaphorePermit> {
        self.variant_lane.clone().acquire_owned().await.map_err(|e| ServiceError::internal_while("decode turns", e))
    }

    /// The variant lane's turn for work nobody waits for (variants made ahead): taken only while
    /// no request waits for a variant, so that requests go first.
    pub async fn variant_turn_after_requests(&self) -> ServiceResult<tokio::sync::OwnedSemaphorePermit> {
        loop {
            if self.on_demand.load(std::sync::atomic::Ordering::Acquire) == 0 {
                if let Ok(turn) = self.variant_lane.clone().try_acquire_owned() {
                    return Ok(turn);
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// A place in the on-demand queue, or 503 with `Retry-After` when it is full.
    pub fn on_demand_place(&self) -> ServiceResult<QueuePlace> {
        take_place(&self.on_demand, VARIANT_QUEUE)
            .ok_or(ServiceError::Busy { what: "making picture variants", retry_after_secs: 5 })
    }

    /// A place among the uploads waiting for their variants to be made ahead, if there is one.
    pub fn made_ahead_place(&self) -> Option<QueuePlace> {
        take_place(&self.made_ahead, MADE_AHEAD_QUEUE)
    }

    /// The file store, or 503 when none is configured.
    pub fn storage(&self) -> ServiceResult<Arc<dyn BlobStore>> {
        self.settings.storage.clone().ok_or_else(|| {
            ServiceError::unavailable("no media storage is configured (COLOPHON_MEDIA_DIR or COLOPHON_S3_*)")
        })
    }
}

impl Media {
    /// The picture codecs, or 503 when none are configured.
    pub fn pictures(&self) -> ServiceResult<Arc<dyn Pictures>> {
        self.settings.pictures.clone().ok_or_else(|| ServiceError::unavailable("no picture codecs are configured"))
    }
}

impl From<StorageError> for ServiceError {
    fn from(error: StorageError) -> Self {
        ServiceError::unavailable(error)
    }
}

/// A picture as a post or product will show it: when it names a media item, the item's URL and
/// size, and its alt text and credit unless the picture has its own. 422 (under `field`) when
/// the item does not exist or is no picture.
pub(crate) fn with_media(
    conn: &mut DbConnection,
    image: FeaturedImage,
    field: &str,
    base_url: &str,
) -> ServiceResult<FeaturedImage> {
    let Some(id) = image.media_id else {
        return Ok(FeaturedImage { width: None, height: None, ..image });
    };
    let field = format!("{field}.media_id");
    let item =
        store::find_media(conn, id)?.ok_or_else(|| ServiceError::invalid(&field, "no media item has this id"))?;
    if !item.media_type.is_image() {
        return Err(ServiceError::invalid(&field, format!("is a {}, not a picture", item.media_type)));
    }
    Ok(FeaturedImage {
        url: Some(format!("{base_url}/{}", item.file_name())),
        alt: image.alt.or(item.alt),
        credit: image.credit.or(item.credit),
        media_id: Some(id),
        width: item.width,
        height: item.height,
    })
}
