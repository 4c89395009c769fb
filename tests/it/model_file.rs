//! Model files: round trip, and every load check rejects what it should.

use stance::error::ModelProblem;
use stance::model::format::{VERSION, from_bytes, load, save, to_bytes};
use stance::model::{Metadata, Weights};
use stance::{Classifier, Error, FeatureConfig, Scratch};

fn small_model() -> Classifier {
    let config = FeatureConfig {
        bits: 10,
        ..FeatureConfig::default()
    };
    let table = (0..config.buckets() * 6)
        .map(|i| ((i * 7919) % 101) as f32 / 50.0 - 1.0)
        .collect();
    let weights = Weights {
        table,
        bias: [0.1, 0.2, -0.3, 0.0, 0.5, -0.5],
        temperature: [1.2, 0.9],
    };
    model_with(config, weights, 3)
}

/// A classifier from given weights, with placeholder metadata.
fn model_with(config: FeatureConfig, weights: Weights, rows: usize) -> Classifier {
    let meta = Metadata {
        crate_version: "test".into(),
        dataset_sha256: "00".into(),
        rows,
        settings: serde_json::json!({}),
        axes: vec![],
    };
    Classifier::new(config, weights, &meta).unwrap()
}

fn problem(bytes: &[u8]) -> ModelProblem {
    match from_bytes(bytes, "test") {
        Err(Error::Model { problem, .. }) => problem,
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("corrupt model was accepted"),
    }
}

/// Rewrites the trailing checksum so that only the intended check can fail.
fn reseal(bytes: &mut [u8]) {
    let n = bytes.len() - 4;
    let crc = crc32fast::hash(&bytes[..n]);
    bytes[n..].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn round_trip_preserves_predictions_and_bytes() {
    let model = small_model();
    let dir = tempdir();
    let path = dir.join("m.model");
    save(&model, &path).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.weights(), model.weights());
    assert_eq!(to_bytes(&loaded), to_bytes(&model));
    let (mut a, mut b) = (Scratch::default(), Scratch::default());
    let text = "We condemn the reckless drills but remain open to talks.";
    assert_eq!(model.predict(text, &mut a), loaded.predict(text, &mut b));
    assert_eq!(loaded.metadata().unwrap().rows, 3);
}

#[test]
fn rejects_wrong_magic() {
    let mut bytes = to_bytes(&small_model());
    bytes[0] = b'X';
    assert_eq!(problem(&bytes), ModelProblem::BadMagic);
    assert_eq!(problem(b"PK\x03\x04 a zip file"), ModelProblem::BadMagic);
}

#[test]
fn rejects_newer_format_version() {
    let mut bytes = to_bytes(&small_model());
    bytes[8..12].copy_from_slice(&(VERSION + 1).to_le_bytes());
    reseal(&mut bytes);
    assert_eq!(
        problem(&bytes),
        ModelProblem::UnsupportedVersion {
            found: VERSION + 1,
            supported: VERSION
        }
    );
}

#[test]
fn rejects_truncated_model_file() {
    let bytes = to_bytes(&small_model());
    for len in [0, 5, 8, 20, bytes.len() / 2, bytes.len() - 1] {
        let p = problem(&bytes[..len]);
        assert!(
            matches!(
                p,
                ModelProblem::Truncated { .. } | ModelProblem::Checksum { .. }
            ),
            "length {len}: {p:?}"
        );
    }
}

#[test]
fn checksum_catches_any_flipped_byte() {
    let bytes = to_bytes(&small_model());
    for at in (12..bytes.len() - 4).step_by(997) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        assert!(
            matches!(problem(&bad), ModelProblem::Checksum { .. }),
            "flip at {at} not caught"
        );
    }
}

#[test]
fn rejects_dimensions_that_do_not_match_the_file() {
    let model = small_model();
    let bytes = to_bytes(&model);
    // The row count is the u32 just before the first stored row.
    let meta_len = u32::from_le_bytes(bytes[20..24].try_into().unwrap()) as usize;
    let labels_len = u32::from_le_bytes(bytes[16..20].try_into().unwrap()) as usize;
    let rows_at = 24 + labels_len + meta_len + 32;
    let mut more = bytes.clone();
    let rows = u32::from_le_bytes(more[rows_at..rows_at + 4].try_into().unwrap());
    more[rows_at..rows_at + 4].copy_from_slice(&(rows - 1).to_le_bytes());
    reseal(&mut more);
    assert!(matches!(problem(&more), ModelProblem::SizeMismatch { .. }));
    let mut absurd = bytes.clone();
    absurd[rows_at..rows_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    reseal(&mut absurd);
    assert!(matches!(
        problem(&absurd),
        ModelProblem::BadHeader { field: "rows", .. }
    ));
    // A table too small for the stored buckets.
    let big = {
        let config = FeatureConfig {
            bits: 11,
            ..FeatureConfig::default()
        };
        let mut table = vec![0f32; config.buckets() * 6];
        table[2000 * 6] = 1.0;
        let weights = Weights {
            table: table.into(),
            bias: [0.0; 6],
            temperature: [1.0, 1.0],
        };
        to_bytes(&model_with(config, weights, 1))
    };
    let mut shrunk = big.clone();
    shrunk[12] = 10;
    reseal(&mut shrunk);
    assert!(matches!(
        problem(&shrunk),
        ModelProblem::BadHeader {
            field: "row bucket",
            ..
        }
    ));
}

#[test]
fn rejects_absurd_header_sizes_without_allocating_them() {
    let mut bytes = to_bytes(&small_model());
    bytes[12] = 60; // 2^60 rows
    reseal(&mut bytes);
    assert!(matches!(
        problem(&bytes),
        ModelProblem::BadHeader { field: "bits", .. }
    ));
    let mut bytes = to_bytes(&small_model());
    bytes[20..24].copy_from_slice(&u32::MAX.to_le_bytes()); // metadata length
    reseal(&mut bytes);
    assert!(matches!(problem(&bytes), ModelProblem::SizeMismatch { .. }));
    let mut bytes = to_bytes(&small_model());
    bytes[16..20].copy_from_slice(&u32::MAX.to_le_bytes()); // label block length
    reseal(&mut bytes);
    assert!(matches!(problem(&bytes), ModelProblem::SizeMismatch { .. }));
}

#[test]
fn save_replaces_the_target_atomically() {
    let dir = tempdir();
    let path = dir.join("m.model");
    std::fs::write(&path, b"old contents").unwrap();
    save(&small_model(), &path).unwrap();
    assert!(load(&path).is_ok());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// A fresh directory under the target dir, removed at the next run.
pub fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "stance-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Model files the fuzzer made (fuzz/regressions/model_*): each is either
/// rejected with a reason or, if accepted, predicts probabilities that are
/// finite and sum to one.
#[test]
fn fuzzer_found_model_files_are_rejected_or_predict_finite_probabilities() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut seen = 0;
    for dir in ["model_load", "model_crc"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            seen += 1;
            let Ok(model) = stance::model::format::load(&path) else {
                continue;
            };
            let mut scratch = stance::Scratch::default();
            for text in ["We talk.", "They will pay for this aggression.", ""] {
                let p = model.predict(text, &mut scratch);
                for axis in stance::Axis::BOTH {
                    let probs = p.probs(axis);
                    assert!(
                        probs.iter().all(|x| x.is_finite()),
                        "{}: {probs:?}",
                        path.display()
                    );
                    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
                }
            }
        }
    }
    assert!(seen >= 3, "the regression files are in the repository");
}

#[test]
fn weights_and_temperatures_out_of_range_are_rejected() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/model_crc");
    let err = |name: &str| match stance::model::format::load(&root.join(name)) {
        Ok(_) => panic!("{name} should be rejected"),
        Err(e) => e.to_string(),
    };
    assert!(err("nan-probs-denormal-temperature.model").contains("temperatures"));
    assert!(err("nan-probs-huge-bias.model").contains("a bias is not finite or larger than 10000"));
}
