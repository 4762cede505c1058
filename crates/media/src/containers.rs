//! The two containers no maintained crate strips metadata from: GIF (comment and application
//! blocks) and AVIF (Exif and XMP items of the ISO base media file format). Both walkers only
//! copy or blank bytes, never decode pictures, and refuse anything that does not add up.

/// A file with its metadata gone, and its size in pixels when it could be read; or why not.
pub(crate) type Stripped = Result<(Vec<u8>, Option<(u32, u32)>), String>;

/// A GIF without its comments and foreign application blocks (XMP rides in one), keeping the
/// looping block of animations; with its logical screen size.
pub(crate) fn strip_gif(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), String> {
    let corrupt = || "is not a complete GIF".to_string();
    let header = bytes.get(..13).ok_or_else(corrupt)?;
    let width = u32::from(u16::from_le_bytes([header[6], header[7]]));
    let height = u32::from(u16::from_le_bytes([header[8], header[9]]));
    let mut at = 13 + color_table(header[10]);
    let mut out = bytes.get(..at).ok_or_else(corrupt)?.to_vec();
    loop {
        match *bytes.get(at).ok_or_else(corrupt)? {
            // Extension: a label, then data sub-blocks.
            0x21 => {
                let label = *bytes.get(at + 1).ok_or_else(corrupt)?;
                let end = sub_blocks_end(bytes, at + 2).ok_or_else(corrupt)?;
                let keep = match label {
                    0xFE => false,
                    0xFF => {
                        let application = bytes.get(at + 3..at + 14).ok_or_else(corrupt)?;
                        application == b"NETSCAPE2.0" || application == b"ANIMEXTS1.0"
                    }
                    _ => true,
                };
                if keep {
                    out.extend_from_slice(&bytes[at..end]);
                }
                at = end;
            }
            // Image: a descriptor, a local colour table, the LZW code size, data sub-blocks.
            0x2C => {
                let descriptor = bytes.get(at..at + 10).ok_or_else(corrupt)?;
                let field = |i: usize| u32::from(u16::from_le_bytes([descriptor[i], descriptor[i + 1]]));
                // A frame past the screen would make a decoder allocate for a picture larger than
                // the one the header (and the pixel limit) speak of.
                if field(1) + field(5) > width || field(3) + field(7) > height {
                    return Err("has a frame larger than its screen".into());
                }
                let data = at + 10 + color_table(descriptor[9]) + 1;
                let end = sub_blocks_end(bytes, data).ok_or_else(corrupt)?;
                out.extend_from_slice(&bytes[at..end]);
                at = end;
            }
            // Trailer: whatever follows it is dropped too.
            0x3B => {
                out.push(0x3B);
                return Ok((out, width, height));
            }
            _ => return Err(corrupt()),
        }
    }
}

/// The size of the colour table a packed field announces.
fn color_table(packed: u8) -> usize {
    if packed & 0x80 == 0 { 0 } else { 3 << ((packed & 0x07) + 1) }
}

/// Where the data sub-blocks starting at `at` end (after their zero-length terminator).
fn sub_blocks_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let size = usize::from(*bytes.get(at)?);
        at += 1;
        if size == 0 {
            return Some(at);
        }
        at += size;
    }
}

/// A box of an ISO base media file: its type and where its payload lies.
#[derive(Debug, Clone, Copy)]
struct IsoBox {
    kind: [u8; 4],
    payload: usize,
    end: usize,
}

/// The boxes within `bytes[start..end]`.
fn boxes(bytes: &[u8], start: usize, end: usize) -> Result<Vec<IsoBox>, String> {
    let corrupt = || "is not a well-formed AVIF file".to_string();
    let mut found = Vec::new();
    let mut at = start;
    while at < end {
        let size = u64::from(read_u32(bytes, at).ok_or_else(corrupt)?);
        let kind: [u8; 4] = bytes.get(at + 4..at + 8).ok_or_else(corrupt)?.try_into().map_err(|_| corrupt())?;
        let (size, header) = match size {
            0 => ((end - at) as u64, 8),
            1 => (read_u64(bytes, at + 8).ok_or_else(corrupt)?, 16),
            size => (size, 8),
        };
        let box_end = usize::try_from(size).ok().and_then(|s| at.checked_add(s)).ok_or_else(corrupt)?;
        if size < header as u64 || box_end > end {
            return Err(corrupt());
        }
        found.push(IsoBox { kind, payload: at + header, end: box_end });
        at = box_end;
    }
    Ok(found)
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// A big-endian number of `size` bytes (0, 4 or 8, as `iloc` declares them).
fn read_sized(bytes: &[u8], at: usize, size: u8) -> Option<u64> {
    match size {
        0 => Some(0),
        4 => read_u32(bytes, at).map(u64::from),
        8 => read_u64(bytes, at),
        _ => None,
    }
}

/// An AVIF file with the bytes of its Exif and XMP items blanked (zeros: the file keeps its
/// layout, and no reader finds metadata in them), and the size of its largest picture.
pub(crate) fn strip_avif(mut bytes: Vec<u8>) -> Stripped {
    let corrupt = || "is not a well-formed AVIF file".to_string();
    let top = boxes(&bytes, 0, bytes.len())?;
    let Some(meta) = top.iter().find(|b| &b.kind == b"meta") else { return Ok((bytes, None)) };
    // `meta` is a full box: version and flags first.
    let inside = boxes(&bytes, meta.payload + 4, meta.end)?;
    let metadata_items = match inside.iter().find(|b| &b.kind == b"iinf") {
        Some(iinf) => metadata_item_ids(&bytes, *iinf)?,
        None => Vec::new(),
    };
    let idat = inside.iter().find(|b| &b.kind == b"idat").map(|b| (b.payload, b.end));
    let mut blank = Vec::new();
    if !metadata_items.is_empty() {
        let iloc = inside.iter().find(|b| &b.kind == b"iloc").ok_or_else(corrupt)?;
        blank = item_extents(&bytes, *iloc, &metadata_items, idat)?;
    }
    for (start, end) in blank {
        bytes.get_mut(start..end).ok_or_else(corrupt)?.fill(0);
    }
    let size = match inside.iter().find(|b| &b.kind == b"iprp") {
        Some(iprp) => largest_picture(&bytes, *iprp)?,
        None => None,
    };
    Ok((bytes, size))
}

/// The ids of `Exif` items and of `mime` items holding XMP (`application/rdf+xml`).
fn metadata_item_ids(bytes: &[u8], iinf: IsoBox) -> Result<Vec<u32>, String> {
    let corrupt = || "has a malformed item list".to_string();
    let version = *bytes.get(iinf.payload).ok_or_else(corrupt)?;
    let entries = if version == 0 { iinf.payload + 6 } else { iinf.payload + 8 };
    let mut ids = Vec::new();
    for infe in boxes(bytes, entries, iinf.end)?.into_iter().filter(|b| &b.kind == b"infe") {
        let version = *bytes.get(infe.payload).ok_or_else(corrupt)?;
        if version < 2 {
            continue;
        }
        let (id, after_id) = if version == 2 {
            (u32::from(read_u16(bytes, infe.payload + 4).ok_or_else(corrupt)?), infe.payload + 6)
        } else {
            (read_u32(bytes, infe.payload + 4).ok_or_else(corrupt)?, infe.payload + 8)
        };
        // Protection index (2 bytes), then the item type.
        let kind = bytes.get(after_id + 2..after_id + 6).ok_or_else(corrupt)?;
        let strings = bytes.get(after_id + 6..infe.end).ok_or_else(corrupt)?;
        let is_xmp = kind == b"mime" && strings.split(|b| *b == 0).nth(1) == Some(b"application/rdf+xml");
        if kind == b"Exif" || is_xmp {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Where the data of `items` lies in the file, from the `iloc` box.
fn item_extents(
    bytes: &[u8],
    iloc: IsoBox,
    items: &[u32],
    idat: Option<(usize, usize)>,
) -> Result<Vec<(usize, usize)>, String> {
    let corrupt = || "has a malformed item location box".to_string();
    let whole = bytes.len();
    // Every read stays inside the box: a count larger than the box holds runs out of bytes at
    // once, instead of looping over nothing.
    let bytes = bytes.get(..iloc.end).ok_or_else(corrupt)?;
    let at = iloc.payload;
    let version = *bytes.get(at).ok_or_else(corrupt)?;
    let sizes = *bytes.get(at + 4).ok_or_else(corrupt)?;
    let more = *bytes.get(at + 5).ok_or_else(corrupt)?;
    let (offset_size, length_size, base_size) = (sizes >> 4, sizes & 0x0F, more >> 4);
    let index_size = if version == 1 || version == 2 { more & 0x0F } else { 0 };
    if index_size + offset_size + length_size == 0 {
        // Extents that take no bytes: any number of them fit in any box.
        return Err(corrupt());
    }
    let (count, mut at) = if version < 2 {
        (u32::from(read_u16(bytes, at + 6).ok_or_else(corrupt)?), at + 8)
    } else {
        (read_u32(bytes, at + 6).ok_or_else(corrupt)?, at + 10)
    };
    let mut extents = Vec::new();
    for _ in 0..count {
        let id = if version < 2 {
            let id = u32::from(read_u16(bytes, at).ok_or_else(corrupt)?);
            at += 2;
            id
        } else {
            let id = read_u32(bytes, at).ok_or_else(corrupt)?;
            at += 4;
            id
        };
        let method = if version == 1 || version == 2 {
            let method = read_u16(bytes, at).ok_or_else(corrupt)? & 0x0F;
            at += 2;
            method
        } else {
            0
        };
        at += 2; // data reference index
        let base = read_sized(bytes, at, base_size).ok_or_else(corrupt)?;
        at += usize::from(base_size);
        let extent_count = read_u16(bytes, at).ok_or_else(corrupt)?;
        at += 2;
        for _ in 0..extent_count {
            at += usize::from(index_size);
            let offset = read_sized(bytes, at, offset_size).ok_or_else(corrupt)?;
            at += usize::from(offset_size);
            let length = read_sized(bytes, at, length_size).ok_or_else(corrupt)?;
            at += usize::from(length_size);
            if !items.contains(&id) {
                continue;
            }
            let origin = match (method, idat) {
                (0, _) => 0,
                (1, Some((start, _))) => start as u64,
                _ => return Err("keeps metadata in a way that cannot be removed".into()),
            };
            let start = origin.checked_add(base).and_then(|s| s.checked_add(offset)).ok_or_else(corrupt)?;
            let end = start.checked_add(length).ok_or_else(corrupt)?;
            let (start, end) =
                (usize::try_from(start).map_err(|_| corrupt())?, usize::try_from(end).map_err(|_| corrupt())?);
            if length == 0 || end > whole {
                return Err("keeps metadata in a way that cannot be removed".into());
            }
            extents.push((start, end));
        }
    }
    Ok(extents)
}

/// The largest `ispe` (image spatial extents) property: the picture's size (a grid's whole,
/// not a tile's; never a thumbnail's).
fn largest_picture(bytes: &[u8], iprp: IsoBox) -> Result<Option<(u32, u32)>, String> {
    let mut largest: Option<(u32, u32)> = None;
    for ipco in boxes(bytes, iprp.payload, iprp.end)?.into_iter().filter(|b| &b.kind == b"ipco") {
        for ispe in boxes(bytes, ipco.payload, ipco.end)?.into_iter().filter(|b| &b.kind == b"ispe") {
            let (Some(w), Some(h)) = (read_u32(bytes, ispe.payload + 4), read_u32(bytes, ispe.payload + 8)) else {
                return Err("has a malformed image size".into());
            };
            if largest.is_none_or(|(lw, lh)| u64::from(w) * u64::from(h) > u64::from(lw) * u64::from(lh)) {
                largest = Some((w, h));
            }
        }
    }
    Ok(largest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 GIF with a comment, an XMP application block and a looping block.
    fn gif() -> Vec<u8> {
        let mut g = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        g.extend_from_slice(&[0, 0, 0, 255, 255, 255]); // global colour table, 2 entries
        g.extend_from_slice(b"\x21\xFE\x0Bsecret GPS!\x00");
        g.extend_from_slice(b"\x21\xFF\x0BXMP DataXMP\x05<x:x>\x00");
        g.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00");
        g.extend_from_slice(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00");
        g.extend_from_slice(b"\x3Btrailing");
        g
    }

    #[test]
    fn gif_comments_and_xmp_go_the_loop_stays() {
        let (out, w, h) = strip_gif(&gif()).unwrap();
        assert_eq!((w, h), (1, 1));
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("secret") && !text.contains("XMP") && !text.contains("trailing"), "{text}");
        assert!(text.contains("NETSCAPE2.0"));
        assert_eq!(*out.last().unwrap(), 0x3B);
        assert_eq!(strip_gif(&out).unwrap().0, out, "stripping again changes nothing");
    }

    #[test]
    fn frames_past_the_screen_are_refused() {
        let mut g = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        g.extend_from_slice(b"\x2C\x00\x00\x00\x00\x10\x27\x10\x27\x00\x02\x02\x44\x01\x00\x3B");
        assert_eq!(strip_gif(&g).unwrap_err(), "has a frame larger than its screen");
    }

    #[test]
    fn broken_gifs_are_refused() {
        let whole = gif();
        for cut in [5, 12, 20, 40, whole.len() - 11] {
            assert!(strip_gif(&whole[..cut]).is_err(), "cut at {cut}");
        }
    }

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(payload);
        b
    }

    /// An AVIF-shaped file: ftyp, meta (iinf with an Exif item 2, iloc placing it in mdat,
    /// iprp with two ispe), mdat holding "PIXELS" then "GPS=51.5N".
    fn avif() -> Vec<u8> {
        let ftyp = boxed(b"ftyp", b"avif\0\0\0\0avifmif1");
        let infe = boxed(b"infe", &[2, 0, 0, 0, 0, 2, 0, 0, b'E', b'x', b'i', b'f', 0]);
        let mut iinf_payload = vec![0, 0, 0, 0, 0, 1];
        iinf_payload.extend_from_slice(&infe);
        let iinf = boxed(b"iinf", &iinf_payload);
        let ispe_big = boxed(b"ispe", &[0, 0, 0, 0, 0, 0, 0x0F, 0xA0, 0, 0, 0x0B, 0xB8]);
        let ispe_small = boxed(b"ispe", &[0, 0, 0, 0, 0, 0, 0, 160, 0, 0, 0, 120]);
        let ipco = boxed(b"ipco", &[ispe_small, ispe_big].concat());
        let iprp = boxed(b"iprp", &ipco);
        // iloc version 0, offset size 4, length size 4, base size 0; one item (2), one extent.
        let iloc_len = 8 + 4 + 1 + 1 + 2 + 2 + 2 + 2 + 4 + 4;
        let meta_len = 8 + 4 + iinf.len() + iloc_len + iprp.len();
        let mdat_start = ftyp.len() + meta_len + 8;
        let exif_at = (mdat_start + 6) as u32;
        let mut iloc_payload = vec![0, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 2, 0, 0, 0, 1];
        iloc_payload.extend_from_slice(&exif_at.to_be_bytes());
        iloc_payload.extend_from_slice(&9u32.to_be_bytes());
        let iloc = boxed(b"iloc", &iloc_payload);
        let meta = boxed(b"meta", &[&[0, 0, 0, 0][..], &iinf, &iloc, &iprp].concat());
        assert_eq!(meta.len(), meta_len);
        let mdat = boxed(b"mdat", b"PIXELSGPS=51.5N");
        [ftyp, meta, mdat].concat()
    }

    #[test]
    fn avif_exif_is_blanked_and_the_size_read() {
        let original = avif();
        assert!(String::from_utf8_lossy(&original).contains("GPS=51.5N"));
        let (out, size) = strip_avif(original.clone()).unwrap();
        assert_eq!(out.len(), original.len());
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains("GPS") && text.contains("PIXELS"), "{text}");
        assert_eq!(size, Some((4000, 3000)));
    }

    #[test]
    fn item_counts_past_the_box_are_refused_at_once() {
        // An iloc claiming 65,535 items whose extents take no bytes, in a box of a few bytes.
        let iloc = boxed(b"iloc", &[0, 0, 0, 0, 0x00, 0x00, 0xFF, 0xFF, 0, 2, 0, 0, 0xFF, 0xFF]);
        let mut file = boxed(b"ftyp", b"avif\0\0\0\0avif");
        let at = file.len();
        file.extend_from_slice(&iloc);
        let found = boxes(&file, at, file.len()).unwrap()[0];
        let started = std::time::Instant::now();
        assert!(item_extents(&file, found, &[2], None).is_err());
        let iloc = boxed(b"iloc", &[0, 0, 0, 0, 0x44, 0x00, 0xFF, 0xFF, 0, 2, 0, 0, 0xFF, 0xFF]);
        file.truncate(at);
        file.extend_from_slice(&iloc);
        let found = boxes(&file, at, file.len()).unwrap()[0];
        assert!(item_extents(&file, found, &[2], None).is_err());
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
    }

    #[test]
    fn broken_avifs_are_refused_not_panicked_on() {
        let whole = avif();
        for cut in 1..whole.len() {
            let _ = strip_avif(whole[..cut].to_vec());
        }
        let mut lying = whole.clone();
        lying[3] = 0xFF; // ftyp claims more bytes than the file has
        assert!(strip_avif(lying).is_err());
    }
}
