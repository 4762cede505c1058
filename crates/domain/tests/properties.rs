//! Property tests (bounded, run in `cargo test`): the parsers and sanitizers never panic, and
//! what they produce is already inside their own policy. `cargo fuzz` needs a nightly
//! toolchain this project does not assume; proptest explores the same inputs on stable.

use colophon_domain::{CommentBody, Email, HttpUrl, PostHtml, Slug};
use proptest::prelude::*;

/// Text with a lot of markup in it: tags, attributes, entities, URLs, whitespace and newlines.
fn markupish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "<[a-zA-Z]{1,10}( [a-zA-Z:-]{1,8}=(\"[^\"]{0,16}\"|'[^']{0,16}'|[a-z:/.()]{0,12}))*/?>",
        "</[a-zA-Z]{1,10}>",
        "&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-z]{1,8});?",
        "(javascript|data|vbscript|https?|mailto):[a-z/().]{0,12}",
        "[ \t\n\r]{1,3}",
        "[a-zA-Z0-9 .,!?]{1,12}",
        "<!--[a-z ]{0,8}-->",
        "\\PC{1,4}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn comment_rendering_is_a_fixpoint_of_the_allowlist(text in markupish()) {
        if let Ok(body) = CommentBody::parse(&text) {
            let html = body.render();
            // Rendering what was rendered, as text, must not bring markup back to life.
            let again = CommentBody::parse(&html).map(|b| b.render()).unwrap_or_default();
            prop_assert!(!again.contains("<script"), "{again}");
            let lower = html.to_ascii_lowercase();
            for forbidden in ["<script", "<style", "<img", "<svg", "<iframe", "<math", "<form"] {
                prop_assert!(!lower.contains(forbidden), "{forbidden} in {html}");
            }
            // Inside each tag: no event handler, and every quoted value free of a bad scheme.
            for tag in lower.split('<').skip(1) {
                let head = tag.split('>').next().unwrap_or("");
                let mut rest = head;
                while let Some(at) = rest.find("=\"") {
                    let name = rest[..at].rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
                    prop_assert!(!name.starts_with("on") && name != "style", "{name} in {html}");
                    let value = &rest[at + 2..];
                    let end = value.find('"').unwrap_or(value.len());
                    let url = value[..end].trim_start();
                    for scheme in ["javascript:", "vbscript:", "data:"] {
                        prop_assert!(!url.starts_with(scheme), "{url} in {html}");
                    }
                    rest = &value[end..];
                }
            }
        }
    }

    #[test]
    fn post_bodies_never_panic_and_excerpts_stay_short(text in markupish()) {
        // Refused only for characters XML cannot carry (never for ordinary markup at this size).
        let refusable = colophon_domain::markup::forbidden_char(&text).is_some();
        match PostHtml::from_markdown(&text) {
            Ok(html) => {
                prop_assert!(!html.as_str().to_ascii_lowercase().contains("<script"));
                prop_assert!(html.derive_excerpt().chars().count() <= colophon_domain::EXCERPT_MAX);
                prop_assert!(!html.derive_excerpt().contains("<s"), "an excerpt never holds markup");
            }
            Err(_) => prop_assert!(refusable),
        }
        match PostHtml::from_html(&text) {
            Ok(html) => prop_assert!(!html.as_str().to_ascii_lowercase().contains("<script")),
            Err(_) => prop_assert!(refusable),
        }
    }

    #[test]
    fn slugs_parse_only_valid_text_and_derive_valid_slugs(text in "\\PC{0,120}") {
        if let Ok(slug) = Slug::parse(text.clone()) {
            prop_assert!(slug.as_str().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.as_str().contains("--"));
        }
        if let Some(slug) = Slug::derive(&text) {
            prop_assert!(Slug::parse(slug.as_str()).is_ok(), "{slug}");
            prop_assert!(Slug::parse(slug.with_suffix(99).as_str()).is_ok());
        }
    }

    #[test]
    fn emails_and_urls_never_panic(text in "\\PC{0,80}") {
        let _ = Email::parse(&text);
        if let Ok(url) = HttpUrl::parse(&text) {
            let lower = url.as_str().to_ascii_lowercase();
            prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"));
        }
    }
}
