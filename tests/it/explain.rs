//! Explanations add up: for each axis, the bias plus the contributions of
//! every fired feature equal the model's (pre-temperature) logit of the
//! predicted class, and the explained label is the predicted label.

use std::path::Path;

use stance::explain::explain;
use stance::{Axis, Scratch};

#[test]
fn contributions_plus_bias_equal_the_logit() {
    let model = stance::model::embedded().expect("a model is embedded");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/test.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut scratch = Scratch::default();
    let mut checked = 0;
    for record in reader.records().take(600) {
        let record = record.unwrap();
        let text = &record[1];
        let prediction = model.predict(text, &mut scratch);
        let axes = explain(&model, text, &mut scratch);
        for (ax, axis) in axes.iter().zip(Axis::BOTH) {
            assert_eq!(ax.label, prediction.label(axis), "{text}");
            let sum: f64 = ax
                .contributions
                .iter()
                .map(|c| f64::from(c.contribution))
                .sum();
            let total = f64::from(ax.bias) + sum;
            let logit = f64::from(ax.logit);
            assert!(
                (total - logit).abs() <= 1e-4 * (1.0 + logit.abs()),
                "{text}: bias + contributions = {total}, logit = {logit}"
            );
            for c in &ax.contributions {
                assert_eq!(&text[c.span.clone()], c.text);
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 600);
}

#[test]
fn explanations_point_at_the_words_that_matter() {
    let model = stance::model::embedded().unwrap();
    let mut scratch = Scratch::default();
    let text = "We will never negotiate with these terrorists.";
    let axes = explain(&model, text, &mut scratch);
    let top: Vec<&str> = axes[1]
        .contributions
        .iter()
        .take(5)
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(axes[1].label, "closed");
    assert!(
        top.iter()
            .any(|t| t.contains("never") || t.contains("negotiate")),
        "top features for closed: {top:?}"
    );
}
