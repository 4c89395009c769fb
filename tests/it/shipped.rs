//! The shipped model: embedded in the binary, rebuilt byte for byte from
//! `datasets/`, right on sentences whose labels no reader would dispute, and
//! as good on the held-out files as the README says.

use std::path::Path;
use std::process::Stdio;

use stance::{Axis, Scratch};

use crate::cli::stance;
use crate::model_file::tempdir;

#[test]
fn classify_works_from_any_directory_without_flags() {
    let o = stance()
        .args([
            "classify",
            "--format",
            "jsonl",
            "We thank our friends for their generous help.",
        ])
        .current_dir(tempdir())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let row: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(row["hostility"]["label"], "friendly");
}

/// The held-out figures the README states for the shipped model, with a
/// margin for a retrained model that moves within noise: a retrain that
/// falls below them has lost quality users were told they have.
#[test]
fn the_shipped_model_keeps_its_held_out_quality() {
    let model = stance::model::embedded().expect("a model is embedded");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // (file, macro-F1 floor per axis, ECE ceiling)
    let floors = [
        ("datasets/test.csv", [0.89, 0.875], 0.05),
        ("datasets/probes/negation.csv", [0.82, 0.82], 0.06),
        ("datasets/probes/talk-words.csv", [0.86, 0.75], 0.06),
    ];
    let mut scratch = Scratch::default();
    for (file, f1_floor, ece_ceiling) in floors {
        let data = stance::dataset::read_labeled(
            &root.join(file),
            &stance::dataset::Columns::default(),
            stance::dataset::OnError::Fail,
        )
        .unwrap();
        let mut tallies = Axis::BOTH.map(stance::eval::AxisTally::new);
        for example in &data.examples {
            let p = model.predict(&example.text, &mut scratch);
            for (tally, axis) in tallies.iter_mut().zip(Axis::BOTH) {
                tally.add(example.class(axis), p.probs(axis).map(f64::from));
            }
        }
        for ((tally, axis), floor) in tallies.iter().zip(Axis::BOTH).zip(f1_floor) {
            let m = tally.finish();
            assert!(
                m.macro_f1 >= floor,
                "{file} {}: macro-F1 {:.3} below {floor}",
                axis.name(),
                m.macro_f1
            );
            assert!(
                m.ece <= ece_ceiling,
                "{file} {}: ECE {:.3} above {ece_ceiling}",
                axis.name(),
                m.ece
            );
        }
    }
}

#[test]
fn unambiguous_sentences_get_the_right_labels() {
    let model = stance::model::embedded().expect("a model is embedded");
    let cases = [
        (
            "Any attack on our ships will be answered with overwhelming force.",
            "hostile",
            "none",
        ),
        (
            "We strongly condemn the brutal missile strikes on civilian homes.",
            "hostile",
            "none",
        ),
        (
            "We are ready to resume negotiations without preconditions.",
            "neutral",
            "open",
        ),
        (
            "We will never negotiate with these terrorists.",
            "hostile",
            "closed",
        ),
        (
            "The minister warmly thanked Norway for its generous humanitarian assistance.",
            "friendly",
            "none",
        ),
        (
            "The two delegations met in Vienna on Tuesday.",
            "neutral",
            "none",
        ),
        (
            "Both sides agreed to hold a second round of talks next month.",
            "neutral",
            "open",
        ),
        (
            "The government refused to take part in the peace talks.",
            "neutral",
            "closed",
        ),
        (
            "We extend our heartfelt congratulations to the people of Ghana on their independence day.",
            "friendly",
            "none",
        ),
    ];
    let mut scratch = Scratch::default();
    let mut wrong = Vec::new();
    for (text, hostility, diplomacy) in cases {
        let p = model.predict(text, &mut scratch);
        let got = (p.label(Axis::Hostility), p.label(Axis::Diplomacy));
        if got != (hostility, diplomacy) {
            wrong.push(format!(
                "{text:?}: got {got:?}, want ({hostility}, {diplomacy})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn retraining_from_datasets_reproduces_the_shipped_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempdir().join("retrained.model");
    // The README's command for the shipped model.
    let o = stance()
        .args(["train", "--cv-group-column", "register"])
        .arg("--data")
        .arg(root.join("datasets/train.csv"))
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shipped = std::fs::read(root.join("models/stance.model")).unwrap();
    let retrained = std::fs::read(&out).unwrap();
    assert!(
        shipped == retrained,
        "retraining gave a different model file ({} vs {} bytes)",
        retrained.len(),
        shipped.len()
    );
    // The embedded model (head plus a dense table laid out by build.rs) is
    // the shipped file, weight for weight.
    let loaded = stance::model::format::from_bytes(&shipped, "shipped").unwrap();
    let embedded = stance::model::embedded().unwrap();
    assert!(
        embedded.weights() == loaded.weights(),
        "the binary embeds a stale model"
    );
    assert_eq!(embedded.metadata().unwrap(), loaded.metadata().unwrap());
    assert_eq!(stance::model::format::to_bytes(&embedded), shipped);
}
