//! Resized copies of pictures for `srcset`, in each listed width and format.

use std::io::Cursor;

use colophon_domain::{MediaType, Variant, VariantFormat};

use crate::inspect::limits;

/// The quality JPEG variants are written at.
const JPEG_QUALITY: u8 = 82;
/// The quality WebP variants are written at (lossy; libwebp's scale, 0 to 100).
const WEBP_QUALITY: f32 = 80.0;

/// Makes the variant of `original` (stored bytes of type `media_type`): at most the variant's
/// width (never enlarged), the height in proportion, in the variant's format.
pub(crate) fn make_variant(original: &[u8], media_type: MediaType, variant: Variant) -> Result<Vec<u8>, String> {
    let picture = decode(original, media_type)?;
    render(&picture, media_type, variant)
}

/// Every variant listed, from one decoding: the widest first, each narrower one resized from
/// the one before (a tenth of the work of resizing the original each time). A failure to
/// encode one leaves it out.
pub(crate) fn make_listed_variants(original: &[u8], media_type: MediaType) -> Result<Vec<(Variant, Vec<u8>)>, String> {
    let mut picture = decode(original, media_type)?;
    let mut made = Vec::new();
    for listed in colophon_domain::VARIANT_WIDTHS.iter().rev() {
        if *listed < picture.width() {
            picture = resized(&picture, *listed);
        }
        for format in [VariantFormat::Original, VariantFormat::Webp] {
            let Ok(variant) = Variant::parse(*listed, format) else { continue };
            match render(&picture, media_type, variant) {
                Ok(bytes) => made.push((variant, bytes)),
                Err(why) => tracing::warn!(%why, "a variant made ahead could not be encoded"),
            }
        }
    }
    Ok(made)
}

fn decode(original: &[u8], media_type: MediaType) -> Result<image::DynamicImage, String> {
    let format = match media_type {
        MediaType::Jpeg => image::ImageFormat::Jpeg,
        MediaType::Png => image::ImageFormat::Png,
        MediaType::Webp => image::ImageFormat::WebP,
        MediaType::Gif => image::ImageFormat::Gif,
        MediaType::Avif | MediaType::Pdf => return Err(format!("no variants are made of {media_type}")),
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(original), format);
    reader.limits(limits());
    reader.decode().map_err(|e| format!("cannot be decoded: {e}"))
}

fn resized(picture: &image::DynamicImage, width: u32) -> image::DynamicImage {
    let height = u32::try_from(u64::from(picture.height()) * u64::from(width) / u64::from(picture.width().max(1)))
        .unwrap_or(1)
        .max(1);
    picture.resize_exact(width, height, image::imageops::FilterType::Lanczos3)
}

/// Encodes `picture` (already decoded) as `variant`: resized when wider than it.
fn render(picture: &image::DynamicImage, media_type: MediaType, variant: Variant) -> Result<Vec<u8>, String> {
    let width = variant.width().min(picture.width());
    let owned;
    let resized = if width == picture.width() {
        picture
    } else {
        owned = resized(picture, width);
        &owned
    };
    let mut out = Cursor::new(Vec::new());
    let written = match variant.media_type(media_type) {
        MediaType::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            resized.to_rgb8().write_with_encoder(encoder)
        }
        MediaType::Webp => return webp(resized),
        _ => resized.write_to(&mut out, image::ImageFormat::Png),
    };
    written.map_err(|e| format!("cannot be encoded: {e}"))?;
    Ok(out.into_inner())
}

/// A lossy WebP (libwebp): a photograph's WebP is smaller than its JPEG, where image's own
/// lossless encoder made it six times larger.
fn webp(picture: &image::DynamicImage) -> Result<Vec<u8>, String> {
    let encoded = if picture.color().has_alpha() {
        let pixels = picture.to_rgba8();
        webp::Encoder::from_rgba(&pixels, pixels.width(), pixels.height()).encode_simple(false, WEBP_QUALITY)
    } else {
        let pixels = picture.to_rgb8();
        webp::Encoder::from_rgb(&pixels, pixels.width(), pixels.height()).encode_simple(false, WEBP_QUALITY)
    };
    encoded.map(|bytes| bytes.to_vec()).map_err(|e| format!("cannot be encoded as WebP: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn variants_keep_the_proportions_and_never_enlarge() {
        let original = png(800, 400);
        let small = Variant::parse(320, VariantFormat::Webp).unwrap();
        let made = image::load_from_memory(&make_variant(&original, MediaType::Png, small).unwrap()).unwrap();
        assert_eq!((made.width(), made.height()), (320, 160));
        let large = Variant::parse(1920, VariantFormat::Original).unwrap();
        let bytes = make_variant(&original, MediaType::Png, large).unwrap();
        assert_eq!(MediaType::sniff(&bytes), Some(MediaType::Png));
        let made = image::load_from_memory(&bytes).unwrap();
        assert_eq!((made.width(), made.height()), (800, 400));
    }

    #[test]
    fn webp_variants_are_lossy_and_smaller_than_jpeg() {
        // A photograph-like picture: noise over gradients.
        let picture = image::RgbImage::from_fn(1000, 600, |x, y| {
            let noise = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 23) as u8;
            image::Rgb([(x / 4) as u8 ^ noise, (y / 3) as u8, ((x + y) / 7) as u8 ^ noise])
        });
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        let original = out.into_inner();
        let as_jpeg = make_variant(&original, MediaType::Jpeg, Variant::parse(640, VariantFormat::Original).unwrap());
        let as_webp = make_variant(&original, MediaType::Jpeg, Variant::parse(640, VariantFormat::Webp).unwrap());
        let (as_jpeg, as_webp) = (as_jpeg.unwrap(), as_webp.unwrap());
        assert_eq!(MediaType::sniff(&as_webp), Some(MediaType::Webp));
        assert!(as_webp.len() < as_jpeg.len(), "webp {} bytes, jpeg {}", as_webp.len(), as_jpeg.len());
        let decoded = image::load_from_memory(&as_webp).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (640, 384));
    }

    #[test]
    fn listed_variants_come_from_one_decoding_at_every_name() {
        let made = make_listed_variants(&png(1000, 500), MediaType::Png).unwrap();
        assert_eq!(made.len(), 12);
        for (variant, bytes) in made {
            let picture = image::load_from_memory(&bytes).unwrap();
            let width = variant.width().min(1000);
            assert_eq!((picture.width(), picture.height()), (width, width / 2), "{variant:?}");
            assert_eq!(MediaType::sniff(&bytes), Some(variant.media_type(MediaType::Png)));
        }
    }
}
