//! Metrics for one axis: accuracy, per-class precision/recall/F1, macro-F1,
//! the confusion matrix, log loss and calibration (expected calibration error
//! over 15 equal-width bins of the top-label probability).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Axis;

/// Number of calibration bins.
pub const CALIBRATION_BINS: usize = 15;

/// Precision, recall, F1 and support of one class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassMetrics {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// One calibration bin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalibrationBin {
    pub lower: f64,
    pub upper: f64,
    pub count: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// All metrics of one axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AxisMetrics {
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Keyed by label word.
    pub per_class: BTreeMap<&'static str, ClassMetrics>,
    /// `confusion[truth][predicted]`, classes in label order.
    pub confusion: [[usize; 3]; 3],
    pub labels: [&'static str; 3],
    pub log_loss: f64,
    pub ece: f64,
    pub reliability: Vec<CalibrationBin>,
}

/// Accumulates predictions of one axis.
#[derive(Clone, Debug)]
pub struct AxisTally {
    axis: Axis,
    confusion: [[usize; 3]; 3],
    log_loss: f64,
    bins: [(usize, f64, usize); CALIBRATION_BINS],
    n: usize,
}

impl AxisTally {
    /// An empty tally.
    pub fn new(axis: Axis) -> Self {
        AxisTally {
            axis,
            confusion: [[0; 3]; 3],
            log_loss: 0.0,
            bins: [(0, 0.0, 0); CALIBRATION_BINS],
            n: 0,
        }
    }

    /// Adds one prediction (`probs` in class order) of a sentence whose true class is `truth`.
    pub fn add(&mut self, truth: usize, probs: [f64; 3]) {
        let predicted = argmax(&probs);
        self.confusion[truth][predicted] += 1;
        self.log_loss -= probs[truth].max(1e-15).ln();
        let confidence = probs[predicted];
        let bin = ((confidence * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
        self.bins[bin].0 += 1;
        self.bins[bin].1 += confidence;
        self.bins[bin].2 += usize::from(predicted == truth);
        self.n += 1;
    }

    /// The metrics of everything added.
    pub fn finish(&self) -> AxisMetrics {
        let labels = self.axis.labels();
        let c = &self.confusion;
        let n = self.n.max(1) as f64;
        let correct: usize = (0..3).map(|k| c[k][k]).sum();
        let mut per_class = BTreeMap::new();
        let mut f1_sum = 0.0;
        for k in 0..3 {
            let support: usize = c[k].iter().sum();
            let predicted: usize = (0..3).map(|t| c[t][k]).sum();
            let precision = ratio(c[k][k], predicted);
            let recall = ratio(c[k][k], support);
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            f1_sum += f1;
            let m = ClassMetrics {
                precision,
                recall,
                f1,
                support,
            };
            per_class.insert(labels[k], m);
        }
        let mut ece = 0.0;
        let mut reliability = Vec::new();
        for (b, &(count, conf_sum, hits)) in self.bins.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let mean_confidence = conf_sum / count as f64;
            let accuracy = hits as f64 / count as f64;
            ece += count as f64 / n * (mean_confidence - accuracy).abs();
            reliability.push(CalibrationBin {
                lower: b as f64 / CALIBRATION_BINS as f64,
                upper: (b + 1) as f64 / CALIBRATION_BINS as f64,
                count,
                mean_confidence,
                accuracy,
            });
        }
        AxisMetrics {
            accuracy: correct as f64 / n,
            macro_f1: f1_sum / 3.0,
            per_class,
            confusion: self.confusion,
            labels,
            log_loss: self.log_loss / n,
            ece,
            reliability,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn argmax(p: &[f64; 3]) -> usize {
    let mut best = 0;
    for k in 1..3 {
        if p[k] > p[best] {
            best = k;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_predictions_score_one() {
        let mut t = AxisTally::new(Axis::Hostility);
        for k in 0..3 {
            let mut p = [0.0; 3];
            p[k] = 1.0;
            t.add(k, p);
        }
        let m = t.finish();
        assert_eq!(m.accuracy, 1.0);
        assert_eq!(m.macro_f1, 1.0);
        assert!(m.ece < 1e-12);
    }

    #[test]
    fn macro_f1_averages_classes() {
        let mut t = AxisTally::new(Axis::Diplomacy);
        // open: 2 right; none: 1 right, 1 called open; closed: never predicted.
        t.add(0, [0.9, 0.05, 0.05]);
        t.add(0, [0.9, 0.05, 0.05]);
        t.add(1, [0.1, 0.8, 0.1]);
        t.add(1, [0.6, 0.3, 0.1]);
        t.add(2, [0.2, 0.7, 0.1]);
        let m = t.finish();
        // open P=2/3 R=1 F1=0.8; none P=1/2 R=1/2 F1=0.5; closed F1=0.
        assert!((m.macro_f1 - (0.8 + 0.5) / 3.0).abs() < 1e-12);
        assert_eq!(m.confusion, [[2, 0, 0], [1, 1, 0], [0, 1, 0]]);
    }
}
