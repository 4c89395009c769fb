//! Explanations: which features of a sentence pushed each axis toward its
//! label, as the words they came from, with weight and contribution. For a
//! class, the contributions plus the bias add up to the model's logit.

use std::ops::Range;

use serde::Serialize;

use crate::Scratch;
use crate::features::{FeatureKind, FeatureOrigin};
use crate::model::{Axis, CLASSES, Classifier, Prediction};

/// One feature's pull on the predicted class of one axis.
#[derive(Clone, Debug, Serialize)]
pub struct Contribution {
    /// The words the feature came from.
    pub text: String,
    pub span: Range<usize>,
    /// "word", "not:word", "bigram", "trigram", "cue:THREAT", "question", "scare-quote", "quoted-speech".
    pub feature: String,
    /// Weight of the feature for the predicted class.
    pub weight: f32,
    /// Its addition to the predicted class's logit (weight x feature value).
    pub contribution: f32,
}

/// The explanation of one axis.
#[derive(Clone, Debug, Serialize)]
pub struct AxisExplanation {
    pub axis: Axis,
    pub label: &'static str,
    pub probs: [f32; CLASSES],
    /// Logit of the predicted class: bias plus the sum of all contributions.
    pub logit: f32,
    pub bias: f32,
    /// Every fired feature, largest contribution first.
    pub contributions: Vec<Contribution>,
}

/// Explains both axes of one sentence.
pub fn explain(model: &Classifier, sentence: &str, scratch: &mut Scratch) -> [AxisExplanation; 2] {
    let mut origins = Vec::new();
    let value = model
        .featurizer()
        .features_with_origins(sentence, scratch, &mut origins);
    let prediction: Prediction = model.predict_buckets(&scratch.buckets, value);
    let logits = model.logits(&scratch.buckets, value);
    Axis::BOTH.map(|axis| {
        let class = prediction.class(axis);
        let offset = if axis == Axis::Hostility { 0 } else { CLASSES };
        let mut contributions: Vec<Contribution> = origins
            .iter()
            .map(|o| {
                let weight = model.weight(o.bucket, axis, class);
                Contribution {
                    text: sentence[o.span.clone()].to_string(),
                    span: o.span.clone(),
                    feature: feature_name(o),
                    weight,
                    contribution: weight * value,
                }
            })
            .collect();
        contributions.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
        AxisExplanation {
            axis,
            label: axis.labels()[class],
            probs: prediction.probs(axis),
            logit: logits[offset + class],
            bias: model.weights().bias[offset + class],
            contributions,
        }
    })
}

fn feature_name(o: &FeatureOrigin) -> String {
    match o.kind {
        FeatureKind::Word { negated: false } => "word".into(),
        FeatureKind::Word { negated: true } => "not:word".into(),
        FeatureKind::Bigram => "bigram".into(),
        FeatureKind::Trigram => "trigram".into(),
        FeatureKind::Cue { cue, negated } => {
            format!("{}cue:{}", if negated { "not:" } else { "" }, cue.name())
        }
        FeatureKind::Question => "question".into(),
        FeatureKind::ScareQuote => "scare-quote".into(),
        FeatureKind::QuotedSpeech => "quoted-speech".into(),
    }
}

/// A compact JSON form of an explanation: per axis the label, logit and bias,
/// and the `top` features pushing toward the label and against it.
pub fn summary_json(axes: &[AxisExplanation; 2], top: usize) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for ax in axes {
        let toward: Vec<&Contribution> = ax
            .contributions
            .iter()
            .filter(|c| c.contribution > 0.0)
            .take(top)
            .collect();
        let against: Vec<&Contribution> = ax
            .contributions
            .iter()
            .rev()
            .filter(|c| c.contribution < 0.0)
            .take(top)
            .collect();
        out.insert(
            ax.axis.name().to_string(),
            serde_json::json!({
                "label": ax.label,
                "logit": ax.logit,
                "bias": ax.bias,
                "toward": toward,
                "against": against,
            }),
        );
    }
    serde_json::Value::Object(out)
}
