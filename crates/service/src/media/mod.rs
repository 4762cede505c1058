//! The media library: uploads sniffed, measured and stripped of metadata, stored once by the
//! hash of their bytes in a [`BlobStore`], described by a row each, shown by posts and products,
//! and served with resized variants made on demand.

mod containers;
mod inspect;
mod library;
mod serve;
mod storage;
mod variants;

use std::sync::Arc;

use colophon_domain::FeaturedImage;
use colophon_store::{self as store, DbConnection};

pub use library::{MediaInput, MediaQuery, MediaUpload};
pub use serve::{ByteRange, MediaFile, MediaRead};
pub use storage::{Blob, BlobStore, LocalBlobs, S3Blobs, S3Settings, StorageError};

use crate::{ServiceError, ServiceResult};

/// The largest upload unless configured otherwise: 20 MB.
pub const MEDIA_MAX_BYTES: usize = 20 * 1024 * 1024;

/// How many pictures one process decodes at once, for variants and for checking uploads (each
/// holds the whole picture: 36 MB for a 12-megapixel photograph, up to 400 MB at the pixel
/// limit); other requests wait their turn.
const DECODES_AT_ONCE: usize = 2;

/// Where media files are kept and served.
#[derive(Clone)]
pub struct MediaSettings {
    /// The file store; `None` turns the library off (uploads and files answer 503).
    pub storage: Option<Arc<dyn BlobStore>>,
    /// The absolute URL files are served under (`https://cms.example/media`), without a final `/`.
    pub base_url: String,
    /// The largest upload, in bytes (413 beyond).
    pub max_bytes: usize,
}

impl std::fmt::Debug for MediaSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSettings")
            .field("storage", &self.storage.as_ref().map(|s| s.describe()))
            .field("base_url", &self.base_url)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl MediaSettings {
    /// No storage (the library answers 503) under `public_url`'s `/media`.
    pub fn without_storage(public_url: &str) -> Self {
        Self {
            storage: None,
            base_url: format!("{}/media", public_url.trim_end_matches('/')),
            max_bytes: MEDIA_MAX_BYTES,
        }
    }
}

/// The library's state in a running service: its settings and its turns at making variants.
#[derive(Debug)]
pub(crate) struct Media {
    pub settings: MediaSettings,
    decode_turns: Arc<tokio::sync::Semaphore>,
}

impl Media {
    pub fn new(settings: MediaSettings) -> Self {
        Self { settings, decode_turns: Arc::new(tokio::sync::Semaphore::new(DECODES_AT_ONCE)) }
    }

    /// A turn at decoding a picture, to be moved into the blocking work that decodes: it ends
    /// when that work does, not when a request that stopped waiting for it goes away.
    pub async fn decode_turn(&self) -> ServiceResult<tokio::sync::OwnedSemaphorePermit> {
        self.decode_turns.clone().acquire_owned().await.map_err(|e| ServiceError::internal_while("decode turns", e))
    }

    /// The file store, or 503 when none is configured.
    pub fn storage(&self) -> ServiceResult<Arc<dyn BlobStore>> {
        self.settings.storage.clone().ok_or_else(|| {
            ServiceError::unavailable("no media storage is configured (COLOPHON_MEDIA_DIR or COLOPHON_S3_*)")
        })
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
