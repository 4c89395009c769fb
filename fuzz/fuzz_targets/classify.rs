//! End-to-end classification of arbitrary text with the embedded model:
//! segmentation, tokenisation, featurisation, scoring and explanation.
//!
//! Asserts, for the whole text and for each of its sentences: both axes'
//! probabilities are finite, in [0, 1] and sum to 1 (within 1e-3); the
//! scores are in range (hostility in [0, 1], openness in [-1, 1]); scoring
//! is deterministic with a warm scratch; and `explain` agrees with
//! `predict` and only names spans of the sentence (it slices them); and
//! `language::detect` (whole text and each sentence) never panics and is
//! deterministic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stance::{Axis, Classifier, Prediction, Scratch};

fn model() -> &'static Classifier {
    static MODEL: OnceLock<Classifier> = OnceLock::new();
    MODEL.get_or_init(|| stance::model::embedded().expect("the embedded model loads"))
}

fn check(p: &Prediction, what: &str) {
    for axis in Axis::BOTH {
        let probs = p.probs(axis);
        for q in probs {
            assert!(q.is_finite() && (0.0..=1.0).contains(&q), "{what}: {axis:?} {probs:?}");
        }
        let sum: f32 = probs.iter().sum();
        assert!((sum - 1.0).abs() < 1e-3, "{what}: {axis:?} sums to {sum}");
        let score = p.score(axis);
        let range = if axis == Axis::Hostility { 0.0..=1.0 } else { -1.0..=1.0 };
        assert!(range.contains(&score), "{what}: {axis:?} score {score}");
    }
}

fn check_language(text: &str) {
    let verdict = stance::language::detect(text);
    if let Some(reason) = verdict {
        assert!(!reason.to_string().is_empty());
    }
    assert_eq!(stance::language::detect(text), verdict, "detect is not deterministic");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let model = model();
    let mut scratch = Scratch::default();
    let whole = model.predict(text, &mut scratch);
    check(&whole, "whole text");
    assert_eq!(model.predict(text, &mut scratch), whole, "not deterministic");
    check_language(text);
    for span in stance::text::sentences(text) {
        let sentence = &text[span];
        check_language(sentence);
        let p = model.predict(sentence, &mut scratch);
        check(&p, "sentence");
        let axes = stance::explain::explain(model, sentence, &mut scratch);
        for e in &axes {
            assert_eq!(e.probs, p.probs(e.axis), "explain disagrees with predict");
            for c in &e.contributions {
                assert!(c.span.end <= sentence.len(), "contribution span {:?}", c.span);
            }
        }
    }
});
