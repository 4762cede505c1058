//! Property tests for page cursors: decoding never panics, round trips hold, and any change to a
//! cursor is refused.

use colophon_service::CursorCodec;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoding_arbitrary_text_never_panics(text in "\\PC{0,100}") {
        let codec = CursorCodec::new(b"a secret for property tests, long enough");
        let _ = codec.decode::<2>("posts", &text);
        let _ = codec.decode::<1>("products", &text);
    }

    #[test]
    fn cursors_round_trip_and_refuse_any_change(a in any::<i64>(), b in any::<i64>(), position in 0usize..32, replacement in "[A-Za-z0-9_-]") {
        let codec = CursorCodec::new(b"a secret for property tests, long enough");
        let cursor = codec.encode("posts", &[a, b]);
        prop_assert_eq!(codec.decode::<2>("posts", &cursor).unwrap(), [a, b]);
        let position = position % cursor.len();
        let mut changed = cursor.clone();
        changed.replace_range(position..position + 1, &replacement);
        if changed != cursor {
            prop_assert!(codec.decode::<2>("posts", &changed).is_err(), "{} accepted", changed);
        }
    }
}
