//! The media library: uploaded images and PDFs, kept by the hash of their bytes.

use crate::{AuthorId, MediaId, Timestamp};

crate::words::words! {
    /// What a media item is, sniffed from its bytes (never taken from the client).
    pub enum MediaType {
        /// A JPEG photograph.
        Jpeg = "image/jpeg",
        /// A PNG image.
        Png = "image/png",
        /// A WebP image.
        Webp = "image/webp",
        /// A GIF image, perhaps animated.
        Gif = "image/gif",
        /// An AVIF image.
        Avif = "image/avif",
        /// A PDF document.
        Pdf = "application/pdf",
    }
}

impl MediaType {
    /// Recognizes a file by its first bytes: the formats the library takes, and nothing else
    /// (SVG, HTML and every other kind are `None`).
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        let starts = |prefix: &[u8]| bytes.starts_with(prefix);
        if starts(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if starts(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if starts(b"GIF87a") || starts(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if starts(b"%PDF-") {
            Some(Self::Pdf)
        } else if is_avif(bytes) {
            Some(Self::Avif)
        } else {
            None
        }
    }

    /// The file extension of the stored file.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Gif => "gif",
            Self::Avif => "avif",
            Self::Pdf => "pdf",
        }
    }

    /// The type of a stored file's extension.
    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.extension() == extension)
    }

    /// Whether it is a picture (everything but PDF).
    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }

    /// Whether resized variants can be made of it (AVIF cannot be decoded here, a PDF is no
    /// picture).
    pub fn has_variants(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Webp | Self::Gif)
    }
}

/// An ISO base media file whose brand (major or compatible) is `avif` or `avis`.
fn is_avif(bytes: &[u8]) -> bool {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let end = size.clamp(16, bytes.len().min(256));
    // Major brand at 8..12, minor version at 12..16, then compatible brands.
    std::iter::once(&bytes[8..12])
        .chain(bytes[16..end].chunks_exact(4))
        .any(|brand| brand == b"avif" || brand == b"avis")
}

/// The widths variants are made at, for `srcset`; any other width is refused, so that a client
/// cannot make the server resize an image to a thousand sizes.
pub const VARIANT_WIDTHS: [u32; 6] = [320, 640, 960, 1280, 1920, 2560];

/// The format a variant is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariantFormat {
    /// The original's own format (a GIF's first frame becomes a PNG).
    Original,
    /// WebP.
    Webp,
}

/// A resized copy of an image: one of [`VARIANT_WIDTHS`], in the original format or WebP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    width: u32,
    format: VariantFormat,
}

impl Variant {
    /// A variant of a listed width; any other width is an error naming the list.
    pub fn parse(width: u32, format: VariantFormat) -> Result<Self, String> {
        if VARIANT_WIDTHS.contains(&width) {
            Ok(Self { width, format })
        } else {
            let listed: Vec<String> = VARIANT_WIDTHS.iter().map(ToString::to_string).collect();
            Err(format!("must be one of {}", listed.join(", ")))
        }
    }

    /// The width asked for (an image narrower than this is not enlarged).
    pub fn width(self) -> u32 {
        self.width
    }

    /// The format asked for.
    pub fn format(self) -> VariantFormat {
        self.format
    }

    /// The type a variant of an original of type `original` is written as.
    pub fn media_type(self, original: MediaType) -> MediaType {
        match (self.format, original) {
            (VariantFormat::Webp, _) => MediaType::Webp,
            (VariantFormat::Original, MediaType::Gif) => MediaType::Png,
            (VariantFormat::Original, other) => other,
        }
    }
}

/// The largest picture (in pixels) the library takes: a decoded 100-megapixel image holds
/// 400 MB, and anything larger is more likely a decompression bomb than a photograph.
pub const MAX_PIXELS: u64 = 100_000_000;

/// An item of the media library.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaItem {
    /// The item's id, by which posts and products name it.
    pub id: MediaId,
    /// SHA-256 of the stored bytes, in lowercase hex: the file's name and its `ETag`.
    pub sha256: String,
    /// What the bytes are.
    pub media_type: MediaType,
    /// The stored size in bytes (after metadata was stripped).
    pub byte_size: i64,
    /// Pixels across, for pictures whose size could be read.
    pub width: Option<i32>,
    /// Pixels down, likewise.
    pub height: Option<i32>,
    /// The file name it was uploaded under, for people (never used as a path).
    pub filename: String,
    /// Text that stands in for the picture.
    pub alt: Option<String>,
    /// A caption to show with it.
    pub caption: Option<String>,
    /// The credit line ("Image via Snorgtees").
    pub credit: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: Option<AuthorId>,
    /// When it was uploaded.
    pub created_at: Timestamp,
    /// When its metadata last changed.
    pub updated_at: Timestamp,
}

impl MediaItem {
    /// The name the file is stored and served under: `<sha256>.<extension>`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.sha256, self.media_type.extension())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_sniffed_from_bytes() {
        assert_eq!(MediaType::sniff(b"\xFF\xD8\xFF\xE0rest"), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(b"\x89PNG\r\n\x1a\nrest"), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(b"GIF89a..."), Some(MediaType::Gif));
        assert_eq!(MediaType::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        assert_eq!(MediaType::sniff(avif), Some(MediaType::Avif));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(MediaType::sniff(heic), None);
        assert_eq!(MediaType::sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(MediaType::sniff(b"<?xml version=\"1.0\"?><svg/>"), None);
        assert_eq!(MediaType::sniff(b""), None);
        assert_eq!(MediaType::sniff(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn only_listed_widths_make_variants() {
        assert!(Variant::parse(640, VariantFormat::Webp).is_ok());
        assert!(Variant::parse(641, VariantFormat::Original).unwrap_err().contains("320, 640"));
        let gif = Variant::parse(320, VariantFormat::Original).unwrap();
        assert_eq!(gif.media_type(MediaType::Gif), MediaType::Png);
        assert_eq!(gif.media_type(MediaType::Jpeg), MediaType::Jpeg);
    }

    #[test]
    fn extensions_go_both_ways() {
        for t in MediaType::ALL {
            assert_eq!(MediaType::from_extension(t.extension()), Some(*t));
        }
    }
}
