//! What the library asks of picture codecs, behind one trait (`colophon-media` implements it
//! with the maintained Rust codecs and libwebp), and the rules an upload must pass whatever
//! the codecs say.

use colophon_domain::{MAX_PIXELS, MediaType, ValidationErrors, Variant};

use crate::ServiceError;

/// An upload without its metadata, and its size in pixels when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The bytes to store.
    pub bytes: Vec<u8>,
    /// Width and height, as the file's header says (before any decoding).
    pub size: Option<(u32, u32)>,
}

/// Reading, stripping, decoding and resizing pictures. Every call blocks and may hold a whole
/// decoded picture: the service runs them on the blocking pool, one per lane.
pub trait Pictures: Send + Sync + std::fmt::Debug {
    /// `upload` (of the type its first bytes say) without its metadata (EXIF with GPS, XMP,
    /// IPTC, comments), turned upright if its EXIF says so, with its size in pixels when it has
    /// one; or why it cannot be read (a file that is not what its first bytes say).
    fn strip(&self, media_type: MediaType, upload: Vec<u8>) -> Result<Stripped, String>;
    /// Whether the pixels of a picture the library makes variants of decode; why not.
    fn check_decodes(&self, media_type: MediaType, bytes: &[u8]) -> Result<(), String>;
    /// The variant of `original` (stored bytes of `media_type`): at most the variant's width,
    /// never enlarged, the height in proportion, in the variant's format.
    fn variant(&self, original: &[u8], media_type: MediaType, variant: Variant) -> Result<Vec<u8>, String>;
    /// Every listed variant, from one decoding (one that cannot be encoded is left out).
    fn listed_variants(&self, original: &[u8], media_type: MediaType) -> Result<Vec<(Variant, Vec<u8>)>, String>;
}

/// An upload as it will be stored.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub bytes: Vec<u8>,
    pub media_type: MediaType,
    pub size: Option<(u32, u32)>,
}

/// Sniffs, strips and measures an upload, then decodes it once: 415 for a type the library does
/// not take, 422 for a file that is not what its first bytes say, a picture without a size or
/// past [`MAX_PIXELS`], or one whose pixels do not decode (refused now, not on every variant
/// request).
pub(crate) fn prepare(pictures: &dyn Pictures, upload: Vec<u8>) -> Result<Prepared, ServiceError> {
    let media_type = MediaType::sniff(&upload).ok_or_else(|| {
        ServiceError::UnsupportedMediaType(
            "the file is not a JPEG, PNG, WebP, GIF, AVIF or PDF (SVG is refused: it can carry scripts)".into(),
        )
    })?;
    let unreadable = |why: String| ServiceError::Invalid(ValidationErrors::single("file", why));
    let Stripped { bytes, size } = pictures.strip(media_type, upload).map_err(unreadable)?;
    size_rule(media_type, size).map_err(unreadable)?;
    pictures.check_decodes(media_type, &bytes).map_err(unreadable)?;
    Ok(Prepared { bytes, media_type, size })
}

/// A picture has a size, and at most [`MAX_PIXELS`] pixels (read from its header: a
/// decompression bomb is refused before anything decodes it).
fn size_rule(media_type: MediaType, size: Option<(u32, u32)>) -> Result<(), String> {
    match size {
        Some((w, h)) if u64::from(w) * u64::from(h) > MAX_PIXELS || w == 0 || h == 0 => {
            Err(format!("is {w}×{h} pixels; pictures may have at most {MAX_PIXELS} pixels"))
        }
        None if media_type.is_image() => Err("has no readable size".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_need_a_size_within_the_limit() {
        assert!(size_rule(MediaType::Gif, Some((65_535, 65_535))).unwrap_err().contains("pixels"));
        assert!(size_rule(MediaType::Png, Some((0, 10))).is_err());
        assert!(size_rule(MediaType::Jpeg, None).unwrap_err().contains("no readable size"));
        assert!(size_rule(MediaType::Jpeg, Some((4000, 3000))).is_ok());
        assert!(size_rule(MediaType::Pdf, None).is_ok());
    }

    #[test]
    fn other_types_are_refused_before_any_codec_runs() {
        /// Codecs that must not be reached.
        #[derive(Debug)]
        struct Unreached;
        impl Pictures for Unreached {
            fn strip(&self, _: MediaType, _: Vec<u8>) -> Result<Stripped, String> {
                unreachable!("an SVG was stripped")
            }
            fn check_decodes(&self, _: MediaType, _: &[u8]) -> Result<(), String> {
                unreachable!("an SVG was decoded")
            }
            fn variant(&self, _: &[u8], _: MediaType, _: Variant) -> Result<Vec<u8>, String> {
                unreachable!()
            }
            fn listed_variants(&self, _: &[u8], _: MediaType) -> Result<Vec<(Variant, Vec<u8>)>, String> {
                unreachable!()
            }
        }
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
        assert!(matches!(prepare(&Unreached, svg), Err(ServiceError::UnsupportedMediaType(_))));
    }
}
