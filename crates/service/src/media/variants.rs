//! Where resized copies of pictures for `srcset` are kept: beside the original, one name per
//! listed width and format (`colophon-media` makes them).

use colophon_domain::{MediaType, Variant, VariantFormat};

/// The name a variant is stored under, beside the original `<sha256>.<ext>`.
pub(crate) fn variant_name(sha256: &str, original: MediaType, variant: Variant) -> String {
    let format = match variant.format() {
        VariantFormat::Original => "o",
        VariantFormat::Webp => "webp",
    };
    format!("variants/{sha256}-w{}-{format}.{}", variant.width(), variant.media_type(original).extension())
}

/// Every name a variant of this file may be stored under (to remove them with it).
pub(crate) fn every_variant_name(sha256: &str, original: MediaType) -> Vec<String> {
    colophon_domain::VARIANT_WIDTHS
        .iter()
        .flat_map(|w| [VariantFormat::Original, VariantFormat::Webp].map(|f| (*w, f)))
        .filter_map(|(w, f)| Variant::parse(w, f).ok())
        .map(|v| variant_name(sha256, original, v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_width_and_format() {
        let v = Variant::parse(640, VariantFormat::Webp).unwrap();
        assert_eq!(variant_name("ab12", MediaType::Jpeg, v), "variants/ab12-w640-webp.webp");
        let v = Variant::parse(640, VariantFormat::Original).unwrap();
        assert_eq!(variant_name("ab12", MediaType::Gif, v), "variants/ab12-w640-o.png");
        assert_eq!(every_variant_name("ab12", MediaType::Jpeg).len(), 12);
    }
}
