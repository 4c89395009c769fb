//! Properties over arbitrary input: no panics, spans on UTF-8 boundaries
//! inside the input, probabilities that are probabilities, determinism.

use std::sync::OnceLock;

use proptest::prelude::*;
use stance::text::{sentences, tokenize_into};
use stance::{Classifier, Scratch};

fn model() -> &'static Classifier {
    static MODEL: OnceLock<Classifier> = OnceLock::new();
    MODEL.get_or_init(|| stance::model::embedded().expect("a model is embedded"))
}

/// Text with the characters that stress a segmenter: stops, quotes, newlines,
/// bullets, digits, non-ASCII and control characters.
fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[A-Za-z]{1,8}",
            2 => Just(" ".to_string()),
            1 => prop::sample::select(vec![
                ".", "!", "?", "...", "…", "\"", "“", "”", "'", "’", "(", ")", "\n", "\n\n", "- ", "• ",
                "U.S.", "Mr.", "3.5", "No. 10", "é", "ß", "İ", "中文", "عربى", "🙂", "\u{0}", "\u{7}", "\r\n",
                ",", ";", ":", "—", "n't", "not",
            ])
            .prop_map(str::to_string),
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sentence_spans_are_ordered_nonempty_and_on_char_boundaries(text in texty()) {
        let mut last_end = 0;
        for span in sentences(&text) {
            prop_assert!(span.start < span.end, "empty span {span:?}");
            prop_assert!(span.start >= last_end, "overlap at {span:?}");
            prop_assert!(span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            prop_assert!(!text[span.clone()].trim().is_empty());
            last_end = span.end;
        }
    }

    #[test]
    fn token_spans_are_on_char_boundaries(text in texty()) {
        let mut tokens = Vec::new();
        tokenize_into(&text, &mut tokens);
        for t in &tokens {
            prop_assert!(t.span.start < t.span.end && t.span.end <= text.len());
            prop_assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
        }
    }

    #[test]
    fn predictions_are_probabilities_and_deterministic(text in texty(), warmup in texty()) {
        let mut fresh = Scratch::default();
        let a = model().predict(&text, &mut fresh);
        let mut warm = Scratch::default();
        model().predict(&warmup, &mut warm);
        let b = model().predict(&text, &mut warm);
        prop_assert_eq!(a, b);
        for probs in [a.hostility, a.diplomacy] {
            prop_assert!(probs.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p)));
            prop_assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        prop_assert!((-1.0..=1.0).contains(&a.openness_score()));
    }

    #[test]
    fn arbitrary_bytes_never_crash_the_model_loader(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(stance::model::format::from_bytes(&bytes, "fuzz").is_err());
    }

    #[test]
    fn arbitrary_bytes_never_crash_the_csv_reader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = std::env::temp_dir().join(format!("stance-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:016x}.csv", stance::features::hash::hash_bytes(&bytes)));
        let mut data = b"text,hostility,diplomacy\n".to_vec();
        data.extend_from_slice(&bytes);
        std::fs::write(&path, &data).unwrap();
        let _ = stance::dataset::read_labeled(&path, &Default::default(), Default::default());
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&dir);
    }
}
