//! The word vectors: the shipped table is the one the script derives, it
//! carries meaning, training folds it into the weights so that words never
//! seen in training still score, and a bad table is refused by name.

use std::path::Path;

use sha2::{Digest, Sha256};
use stance::dataset::{Columns, OnError, read_labeled};
use stance::train::{TrainSettings, VectorTable, train};
use stance::vectors::WordVectors;
use stance::{Axis, Classifier, Scratch};

use crate::cli::{data, run, stance, stderr, stdout};
use crate::model_file::tempdir;

/// SHA-256 of `models/word-vectors.bin` as `scripts/derive_word_vectors.py`
/// writes it (also in models/WORD-VECTORS.md).
const SHIPPED_SHA256: &str = "71b8b798c17ed248749fe71820aa9dcd3ddb3bec3c6d79fd3c8b806d0e90e329";

fn shipped_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/word-vectors.bin")
}

#[test]
fn the_shipped_table_is_the_derived_one_and_is_built_in() {
    let bytes = std::fs::read(shipped_path()).unwrap();
    let file = stance::dataset::hex(&Sha256::digest(&bytes));
    assert_eq!(file, SHIPPED_SHA256, "models/word-vectors.bin changed");
    let embedded = WordVectors::embedded().unwrap();
    assert_eq!(embedded.sha256(), SHIPPED_SHA256);
    assert_eq!((embedded.len(), embedded.dims()), (21_745, 128));
}

fn cosine(table: &WordVectors, a: &str, b: &str) -> f32 {
    let (a, b) = (table.get(a).unwrap(), table.get(b).unwrap());
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b))
}

#[test]
fn the_shipped_table_puts_related_words_closer_than_unrelated_ones() {
    let table = WordVectors::embedded().unwrap();
    for (word, related, unrelated) in [
        ("war", "conflict", "breakfast"),
        ("talks", "negotiations", "guitar"),
        ("invasion", "bombardment", "sandwich"),
        ("peace", "treaty", "banana"),
    ] {
        let (near, far) = (
            cosine(&table, word, related),
            cosine(&table, word, unrelated),
        );
        assert!(
            near > far + 0.1,
            "{word}: {related} {near:.3}, {unrelated} {far:.3}"
        );
    }
}

fn small_model(word_vectors: VectorTable) -> Classifier {
    let data = read_labeled(&data("small.csv"), &Columns::default(), OnError::Fail).unwrap();
    let settings = TrainSettings {
        folds: 2,
        word_vectors,
        ..TrainSettings::default()
    };
    train(&data, settings).unwrap()
}

fn p_hostile(model: &Classifier, text: &str) -> f32 {
    model
        .predict(text, &mut Scratch::default())
        .probs(Axis::Hostility)[0]
}

/// None of these words occurs in tests/data/small.csv or in a cue class;
/// all are in the table.
const UNSEEN_IN_SMALL: [&str; 6] = [
    "massacre",
    "carnage",
    "brutality",
    "harmony",
    "goodwill",
    "warmth",
];

#[test]
fn words_never_seen_in_training_get_weight_through_their_vectors() {
    let small = std::fs::read_to_string(data("small.csv"))
        .unwrap()
        .to_lowercase();
    for word in UNSEEN_IN_SMALL {
        assert!(!small.contains(word), "{word} is in small.csv");
    }
    let scores = |model: &Classifier| -> Vec<f32> {
        UNSEEN_IN_SMALL
            .iter()
            .map(|w| p_hostile(model, w))
            .collect()
    };
    // Without vectors an unseen word has no weight: every one scores alike.
    let plain = scores(&small_model(VectorTable::Off));
    assert!(
        plain.iter().all(|&s| s == plain[0]),
        "without vectors: {plain:?}"
    );
    // With them, each scores by its own vector.
    let with_vectors = scores(&small_model(VectorTable::Embedded));
    for (i, a) in with_vectors.iter().enumerate() {
        for b in &with_vectors[i + 1..] {
            assert_ne!(a, b, "with vectors: {with_vectors:?}");
        }
    }
}

/// Words whose stems occur nowhere in datasets/train.csv and in no cue class.
const UNSEEN_HOSTILE: [&str; 8] = [
    "carnage",
    "slaughter",
    "vile",
    "torture",
    "wicked",
    "savage",
    "rampage",
    "monsters",
];
const UNSEEN_FRIENDLY: [&str; 6] = [
    "harmony", "merry", "beloved", "pleasant", "splendid", "bliss",
];

#[test]
fn the_shipped_model_reads_words_it_was_never_trained_on_by_meaning() {
    let train =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/train.csv"))
            .unwrap();
    let model = stance::model::embedded().unwrap();
    let stem = |word: &str| {
        model
            .featurizer()
            .unigram_buckets(word)
            .map(|(stem, _)| stem)
    };
    let trained: std::collections::HashSet<u64> = train
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter_map(stem)
        .collect();
    for word in UNSEEN_HOSTILE.iter().chain(&UNSEEN_FRIENDLY) {
        assert!(
            !trained.contains(&stem(word).unwrap()),
            "{word}'s stem occurs in datasets/train.csv"
        );
    }
    let mean = |words: &[&str], class: usize| {
        words
            .iter()
            .map(|w| {
                model
                    .predict(w, &mut Scratch::default())
                    .probs(Axis::Hostility)[class]
            })
            .sum::<f32>()
            / words.len() as f32
    };
    let (hostile, friendly) = (0, 2);
    assert!(
        mean(&UNSEEN_HOSTILE, hostile) > mean(&UNSEEN_FRIENDLY, hostile) + 0.1,
        "P(hostile) {:.3} vs {:.3}",
        mean(&UNSEEN_HOSTILE, hostile),
        mean(&UNSEEN_FRIENDLY, hostile)
    );
    assert!(
        mean(&UNSEEN_FRIENDLY, friendly) > mean(&UNSEEN_HOSTILE, friendly) + 0.05,
        "P(friendly) {:.3} vs {:.3}",
        mean(&UNSEEN_FRIENDLY, friendly),
        mean(&UNSEEN_HOSTILE, friendly)
    );
}

#[test]
fn train_records_the_table_and_can_go_without_it() {
    let dir = tempdir();
    let train_small = |extra: &[&str], out: &Path| {
        let o = run(stance()
            .args(["train", "--folds", "2", "--bits", "12", "--data"])
            .arg(data("small.csv"))
            .arg("--out")
            .arg(out)
            .args(extra));
        assert!(o.status.success(), "train failed: {}", stderr(&o));
        stdout(&o)
    };
    let said = train_small(&[], &dir.join("with.model"));
    assert!(
        said.contains("word vectors: 21745 words x 128 dims (sha256 71b8b798c17e), scale 0.25"),
        "{said}"
    );
    let info = |model: &Path| {
        stance::model::format::load(model)
            .unwrap()
            .metadata()
            .unwrap()
    };
    let meta = info(&dir.join("with.model"));
    assert_eq!(meta.settings["word_vectors"]["sha256"], SHIPPED_SHA256);
    let said = train_small(&["--word-vectors", "none"], &dir.join("without.model"));
    assert!(!said.contains("word vectors"), "{said}");
    assert!(info(&dir.join("without.model")).settings["word_vectors"].is_null());
}

#[test]
fn a_damaged_table_or_scale_is_refused_by_name_and_writes_nothing() {
    let dir = tempdir();
    let bytes = std::fs::read(shipped_path()).unwrap();
    let damaged = dir.join("cut.bin");
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let out = dir.join("m.model");
    let train = |extra: &[&str]| {
        run(stance()
            .args(["train", "--folds", "2", "--bits", "12", "--data"])
            .arg(data("small.csv"))
            .arg("--out")
            .arg(&out)
            .args(extra))
    };
    let o = train(&["--word-vectors", damaged.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("word vectors {}: truncated", damaged.display())),
        "{err}"
    );
    let missing = dir.join("none-here.bin");
    let o = train(&["--word-vectors", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("none-here.bin"), "{}", stderr(&o));
    let o = train(&["--vector-scale", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("vector_scale"), "{}", stderr(&o));
    assert!(!out.exists(), "a refused run wrote a model");
}
