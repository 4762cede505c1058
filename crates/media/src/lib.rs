#![warn(missing_docs)]
//! The media library's adapters, behind the traits `colophon-service` owns: where files are
//! kept ([`LocalBlobs`], [`S3Blobs`]: `BlobStore`) and what is done to their bytes ([`Codecs`]:
//! `Pictures`: metadata stripped without re-encoding, pictures decoded within limits, resized
//! variants encoded). The service decides when, how many at once and for whom.

mod containers;
mod inspect;
mod local;
mod s3;
mod variants;

use colophon_domain::{MediaType, Variant};
use colophon_service::Stripped;

pub use local::LocalBlobs;
pub use s3::{S3Blobs, S3Settings};

/// The picture codecs: `image` (JPEG, PNG, GIF, WebP decoding; JPEG and PNG encoding),
/// `img-parts` (metadata chunks removed without re-encoding), libwebp (lossy WebP), and the
/// walkers of `containers` for GIF and AVIF.
#[derive(Debug, Clone, Copy, Default)]
pub struct Codecs;

impl colophon_service::Pictures for Codecs {
    fn strip(&self, media_type: MediaType, upload: Vec<u8>) -> Result<Stripped, String> {
        inspect::strip(media_type, upload).map(|(bytes, size)| Stripped { bytes, size })
    }

    fn check_decodes(&self, media_type: MediaType, bytes: &[u8]) -> Result<(), String> {
        inspect::check_decodes(media_type, bytes)
    }

    fn variant(&self, original: &[u8], media_type: MediaType, variant: Variant) -> Result<Vec<u8>, String> {
        variants::make_variant(original, media_type, variant)
    }

    fn listed_variants(&self, original: &[u8], media_type: MediaType) -> Result<Vec<(Variant, Vec<u8>)>, String> {
        variants::make_listed_variants(original, media_type)
    }
}
