//! The model loader past its checksum: the input is a model file whose last
//! four bytes are replaced by the CRC-32 of everything before them, so every
//! mutation of the header, labels, metadata, floats and rows reaches the
//! parser (seeded with small valid models and the real one, see ../seed.sh).
//!
//! Asserts: `from_bytes` never panics; a model it accepts round-trips
//! (`to_bytes` gives back the same bytes, except for rows of all zeros,
//! which are dropped on save) and loads again; and it classifies a few
//! sentences with finite probabilities in [0, 1] that sum to 1.
//! (Models that loaded but predicted NaN: fuzz/regressions/model_crc/.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use stance::{Axis, Scratch};

const SENTENCES: &[&str] = &[
    "We will not tolerate any further provocations.",
    "Both sides agreed to resume talks next month.",
    "The ministry said the figures were released on Tuesday?",
    "",
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        let _ = stance::model::format::from_bytes(data, "fuzz");
        return;
    }
    let mut bytes = data.to_vec();
    let n = bytes.len();
    let crc = crc32fast::hash(&bytes[..n - 4]);
    bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
    let Ok(model) = stance::model::format::from_bytes(&bytes, "fuzz") else {
        return;
    };
    let again = stance::model::format::to_bytes(&model);
    let reloaded = stance::model::format::from_bytes(&again, "round trip")
        .expect("a saved model loads again");
    assert_eq!(reloaded.weights(), model.weights(), "weights change on a round trip");
    assert_eq!(
        stance::model::format::to_bytes(&reloaded),
        again,
        "saving is not stable"
    );
    let mut scratch = Scratch::default();
    for s in SENTENCES {
        let p = model.predict(s, &mut scratch);
        for axis in Axis::BOTH {
            let probs = p.probs(axis);
            for q in probs {
                assert!(q.is_finite() && (0.0..=1.0).contains(&q), "{s:?}: {axis:?} {probs:?}");
            }
            let sum: f32 = probs.iter().sum();
            assert!((sum - 1.0).abs() < 1e-3, "{s:?}: {axis:?} sums to {sum}");
        }
    }
});
