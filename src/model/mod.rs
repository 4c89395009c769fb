//! The classifier: one 3-class linear model per axis over hashed features,
//! with softmax probabilities and a calibration temperature per axis.
//!
//! Weights sit in one table of `2^bits` rows of six floats (three hostility
//! classes, then three diplomacy classes), so each fired feature reads one
//! contiguous row for both axes.

pub mod format;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::features::{FeatureConfig, Featurizer, Scratch};

/// The two axes a sentence is scored on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    Hostility,
    Diplomacy,
}

impl Axis {
    /// Both axes, in table order.
    pub const BOTH: [Axis; 2] = [Axis::Hostility, Axis::Diplomacy];

    /// The label words of the axis, in class order (as `../ANNOTATION.md` names them).
    pub fn labels(self) -> [&'static str; 3] {
        match self {
            Axis::Hostility => ["hostile", "neutral", "friendly"],
            Axis::Diplomacy => ["open", "none", "closed"],
        }
    }

    /// The class index of a label word.
    pub fn class_of(self, label: &str) -> Option<usize> {
        self.labels().iter().position(|l| *l == label)
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Axis::Hostility => "hostility",
            Axis::Diplomacy => "diplomacy",
        }
    }

    fn offset(self) -> usize {
        match self {
            Axis::Hostility => 0,
            Axis::Diplomacy => 3,
        }
    }
}

/// Classes per axis.
pub const CLASSES: usize = 3;
/// Floats per weight-table row: both axes.
pub const ROW: usize = 2 * CLASSES;

/// The probabilities of one sentence on both axes.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Prediction {
    /// P(hostile), P(neutral), P(friendly).
    pub hostility: [f32; 3],
    /// P(open), P(none), P(closed).
    pub diplomacy: [f32; 3],
}

impl Prediction {
    /// The probabilities on one axis.
    pub fn probs(&self, axis: Axis) -> [f32; 3] {
        match axis {
            Axis::Hostility => self.hostility,
            Axis::Diplomacy => self.diplomacy,
        }
    }

    /// The most probable class on one axis (ties go to the lower index).
    pub fn class(&self, axis: Axis) -> usize {
        argmax(&self.probs(axis))
    }

    /// The most probable label word on one axis.
    pub fn label(&self, axis: Axis) -> &'static str {
        axis.labels()[self.class(axis)]
    }

    /// Hostility score: P(hostile), in [0, 1].
    pub fn hostility_score(&self) -> f32 {
        self.hostility[0]
    }

    /// Openness score: P(open) - P(closed), in [-1, 1].
    pub fn openness_score(&self) -> f32 {
        self.diplomacy[0] - self.diplomacy[2]
    }

    /// The score of an axis as the guide defines it.
    pub fn score(&self, axis: Axis) -> f32 {
        match axis {
            Axis::Hostility => self.hostility_score(),
            Axis::Diplomacy => self.openness_score(),
        }
    }
}

/// Index of the largest value (first on ties).
pub fn argmax(v: &[f32; 3]) -> usize {
    let mut best = 0;
    for k in 1..3 {
        if v[k] > v[best] {
            best = k;
        }
    }
    best
}

/// The learned numbers of a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// `2^bits` rows of [`ROW`] floats: owned, or the embedded model's
    /// table read in place.
    pub table: Cow<'static, [f32]>,
    /// Intercepts, in row order.
    pub bias: [f32; ROW],
    /// Calibration temperature per axis (logits are divided by it).
    pub temperature: [f32; 2],
}

/// What a model says about its own training; stored as JSON in the model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub crate_version: String,
    pub dataset_sha256: String,
    pub rows: usize,
    pub settings: serde_json::Value,
    pub axes: Vec<AxisTraining>,
}

/// How one axis was trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AxisTraining {
    pub axis: Axis,
    pub class_counts: [usize; 3],
    pub class_weights: [f64; 3],
    pub alpha: f64,
    pub temperature: f64,
    /// The temperature fitted on all held-out rows together, and on each
    /// fold's held-out rows (absent from models written before they were
    /// recorded).
    #[serde(default)]
    pub pooled_temperature: f64,
    #[serde(default)]
    pub fold_temperatures: Vec<f64>,
    /// Cross-validated macro-F1 for every alpha tried, in grid order.
    pub cv_macro_f1_by_alpha: Vec<(f64, f64)>,
    pub cv_accuracy: f64,
    pub cv_macro_f1: f64,
    pub cv_log_loss: f64,
    /// Optimiser iterations of the final fit on every row (0 in models
    /// written before it was recorded).
    #[serde(default)]
    pub iterations: u64,
}

/// A trained classifier, ready for inference.
pub struct Classifier {
    featurizer: Featurizer,
    weights: Weights,
    metadata_json: String,
}

impl Classifier {
    /// Assembles a classifier from parts (checked by the model file loader or by training).
    pub fn new(config: FeatureConfig, weights: Weights, metadata: &Metadata) -> Result<Self> {
        let metadata_json = serde_json::to_string(metadata).expect("metadata serialises");
        Self::from_parts(config, weights, metadata_json)
    }

    pub(crate) fn from_parts(
        config: FeatureConfig,
        weights: Weights,
        metadata_json: String,
    ) -> Result<Self> {
        debug_assert_eq!(weights.table.len(), config.buckets() * ROW);
        Ok(Classifier {
            featurizer: Featurizer::new(config)?,
            weights,
            metadata_json,
        })
    }

    /// The featurizer this model was trained with.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// The learned weights.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// The training metadata.
    pub fn metadata(&self) -> Result<Metadata> {
        serde_json::from_str(&self.metadata_json).map_err(|e| crate::Error::Model {
            origin: "metadata".into(),
            problem: crate::error::ModelProblem::BadMetadata(e.to_string()),
        })
    }

    pub(crate) fn metadata_json(&self) -> &str {
        &self.metadata_json
    }

    /// Scores one sentence. Allocation-free once `scratch` is warm.
    pub fn predict(&self, sentence: &str, scratch: &mut Scratch) -> Prediction {
        let mut sum = [0f32; ROW];
        let rows = self.rows();
        let value = self
            .featurizer
            .for_each_bucket(sentence, scratch, |bucket| {
                add_row(&mut sum, &rows[bucket as usize])
            });
        self.prediction(self.scaled_logits(sum, value))
    }

    /// Scores an already featurised sentence.
    pub fn predict_buckets(&self, buckets: &[u32], value: f32) -> Prediction {
        self.prediction(self.logits(buckets, value))
    }

    /// Raw (uncalibrated) logits of both axes: bias plus `value` times the
    /// sum of the fired rows.
    pub fn logits(&self, buckets: &[u32], value: f32) -> [f32; ROW] {
        let mut sum = [0f32; ROW];
        let rows = self.rows();
        for &bucket in buckets {
            add_row(&mut sum, &rows[bucket as usize]);
        }
        self.scaled_logits(sum, value)
    }

    fn scaled_logits(&self, sum: [f32; ROW], value: f32) -> [f32; ROW] {
        let mut logits = self.weights.bias;
        for k in 0..ROW {
            logits[k] += value * sum[k];
        }
        logits
    }

    fn prediction(&self, logits: [f32; ROW]) -> Prediction {
        Prediction {
            hostility: softmax(&logits, Axis::Hostility, self.weights.temperature[0]),
            diplomacy: softmax(&logits, Axis::Diplomacy, self.weights.temperature[1]),
        }
    }

    /// The weight table as rows: a bucket's row is one bounds check away.
    fn rows(&self) -> &[[f32; ROW]] {
        bytemuck::cast_slice(&self.weights.table)
    }

    /// The weight of one bucket for one class of one axis.
    pub fn weight(&self, bucket: u32, axis: Axis, class: usize) -> f32 {
        self.weights.table[bucket as usize * ROW + axis.offset() + class]
    }
}

#[inline]
fn add_row(sum: &mut [f32; ROW], row: &[f32; ROW]) {
    for k in 0..ROW {
        sum[k] += row[k];
    }
}

fn softmax(logits: &[f32; ROW], axis: Axis, temperature: f32) -> [f32; 3] {
    let o = axis.offset();
    let z = [
        logits[o] / temperature,
        logits[o + 1] / temperature,
        logits[o + 2] / temperature,
    ];
    let m = z[0].max(z[1]).max(z[2]);
    let e = [(z[0] - m).exp(), (z[1] - m).exp(), (z[2] - m).exp()];
    let s = e[0] + e[1] + e[2];
    [e[0] / s, e[1] / s, e[2] / s]
}

/// The embedded model (`models/stance.model` at build time) without its
/// weight rows; empty if the build had no model. See `build.rs`.
pub static EMBEDDED_HEAD: &[u8] = include_bytes!(env!("STANCE_EMBEDDED_HEAD"));

#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

/// The embedded model's weight table, dense, in native byte order.
static EMBEDDED_TABLE: &Aligned<[u8]> = &Aligned(*include_bytes!(env!("STANCE_EMBEDDED_TABLE")));

/// Loads the embedded model. Its weight table is used where it lies in the
/// executable, so loading reads only the head (a few kilobytes).
pub fn embedded() -> Result<Classifier> {
    if EMBEDDED_HEAD.is_empty() {
        return Err(crate::Error::Model {
            origin: "embedded".into(),
            problem: crate::error::ModelProblem::NotEmbedded,
        });
    }
    let table: &'static [f32] = bytemuck::cast_slice(&EMBEDDED_TABLE.0);
    format::from_head_and_table(EMBEDDED_HEAD, table, "embedded")
}
