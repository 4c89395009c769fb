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
    /// A 95% bootstrap interval for `macro_f1`, when one was asked for
    /// ([`AxisTally::macro_f1_interval`]).
    pub macro_f1_ci95: Option<[f64; 2]>,
}

/// Accumulates predictions of one axis.
#[derive(Clone, Debug)]
pub struct AxisTally {
    axis: Axis,
    confusion: [[usize; 3]; 3],
    log_loss: f64,
    bins: [(usize, f64, usize); CALIBRATION_BINS],
    n: usize,
    /// (truth, predicted) of every row, for resampling.
    outcomes: Vec<[u8; 2]>,
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
            outcomes: Vec::new(),
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
        self.outcomes.push([truth as u8, predicted as u8]);
    }

    /// A 95% percentile-bootstrap interval for macro-F1: `resamples` draws of
    /// as many rows as were added, with replacement, from a fixed seed (the
    /// same rows give the same interval). It says how far the score could
    /// move on another sample of the same kind of text: with a few hundred
    /// rows, several points.
    pub fn macro_f1_interval(&self, resamples: usize) -> Option<[f64; 2]> {
        let n = self.outcomes.len();
        if n == 0 || resamples == 0 {
            return None;
        }
        let mut rng = Resampler::new();
        let mut scores: Vec<f64> = (0..resamples)
            .map(|_| {
                let mut c = [[0usize; 3]; 3];
                for _ in 0..n {
                    let [t, p] = self.outcomes[rng.index(n)];
                    c[usize::from(t)][usize::from(p)] += 1;
                }
                macro_f1(&c)
            })
            .collect();
        scores.sort_by(f64::total_cmp);
        Some(percentile_interval(&scores))
    }

    /// How much higher this tally's macro-F1 is than `baseline`'s, scored on
    /// the same rows in the same order: the difference and a 95% paired
    /// bootstrap interval for it (both models scored on each resample's same
    /// rows, so the rows' own difficulty cancels out). `None` when the
    /// tallies do not hold the same rows or no resamples are asked for.
    pub fn macro_f1_difference(
        &self,
        baseline: &AxisTally,
        resamples: usize,
    ) -> Option<Difference> {
        let n = self.outcomes.len();
        let same_rows = n == baseline.outcomes.len()
            && self
                .outcomes
                .iter()
                .zip(&baseline.outcomes)
                .all(|(a, b)| a[0] == b[0]);
        if n == 0 || resamples == 0 || !same_rows {
            return None;
        }
        let mut rng = Resampler::new();
        let mut diffs: Vec<f64> = (0..resamples)
            .map(|_| {
                let (mut a, mut b) = ([[0usize; 3]; 3], [[0usize; 3]; 3]);
                for _ in 0..n {
                    let i = rng.index(n);
                    let ([t, p], [_, q]) = (self.outcomes[i], baseline.outcomes[i]);
                    a[usize::from(t)][usize::from(p)] += 1;
                    b[usize::from(t)][usize::from(q)] += 1;
                }
                macro_f1(&a) - macro_f1(&b)
            })
            .collect();
        diffs.sort_by(f64::total_cmp);
        Some(Difference {
            difference: macro_f1(&self.confusion) - macro_f1(&baseline.confusion),
            ci95: percentile_interval(&diffs),
        })
    }

    /// The metrics of everything added.
    pub fn finish(&self) -> AxisMetrics {
        let labels = self.axis.labels();
        let c = &self.confusion;
        let n = self.n.max(1) as f64;
        let correct: usize = (0..3).map(|k| c[k][k]).sum();
        let per_class = labels
            .iter()
            .enumerate()
            .map(|(k, &label)| (label, class_metrics(c, k)))
            .collect();
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
            macro_f1: macro_f1(c),
            per_class,
            confusion: self.confusion,
            labels,
            log_loss: self.log_loss / n,
            ece,
            reliability,
            macro_f1_ci95: None,
        }
    }
}

/// Accuracy and macro-F1 of the rows sharing one value of a column.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupScore {
    pub accuracy: f64,
    /// Over the classes present in the group's labels or predictions: a
    /// register with no friendly rows is not marked down for a class it
    /// never had.
    pub macro_f1: f64,
    pub log_loss: f64,
}

/// One group's row count and per-axis scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    pub value: String,
    pub rows: usize,
    pub hostility: GroupScore,
    pub diplomacy: GroupScore,
}

/// Tallies of both axes per value of a column (a register, a source, an
/// outlet). A cell that lists several tags separated by `|` counts toward
/// each of them.
#[derive(Clone, Debug, Default)]
pub struct ByGroup {
    tallies: BTreeMap<String, [AxisTally; 2]>,
}

impl ByGroup {
    /// Adds one row: its group cell, its true class on each axis, and the
    /// probabilities of each axis (in [`Axis::BOTH`] order).
    pub fn add(&mut self, cell: &str, truth: [usize; 2], probs: [[f64; 3]; 2]) {
        for value in cell.split('|').map(str::trim) {
            let tallies = self
                .tallies
                .entry(value.to_string())
                .or_insert_with(|| Axis::BOTH.map(AxisTally::new));
            for (k, tally) in tallies.iter_mut().enumerate() {
                tally.add(truth[k], probs[k]);
            }
        }
    }

    /// The groups, largest first (equal sizes by value).
    pub fn groups(&self) -> Vec<Group> {
        let score = |t: &AxisTally| {
            let m = t.finish();
            GroupScore {
                accuracy: m.accuracy,
                macro_f1: macro_f1_present(&m.confusion),
                log_loss: m.log_loss,
            }
        };
        let mut groups: Vec<Group> = self
            .tallies
            .iter()
            .map(|(value, [h, d])| Group {
                value: value.clone(),
                rows: h.n,
                hostility: score(h),
                diplomacy: score(d),
            })
            .collect();
        groups.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.value.cmp(&b.value)));
        groups
    }
}

/// A difference in macro-F1 between two models on the same rows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub difference: f64,
    pub ci95: [f64; 2],
}

/// Row draws for the bootstrap: a fixed-seed xorshift generator, so the
/// same rows give the same interval on every run.
struct Resampler(u64);

impl Resampler {
    fn new() -> Self {
        Resampler(0x2545_f491_4f6c_dd1d)
    }

    /// A row index in `0..n`; multiply-shift maps the draw onto the range
    /// without a division.
    fn index(&mut self, n: usize) -> usize {
        let s = &mut self.0;
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        ((u128::from(*s) * n as u128) >> 64) as usize
    }
}

/// The 2.5th and 97.5th percentiles of sorted values.
fn percentile_interval(sorted: &[f64]) -> [f64; 2] {
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    [at(0.025), at(0.975)]
}

/// Precision, recall and F1 of class `k` from a confusion matrix.
fn class_metrics(c: &[[usize; 3]; 3], k: usize) -> ClassMetrics {
    let support: usize = c[k].iter().sum();
    let predicted: usize = (0..3).map(|t| c[t][k]).sum();
    let precision = ratio(c[k][k], predicted);
    let recall = ratio(c[k][k], support);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    ClassMetrics {
        precision,
        recall,
        f1,
        support,
    }
}

fn macro_f1(c: &[[usize; 3]; 3]) -> f64 {
    (0..3).map(|k| class_metrics(c, k).f1).sum::<f64>() / 3.0
}

/// Macro-F1 over the classes that occur as a label or a prediction.
fn macro_f1_present(c: &[[usize; 3]; 3]) -> f64 {
    let present: Vec<usize> = (0..3)
        .filter(|&k| (0..3).any(|j| c[k][j] > 0 || c[j][k] > 0))
        .collect();
    if present.is_empty() {
        return 0.0;
    }
    present.iter().map(|&k| class_metrics(c, k).f1).sum::<f64>() / present.len() as f64
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

    #[test]
    fn groups_score_their_own_rows_and_tags_count_toward_each_group() {
        let mut by = ByGroup::default();
        let sure = |k: usize| {
            let mut p = [0.0; 3];
            p[k] = 1.0;
            p
        };
        // "wire": two rows, both axes right; "blog": one right, one wrong.
        by.add("wire", [0, 1], [sure(0), sure(1)]);
        by.add("wire|blog", [1, 1], [sure(1), sure(1)]);
        by.add("blog", [0, 2], [sure(1), sure(2)]);
        let groups = by.groups();
        let names: Vec<&str> = groups.iter().map(|g| g.value.as_str()).collect();
        assert_eq!(names, ["blog", "wire"]);
        let (blog, wire) = (&groups[0], &groups[1]);
        assert_eq!((blog.rows, wire.rows), (2, 2));
        assert_eq!(wire.hostility.accuracy, 1.0);
        assert_eq!(wire.hostility.macro_f1, 1.0);
        assert_eq!(blog.hostility.accuracy, 0.5);
        // blog hostility: hostile 0/1 (F1 0), neutral P=1/2 R=1 (F1 2/3);
        // friendly neither labeled nor predicted, so it is left out.
        assert!((blog.hostility.macro_f1 - (0.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        // Diplomacy: every blog row right, over the two classes it has.
        assert_eq!(blog.diplomacy.macro_f1, 1.0);
        assert!(blog.hostility.log_loss > wire.hostility.log_loss);
    }

    /// `n` rows per class; every fifth row of each class predicted one class over.
    fn tally_of(n: usize) -> AxisTally {
        let mut t = AxisTally::new(Axis::Hostility);
        for k in 0..3 {
            for i in 0..n {
                let mut p = [0.1; 3];
                p[if i % 5 == 0 { (k + 1) % 3 } else { k }] = 0.8;
                t.add(k, p);
            }
        }
        t
    }

    #[test]
    fn the_bootstrap_interval_holds_the_score_and_narrows_with_more_rows() {
        let small = tally_of(40);
        let large = tally_of(1000);
        let f1 = small.finish().macro_f1;
        let [lo, hi] = small.macro_f1_interval(1000).unwrap();
        assert!(lo < f1 && f1 < hi, "{lo} {f1} {hi}");
        let [lo_l, hi_l] = large.macro_f1_interval(1000).unwrap();
        assert!(
            hi_l - lo_l < (hi - lo) / 3.0,
            "{lo_l}..{hi_l} vs {lo}..{hi}"
        );
        // Reproducible, and absent when not asked for or with no rows.
        assert_eq!(small.macro_f1_interval(1000), Some([lo, hi]));
        assert_eq!(small.macro_f1_interval(0), None);
        assert_eq!(AxisTally::new(Axis::Diplomacy).macro_f1_interval(100), None);
    }

    #[test]
    fn a_paired_difference_sees_a_small_consistent_gain_that_separate_intervals_cannot() {
        // The same 600 rows; the better model fixes one in thirty of the
        // baseline's mistakes and makes no new one.
        let (mut better, mut baseline) = (
            AxisTally::new(Axis::Diplomacy),
            AxisTally::new(Axis::Diplomacy),
        );
        for i in 0..600 {
            let truth = i % 3;
            let wrong = i % 4 == 0;
            let fixed = wrong && i % 30 == 0;
            let guess = |right: bool| {
                let mut p = [0.1; 3];
                p[if right { truth } else { (truth + 1) % 3 }] = 0.8;
                p
            };
            baseline.add(truth, guess(!wrong));
            better.add(truth, guess(!wrong || fixed));
        }
        let d = better.macro_f1_difference(&baseline, 1000).unwrap();
        assert!(d.difference > 0.0);
        assert!(d.ci95[0] > 0.0, "{d:?}");
        // Each model's own interval is far wider than the gain.
        let [lo, hi] = better.macro_f1_interval(1000).unwrap();
        assert!(hi - lo > 2.0 * d.difference);
        // Different rows: no comparison.
        let mut other = AxisTally::new(Axis::Diplomacy);
        other.add(0, [0.8, 0.1, 0.1]);
        assert_eq!(better.macro_f1_difference(&other, 1000), None);
    }
}
