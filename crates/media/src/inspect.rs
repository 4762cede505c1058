//! An upload made ready to store: its size read, and its
//! metadata (EXIF with GPS, XMP, IPTC, comments) stripped. JPEG, PNG and WebP lose their
//! metadata chunks without being re-encoded (`img-parts`); a photograph turned by its EXIF
//! orientation is decoded, turned and encoded again, so that it still shows upright.

use std::io::Cursor;

use bytes::Bytes;
use colophon_domain::{MAX_PIXELS, MediaType};
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{ImageEXIF, ImageICC};

use crate::containers::{Stripped, strip_avif, strip_gif};

/// The quality a turned JPEG is encoded at again.
const REENCODE_QUALITY: u8 = 90;

/// `upload`, of the type its first bytes say, without its metadata; with its size in pixels
/// when it has one; or why it cannot be read.
pub(crate) fn strip(media_type: MediaType, upload: Vec<u8>) -> Stripped {
    match media_type {
        MediaType::Jpeg => jpeg(upload),
        MediaType::Png => png(upload),
        MediaType::Webp => webp(upload),
        MediaType::Gif => strip_gif(&upload).map(|(b, w, h)| (b, Some((w, h)))),
        MediaType::Avif => strip_avif(upload),
        MediaType::Pdf => Ok((upload, None)),
    }
}

/// Whether a picture the library makes variants of decodes, within the limits. AVIF (not
/// decoded here) and PDF pass as they are.
pub(crate) fn check_decodes(media_type: MediaType, bytes: &[u8]) -> Result<(), String> {
    let format = match media_type {
        MediaType::Jpeg => image::ImageFormat::Jpeg,
        MediaType::Png => image::ImageFormat::Png,
        MediaType::Webp => image::ImageFormat::WebP,
        MediaType::Gif => image::ImageFormat::Gif,
        MediaType::Avif | MediaType::Pdf => return Ok(()),
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    reader.decode().map(drop).map_err(|e| format!("cannot be decoded: {e}"))
}

/// Decoding limits for every picture the library decodes: no dimension past what
/// [`MAX_PIXELS`] allows, no allocation past what such a picture needs.
pub(crate) fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(40_000);
    limits.max_image_height = Some(40_000);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

/// The EXIF orientation of a picture, read by the decoder without decoding the pixels.
fn orientation(bytes: &[u8], format: image::ImageFormat) -> image::metadata::Orientation {
    use image::ImageDecoder;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    reader.into_decoder().and_then(|mut d| d.orientation()).unwrap_or(image::metadata::Orientation::NoTransforms)
}

/// Decodes, turns upright and encodes again (the encoders write no metadata).
fn turned(bytes: &[u8], format: image::ImageFormat) -> Stripped {
    let turn = orientation(bytes, format);
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut picture = reader.decode().map_err(|e| format!("cannot be decoded: {e}"))?;
    picture.apply_orientation(turn);
    let mut out = Cursor::new(Vec::new());
    let written = if format == image::ImageFormat::Jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, REENCODE_QUALITY);
        picture.to_rgb8().write_with_encoder(encoder)
    } else {
        picture.write_to(&mut out, format)
    };
    written.map_err(|e| format!("cannot be encoded again: {e}"))?;
    Ok((out.into_inner(), Some((picture.width(), picture.height()))))
}

fn needs_turning(bytes: &[u8], format: image::ImageFormat) -> bool {
    orientation(bytes, format) != image::metadata::Orientation::NoTransforms
}

fn jpeg(upload: Vec<u8>) -> Stripped {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(upload.clone())).map_err(|e| format!("is not a readable JPEG: {e}"))?;
    if needs_turning(&upload, image::ImageFormat::Jpeg) {
        return turned(&upload, image::ImageFormat::Jpeg);
    }
    let icc = jpeg.icc_profile();
    // Every application segment but JFIF's own APP0 and Adobe's colour transform (APP14), which
    // decoders need; the colour profile goes back in alone. Other APP0s (JFXX) carry thumbnails.
    let metadata: Vec<u8> = (markers::APP1..=markers::APP15).filter(|m| *m != markers::APP14).collect();
    jpeg.segments_mut().retain(|s| {
        let foreign_app0 = s.marker() == markers::APP0 && !s.contents().starts_with(b"JFIF\0");
        !metadata.contains(&s.marker()) && s.marker() != markers::COM && !foreign_app0
    });
    jpeg.set_icc_profile(icc);
    let size = jpeg.dimensions().map(|(w, h)| (u32::from(w), u32::from(h)));
    let mut bytes = jpeg.encoder().bytes().to_vec();
    // Phones append motion-photo videos (with their own location) and other trailers after the
    // end-of-image marker; no decoder reads them.
    if let Some(end) = end_of_image(&bytes) {
        bytes.truncate(end);
    }
    Ok((bytes, size))
}

/// Where a JPEG's end-of-image marker ends, found by walking its segments and skipping each
/// scan's entropy-coded data (restart markers and fill bytes included); `None` when the file
/// ends first or is not laid out as a JPEG (then nothing is cut).
fn end_of_image(b: &[u8]) -> Option<usize> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        // Fill bytes: any number of 0xFF before a marker.
        while *b.get(i)? == 0xFF {
            i += 1;
        }
        let marker = b[i];
        i += 1;
        match marker {
            0xD9 => return Some(i),
            // A restart marker sits inside a scan: its data goes on after it.
            0xD0..=0xD7 => i = after_entropy(b, i)?,
            0x01 => {}
            _ => {
                let length = usize::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]));
                if length < 2 {
                    return None;
                }
                i += length;
                if marker == 0xDA {
                    i = after_entropy(b, i)?;
                }
            }
        }
    }
}

/// The end of entropy-coded data from `i`: the next 0xFF that starts a marker (0xFF 0x00 is a
/// stuffed byte and part of the data; a restart marker is for the caller to step over).
fn after_entropy(b: &[u8], mut i: usize) -> Option<usize> {
    while *b.get(i)? != 0xFF || *b.get(i + 1)? == 0x00 {
        i += 1;
    }
    Some(i)
}

/// PNG chunks a picture may keep: the image's own and how to show it (colour, transparency,
/// animation). Text, EXIF, time stamps, C2PA manifests (caBX) and every chunk not known go.
const PNG_KEPT: [&[u8; 4]; 20] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCv",
    b"cLLi", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
];

/// WebP chunks a picture may keep: the image, its alpha, animation and colour profile.
const WEBP_KEPT: [[u8; 4]; 7] = [
    img_parts::webp::CHUNK_VP8,
    img_parts::webp::CHUNK_VP8L,
    img_parts::webp::CHUNK_VP8X,
    img_parts::webp::CHUNK_ALPH,
    img_parts::webp::CHUNK_ANIM,
    img_parts::webp::CHUNK_ANMF,
    img_parts::webp::CHUNK_ICCP,
];

fn png(upload: Vec<u8>) -> Stripped {
    let mut png = Png::from_bytes(Bytes::from(upload.clone())).map_err(|e| format!("is not a readable PNG: {e}"))?;
    if png.exif().is_some() && needs_turning(&upload, image::ImageFormat::Png) {
        return turned(&upload, image::ImageFormat::Png);
    }
    png.chunks_mut().retain(|chunk| PNG_KEPT.contains(&&chunk.kind()));
    let size = png.dimensions();
    Ok((png.encoder().bytes().to_vec(), size))
}

fn webp(upload: Vec<u8>) -> Stripped {
    let mut webp = WebP::from_bytes(Bytes::from(upload)).map_err(|e| format!("is not a readable WebP: {e}"))?;
    webp.chunks_mut().retain(|chunk| WEBP_KEPT.contains(&chunk.id()));
    // Setting no EXIF also clears the header's flags for what is gone (EXIF and XMP).
    webp.set_exif(None);
    let size = webp.dimensions();
    Ok((webp.encoder().bytes().to_vec(), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upload stripped as the library strips it: its bytes and size.
    #[derive(Debug)]
    struct Prepared {
        bytes: Vec<u8>,
        size: Option<(u32, u32)>,
    }

    fn prepare(upload: Vec<u8>) -> Result<Prepared, String> {
        let media_type = MediaType::sniff(&upload).ok_or("not a type the library takes")?;
        strip(media_type, upload).map(|(bytes, size)| Prepared { bytes, size })
    }

    /// A small JPEG made here, with an EXIF block holding a GPS tag's bytes and a comment.
    pub(crate) fn jpeg_with_exif(orientation: u16) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(40, 20, |x, _| image::Rgb([x as u8 * 6, 0, 0]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        let mut jpeg = Jpeg::from_bytes(Bytes::from(out.into_inner())).unwrap();
        // A big-endian TIFF with one IFD entry: Orientation (0x0112), SHORT, 1 value.
        let mut exif = b"MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01".to_vec();
        exif.extend_from_slice(&orientation.to_be_bytes());
        exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        exif.extend_from_slice(b"GPSLatitude 51.5N");
        jpeg.set_exif(Some(Bytes::from(exif)));
        let comment =
            img_parts::jpeg::JpegSegment::new_with_contents(markers::COM, Bytes::from_static(b"shot at home"));
        jpeg.segments_mut().insert(1, comment);
        jpeg.encoder().bytes().to_vec()
    }

    #[test]
    fn jpeg_metadata_goes_without_re_encoding() {
        let original = jpeg_with_exif(1);
        assert_eq!(MediaType::sniff(&original), Some(MediaType::Jpeg));
        let prepared = prepare(original.clone()).unwrap();
        assert_eq!(prepared.size, Some((40, 20)));
        let text = String::from_utf8_lossy(&prepared.bytes);
        assert!(!text.contains("GPSLatitude") && !text.contains("shot at home"));
        let stripped = Jpeg::from_bytes(Bytes::from(prepared.bytes.clone())).unwrap();
        assert!(stripped.exif().is_none());
        // The picture's own segments are untouched.
        let scan = |b: &[u8]| Jpeg::from_bytes(Bytes::from(b.to_vec())).unwrap().segments().last().unwrap().clone();
        assert_eq!(scan(&original), scan(&prepared.bytes));
    }

    #[test]
    fn jpeg_trailers_and_foreign_app0_segments_go() {
        let original = jpeg_with_exif(1);
        let mut jpeg = Jpeg::from_bytes(Bytes::from(original.clone())).unwrap();
        // A JFXX thumbnail extension beside JFIF's own APP0.
        let jfxx = img_parts::jpeg::JpegSegment::new_with_contents(
            markers::APP0,
            Bytes::from_static(b"JFXX\0\x10thumbnail of the uncropped photo"),
        );
        jpeg.segments_mut().insert(1, jfxx);
        let mut with_trailer = jpeg.encoder().bytes().to_vec();
        with_trailer.extend_from_slice(b"\0\0\0\x18ftypmp42 motion photo with GPS 51.5N");
        let prepared = prepare(with_trailer).unwrap();
        let text = String::from_utf8_lossy(&prepared.bytes);
        assert!(!text.contains("motion photo") && !text.contains("thumbnail"), "{text}");
        assert!(prepared.bytes.ends_with(&[0xFF, 0xD9]));
        assert!(image::load_from_memory(&prepared.bytes).is_ok());
        assert!(text.contains("JFIF") || !String::from_utf8_lossy(&original).contains("JFIF"));
    }

    #[test]
    fn the_end_of_a_jpeg_is_found_past_stuffed_bytes_and_restarts() {
        let mut scan = vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56];
        // A restart marker after fill bytes, more data, a second scan (progressive), the end.
        scan.extend_from_slice(&[0xFF, 0xFF, 0xD4, 0x78, 0xFF, 0xC4, 0x00, 0x03, 0x01, 0xFF, 0xDA, 0x00, 0x02, 0x9A]);
        scan.extend_from_slice(&[0xFF, 0xD9, b'x', b'y']);
        assert_eq!(end_of_image(&scan), Some(scan.len() - 2));
        assert_eq!(end_of_image(&scan[..8]), None, "cut short: nothing to cut");
        assert_eq!(end_of_image(b"not a jpeg"), None);
    }

    #[test]
    fn a_turned_photograph_is_stored_upright() {
        // Orientation 6: the camera was turned a quarter; shown upright it is 20 wide, 40 high.
        let prepared = prepare(jpeg_with_exif(6)).unwrap();
        assert_eq!(prepared.size, Some((20, 40)));
        assert!(!String::from_utf8_lossy(&prepared.bytes).contains("GPSLatitude"));
        let decoded = image::load_from_memory(&prepared.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
    }

    #[test]
    fn png_text_and_exif_chunks_go() {
        let picture = image::RgbaImage::from_pixel(3, 2, image::Rgba([1, 2, 3, 255]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
        let mut png = Png::from_bytes(Bytes::from(out.into_inner())).unwrap();
        let chunk = img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"Author\0Jane at 51.5N"));
        png.chunks_mut().insert(1, chunk);
        let c2pa = img_parts::png::PngChunk::new(*b"caBX", Bytes::from_static(b"jumbf c2pa manifest by Jane"));
        png.chunks_mut().insert(1, c2pa);
        let prepared = prepare(png.encoder().bytes().to_vec()).unwrap();
        assert_eq!(prepared.size, Some((3, 2)));
        assert!(!String::from_utf8_lossy(&prepared.bytes).contains("Jane"));
        assert!(image::load_from_memory(&prepared.bytes).is_ok());
    }

    #[test]
    fn webp_keeps_only_its_picture_chunks() {
        let picture = image::RgbaImage::from_pixel(4, 3, image::Rgba([9, 8, 7, 255]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, image::ImageFormat::WebP).unwrap();
        let mut webp = WebP::from_bytes(Bytes::from(out.into_inner())).unwrap();
        let manifest = img_parts::riff::RiffContent::Data(Bytes::from_static(b"c2pa manifest signed by Jane"));
        webp.chunks_mut().push(img_parts::riff::RiffChunk::new(*b"C2PA", manifest));
        let prepared = prepare(webp.encoder().bytes().to_vec()).unwrap();
        assert!(!String::from_utf8_lossy(&prepared.bytes).contains("Jane"));
        assert_eq!(prepared.size, Some((4, 3)));
        assert!(image::load_from_memory(&prepared.bytes).is_ok());
    }

    #[test]
    fn lying_files_are_unreadable_and_pdfs_pass_as_they_are() {
        let fake_png = b"\x89PNG\r\n\x1a\n<html>".to_vec();
        assert!(prepare(fake_png).unwrap_err().contains("PNG"));
        let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
        assert_eq!(prepare(pdf.clone()).unwrap().bytes, pdf);
        assert!(check_decodes(MediaType::Png, b"\x89PNG\r\n\x1a\n<html>").is_err());
    }

    #[test]
    fn an_enormous_picture_is_measured_from_its_header_alone() {
        // A GIF header claiming 65535 × 65535 pixels (4.3 gigapixels), and nothing else: its
        // size is read without decoding (the service refuses it by that size).
        let mut gif = b"GIF89a\xFF\xFF\xFF\xFF\x00\x00\x00".to_vec();
        gif.extend_from_slice(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3B");
        assert_eq!(prepare(gif).unwrap().size, Some((65535, 65535)));
    }
}
